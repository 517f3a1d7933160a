#!/usr/bin/env bash
# The whole system in one command: builds the TypeScript client and the dApp, then runs
# the sandbox, which serves the dApp on its RPC port. Open the URL it prints
# (http://127.0.0.1:8899/): LPs, the Trade page, the keeper and the hedge history.
# Extra arguments go to hedge-sandbox (e.g. `--port 9000`, `--speed 3000`).
set -euo pipefail
source "$(dirname "$0")/env.sh"
if ! command -v npm >/dev/null 2>&1; then
  echo "npm (node ≥ 18) is required to build the dApp" >&2
  exit 1
fi
echo "==> installing and building the dApp (first run: a minute or two)"
npm ci --no-audit --no-fund --loglevel=error 2>/dev/null \
  || npm install --no-audit --no-fund --loglevel=error
npm --prefix clients/ts run build --silent
npm --prefix app run build --silent
echo "==> starting the sandbox (first run compiles it: several minutes)"
# A series that expires 15 minutes in shows expiry, settlement by the keeper and
# exercise within one sitting; trading on it closes a minute before expiry.
exec cargo run -q -p hedge-sandbox -- --app-dir app/dist --short-series-s 900 --trade-cutoff-s 60 "$@"
