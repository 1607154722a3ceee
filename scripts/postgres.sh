#!/usr/bin/env bash
# A project-local PostgreSQL server for tests and benchmarks, on 127.0.0.1 only.
#
#   scripts/postgres.sh [start]   install (apt, when root and missing), initdb .pg/data, start,
#                                 create the database; prints the URL and writes it to .pg/url
#   scripts/postgres.sh stop      stop the server
#   scripts/postgres.sh status    say whether it runs
#   scripts/postgres.sh url       print the URL
#
# Idempotent: running "start" again with the server up only prints the URL.
# Environment: DYAD_PG_DIR (default ./.pg), DYAD_PG_PORT (first port to try, default 54329),
# DYAD_PG_DB (default dyad_test).
# Use it:  export DYAD_TEST_PG_URL="$(scripts/postgres.sh)"
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PGDIR="${DYAD_PG_DIR:-$ROOT/.pg}"
DATA="$PGDIR/data"
PORT_FILE="$PGDIR/port"
URL_FILE="$PGDIR/url"
LOG="$PGDIR/server.log"
DB="${DYAD_PG_DB:-dyad_test}"
FIRST_PORT="${DYAD_PG_PORT:-54329}"
CMD="${1:-start}"

say() { echo "postgres.sh: $*" >&2; }

find_bindir() {
  local dir
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return 0
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

BINDIR="$(find_bindir || true)"
if [ -z "$BINDIR" ]; then
  if [ "$CMD" != "start" ]; then
    say "no PostgreSQL server binaries found"
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing postgresql with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    BINDIR="$(find_bindir || true)"
  fi
  if [ -z "$BINDIR" ]; then
    say "PostgreSQL is not installed; install it (apt-get install postgresql) or run this as root"
    exit 1
  fi
fi

# initdb and the server refuse to run as root: run them as "postgres" then.
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir "$PGDIR" --shell /bin/sh postgres
  fi
  RUN_AS=(runuser -u postgres --)
  command -v runuser >/dev/null 2>&1 || RUN_AS=(su postgres -s /bin/sh -c)
else
  RUN_AS=()
fi

as_pg() {
  if [ "${#RUN_AS[@]}" -eq 0 ]; then
    "$@"
  elif [ "${RUN_AS[0]}" = "su" ]; then
    "${RUN_AS[@]}" "$(printf '%q ' "$@")"
  else
    "${RUN_AS[@]}" "$@"
  fi
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

running() {
  [ -f "$DATA/postmaster.pid" ] && as_pg "$BINDIR/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

url() {
  echo "postgresql://postgres@127.0.0.1:$(cat "$PORT_FILE")/$DB"
}

case "$CMD" in
  start)
    mkdir -p "$PGDIR"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres "$PGDIR"
    fi
    if [ ! -s "$DATA/PG_VERSION" ]; then
      say "initdb $DATA"
      rm -rf "$DATA"
      as_pg "$BINDIR/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null \
        || as_pg "$BINDIR/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
    fi
    if ! running; then
      port="$FIRST_PORT"
      if [ -s "$PORT_FILE" ]; then
        port="$(cat "$PORT_FILE")"
      fi
      tries=0
      while ! port_free "$port"; do
        port=$((port + 1))
        tries=$((tries + 1))
        if [ "$tries" -gt 50 ]; then
          say "no free port from $FIRST_PORT"
          exit 1
        fi
      done
      echo "$port" >"$PORT_FILE"
      say "starting on 127.0.0.1:$port"
      as_pg "$BINDIR/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
        -o "-p $port -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || { say "the server did not start; see $LOG"; tail -n 20 "$LOG" >&2; exit 1; }
    fi
    port="$(cat "$PORT_FILE")"
    if ! "$BINDIR/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
      "$BINDIR/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE DATABASE \"$DB\"" >/dev/null
    fi
    url >"$URL_FILE"
    url
    ;;
  stop)
    if running; then
      as_pg "$BINDIR/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
      say "stopped"
    else
      say "not running"
    fi
    ;;
  status)
    if running; then
      say "running: $(url)"
    else
      say "not running"
      exit 1
    fi
    ;;
  url)
    if [ -s "$URL_FILE" ]; then cat "$URL_FILE"; else say "no URL yet: run scripts/postgres.sh start"; exit 1; fi
    ;;
  *)
    say "usage: scripts/postgres.sh [start|stop|status|url]"
    exit 2
    ;;
esac
