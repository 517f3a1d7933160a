#!/usr/bin/env bash
# The keeper's send path against agave's own validator: the `solana-test-validator`
# crate in process (validator-tests/, its own workspace and lock). Needs libclang
# (RocksDB's bindings), libudev and pkg-config (hidapi) and protoc (etcd-client), which
# `.ci/run` installs from Debian, and a C++ compiler.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cargo fmt --manifest-path validator-tests/Cargo.toml -- --check
# The two workspaces share the target directory (most of agave's crates are built once),
# but the project's own path crates resolve to other dependency builds here, under the
# same output names: rebuild them for this workspace (four small crates) so neither
# links the other's.
cargo clean --manifest-path validator-tests/Cargo.toml \
  -p hedge_vault -p hedge-math -p hedge-vault-client -p hedge-keeper 2>/dev/null
# One test thread: the validator takes its ports and both cores.
cargo test --manifest-path validator-tests/Cargo.toml --locked -- --test-threads 1
