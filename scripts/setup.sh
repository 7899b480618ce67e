#!/usr/bin/env bash
# Idempotent set-up: the virtualenv (.venv) and a PostgreSQL with PostGIS.
# DATABASE_URL set: use that server. Otherwise: the PostgreSQL on 127.0.0.1:5432,
# installed and started here when missing (Debian, as root).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null || die "no apt-get here: install $* with your package manager"
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
    die "not root: run  sudo apt-get update && sudo apt-get install -y $*  and try again"
  fi
  if [ "$APT_UPDATED" -eq 0 ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- Python virtualenv -------------------------------------------------------
PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "Python 3.11 or newer is needed (found $("$PYTHON" --version 2>&1))"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv 2>/dev/null || { apt_install python3-venv; "$PYTHON" -m venv .venv; }
fi
STAMP=.venv/.requirements.sha
WANT=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  say "installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements-dev.txt
  echo "$WANT" > "$STAMP"
fi

# --- PostgreSQL + PostGIS -----------------------------------------------------
if [ -n "${DATABASE_URL:-}" ]; then
  PSQL_URL=${DATABASE_URL/postgresql+psycopg:/postgresql:}
  PSQL_URL=${PSQL_URL%/*}/postgres
else
  PSQL_URL="postgresql://postgres@127.0.0.1:5432/postgres"
  if ! command -v pg_isready >/dev/null || ! pg_isready -q -h 127.0.0.1 -p 5432; then
    if ! command -v pg_ctlcluster >/dev/null; then
      apt_install postgresql postgresql-contrib
    fi
    say "starting PostgreSQL"
    for version in $(ls /etc/postgresql 2>/dev/null); do
      as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
    done
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL does not answer on 127.0.0.1:5432"
  fi
fi
command -v psql >/dev/null || apt_install postgresql-client
has_postgis() {
  [ "$(psql "$PSQL_URL" -Atqc "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")" = "1" ]
}
if ! has_postgis; then
  [ -n "${DATABASE_URL:-}" ] && die "the server of DATABASE_URL has no PostGIS: install it there"
  major=$(psql "$PSQL_URL" -Atqc "SHOW server_version_num" | cut -c1-2)
  apt_install "postgresql-${major}-postgis-3"
  has_postgis || die "PostGIS is still not available to the server"
fi
# GDAL's ogrinfo/ogr2ogr: the OGC API tests read /ogc with it, the ETL benchmark compares with ogr2ogr.
command -v ogrinfo >/dev/null || apt_install gdal-bin
say "ready: .venv and PostgreSQL with PostGIS"

# --- Browser assets of the pages (webmap/pages.py): npm packages copied into webmap/static/vendor ---------
# and Debian's Chromium for the end-to-end tests (tests/e2e). Nothing is loaded from a CDN at run time.
NPM_STAMP=node_modules/.package-lock.sha
NPM_WANT=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$NPM_STAMP" 2>/dev/null)" != "$NPM_WANT" ]; then
  command -v npm >/dev/null || apt_install nodejs npm
  say "npm ci (page assets)"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
  echo "$NPM_WANT" > "$NPM_STAMP"
fi
.venv/bin/python -m webmap.assets
[ -x /usr/bin/chromium ] || apt_install chromium
say "ready: page assets in webmap/static/vendor, Chromium at /usr/bin/chromium"
