"""First run: build the sample warehouse in a background process the UI can watch.

The build runs as `python -m analytics sample --if-missing` in its own process, so
a closed browser tab cannot interrupt it and several sessions opening the app at
once share one build. Its output goes to a log file whose lines are the progress
the first-run screen shows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from analytics.data.warehouse import REPO_ROOT
from analytics.i18n import current

LOG_NAME = "first-run.log"


@dataclass
class SampleBuild:
    """A running (or finished) background build of the sample warehouse."""

    proc: subprocess.Popen[bytes]
    log_path: Path

    @property
    def running(self) -> bool:
        return self.proc.poll() is None

    @property
    def failed(self) -> bool:
        code = self.proc.poll()
        return code is not None and code != 0

    def log_lines(self) -> list[str]:
        """What the build printed so far (progress lines, or the error report)."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        return [line for line in text.splitlines() if line.strip()]


def start_sample_build(folder: Path) -> SampleBuild:
    """Start `python -m analytics sample --if-missing` for `folder`, logging to folder/first-run.log;
    the build reports its progress in the language of the session that started it (CREDIT_LANG)."""
    folder.mkdir(parents=True, exist_ok=True)
    log_path = folder / LOG_NAME
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "analytics", "sample", "--if-missing", "--warehouse", str(folder)],
            cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "CREDIT_LANG": current()},
        )
    return SampleBuild(proc, log_path)
