#!/usr/bin/env bash
# Every check and test of the project. `.ci/run` runs exactly this.
set -euo pipefail
source "$(dirname "$0")/env.sh"

step() { printf '\n==> %s\n' "$*"; }

# program-test logs every transaction at debug level; keep failures readable.
export RUST_LOG="${RUST_LOG:-error}"

step "format"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "IDL is current"
bash scripts/idl.sh check

step "MSRV: the program's crates accept Rust 1.84 (platform-tools); it compiles with rustc 1.85; stack frames"
bash scripts/msrv.sh

step "compute units of the math core on the SBF VM: bit-identical to native, within budget"
bash scripts/cu.sh

step "the operator's binary links no test code (program-test, the harness, the DEX stand-in)"
bash scripts/keeper_deps.sh

step "keeper deploy files: systemd unit and container file"
bash keeper/deploy/check.sh

step "Node clients for the sandbox tests (@solana/web3.js, @coral-xyz/anchor)"
if ! command -v node >/dev/null 2>&1; then
  echo "node (≥ 18) is required for the JavaScript client tests" >&2
  exit 1
fi
# One install for the npm workspace (clients/ts, app, migrations, tests/node). `npm ci`
# when the lock is complete; this machine's npm (with omit-lockfile-registry-resolved)
# leaves other platforms' optional packages out of the lock, which `npm ci` refuses, so
# fall back to an install that honours the lock.
npm ci --no-audit --no-fund --loglevel=error 2>/dev/null \
  || npm install --no-audit --no-fund --loglevel=error

step "TypeScript client: type check, unit tests, build (dist/ for Node)"
# The install builds dist/ too (its prepare script); built again here so Node's copy
# is the source's as tested.
(cd clients/ts && npx tsc --noEmit && npx vitest run && npm run build --silent)

step "migrations: type-check migrations/deploy.ts"
(cd migrations && npx tsc --noEmit)

step "tests (math, program-test integration, property and fuzz, keeper, sandbox endpoint, migrations, backtest)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
cargo test --workspace --lib --bins --tests 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

if [ "$status" -eq 0 ]; then
  step "the keeper's send path against agave's validator (solana-test-validator in process)"
  set +e
  bash scripts/validator_tests.sh 2>&1 | tee -a "$log"
  status=${PIPESTATUS[0]}
  set -e
fi

if [ "$status" -eq 0 ]; then
  step "dApp: unit tests (Vitest), type check and build, browser journey (Chromium)"
  cargo build -q -p hedge-sandbox --bin hedge-sandbox
  set +e
  # No colour: CI sets CI=true, which turns Vitest's colours on, and escape codes would
  # hide the summary line from the count below.
  (cd app && NO_COLOR=1 FORCE_COLOR=0 npx vitest run --reporter=verbose) 2>&1 | tee -a "$log"
  vstatus=${PIPESTATUS[0]}
  # Vitest's summary in the same shape as cargo's, for the closing count (escape codes
  # stripped in case a terminal setting still forced colour).
  sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -Eo 'Tests +[0-9]+ passed' | tail -1 \
    | awk '{ printf "test result: ok. %d passed; 0 failed;\n", $2 }' >> "$log"
  set -e
  [ "$vstatus" -eq 0 ] || status=$vstatus
  if [ "$status" -eq 0 ]; then
    npm --prefix app run build --silent
    if node app/e2e/journey.mjs 2>&1 | tee -a "$log"; then
      echo "test result: ok. 1 passed; 0 failed; (browser journey)" >> "$log"
    else
      echo "test result: FAILED. 0 passed; 1 failed; (browser journey)" >> "$log"
      status=1
    fi
  fi
fi
# One closing line for the whole run, summed over every test binary.
awk '/^test result:/ { p += $4; f += $6 } END { printf "\ntests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
