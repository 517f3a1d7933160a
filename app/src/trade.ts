// Pure logic of the Trade page: slippage bounds in atoms, a series' trading phase, the
// program's refusals in a trader's words, payouts and display estimates. No React, no
// network: unit-tested with Vitest.

import { greeks } from "./bsm";
import { countdown, explainError, type Explained } from "./logic";

const BPS = 10_000n;

/** The most a buy may cost: ceil(preview × (1 + tol)), so a price that moved by less than
 *  the tolerance still fills and one atom of rounding never refuses it. */
export function maxPremium(preview: bigint, toleranceBps: number): bigint {
  const num = preview * (BPS + BigInt(toleranceBps));
  return (num + BPS - 1n) / BPS;
}

/** The least a sale back may pay: floor(preview × (1 − tol)), never below zero. */
export function minProceeds(preview: bigint, toleranceBps: number): bigint {
  const keep = BPS - BigInt(Math.min(toleranceBps, 10_000));
  return (preview * keep) / BPS;
}

/** Highest tolerance the page accepts: beyond it a "limit" protects nothing. */
export const MAX_TOLERANCE_BPS = 5_000;

/** A slippage tolerance typed in percent ("0.5") as basis points, or what is wrong. */
export function parseTolerance(text: string): { ok: true; bps: number } | { ok: false; error: string } {
  const t = text.trim().replace(/%$/, "").trim();
  if (!/^\d*\.?\d{0,2}$/.test(t) || t === "" || t === ".") {
    return { ok: false, error: "Enter a tolerance in percent with at most two decimals, like 1 or 0.5." };
  }
  const [w, f = ""] = t.split(".");
  const bps = Number(w || "0") * 100 + Number((f + "00").slice(0, 2));
  if (bps > MAX_TOLERANCE_BPS) return { ok: false, error: `At most ${MAX_TOLERANCE_BPS / 100}%.` };
  return { ok: true, bps };
}

export type Phase = "active" | "closed" | "awaiting" | "settled";

/** Where a series stands at chain time `now`: trading (`active`), in the last
 *  `cutoffS` before expiry where the program refuses trades (`closed`), expired and not
 *  yet settled (`awaiting`), or settled (`settled`: holders exercise). */
export function seriesPhase(s: { status: number; expiry: number }, now: number, cutoffS: number): Phase {
  if (s.status === 2) return "settled";
  if (now >= s.expiry) return "awaiting";
  // The program trades only while now + cutoff < expiry (`TooCloseToExpiry`).
  if (now + cutoffS >= s.expiry) return "closed";
  return "active";
}

/** The phase in words, with the time left to expiry while it matters. */
export function phaseText(phase: Phase, expiry: number, now: number): string {
  switch (phase) {
    case "active":
      return countdown(expiry - now);
    case "closed":
      return `${countdown(Math.max(1, expiry - now))}, trading closed`;
    case "awaiting":
      return "expired, awaiting settlement";
    case "settled":
      return "settled";
  }
}

/** Quote atoms an exercise pays for `size` underlying atoms: size × payout per unit /
 *  10^decimals, rounded down, as the program's `exercise`. */
export function exercisePayout(size: bigint, payoutPerUnit: bigint, underlyingDecimals: number): bigint {
  return (size * payoutPerUnit) / 10n ** BigInt(underlyingDecimals);
}

/** A trader's words for the program's refusals of buy_option, sell_option and exercise
 *  (by the IDL's error name); other errors keep the IDL's message. */
const TRADER_WORDS: Record<string, string> = {
  UtilizationCapExceeded: "The vault has too much of its collateral committed to write this: utilisation would pass its cap. Try a smaller size.",
  InitialMarginBreached: "The vault cannot take this much more risk: its stressed margin would fall below the initial margin. Try a smaller size.",
  VegaLimitExceeded: "The vault's volatility exposure would pass its limit. Try a smaller size.",
  OpenInterestCapExceeded: "This series is full: the trade would pass its open-interest cap.",
  OpenSeriesCapReached: "The vault already has its most series open, so it cannot open this one now.",
  InstructionPaused: "Trading is paused on this vault.",
  VaultInUnwind: "The vault is unwinding: it writes no new options (selling back still works).",
  SeriesExpired: "This series has expired: wait for settlement, then exercise.",
  SeriesNotActive: "This series is not trading any more.",
  SeriesNotSettled: "Not settled yet: exercise opens once the series is settled at the expiry price.",
  SlippageExceeded: "The price moved past your slippage limit. Nothing was traded; check the new preview.",
  TradeBelowMinimum: "That is below the series' minimum trade size.",
  InsufficientPosition: "You hold less than that.",
  InsufficientFreeCollateral: "The vault cannot pay that from its free collateral right now. Try a smaller size or later.",
  MarksStale: "The vault's option prices are being refreshed. Try again in a moment.",
  PriceTooOldToTrade: "The oracle price is too old to trade on. Try again when it updates.",
  OracleStale: "The oracle price is too old to trade on. Try again when it updates.",
  OracleConfidenceTooWide: "The oracle is too uncertain right now to price a trade.",
  OracleNotTrading: "The oracle is not publishing a trading price right now.",
  ZeroAmount: "Enter a size above zero.",
  InsufficientFunds: "Your quote balance is too low for this premium.",
};

function closedWords(cutoffS?: number): string {
  const last = cutoffS ? `its last ${countdown(cutoffS)}` : "its last minutes";
  return `Trading in this series has closed: no trades in ${last} before expiry.`;
}

/** Why a series in `phase` cannot be traded, in the words of the program's refusal. */
export function phaseRefusal(phase: Phase, cutoffS: number): string | null {
  if (phase === "closed") return closedWords(cutoffS);
  if (phase === "awaiting") return TRADER_WORDS.SeriesExpired;
  if (phase === "settled") return "This series is settled: holders exercise it for cash.";
  return null;
}

/** A failed trade (or its simulated preview) in a trader's words; `cutoffS` (the vault's
 *  `trade_cutoff_s`) says when trading closed. */
export function explainTrade(e: unknown, cutoffS?: number): Explained {
  const x = explainError(e);
  if (x.name === "TooCloseToExpiry") return { name: x.name, message: closedWords(cutoffS) };
  const words = TRADER_WORDS[x.name];
  return words ? { name: x.name, message: words } : x;
}

/** Model bid and ask per unit in floating point, for display when no wallet can simulate
 *  the program's own answer (labelled an estimate): value at the band's side the program
 *  uses (ask: liability side, bid: asset side) with the vault's pricing rate and yield,
 *  plus or minus spread and fee. It ignores the recent-range and IV-change rules, which
 *  can only make the program's prices worse for the trader. */
export function modelQuote(q: {
  call: boolean;
  price: number;
  conf: number;
  strike: number;
  iv: number;
  years: number;
  spreadBps: number;
  feeBps: number;
  /** The vault's `rate_bps` and `div_yield_bps` (default 0). */
  rateBps?: number;
  divYieldBps?: number;
}): { bid: number; ask: number } {
  const charges = (q.spreadBps + q.feeBps) / 10_000;
  const high = q.price + q.conf;
  const low = Math.max(q.price - q.conf, 1e-12);
  const [r, y] = [(q.rateBps ?? 0) / 10_000, (q.divYieldBps ?? 0) / 10_000];
  const ask = greeks(q.call, q.call ? high : low, q.strike, q.iv, q.years, r, y).value;
  const bid = greeks(q.call, q.call ? low : high, q.strike, q.iv, q.years, r, y).value;
  return { ask: ask * (1 + charges), bid: Math.max(0, bid * (1 - charges)) };
}
