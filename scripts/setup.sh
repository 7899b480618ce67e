#!/usr/bin/env bash
# Idempotent set-up: the virtualenv (.venv) and a PostgreSQL with PostGIS.
# DATABASE_URL set (environment or .env): use that server. Otherwise: the PostgreSQL on
# 127.0.0.1:5432, installed and started here when missing (Debian, as root).
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
# DATABASE_URL in the environment or in .env: that server, as it is.
# Otherwise the PostgreSQL on 127.0.0.1:5432, installed and started here when missing. If it trusts
# 127.0.0.1 (as a developer's machine may), nothing more. If it asks for a password (Debian's
# default: scram-sha-256 over TCP, peer on the socket), the server's own superuser, over the local
# socket, makes a login role `peta` with a generated password, which goes into .env (mode 600):
# authentication for the network stays as Debian set it. PostGIS is not a trusted extension, so the
# superuser adds it to template1: every database peta creates (the tests' too) has it already.
ENV_FILE=.env
ENV_MARK="# written by scripts/setup.sh"
env_file_url() { [ -f "$ENV_FILE" ] && sed -n 's/^DATABASE_URL=//p' "$ENV_FILE" | tail -n 1 || true; }
PG_LOCAL="127.0.0.1:5432"
export PGCONNECT_TIMEOUT=5

# psql as the local server's superuser: over TCP where it trusts us, else over the socket as the
# postgres OS user.
as_postgres_psql() {
  if psql -w "postgresql://postgres@$PG_LOCAL/postgres" -Atqc 'SELECT 1' >/dev/null 2>&1; then
    psql -w -v ON_ERROR_STOP=1 "postgresql://postgres@$PG_LOCAL/${DB:-postgres}" "$@"
  elif [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1; then
    (cd / && runuser -u postgres -- psql -v ON_ERROR_STOP=1 -p 5432 -d "${DB:-postgres}" "$@")
  elif command -v sudo >/dev/null && id postgres >/dev/null 2>&1; then
    (cd / && sudo -u postgres psql -v ON_ERROR_STOP=1 -p 5432 -d "${DB:-postgres}" "$@")
  else
    die "cannot log in to PostgreSQL on $PG_LOCAL as postgres: set DATABASE_URL to a server with PostGIS, or run this as root"
  fi
}

if [ -n "${DATABASE_URL:-}" ] || { [ -n "$(env_file_url)" ] && ! grep -qxF "$ENV_MARK" "$ENV_FILE"; }; then
  URL=${DATABASE_URL:-$(env_file_url)}
  PSQL_URL=${URL/postgresql+psycopg:/postgresql:}
  PSQL_URL=${PSQL_URL%/*}/postgres
  command -v psql >/dev/null || apt_install postgresql-client
  psql -w "$PSQL_URL" -Atqc 'SELECT 1' >/dev/null || die "the server of DATABASE_URL does not answer ($PSQL_URL)"
  [ "$(psql -w "$PSQL_URL" -Atqc "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")" = "1" ] \
    || die "the server of DATABASE_URL has no PostGIS: install it there"
else
  if ! command -v pg_isready >/dev/null || ! pg_isready -q -h 127.0.0.1 -p 5432; then
    if ! command -v pg_ctlcluster >/dev/null; then
      apt_install postgresql postgresql-contrib
    fi
    say "starting PostgreSQL"
    for version in $(ls /etc/postgresql 2>/dev/null); do
      as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
    done
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL does not answer on $PG_LOCAL"
  fi
  has_postgis() {
    [ "$(as_postgres_psql -Atqc "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")" = "1" ]
  }
  if ! has_postgis; then
    major=$(as_postgres_psql -Atqc "SHOW server_version_num" | cut -c1-2)
    apt_install "postgresql-${major}-postgis-3"
    has_postgis || die "PostGIS is still not available to the server"
  fi
  if ! psql -w "postgresql://postgres@$PG_LOCAL/postgres" -Atqc 'SELECT 1' >/dev/null 2>&1; then
    # The server wants a password: our own role, its password in .env (kept across runs).
    password=$(env_file_url | sed -n 's|^postgresql://peta:\([^@]*\)@.*|\1|p')
    [ -n "$password" ] || password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
    if ! psql -w "postgresql://peta:$password@$PG_LOCAL/postgres" -Atqc 'SELECT 1' >/dev/null 2>&1; then
      say "creating the login role peta (password in .env)"
      as_postgres_psql -q <<SQL >/dev/null
SELECT 'CREATE ROLE peta' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'peta') \\gexec
ALTER ROLE peta LOGIN CREATEDB PASSWORD '$password';
SQL
    fi
    DB=template1 as_postgres_psql -q -c 'CREATE EXTENSION IF NOT EXISTS postgis' >/dev/null
    # DROP DATABASE ... WITH (FORCE) (the tests' throwaway databases) must end an autovacuum worker there.
    as_postgres_psql -q -c 'GRANT pg_signal_backend TO peta' >/dev/null 2>&1 || die "could not grant pg_signal_backend to peta"
    umask 077
    printf '%s\nDATABASE_URL=postgresql://peta:%s@%s/peta_ekonomi\n' "$ENV_MARK" "$password" "$PG_LOCAL" > "$ENV_FILE.tmp"
    mv "$ENV_FILE.tmp" "$ENV_FILE"
    umask 022
    say "database role peta; DATABASE_URL in .env"
  fi
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

# --- Glyphs of the map labels (webmap/glyphs.py): DejaVu Sans as signed distance fields in var/glyphs --------
# served at /fonts/{fontstack}/{range}.pbf; built again only when the builder or the fonts change.
FONT_DIR=/usr/share/fonts/truetype/dejavu
[ -f "$FONT_DIR/DejaVuSans.ttf" ] && [ -f "$FONT_DIR/DejaVuSans-Bold.ttf" ] || apt_install fonts-dejavu-core
GLYPH_STAMP=var/glyphs/.built.sha
GLYPH_WANT=$(cat webmap/glyphs.py "$FONT_DIR/DejaVuSans.ttf" "$FONT_DIR/DejaVuSans-Bold.ttf" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$GLYPH_STAMP" 2>/dev/null)" != "$GLYPH_WANT" ]; then
  say "building the glyphs of the map labels"
  .venv/bin/python -m webmap.glyphs
  echo "$GLYPH_WANT" > "$GLYPH_STAMP"
fi
say "ready: map label glyphs in var/glyphs"
