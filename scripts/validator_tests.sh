#!/usr/bin/env bash
# The keeper's send path against agave's own validator: the `solana-test-validator`
# crate in process (validator-tests/, its own workspace and lock). Needs libclang
# (RocksDB's bindings), libudev and pkg-config (hidapi), which `.ci/run` installs from
# Debian, and a C++ compiler.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cargo fmt --manifest-path validator-tests/Cargo.toml -- --check
# One test thread: the validator takes its ports and both cores.
cargo test --manifest-path validator-tests/Cargo.toml --locked -- --test-threads 1
