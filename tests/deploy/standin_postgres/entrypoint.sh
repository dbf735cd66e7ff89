#!/bin/sh
# Stands in for the official postgres image's entrypoint, with only what the fleet profile uses:
# POSTGRES_PASSWORD (required), POSTGRES_USER and POSTGRES_DB; initdb into $PGDATA on the first
# start; password (scram) logins from any address; PGPORT chooses the port as it does there.
# Runs as root, then as the postgres user.
set -eu
if [ -z "${POSTGRES_PASSWORD:-}" ]; then
  echo "error: POSTGRES_PASSWORD is not set; the server refuses to start without one" >&2
  exit 1
fi
user="${POSTGRES_USER:-postgres}"
db="${POSTGRES_DB:-$user}"
as_postgres="setpriv --reuid=postgres --regid=postgres --init-groups"
mkdir -p "$PGDATA" /var/run/postgresql
chown postgres:postgres "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  chown postgres "$pwfile"
  $as_postgres initdb --username="$user" --pwfile="$pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  # Create the database with a server on the unix socket only, as the official image does.
  $as_postgres pg_ctl -w -o "-c listen_addresses=''" start >/dev/null
  if [ "$db" != postgres ]; then
    $as_postgres psql -v ON_ERROR_STOP=1 --username="$user" --dbname=postgres \
      -c "CREATE DATABASE \"$db\"" >/dev/null
  fi
  $as_postgres pg_ctl -w -m fast stop >/dev/null
fi
if [ "$1" = postgres ]; then
  shift
  exec $as_postgres postgres -c listen_addresses='*' "$@"
fi
exec "$@"
