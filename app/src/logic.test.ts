import { describe, expect, it } from "vitest";
import {
  countdown,
  explainError,
  formatRatio,
  formatUnits,
  healthView,
  markBatches,
  firstMarkBatch,
  storedFxToNumber,
  MAX_RECENTER_BATCH,
  MAX_MARK_BATCH,
  staleSeries,
  chainNow,
  claimable,
  type MarkView,
  parseAmount,
  percentOf,
  ringInOrder,
  sharesForDeposit,
  sharesForValue,
  utilisation,
  valueOfShares,
  vaultMode,
} from "./logic";

// The same table is asserted against the program's Rust math in
// crates/hedge-math/src/money.rs (share_vectors_shared_with_the_dapp).
const SHARE_VECTORS: [bigint, bigint, bigint, bigint, bigint][] = [
  [1_000_000n, 0n, 0n, 1_000_000_000n, 1_000n],
  [1_000_000_000n, 1_000_000_000n, 1_000_000_000_000n, 1_000_000_000_000n, 1_000_000n],
  [123_456_789n, 1_000_000_000_123n, 999_999_999_000_000n, 123_456_788_861n, 123_456n],
  [1n, 3n, 7n, 251n, 0n],
  [50_000_000n, 777_777_777n, 777_000_000_001n, 49_950_000_050n, 50_050n],
];

describe("share previews round as the program", () => {
  it.each(SHARE_VECTORS)("amount %s nav %s supply %s", (amount, nav, supply, shares, value) => {
    expect(sharesForDeposit(amount, nav, supply)).toBe(shares);
    expect(valueOfShares(amount, nav, supply)).toBe(value);
  });

  it("asks for enough shares to cover a value", () => {
    const [nav, supply] = [777_777_777n, 777_000_000_001n];
    for (const v of [1n, 999n, 123_456n, 50_000_000n]) {
      const s = sharesForValue(v, nav, supply);
      expect(valueOfShares(s, nav, supply)).toBeGreaterThanOrEqual(v);
      expect(valueOfShares(s - 1n, nav, supply)).toBeLessThan(v);
    }
  });
});

describe("amounts", () => {
  it("formats atoms", () => {
    expect(formatUnits(1_234_567_890n, 6)).toBe("1,234.56789");
    expect(formatUnits(1_000_000n, 6)).toBe("1");
    expect(formatUnits(5n, 6)).toBe("0.000005");
    expect(formatUnits(-2_500_000n, 6)).toBe("-2.5");
    expect(formatUnits(1_234_567n, 6, 2)).toBe("1.23");
  });

  it("parses and names every problem", () => {
    expect(parseAmount("12.5", 6)).toEqual({ ok: true, atoms: 12_500_000n });
    expect(parseAmount("1,000", 6)).toEqual({ ok: true, atoms: 1_000_000_000n });
    expect(parseAmount("", 6)).toEqual({ ok: false, error: "Enter an amount." });
    expect(parseAmount("abc", 6)).toEqual({ ok: false, error: "Enter a number, like 12.5." });
    expect(parseAmount("0", 6)).toEqual({ ok: false, error: "The amount must be more than zero." });
    expect(parseAmount("-1", 6).ok).toBe(false);
    expect(parseAmount("1.1234567", 6)).toEqual({ ok: false, error: "At most 6 decimal places." });
    const over = parseAmount("11", 6, { balance: 10_000_000n });
    expect(over).toEqual({ ok: false, error: "That is more than your balance (10)." });
    const cap = parseAmount("5", 6, { balance: 10_000_000n, cap: 4_000_000n, capLabel: "deposit cap" });
    expect(cap).toEqual({ ok: false, error: "That is more than the deposit cap (4)." });
  });

  it("takes percentages", () => {
    expect(percentOf(1_000_000n, 25)).toBe(250_000n);
    expect(percentOf(3n, 50)).toBe(1n);
    expect(percentOf(7n, 100)).toBe(7n);
  });
});

describe("errors in words", () => {
  it("maps the program's codes to the IDL's names and messages", () => {
    const e = new Error(
      "Simulation failed. Message: Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1770.",
    );
    const x = explainError(e);
    expect(x.name).toBe("MathOverflow");
    expect(x.message.length).toBeGreaterThan(5);
  });

  it("maps an Anchor-style error object", () => {
    const x = explainError({ error: { errorCode: { number: 6000 } } });
    expect(x.name).toBe("MathOverflow");
  });

  it("maps the token program's insufficient funds", () => {
    const x = explainError(new Error("custom program error: 0x1"));
    expect(x).toEqual({ name: "InsufficientFunds", message: "Your token balance is too low for this." });
  });

  it("tells a SOL shortfall (the system program's error 1) from a token one", () => {
    const x = explainError(
      new Error("Transfer: insufficient lamports 1000, need 2039280 … custom program error: 0x1"),
    );
    expect(x.name).toBe("InsufficientSol");
  });

  it("treats a rejected signature calmly", () => {
    const e = new Error("User rejected the request.");
    e.name = "WalletSignTransactionError";
    expect(explainError(e).name).toBe("Rejected");
  });
});

describe("display helpers", () => {
  it("counts down", () => {
    expect(countdown(0)).toBe("ready");
    expect(countdown(65)).toBe("1m 05s");
    expect(countdown(3 * 3600 + 120)).toBe("3h 02m");
    expect(countdown(2 * 86400 + 3600)).toBe("2d 1h");
  });

  it("computes utilisation and mode", () => {
    expect(utilisation(25n, 100n)).toBe(25);
    expect(utilisation(1n, 0n)).toBe(0);
    expect(vaultMode(0, 0)).toBe("normal");
    expect(vaultMode(4, 0)).toBe("paused");
    expect(vaultMode(0, 1)).toBe("unwind");
  });
});

describe("hedge log order", () => {
  it("lists a ring buffer oldest first", () => {
    expect(ringInOrder([0, 1, 2, 0], 3)).toEqual([0, 1, 2]);
    // 6 written into 4 slots: slots hold [4, 5, 2, 3].
    expect(ringInOrder([4, 5, 2, 3], 6)).toEqual([2, 3, 4, 5]);
    expect(ringInOrder([9, 9], 0)).toEqual([]);
  });
});

describe("staleSeries (the program's freshness rule)", () => {
  const oracle = { price: 100_000_000n, conf: 50_000n, expo: -6 };
  const fresh: MarkView = {
    seriesId: 1n,
    open: true,
    price: 100_000_000n,
    expo: -6,
    epoch: 3n,
    validUntil: 1_000n,
    windowBps: 300n,
  };
  it("keeps fresh marks and closed series", () => {
    expect(staleSeries([fresh], 3n, oracle, 900)).toEqual([]);
    expect(staleSeries([{ ...fresh, open: false, price: 0n }], 3n, oracle, 900)).toEqual([]);
  });
  it("names each way a mark goes stale", () => {
    expect(staleSeries([{ ...fresh, price: 0n }], 3n, oracle, 900)).toEqual([1n]);
    expect(staleSeries([fresh], 4n, oracle, 900)).toEqual([1n]);
    expect(staleSeries([{ ...fresh, expo: -8 }], 3n, oracle, 900)).toEqual([1n]);
    expect(staleSeries([fresh], 3n, oracle, 1_001)).toEqual([1n]);
    // The band's high edge at +3% exactly is inside; one unit more is out.
    expect(staleSeries([fresh], 3n, { ...oracle, price: 103_000_000n - 50_000n }, 900)).toEqual([]);
    expect(staleSeries([fresh], 3n, { ...oracle, price: 103_000_001n - 50_000n }, 900)).toEqual([1n]);
    expect(staleSeries([fresh], 3n, { ...oracle, price: 97_000_000n + 49_999n }, 900)).toEqual([1n]);
  });
  it("batches by four", () => {
    expect(markBatches([1n, 2n, 3n, 4n, 5n, 6n, 7n]).map((b) => b.length)).toEqual([4, 3]);
  });
  it("marks one series first when the call re-centres the book", () => {
    const ids = [1n, 2n, 3n, 4n, 5n, 6n];
    expect(markBatches(ids, 1).map((b) => b.length)).toEqual([1, 4, 1]);
    expect(markBatches(ids, 1).flat()).toEqual(ids);
    // Reference 100 USDC (6 decimals) per unit; oracle price at expo -8.
    const book = { refSpotQpu: 100_000_000, openSeries: 3 };
    const at = (usd: number) => ({ price: BigInt(usd * 1e8), expo: -8 });
    expect(firstMarkBatch(book, at(140), 6)).toBe(MAX_MARK_BATCH);
    expect(firstMarkBatch(book, at(60), 6)).toBe(MAX_MARK_BATCH);
    // Past 45% either way (the program re-centres past 50%): one series.
    expect(firstMarkBatch(book, at(146), 6)).toBe(MAX_RECENTER_BATCH);
    expect(firstMarkBatch(book, at(54), 6)).toBe(MAX_RECENTER_BATCH);
    // No open series: re-centring is free. No reference yet: be safe.
    expect(firstMarkBatch({ ...book, openSeries: 0 }, at(500), 6)).toBe(MAX_MARK_BATCH);
    expect(firstMarkBatch({ refSpotQpu: 0, openSeries: 2 }, at(100), 6)).toBe(MAX_RECENTER_BATCH);
  });
  it("reads a stored Q64.64", () => {
    expect(storedFxToNumber({ lo: 1n << 63n, hi: 100n })).toBe(100.5);
    expect(storedFxToNumber({ lo: 0n, hi: (1n << 64n) - 2n })).toBe(-2);
  });
});

describe("the chain's clock", () => {
  it("estimates the chain's time from the last Clock read", () => {
    expect(chainNow(1000, 50_000, 52_500)).toBe(1002.5);
    expect(chainNow(1000, 50_000, 49_000)).toBe(1000);
    expect(chainNow(null, 0, 7_000)).toBe(7);
  });
  it("enables a claim only once the Clock read says so", () => {
    expect(claimable(999, 1000)).toBe(false);
    expect(claimable(1000, 1000)).toBe(true);
    expect(claimable(null, 0)).toBe(false);
  });
});

describe("health beside its thresholds", () => {
  const risk = { maintenanceMarginBps: 11_000, initialMarginBps: 12_500, targetMarginBps: 13_000 };
  it("reads as a ratio, grouped, with the thresholds", () => {
    expect(healthView(11957.6249, risk)).toEqual({
      ratio: "11,957.62×",
      thresholds: "maintenance 1.10× · initial 1.25× · target 1.30×",
      state: "healthy",
    });
  });
  it.each([
    [1.3, "healthy"],
    [1.25, "healthy"],
    [1.2499, "no new sales"],
    [1.1, "no new sales"],
    [1.0999, "liquidatable"],
    [0.4, "liquidatable"],
  ])("%f is %s", (ratio, state) => {
    expect(healthView(ratio, risk).state).toBe(state);
  });
  it("without liabilities", () => {
    expect(formatRatio(Infinity)).toBe("no liabilities");
    expect(healthView(Infinity, risk).state).toBe("healthy");
  });
});
