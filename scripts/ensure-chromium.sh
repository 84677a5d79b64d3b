#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium (or $CHROMIUM_PATH) for the browser tests.
set -euo pipefail
bin="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$bin" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: installing Debian's chromium" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "ensure-chromium: $bin is missing. Install it (Debian: sudo apt-get install chromium) or set CHROMIUM_PATH, and run again." >&2
exit 1
