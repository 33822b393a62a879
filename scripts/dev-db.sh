#!/usr/bin/env bash
# Prints a PostgreSQL URL for development and tests, starting a server if needed.
#   scripts/dev-db.sh          -> URL of the "ekinerja" database (created if missing)
#   scripts/dev-db.sh --admin  -> URL of the "postgres" maintenance database
# Order: $DATABASE_URL if set; else the local server at 127.0.0.1:5432; else a
# private cluster under .data/postgres on port 54329 (initdb/pg_ctl from the
# machine's PostgreSQL, run as an unprivileged user when we are root).
# DEV_DB_PRIVATE=1 skips the local server and always uses the private cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-app}
log() { echo "dev-db: $*" >&2; }

if [ -n "${DATABASE_URL:-}" ] && [ "$mode" = app ]; then
  echo "$DATABASE_URL"; exit 0
fi

pgbin() {
  local name=$1
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  if [ -n "$found" ] && [ -x "$found/$name" ]; then echo "$found/$name"; return; fi
  log "PostgreSQL tidak ditemukan: pasang paket 'postgresql' (apt-get install postgresql) atau set DATABASE_URL"; exit 1
}

answers() { # host port
  "$(pgbin pg_isready)" -h "$1" -p "$2" -q -t 2 >/dev/null 2>&1
}

ensure_db() { # host port user
  local psql; psql=$(pgbin psql)
  if ! "$psql" -h "$1" -p "$2" -U "$3" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'ekinerja'" | grep -q 1; then
    "$psql" -h "$1" -p "$2" -U "$3" -d postgres -qc "CREATE DATABASE ekinerja" >&2
    log "database ekinerja dibuat di $1:$2"
  fi
}

emit() { # host port
  if [ "$mode" = --admin ]; then
    echo "postgres://postgres@$1:$2/postgres?sslmode=disable"
  else
    ensure_db "$1" "$2" postgres
    echo "postgres://postgres@$1:$2/ekinerja?sslmode=disable"
  fi
}

if [ -z "${DEV_DB_PRIVATE:-}" ] && answers 127.0.0.1 5432; then
  emit 127.0.0.1 5432; exit 0
fi

# A private cluster under .data/postgres.
port=54329
data="$PWD/.data/postgres"
run="$PWD/.data/run"
if ! answers 127.0.0.1 $port; then
  as=()
  if [ "$(id -u)" = 0 ]; then
    user=postgres
    id "$user" >/dev/null 2>&1 || user=nobody
    mkdir -p "$data" "$run"
    chown -R "$user" "$PWD/.data"
    as=(runuser -u "$user" --)
  else
    mkdir -p "$data" "$run"
  fi
  if [ ! -s "$data/PG_VERSION" ]; then
    log "membuat klaster PostgreSQL pribadi di $data"
    "${as[@]}" "$(pgbin initdb)" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >&2
  fi
  log "menjalankan PostgreSQL pribadi di 127.0.0.1:$port"
  "${as[@]}" "$(pgbin pg_ctl)" -D "$data" -l "$PWD/.data/postgres.log" -w -o "-p $port -k $run -c listen_addresses=127.0.0.1" start >&2
fi
emit 127.0.0.1 $port
