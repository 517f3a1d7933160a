#!/usr/bin/env bash
# The program on Solana's toolchain's Rust, as far as this machine can tell:
#
#   bash scripts/msrv.sh
#
# 1. every crate of the program's build declares a rust-version ≤ 1.84 (platform-tools
#    v1.51's Rust) or none (scripts/msrv.py);
# 2. the program compiles with Debian's rustc 1.85 (`rustc-web`, the closest compiler
#    here; installed by ../shared/sbf-cu/setup.sh or `apt-get install cargo-web`);
# 3. the largest stack frames of the program's own code, from that build with
#    `-Z emit-stack-sizes` (x86_64 frames: SBF's differ, but a frame near 4 KiB here is
#    one to box). Fails when a frame reaches 4,096 bytes.
set -euo pipefail
source "$(dirname "$0")/env.sh"

python3 scripts/msrv.py 1.84

CARGO185="${CARGO185:-/usr/bin/cargo}"
RUSTC185="${RUSTC185:-/usr/bin/rustc}"
if ! "$RUSTC185" --version 2>/dev/null | grep -q '^rustc 1\.85\.'; then
  echo "scripts/msrv.sh: Debian's rustc 1.85 is not at $RUSTC185 (apt-get install rustc-web cargo-web)" >&2
  exit 2
fi
export CARGO_TARGET_DIR="$CARGO_TARGET_DIR/rust-1.85"
export RUSTC="$RUSTC185"
"$CARGO185" build --locked --quiet --release --lib -p hedge_vault
echo "msrv: hedge_vault compiles with $("$RUSTC185" --version)"

# Stack frames: only the program crate is rebuilt with the flag (RUSTC_BOOTSTRAP names it).
RUSTC_BOOTSTRAP=hedge_vault "$CARGO185" rustc --locked --quiet --release --lib -p hedge_vault \
  --crate-type rlib -- -Z emit-stack-sizes
rlib=$(ls -t "$CARGO_TARGET_DIR"/release/deps/libhedge_vault-*.rlib | head -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && ar x "$rlib")
READOBJ="${READOBJ:-llvm-readobj-19}"
"$READOBJ" --stack-sizes "$work"/*.o 2>/dev/null | python3 -c '
import re, sys
# llvm-readobj prints `Functions: [name]` then `Size: 0x..` per entry.
frames, fn = {}, None
for line in sys.stdin:
    m = re.match(r"\s*Functions: \[(.*)\]", line)
    if m:
        fn = m.group(1)
        continue
    m = re.match(r"\s*Size: 0x([0-9a-fA-F]+)", line)
    if m and fn:
        frames[fn] = max(frames.get(fn, 0), int(m.group(1), 16))
        fn = None
def plain(name):
    for a, b in (("$LT$", "<"), ("$GT$", ">"), ("$u20$", " "), ("$RF$", "&"), ("$C$", ","), ("..", "::")):
        name = name.replace(a, b)
    return re.sub(r"::h[0-9a-f]{16}$", "", name.lstrip("_"))
for fn, size in sorted(frames.items(), key=lambda kv: -kv[1]):
    print(size, plain(fn))
' >"$work/frames.txt"
echo "stack: largest frames of hedge_vault (bytes, x86_64 release build):"
head -10 "$work/frames.txt" | sed 's/^/  /'
top=$(head -1 "$work/frames.txt" | awk '{print $1}')
if [ "${top:-0}" -ge 4096 ]; then
  echo "stack: a frame of $top bytes reaches SBF's 4 KiB limit" >&2
  exit 1
fi
