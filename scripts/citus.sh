#!/usr/bin/env bash
# citus.sh — a throwaway 3-node Citus cluster (coordinator + 2 workers) for
# the tests, from ../shared/tools/citus (Citus is not packaged by Debian:
# that folder holds its source and builds it into PostgreSQL 15 once per
# machine, ~5 min on 2 cores).
#
#   eval "$(scripts/citus.sh start)"   # prints export WEIJIAN_TEST_CITUS=… and CITUS_TEST_DIR=…
#   scripts/citus.sh stop "$CITUS_TEST_DIR"
#
# The cluster listens on loopback only, on three free ports, with its data in
# a fresh temporary directory that stop deletes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tools=${CITUS_TOOLS:-$here/../../shared/tools/citus}

free_base() {
  # three consecutive free ports
  for _ in $(seq 1 50); do
    local p=$((30000 + RANDOM % 20000)) ok=1
    for q in $p $((p + 1)) $((p + 2)); do
      if (exec 3<>/dev/tcp/127.0.0.1/$q) 2>/dev/null; then ok=0; fi
    done
    if [ $ok = 1 ]; then echo $p; return 0; fi
  done
  echo "citus.sh: no free ports" >&2; return 1
}

case "${1:-}" in
start)
  [ -d "$tools" ] || { echo "citus.sh: $tools not found (the shared/ folder beside the repository)" >&2; exit 1; }
  "$tools/build.sh" >&2
  dir=$(mktemp -d /var/tmp/weijian-citus.XXXXXX)
  chmod 755 "$dir"
  port=$(free_base)
  CITUS_DIR=$dir CITUS_PORT=$port CITUS_DB=weijian CITUS_SHARED_BUFFERS=128MB "$tools/start-cluster.sh" >&2
  echo "export WEIJIAN_TEST_CITUS='postgres://postgres@127.0.0.1:$port/weijian?sslmode=disable'"
  echo "export CITUS_TEST_DIR='$dir'"
  ;;
stop)
  dir=${2:?usage: scripts/citus.sh stop DIR}
  CITUS_DIR=$dir "$tools/stop-cluster.sh" >&2 || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: scripts/citus.sh start | stop DIR" >&2; exit 2
  ;;
esac
