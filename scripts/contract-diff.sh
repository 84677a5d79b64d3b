#!/usr/bin/env bash
# `pnpm contract:diff`: fails (exit 1) when the contract changed in a way that breaks clients built on
# the base, with `tidings diff`. Run it from inside the repository:
#   bash scripts/contract-diff.sh --contract <file> [--export <name>]
# The base is $CONTRACT_DIFF_BASE when set; else the merge base with origin/main; on main itself (the
# merge base is HEAD) or without an origin, the previous commit. With a single commit or a shallow
# clone there is nothing to compare with, and it exits 0 saying so.
# A commit since the base whose message has the line "Contract-Change: breaking" accepts a breaking
# change on purpose: the report is printed and the script exits 0.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
base="${CONTRACT_DIFF_BASE:-}"
what='$CONTRACT_DIFF_BASE'
if [ -z "$base" ]; then
  head="$(git rev-parse HEAD)"
  if git rev-parse --verify --quiet 'origin/main^{commit}' >/dev/null; then
    base="$(git merge-base HEAD origin/main || true)"
    what='the merge base with origin/main'
  fi
  if [ -z "$base" ] || [ "$base" = "$head" ]; then
    base="$(git rev-parse --verify --quiet 'HEAD~1^{commit}' || true)"
    what='the previous commit'
  fi
  if [ -z "$base" ]; then
    echo 'contract:diff: no earlier commit to compare with (a single commit, or a shallow clone); nothing to check.'
    exit 0
  fi
fi
echo "contract:diff: comparing with $what ($(git rev-parse --short "$base"))."
status=0
node "$here/../packages/codegen/bin/tidings.mjs" diff --base "$base" "$@" || status=$?
if [ "$status" = 1 ] && git log --format=%B "$base..HEAD" | grep -qix 'Contract-Change: breaking'; then
  echo 'contract:diff: a commit since the base says "Contract-Change: breaking"; the breaking change is accepted.'
  exit 0
fi
exit "$status"
