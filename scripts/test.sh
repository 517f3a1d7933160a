#!/usr/bin/env bash
# Every check and test of the project. `.ci/run` runs exactly this.
set -euo pipefail
source "$(dirname "$0")/env.sh"

step() { printf '\n==> %s\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "IDL is current"
bash scripts/idl.sh check

step "tests (math accuracy and properties, program-test integration)"
cargo test --workspace
