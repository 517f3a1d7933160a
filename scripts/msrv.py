#!/usr/bin/env python3
"""Every crate in the on-chain build must accept the Rust of Solana's platform-tools.

    python3 scripts/msrv.py [RUST_VERSION]       (default 1.84)

Lists the packages of the program's build as `cargo build-sbf` resolves them (the
program's own features, not the workspace's union): normal and build dependencies,
host proc-macros included, for every target platform (`--target all`, a superset of
SBF's). Any whose `rust-version` is newer than RUST_VERSION is printed. Exit 0 when
none, 1 when some, 2 when cargo could not be read. Dev-dependencies do not count: they
never reach the `.so`.
"""
import json
import re
import subprocess
import sys

ROOTS = ("hedge_vault", "hedge-math")


def version_tuple(text):
    parts = [int(x) for x in re.findall(r"\d+", text)[:3]]
    return tuple(parts + [0] * (3 - len(parts)))


def cargo(*args):
    return subprocess.run(["cargo", *args], check=True, capture_output=True, text=True).stdout


def main():
    limit_text = sys.argv[1] if len(sys.argv) > 1 else "1.84"
    limit = version_tuple(limit_text)
    try:
        tree = cargo("tree", "--locked", "-e", "normal,build", "--target", "all",
                     "--prefix", "none", "--format", "{p}",
                     *[a for r in ROOTS for a in ("-p", r)])
        meta = json.loads(cargo("metadata", "--format-version", "1", "--locked"))
    except subprocess.CalledProcessError as e:
        print(f"msrv: cargo failed: {e.stderr.strip()[-400:]}")
        return 2
    in_build = set()
    for line in tree.splitlines():
        m = re.match(r"(\S+) v(\S+)", line.strip())
        if m:
            in_build.add((m.group(1), m.group(2)))
    too_new = sorted(
        f'{p["name"]} {p["version"]} needs {p["rust_version"]}'
        for p in meta["packages"]
        if (p["name"], p["version"]) in in_build
        and p.get("rust_version")
        and version_tuple(p["rust_version"]) > limit
    )
    print(f"msrv: {len(in_build)} crates in the program's build; above Rust {limit_text}: {len(too_new)}")
    for line in too_new:
        print(f"  {line}")
    return 1 if too_new else 0


if __name__ == "__main__":
    sys.exit(main())
