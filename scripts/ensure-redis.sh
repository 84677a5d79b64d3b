#!/usr/bin/env bash
# Makes sure a `redis-server` binary is on PATH (tests start their own on a free port).
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-redis: installing Debian's redis-server" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  exit 0
fi
echo "ensure-redis: redis-server is missing. Install it (Debian: sudo apt-get install redis-server) and run again." >&2
exit 1
