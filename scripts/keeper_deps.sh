#!/usr/bin/env bash
# The operators' binaries (hedge-keeper, hedge-admin) must not link test code:
# program-test and the bank behind it, the test harness, the DEX stand-in, the sandbox's
# server. Prints the size of each dependency tree (issue 14: the keeper's was 3,542
# lines / 1,037 distinct crates before the split).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$(dirname "$0")/.."
forbidden='^(solana-program-test|solana-banks-server|solana-runtime|hedge-vault-tests|raydium_cpmm_standin|hedge-sandbox|jsonrpsee) '
for bin in hedge-keeper hedge-admin; do
  tree="$(cargo tree -p "$bin" -e normal --locked)"
  found="$(cargo tree -p "$bin" -e normal --locked --prefix none | grep -E "$forbidden" | sort -u || true)"
  if [ -n "$found" ]; then
    echo "$bin links crates it must not:" >&2
    echo "$found" >&2
    exit 1
  fi
  distinct="$(cargo tree -p "$bin" -e normal --locked --prefix none | sort -u | wc -l)"
  echo "$bin: $(printf '%s\n' "$tree" | wc -l) tree lines, $distinct distinct crates; none of program-test, the harness, the stand-in, the sandbox"
done
