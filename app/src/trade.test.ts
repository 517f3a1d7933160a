import { describe, expect, it } from "vitest";
import {
  exercisePayout,
  explainTrade,
  maxPremium,
  minProceeds,
  modelQuote,
  parseTolerance,
  phaseText,
  seriesPhase,
} from "./trade";
import { discoverSettings, worldSettings } from "./settings";
import { greeks } from "./bsm";
import idl from "../../programs/hedge_vault/idl/hedge_vault.json";

const code = (name: string) => (idl.errors as { code: number; name: string }[]).find((e) => e.name === name)!.code;
/** A simulation failure as the RPC reports a program error. */
const simFailure = (name: string) =>
  new Error(`Transaction simulation failed: {"InstructionError":[0,{"Custom":${code(name)}}]}`);

describe("slippage bounds", () => {
  it("max premium rounds up, min proceeds down", () => {
    // 1,234,567 × 1.01 = 1,246,912.67
    expect(maxPremium(1_234_567n, 100)).toBe(1_246_913n);
    expect(minProceeds(1_234_567n, 100)).toBe(1_222_221n);
  });
  it("are the preview itself at zero tolerance", () => {
    expect(maxPremium(987_654_321n, 0)).toBe(987_654_321n);
    expect(minProceeds(987_654_321n, 0)).toBe(987_654_321n);
  });
  it("exact products are not moved by rounding", () => {
    expect(maxPremium(10_000n, 50)).toBe(10_050n);
    expect(minProceeds(10_000n, 50)).toBe(9_950n);
  });
  it("a one-atom preview still allows its own price", () => {
    expect(maxPremium(1n, 1)).toBe(2n);
    expect(minProceeds(1n, 1)).toBe(0n);
  });
  it("hold beyond 2^64 and never go negative", () => {
    const big = 18_000_000_000_000_000_000n;
    expect(maxPremium(big, 5_000)).toBe(27_000_000_000_000_000_000n);
    expect(minProceeds(5n, 20_000)).toBe(0n);
  });
});

describe("tolerance", () => {
  it.each([
    ["1", 100],
    ["0.5", 50],
    ["0.05 %", 5],
    ["50", 5_000],
    ["0", 0],
  ])("%s percent is %i bps", (text, bps) => {
    expect(parseTolerance(text)).toEqual({ ok: true, bps });
  });
  it.each(["", "abc", "0.005", "-1", "50.01"])("refuses %j", (text) => {
    expect(parseTolerance(text).ok).toBe(false);
  });
});

describe("series phases", () => {
  const expiry = 1_000_000;
  const cutoff = 300;
  it.each([
    [1, expiry - 301, "active"],
    [1, expiry - 300, "closed"],
    [1, expiry - 1, "closed"],
    [1, expiry, "awaiting"],
    [1, expiry + 3_600, "awaiting"],
    [2, expiry + 5, "settled"],
    [2, expiry - 10_000, "settled"],
  ])("status %i at %i is %s", (status, now, phase) => {
    expect(seriesPhase({ status, expiry }, now, cutoff)).toBe(phase);
  });
  it("says the countdown that matters", () => {
    expect(phaseText("active", expiry, expiry - 3_900)).toBe("1h 05m");
    expect(phaseText("closed", expiry, expiry - 8)).toBe("0m 08s, trading closed");
    expect(phaseText("awaiting", expiry, expiry + 2)).toBe("expired, awaiting settlement");
    expect(phaseText("settled", expiry, expiry + 2)).toBe("settled");
  });
});

describe("refusals in a trader's words", () => {
  it.each([
    ["UtilizationCapExceeded", /utilisation would pass its cap/],
    ["InitialMarginBreached", /below the initial margin/],
    ["OpenInterestCapExceeded", /open-interest cap/],
    ["InstructionPaused", /paused/],
    ["VaultInUnwind", /unwinding/],
    ["SeriesExpired", /wait for settlement/],
    ["SeriesNotSettled", /Not settled yet/],
    ["SlippageExceeded", /slippage limit/],
    ["MarksStale", /being refreshed/],
    ["PriceTooOldToTrade", /too old to trade/],
    ["OracleStale", /too old to trade/],
    ["VegaLimitExceeded", /volatility exposure/],
    ["InsufficientFreeCollateral", /free collateral/],
  ])("%s", (name, words) => {
    const x = explainTrade(simFailure(name));
    expect(x.name).toBe(name);
    expect(x.message).toMatch(words);
  });
  it("names the cutoff when trading closed before expiry", () => {
    expect(explainTrade(simFailure("TooCloseToExpiry"), 300).message).toBe(
      "Trading in this series has closed: no trades in its last 5m 00s before expiry.",
    );
  });
  it("a short quote balance (SPL Token error 1)", () => {
    const x = explainTrade(new Error('{"InstructionError":[1,{"Custom":1}]}'));
    expect(x.message).toMatch(/quote balance is too low/);
  });
  it("keeps the IDL's words for other errors", () => {
    expect(explainTrade(simFailure("InvalidBook"))).toEqual({
      name: "InvalidBook",
      message: "The option book is not this vault's",
    });
  });
});

describe("payouts and estimates", () => {
  it("exercise pays size × per unit, rounded down", () => {
    // 2.5 units (9 decimals) at 3.333333 quote (6 decimals) per unit.
    expect(exercisePayout(2_500_000_000n, 3_333_333n, 9)).toBe(8_333_332n);
    expect(exercisePayout(1n, 999_999n, 9)).toBe(0n);
    expect(exercisePayout(7_000_000_000n, 0n, 9)).toBe(0n);
  });
  it("the model's ask is above its bid by the band, spread and fee", () => {
    const q = { call: true, price: 100, conf: 0.05, strike: 100, iv: 0.8, years: 7 / 365, spreadBps: 100, feeBps: 30 };
    const { bid, ask } = modelQuote(q);
    const flat = modelQuote({ ...q, conf: 0, spreadBps: 0, feeBps: 0 });
    expect(flat.bid).toBeCloseTo(flat.ask, 12);
    expect(ask).toBeGreaterThan(flat.ask * 1.013);
    expect(bid).toBeLessThan(flat.bid * 0.987);
    // ATM 7-day call at 80% ≈ 0.4 × S × σ × √t.
    expect(flat.ask).toBeGreaterThan(4.3);
    expect(flat.ask).toBeLessThan(4.5);
  });
  it("prices with the vault's rate and yield (a 5% rate lifts a 30-day call's ask)", () => {
    const q = { call: true, price: 100, conf: 0, strike: 100, iv: 0.8, years: 30 / 365, spreadBps: 0, feeBps: 0 };
    const flat = modelQuote(q).ask;
    const carried = modelQuote({ ...q, rateBps: 500 }).ask;
    expect(carried).toBeGreaterThan(flat * 1.015);
    expect(modelQuote({ ...q, call: false, divYieldBps: 500 }).ask).toBeGreaterThan(modelQuote({ ...q, call: false }).ask);
  });
  it("a put's ask takes the low side of the band", () => {
    const q = { call: false, price: 100, conf: 1, strike: 90, iv: 0.5, years: 0.1, spreadBps: 0, feeBps: 0 };
    const { bid, ask } = modelQuote(q);
    expect(ask).toBeGreaterThan(bid);
  });
});

describe("sandbox discovery", () => {
  const vault = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
  it("reads the endpoint and vault of sandbox.json", () => {
    expect(worldSettings({ rpc_url: "http://127.0.0.1:8899", vault, series: [1, 2] })).toEqual({
      rpc: "http://127.0.0.1:8899",
      vault,
    });
  });
  it.each([
    null,
    {},
    { rpc_url: "x", vault },
    { rpc_url: "http://127.0.0.1:8899", vault: "nope" },
    "<html>",
    // A world file pointing at a remote node is not a sandbox's.
    { rpc_url: "https://rpc.attacker.example", vault },
  ])(
    "ignores %j",
    (world) => {
      expect(worldSettings(world)).toBeNull();
    },
  );
});

describe("sandbox discovery is for pages served from this machine", () => {
  it("never asks a public origin, nor overrides a URL that names the endpoint or vault", async () => {
    let fetched = 0;
    const real = globalThis.fetch;
    globalThis.fetch = (async () => {
      fetched += 1;
      return new Response(JSON.stringify({ rpc_url: "http://127.0.0.1:8899", vault: "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin" }));
    }) as typeof fetch;
    try {
      expect(await discoverSettings("", "https://app.example.com")).toBeNull();
      expect(await discoverSettings("?rpc=http://127.0.0.1:9000", "http://127.0.0.1:8899")).toBeNull();
      expect(await discoverSettings("?vault=x", "http://127.0.0.1:8899")).toBeNull();
      expect(fetched).toBe(0);
      expect(await discoverSettings("", "http://127.0.0.1:8899")).not.toBeNull();
      expect(fetched).toBe(1);
    } finally {
      globalThis.fetch = real;
    }
  });
});

describe("the chain's theta", () => {
  it.each([true, false])("is the value's change per year (call %s)", (call) => {
    const [s, k, vol, t, r, q] = [100, 95, 0.6, 0.2, 0.03, 0.01];
    const h = 1e-5;
    const fd = (greeks(call, s, k, vol, t - h, r, q).value - greeks(call, s, k, vol, t + h, r, q).value) / (2 * h);
    expect(greeks(call, s, k, vol, t, r, q).theta).toBeCloseTo(fd, 4);
  });
});
