"""The command line in Chinese and English: `--lang zh|en` before or after the command (or
CREDIT_LANG) sets the language of its messages, help, report headers and load reports; an
unknown code is refused with exit code 2; `i18n` runs the catalogue tool. A bad input file's
reason reads in Chinese with its file, row, column and value; the warehouse keeps the load's
notes in English and each reader sees them in their own language."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from analytics import i18n
from analytics.cli import main
from analytics.data.ingest import shown
from analytics.data.loader import load
from analytics.policy import Policy
from tests.conftest import ROOT, TINY
from tests.loader.test_bad_input import edit


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_lang_zh_before_or_after_the_command_gives_chinese_headers(capsys, tiny_warehouse):
    args = ["report", "aging", "--as-of", "2024-04-10", "--buckets", "0,30", "--warehouse", str(tiny_warehouse)]
    code, before, _ = run(capsys, "--lang", "zh", *args)
    assert code == 0
    header = before.splitlines()[0].split(",")
    assert header[0] == "账龄区间" and set(header) == {"账龄区间", "未清余额 (CNY)", "单据数", "争议 (CNY)", "占比 %"}
    assert before.splitlines()[1].startswith("未到期,")
    code, after, _ = run(capsys, *args, "--lang", "zh-CN")
    assert code == 0 and after == before
    # English labels by default, the field names with --fields; the language does not leak into the next call
    code, english, _ = run(capsys, *args)
    assert set(english.splitlines()[0].split(",")) == {"Aging bucket", "Outstanding (CNY)", "Items", "Disputed (CNY)",
                                                        "Share %"}
    code, fields, _ = run(capsys, *args, "--fields", "--lang", "zh")
    assert fields.splitlines()[0] == "bucket,outstanding_amt,items,disputed_amt,share_pct"
    assert i18n.current() == "en"


def test_messages_and_help_in_chinese(capsys, tiny_warehouse, monkeypatch):
    code, out, err = run(capsys, "--lang", "zh", "report", "aging", "--as-of", "2024-13-01",
                         "--warehouse", str(tiny_warehouse))
    assert code == 2 and out == ""
    assert err.startswith("错误：") and "不是日期" in err
    monkeypatch.setenv("CREDIT_LANG", "zh")
    with pytest.raises(SystemExit) as done:
        main(["load", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("用法：")
    assert "数据提取日期 YYYY-MM-DD" in text and "显示此帮助信息并退出" in text
    # --lang wins over CREDIT_LANG
    code, _, err = run(capsys, "report", "aging", "--as-of", "2024-13-01", "--warehouse", str(tiny_warehouse),
                       "--lang", "en")
    assert code == 2 and "is not a date (use YYYY-MM-DD)" in err


@pytest.mark.parametrize("argv", [["--lang", "xx", "report", "aging"], ["report", "aging", "--lang=klingon"]])
def test_an_unknown_language_is_refused_with_exit_code_2(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert "unknown language" in err and "en (English), zh (中文)" in err


def test_an_unknown_language_from_the_command_line_process(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "analytics", "--lang", "xx", "warehouse", "clean",
                           "--warehouse", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "error: unknown language 'xx': use one of en (English), zh (中文)" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "analytics", "warehouse", "clean", "--warehouse", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CREDIT_LANG": "cn"})
    assert proc.returncode == 2 and "CREDIT_LANG 'cn'" in proc.stderr


def test_a_bad_file_is_refused_in_chinese(tiny_copy, tmp_path, policy: Policy):
    edit(tiny_copy, "invoices.csv", "I4,C3", "I4,C9")
    proc = subprocess.run([sys.executable, "-m", "analytics", "--lang", "zh", "load", str(tiny_copy), "--warehouse",
                           str(tmp_path / "wh")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert "发现 1 个问题；未导入任何数据，当前数据仓库保持不变。" in proc.stderr
    assert "invoices.csv：未知客户（1 行）" in proc.stderr
    assert "第 5 行，列 customer_id，值 'C9'：customer_id 不在客户表中" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_wrong_number_is_explained_in_chinese(tiny_copy, tmp_path, policy: Policy):
    edit(tiny_copy, "invoices.csv", "2024-03-16,500,", "2024-03-16,five hundred,")
    with i18n.speaking("zh"):
        outcome = load(tiny_copy, policy, tmp_path / "wh")
    assert not outcome.ok
    wrong = [i for i in outcome.issues if i.rule == "wrong type"]
    assert [(i.file, i.row, i.column, i.value) for i in wrong] == [("invoices.csv", 3, "amount", "five hundred")]
    assert wrong[0].message == "amount 必须是数字：按本文件的数字格式（小数点）不是数字"


def test_notes_are_kept_in_english_and_read_in_either_language(tmp_path, policy: Policy):
    with i18n.speaking("zh"):
        outcome = load(TINY, policy, tmp_path / "wh")
    assert outcome.ok
    (note,) = outcome.notes
    assert note.rule == "closed without a date" and note.message.startswith("标记为已开票或已取消但无日期")
    assert note.stored_message == ("marked invoiced or cancelled without its date: open until the extraction date "
                                   "2024-04-20, closed from then on")
    with i18n.speaking("zh"):
        assert shown(note.stored_message) == note.message
        assert shown(outcome.summary["extraction_basis"]) == "最晚的单据日期"  # type: ignore[arg-type]
        assert shown("stated ([export] extracted_on in m.toml)") == "指定（m.toml 中的 [export] extracted_on）"
        assert shown("a text of no known form") == "a text of no known form"
    assert shown(note.stored_message) == note.stored_message


def test_the_load_summary_in_chinese(capsys, tmp_path):
    assert main(["--lang", "zh", "load", str(TINY), "--warehouse", str(tmp_path / "wh")]) == 0
    out, err = capsys.readouterr()
    assert "导入完成，用时" in out and "数据提取日 2024-04-20（最晚的单据日期）：默认截止日期" in out
    assert "发票合计 CNY 3,450.00" in out and "orders.csv：关闭但无日期（1 行）" in out
    assert "正在读取并校验" in err


def test_i18n_runs_the_catalogue_tool(capsys, monkeypatch):
    from analytics import i18n_catalog
    seen: list[list[str]] = []
    monkeypatch.setattr(i18n_catalog, "main", lambda argv: seen.append(argv) or 0)
    for action in ("check", "extract", "update"):
        assert main(["i18n", action]) == 0
    assert seen == [["check"], ["extract"], ["update"]]
    with pytest.raises(SystemExit) as done:
        main(["i18n", "compile"])
    assert done.value.code == 2


def test_the_policy_error_in_chinese(tmp_path, capsys):
    from analytics.policy import DEFAULT_POLICY_PATH
    bad = tmp_path / "policy.toml"
    bad.write_text(DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace("lgd_pct = 45.0", "lgd_pct = 145.0", 1),
                   encoding="utf-8")
    code, _, err = run(capsys, "--lang", "zh", "load", str(TINY), "--policy", str(bad), "--warehouse",
                       str(tmp_path / "wh"))
    assert code == 2 and "错误：信用政策：lgd_pct 145.0 必须在 0 到 100 之间" in err


def test_the_committee_pack_in_chinese(tmp_path, capsys, monkeypatch):
    import fastexcel
    monkeypatch.setenv("CREDIT_STORE_URL", f"sqlite:///{tmp_path / 'decisions.sqlite'}")
    folder = tmp_path / "wh_cn"
    assert main(["load", str(ROOT / "sample_data" / "erp_cn"), "--mapping",
                 str(ROOT / "sample_data" / "mappings" / "erp_cn.toml"), "--warehouse", str(folder)]) == 0
    out = Path(tmp_path / "pack.xlsx")
    assert main(["pack", "--as-of", "2024-03-20", "--format", "xlsx", "--out", str(out), "--warehouse", str(folder),
                 "--lang", "zh"]) == 0
    assert "委员会会议材料（XLSX" in capsys.readouterr().out
    assert "议程" in fastexcel.read_excel(out).sheet_names
