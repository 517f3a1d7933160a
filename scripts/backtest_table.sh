#!/usr/bin/env bash
# The hedging-quality table: fixed-interval hedging of sandbox/backtests/call-60d.toml
# every 4, 2, 1 and 0.5 days, on the ideal pool and on a real one ($2M a side, 25 bps).
# Usage: bash scripts/backtest_table.sh [paths]   (default: the file's 1,000)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$(dirname "$0")/.."
paths="${1:-}"
cargo build --release -q -p hedge-sandbox --bin hedge-backtest
bin="$CARGO_TARGET_DIR/release/hedge-backtest"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
printf '| pool | interval (days) | performance_measure | mean PV cost | premium | hedges/path | DEX fees/path | slippage/path | seconds |\n|---|---|---|---|---|---|---|---|---|\n'
for pool in ideal real; do
  for d in 4 2 1 0.5; do
    cfg="$tmp/$pool-$d.toml"
    sed -e "s/^interval_days = .*/interval_days = $d/" sandbox/backtests/call-60d.toml > "$cfg"
    if [ "$pool" = real ]; then
      sed -i -e 's/^ideal_dex = true/pool_depth = 2000000.0\npool_fee_bps = 25.0/' "$cfg"
    fi
    if [ -n "$paths" ]; then sed -i -e "s/^paths = .*/paths = $paths/" "$cfg"; fi
    json="$("$bin" --config "$cfg" 2>/dev/null | grep '^{')"
    python3 - "$pool" "$d" "$json" <<'PY'
import json, sys
pool, d, j = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
print(f"| {pool} | {d} | {j['performance_measure']:.4f} | {j['mean_pv_cost']:.2f} | {j['premium']:.2f} | {j['rebalances_per_path']:.1f} | {j['dex_fees_paid']:.4f} | {j['slippage_paid']:.4f} | {j['seconds']:.0f} |")
PY
  done
done
