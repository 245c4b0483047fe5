#!/usr/bin/env bash
# pg.sh — a throwaway PostgreSQL cluster for the tests.
#
#   eval "$(scripts/pg.sh start)"   # prints export WEIJIAN_TEST_POSTGRES=… and PG_TEST_DIR=…
#   scripts/pg.sh stop "$PG_TEST_DIR"
#
# Installs Debian's postgresql-15 with apt-get when no server is found,
# runs initdb in a fresh temporary directory on a free port (listening on
# 127.0.0.1 only), and starts the server. As root, the server runs as the
# "postgres" user, since PostgreSQL refuses to run as root.
set -euo pipefail

find_bin() {
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

install_pg() {
  echo "pg.sh: PostgreSQL server not found, installing postgresql-15 with apt-get…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql-15 >&2
}

free_port() {
  python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local bin dir port
  bin=$(find_bin) || { install_pg; bin=$(find_bin); }
  dir=$(mktemp -d /tmp/weijian-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  port=$(free_port)
  as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >&2 || { cat "$dir/server.log" >&2; exit 1; }
  echo "export PG_TEST_DIR=$dir"
  echo "export PG_TEST_BIN=$bin"
  echo "export WEIJIAN_TEST_POSTGRES=postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
}

stop() {
  local dir=${1:?usage: pg.sh stop DIR} bin
  bin=$(find_bin) || return 0
  [ -d "$dir/data" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
