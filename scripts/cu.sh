#!/usr/bin/env bash
# The math core's compute units on the SBF VM, measured with ../shared/sbf-cu.
#
#   bash scripts/cu.sh
#
# 1. sbf-cu's setup (Debian rustc 1.85 + LLVM 19, its BPF back end and interpreter),
#    built once into $SBF_CU_CACHE (default ~/.cache/sbf-cu);
# 2. build.sh compiles crates/hedge-math/cu's cu_* functions for BPF with SBF's
#    conventions, against the workspace's Cargo.lock;
# 3. the host runner writes the batch (every row of tests/data/bsm_reference.csv, the
#    same rows stressed, a typical grid, edges, scalars) and runs it natively;
# 4. sbf-run runs it on the counting interpreter;
# 5. the report requires every output bit-identical to the native build, prints
#    `cu <function> <min> <median> <max> <stack_bytes>`, and fails when a function is
#    over its budget in crates/hedge-math/cu/budgets.txt;
# 6. scripts/cu_table.py turns it into the per-instruction table.
set -euo pipefail
source "$(dirname "$0")/env.sh"

# The meter lives beside the checkout (../shared/sbf-cu); SBF_CU overrides.
if [ -z "${SBF_CU:-}" ]; then
  for d in "$ROOT/../shared/sbf-cu" /work/shared/sbf-cu; do
    if [ -x "$d/build.sh" ]; then SBF_CU="$d"; break; fi
  done
fi
if [ ! -x "${SBF_CU:-}/build.sh" ]; then
  echo "scripts/cu.sh: the compute meter (sbf-cu) is not at ../shared/sbf-cu or /work/shared/sbf-cu; set SBF_CU to its folder" >&2
  exit 2
fi
OUT="$CARGO_TARGET_DIR/cu"
mkdir -p "$OUT"

"$SBF_CU/setup.sh" --quiet
"$SBF_CU/build.sh" crates/hedge-math/cu "$OUT/bpf" --lockfile Cargo.lock >"$OUT/build.log" 2>&1 \
  || { cat "$OUT/build.log" >&2; echo "scripts/cu.sh: build.sh failed" >&2; exit 1; }

cargo build -q -p hedge-math-cu-host
HOST="$CARGO_TARGET_DIR/debug/hedge-math-cu-host"
"$HOST" inputs tests/data/bsm_reference.csv >"$OUT/batch.jsonl"
"$HOST" native "$OUT/batch.jsonl" >"$OUT/native.jsonl"
"$SBF_CU/sbf-run" "$OUT/bpf" --batch "$OUT/batch.jsonl" --keep-going >"$OUT/sbf.jsonl"
"$HOST" report "$OUT/batch.jsonl" "$OUT/sbf.jsonl" "$OUT/native.jsonl" crates/hedge-math/cu/budgets.txt \
  | tee "$OUT/report.txt"
# 6. the per-instruction table (README): measured math + modelled non-math work; fails
#    when an instruction is over 300k CU at 32 open series.
python3 scripts/cu_table.py "$OUT/report.txt"
