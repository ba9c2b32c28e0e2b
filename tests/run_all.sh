#!/usr/bin/env bash
# Sets up everything the tests need on a fresh machine, then runs every tier:
# unit, sql, loader, app (AppTest) and e2e (a real Chromium browser).
# Usage: bash tests/run_all.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  "${PYTHON:-python3}" -m venv .venv
fi
# shellcheck disable=SC1091
. .venv/bin/activate
python -m pip install -q --disable-pip-version-check -r requirements.txt -r tests/requirements.txt
# the project itself, as a package (editable: the tree stays the source)
python -m pip install -q --disable-pip-version-check --no-deps -e .

if [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian's chromium for the browser tests" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi

mkdir -p tests/artifacts
python -m pytest -ra "$@"
