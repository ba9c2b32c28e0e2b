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

# Debian packages the tiers need: Chromium (browser tests), the CJK fonts (pages and the PDF
# pack), Pango (WeasyPrint's layout) and PostgreSQL (the decisions store's second database)
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)  # no -q: with pipefail an early exit fails the pipe
ldconfig -p 2>/dev/null | grep "libpangoft2-1.0.so.0" >/dev/null || need+=(libpango-1.0-0 libpangoft2-1.0-0)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian's ${need[*]} for the tests" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# A throwaway PostgreSQL cluster on a free port for the store tests (stopped on exit)
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
PG_ROOT="$(mktemp -d /tmp/credit-pg.XXXXXX)"
PG_PORT="$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
as_pg() {  # initdb and postgres refuse to run as root: run them as Debian's postgres user then
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$PG_ROOT"
stop_pg() {
  as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_ROOT"
}
trap stop_pg EXIT
as_pg "$PG_BIN/initdb" -D "$PG_ROOT/data" -A trust -U credit --no-sync >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -l "$PG_ROOT/log" -w \
  -o "-p $PG_PORT -k $PG_ROOT -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null
export CREDIT_TEST_PG_URL="postgresql+psycopg://credit@127.0.0.1:$PG_PORT/postgres"
export CREDIT_TEST_PG_REQUIRED=1

mkdir -p tests/artifacts
python -m pytest -ra "$@"
