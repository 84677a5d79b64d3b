#!/usr/bin/env bash
# Everything `pnpm test` needs beyond node_modules: a redis-server binary and Chromium.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/ensure-redis.sh"
bash "$here/ensure-chromium.sh"
