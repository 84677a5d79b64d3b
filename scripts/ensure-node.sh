#!/usr/bin/env bash
# Prints the bin folder of Node.js <major> (22, 24, 26, …), installing it first when missing.
# Node is taken from the npm registry's `node-linux-<arch>` packages, never from anywhere else.
set -euo pipefail
major="${1:?usage: ensure-node.sh <major>}"
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "ensure-node: no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac
root="${TIDINGS_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tidings/node}/$major"
bin="$root/package/bin"
if [ -x "$bin/node" ] && [ "$("$bin/node" -p 'process.versions.node.split(".")[0]')" = "$major" ]; then
  echo "$bin"
  exit 0
fi
echo "ensure-node: installing node-linux-$arch@$major from the npm registry" >&2
rm -rf "$root" && mkdir -p "$root"
tarball="$(cd "$root" && npm pack "node-linux-$arch@$major" --silent)"
tar -xzf "$root/$tarball" -C "$root"
rm -f "$root/$tarball"
"$bin/node" --version >&2
echo "$bin"
