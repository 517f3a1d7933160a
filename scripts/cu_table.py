#!/usr/bin/env python3
"""The per-instruction compute-unit table (README, "Compute budget per instruction").

    python3 scripts/cu_table.py REPORT        # REPORT: `scripts/cu.sh`'s `cu ...` lines

Each instruction's cost at n = 1, 8 and 32 open series is

    math (measured)  = marks × cu_mark + prices × cu_price + shares × cu_share
                       + liability bounds × cu_liabilities + other sums
    non-math (model) = the figures below, from public sources

using the meter's *maximum* for every math function. The math counts are the ones
`tests/tests/compute_budget.rs` asserts through the bank (evaluations and shares), so a
change that adds math to an instruction fails there first. Exits 1 when an instruction
is over BUDGET at n = 32.
"""

import sys

BUDGET = 300_000
NS = (1, 8, 32)

# --- Non-math figures (CU) and where they come from ------------------------------------
# agave's compute budget (program-runtime/src/execution_budget.rs, defaults):
INVOKE = 1_000  # invoke_units: every CPI
PDA_TRY = 1_500  # create_program_address_units: one hash (find_program_address: per try)
SYSVAR = 100  # sysvar_base_cost (+ size / cpi_bytes_per_unit): Clock
LOG = 100  # syscall_base_cost: one msg! (Anchor logs the instruction's name)
# SPL Token per instruction, mainnet (SIMD-0266's and the p-token benchmark's tables):
# TransferChecked 6,200, MintTo 4,538, Burn 4,753; Token-2022 is assumed 1.5× that.
TOKEN = {"transfer": 6_200 * 1.5, "mint": 4_538 * 1.5, "burn": 4_753 * 1.5}
# System program CreateAccount (a builtin: 150) + rent and lamport checks.
CREATE = INVOKE + 150 + 2_000
# Raydium CPMM swap_base_input: Raydium's own guide (docs.raydium.io, "priority fee
# tuning": 140k SPL, 180k Token-2022, 200k Token-2022 with transfer fee, ±15%).
SWAP = 200_000
# Estimates for this program's own non-math work (no SBF build here to meter it):
DISPATCH = 2_000  # entrypoint, discriminator, argument deserialization
ACCOUNT = 300  # per plain account: key, owner, discriminator, has_one, borrow
TOKEN_ACCOUNT = 1_000  # per InterfaceAccount<Mint | TokenAccount>: unpack + extensions
ORACLE = 2_000  # Pyth account parse and checks
# emit_cpi!: the self-CPI, the event's entry into this program, and Anchor's
# `event_authority` PDA (bump 254 for this program id: two tries).
EVENT = INVOKE + 1_500 + 2 * PDA_TRY
SCAN = (400, 40)  # refresh_summary: fixed + per open series (a pass of comparisons)
POOL = 3_000  # reading the pool, AmmConfig and vault balances (rebalance, liquidate)
OTHER_SUMS = 3_000  # NAV/stress/delta arithmetic from the sums besides `liabilities`


def spec(accounts, token_accounts, oracle=True, marks=0, prices=0, shares=0,
         liabilities=0, scans=0, cpis=(), pda_tries=0, creates=0, swap=False,
         recentre=False, sizers=0):
    return dict(accounts=accounts, token_accounts=token_accounts, oracle=oracle,
                marks=marks, prices=prices, shares=shares, liabilities=liabilities,
                scans=scans, cpis=cpis, pda_tries=pda_tries, creates=creates, swap=swap,
                recentre=recentre, sizers=sizers)


# Accounts include the event authority and the program (emit_cpi!). PDA tries: a
# `bump` without a stored bump searches (2 tries on average, 3 counted); a stored
# bump costs one hash.
INSTRUCTIONS = [
    ("mark_series (4 series)", spec(6, 0, marks=4, shares=8, scans=4)),
    ("mark_series (re-centring, 1 series)", spec(6, 0, marks=1, shares=2, scans=1,
                                                 recentre=True)),
    ("buy_option (first buy: creates the position)",
     spec(9, 3, marks=1, prices=1, shares=4, liabilities=1, scans=2,
          cpis=("transfer",), pda_tries=3, creates=1)),
    ("sell_option", spec(7, 3, marks=1, prices=1, shares=4, scans=2,
                         cpis=("transfer",), pda_tries=1)),
    # deposit and claim scan the series for an expired, unsettled one.
    ("deposit", spec(6, 5, liabilities=2, scans=1, cpis=("transfer", "mint"))),
    ("request_withdraw", spec(9, 3, liabilities=1, cpis=("transfer",), pda_tries=3,
                              creates=1)),
    ("cancel_withdraw", spec(6, 3, oracle=False, cpis=("transfer",), pda_tries=1)),
    ("claim_withdraw", spec(7, 5, liabilities=1, scans=1, cpis=("burn", "transfer"),
                            pda_tries=1)),
    ("rebalance", spec(13, 7, cpis=("transfer",), pda_tries=1, swap=True, sizers=1)),
    ("liquidate", spec(13, 7, prices=1, shares=1, scans=1, cpis=("transfer",),
                       pda_tries=1, swap=True, sizers=1)),
    ("settle_series", spec(5, 0, shares=1, scans=1)),
    ("exercise", spec(8, 3, oracle=False, cpis=("transfer",), pda_tries=1)),
    ("set_series_iv", spec(5, 0, oracle=False, shares=2, scans=1)),
    ("list_series, set_series_limits, delist_series, governance (incl. propose_venue, apply_venue)",
     spec(5, 0, oracle=False)),
]


def read_report(path):
    cu = {}
    for line in open(path):
        f = line.split()
        if len(f) >= 5 and f[0] == "cu":
            cu[f[1]] = {"min": int(f[2]), "median": int(f[3]), "max": int(f[4])}
    need = ["cu_mark", "cu_price", "cu_share", "cu_recenter", "cu_liabilities",
            "cu_buy_at_limit", "cu_sell_at_limit"]
    missing = [n for n in need if n not in cu]
    if missing:
        sys.exit(f"cu_table.py: {path} lacks {', '.join(missing)}")
    return cu


def costs(s, n, cu):
    hi = {k: v["max"] for k, v in cu.items()}
    # Re-centring computes every open series' share: the meter's 32-series figure,
    # scaled to n.
    recentre = hi["cu_recenter"] * n / 32 if s["recentre"] else 0
    math = (s["marks"] * hi["cu_mark"] + s["prices"] * hi["cu_price"]
            + s["shares"] * hi["cu_share"] + s["liabilities"] * hi["cu_liabilities"]
            + recentre + (OTHER_SUMS if s["oracle"] else 0)
            # The hedge size at the slippage limit: the costlier of the two sizers.
            + s["sizers"] * max(hi["cu_buy_at_limit"], hi["cu_sell_at_limit"]))
    non_math = (DISPATCH + SYSVAR + 3 * LOG + EVENT
                + s["accounts"] * ACCOUNT + s["token_accounts"] * TOKEN_ACCOUNT
                + (ORACLE if s["oracle"] else 0)
                + s["scans"] * (SCAN[0] + SCAN[1] * n)
                + sum(INVOKE + TOKEN[c] for c in s["cpis"])
                + s["pda_tries"] * PDA_TRY + s["creates"] * CREATE
                + ((INVOKE + SWAP + POOL) if s["swap"] else 0))
    return int(math), int(non_math)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: cu_table.py REPORT")
    cu = read_report(sys.argv[1])
    print("| instruction | evaluations | shares | math CU (meter) | non-math CU (model) "
          "| total n = 1 | n = 8 | n = 32 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    over = []
    for name, s in INSTRUCTIONS:
        totals = []
        for n in NS:
            m, o = costs(s, n, cu)
            totals.append(m + o)
        m32, o32 = costs(s, 32, cu)
        evals = 5 * s["marks"] + s["prices"]
        shares = f"{s['shares']} + n" if s["recentre"] else str(s["shares"])
        print(f"| `{name}` | {evals} | {shares} | {m32:,} | {o32:,} | "
              + " | ".join(f"{t:,}" for t in totals) + " |")
        if totals[-1] > BUDGET:
            over.append(f"{name}: {totals[-1]:,}")
    print()
    print(f"Budget: {BUDGET:,} CU per instruction at n = 32; math and non-math at n = 32.")
    if over:
        print("OVER BUDGET: " + "; ".join(over), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
