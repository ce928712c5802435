#!/usr/bin/env bash
# A throwaway PostgreSQL + PostGIS cluster for the store tests (tests/test_store.py).
#
#   scripts/postgis-test-cluster.sh start   # install what is missing, start, print the URL
#   scripts/postgis-test-cluster.sh url     # print the URL of the running cluster
#   scripts/postgis-test-cluster.sh stop    # stop it and remove its folder
#
# The cluster lives in ${FOOTPRINT_PG_DIR:-${TMPDIR:-/tmp}/footprint-pg-$UID}, listens on a
# Unix socket in that folder and on 127.0.0.1 at a free port (never on another address),
# trusts local connections only, and holds the database footprint_test. Run as root, the
# server runs as the `postgres` user. `start` and `stop` may be repeated: a running cluster
# is reused, a stopped or half-made one is started or made anew (make test gives each run a
# folder of its own with FOOTPRINT_PG_DIR, so runs side by side do not stop each other's
# server). Only the URL goes to stdout:
#   export FOOTPRINT_TEST_DATABASE_URL=$(scripts/postgis-test-cluster.sh start)
set -euo pipefail

PG_VERSION=15
BIN=/usr/lib/postgresql/$PG_VERSION/bin
PACKAGES=(postgresql "postgresql-$PG_VERSION" "postgresql-$PG_VERSION-postgis-3")
DATABASE=footprint_test
DIR=${FOOTPRINT_PG_DIR:-${TMPDIR:-/tmp}/footprint-pg-$(id -u)}
DATA=$DIR/data
SOCKET=$DIR/run
LOG=$DIR/postgres.log
MARK=$DIR/.footprint-test-cluster

say() { echo "postgis-test-cluster: $*" >&2; }
die() { say "$*"; exit 1; }

if [ "$(id -u)" = 0 ]; then
  SUDO=()
  as_server() { (cd "$DIR" && runuser -u postgres -- "$@"); }
else
  SUDO=(sudo)
  as_server() { (cd "$DIR" && "$@"); }
fi

install_packages() {
  local missing=() package
  for package in "${PACKAGES[@]}"; do
    # (dpkg -s also succeeds for a removed package whose configuration files remain)
    [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" = "install ok installed" ] \
      || missing+=("$package")
  done
  [ ${#missing[@]} = 0 ] && return 0
  say "installing Debian's ${missing[*]}"
  "${SUDO[@]}" apt-get update -q >&2
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

port() { sed -n 's/^port = \([0-9]*\)$/\1/p' "$DATA/postgresql.conf" 2>/dev/null | tail -n 1; }

url() { echo "postgresql://postgres@127.0.0.1:$(port)/$DATABASE"; }

running() { [ -f "$DATA/PG_VERSION" ] && as_server "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

remove_dir() {
  # Only a folder this script made is removed.
  if [ -d "$DIR" ] && [ -n "$(ls -A "$DIR")" ]; then
    [ -f "$MARK" ] || die "$DIR was not made by this script: not removing it"
    rm -rf -- "$DIR"
  elif [ -d "$DIR" ]; then
    rmdir -- "$DIR"
  fi
}

make_cluster() {
  remove_dir
  mkdir -p "$DIR"
  touch "$MARK"
  mkdir -p "$SOCKET"
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres: "$DIR"
    runuser -u postgres -- test -w "$DIR" \
      || die "the postgres user cannot write to $DIR: set FOOTPRINT_PG_DIR or TMPDIR"
  fi
  chmod 700 "$DIR"
  as_server "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 --no-instructions >"$DIR/initdb.log" 2>&1 \
    || { tail -n 20 "$DIR/initdb.log" >&2; die "initdb failed"; }
  # Local connections only: the socket and the loopback address.
  printf '%s\n' "local all all trust" "host all all 127.0.0.1/32 trust" \
    | as_server tee "$DATA/pg_hba.conf" >/dev/null
  # A throwaway cluster: no durability needed, so no fsync.
  printf '%s\n' "listen_addresses = '127.0.0.1'" "unix_socket_directories = '$SOCKET'" \
    "fsync = off" "synchronous_commit = off" "full_page_writes = off" "max_connections = 60" \
    | as_server tee -a "$DATA/postgresql.conf" >/dev/null
}

start_server() {
  local attempt
  for attempt in 1 2 3 4 5; do
    echo "port = $(free_port)" | as_server tee -a "$DATA/postgresql.conf" >/dev/null
    if as_server "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null; then
      return 0
    fi
    say "the server did not start (attempt $attempt)"
  done
  tail -n 20 "$LOG" >&2 || true
  die "PostgreSQL did not start"
}

psql_() { as_server "$BIN/psql" -X -q -h "$SOCKET" -p "$(port)" -U postgres "$@"; }

start() {
  install_packages
  [ -x "$BIN/initdb" ] || die "$BIN/initdb is missing after installing ${PACKAGES[*]}"
  if ! running; then
    [ -f "$DATA/PG_VERSION" ] && [ -f "$MARK" ] || make_cluster
    start_server
  fi
  if [ -z "$(psql_ -d postgres -tA -c "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" ]
  then
    as_server "$BIN/createdb" -h "$SOCKET" -p "$(port)" -U postgres "$DATABASE"
  fi
  psql_ -d "$DATABASE" -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null 2>&1 \
    || die "PostGIS could not be enabled: is postgresql-$PG_VERSION-postgis-3 installed?"
  say "running in $DIR (socket folder $SOCKET)"
  url
}

stop() {
  if running; then
    as_server "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
  fi
  remove_dir
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) running || die "no cluster is running in $DIR: run '$0 start'"; url ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
