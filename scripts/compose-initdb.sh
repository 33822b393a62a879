#!/usr/bin/env bash
# Run once by the postgres image (docker-entrypoint-initdb.d) on an empty
# volume, as the PostgreSQL superuser. Makes the roles docker-compose.yml uses:
#   ekinerja      owner of the ekinerja database, not a superuser; CREATEROLE
#                 so `ekinerja migrate up` can create the database's own
#                 application role (ekinerja_app_ekinerja, migration 0120)
#   ekinerja_web  the LOGIN role `serve` connects as; `migrate up --grant-to
#                 ekinerja_web` makes it a member of that application role
# The superuser's password (POSTGRES_PASSWORD) is used by nothing else.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_pw="$EKINERJA_DB_OWNER_PASSWORD" -v web_pw="$EKINERJA_DB_WEB_PASSWORD" <<'SQL'
CREATE ROLE ekinerja LOGIN NOSUPERUSER CREATEROLE NOCREATEDB PASSWORD :'owner_pw';
CREATE ROLE ekinerja_web LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB PASSWORD :'web_pw';
CREATE DATABASE ekinerja OWNER ekinerja;
REVOKE ALL ON DATABASE ekinerja FROM PUBLIC;
SQL
