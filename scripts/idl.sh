#!/usr/bin/env bash
# Regenerate (`write`) or verify (`check`) the committed IDL from the program's code.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cargo build --quiet -p hedge-vault-tests --bin idl
"$CARGO_TARGET_DIR/debug/idl" "${1:-check}"
