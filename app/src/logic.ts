// Pure logic of the dApp: amounts, share previews with the program's rounding, error
// words from the IDL, countdowns. No React, no network: unit-tested with Vitest.

import idl from "../../programs/hedge_vault/idl/hedge_vault.json";

/** The program's virtual offset (math/money.rs): shares priced at (nav + 1) / (supply + 1000). */
export const VIRTUAL_SHARES = 1000n;
export const VIRTUAL_ASSETS = 1n;

/** Shares for a deposit of `amount` quote atoms: floor(amount × (supply + 1000) / (nav + 1)),
 *  rounded down against the depositor, exactly as `shares_for_deposit`. */
export function sharesForDeposit(amount: bigint, nav: bigint, supply: bigint): bigint {
  return (amount * (supply + VIRTUAL_SHARES)) / (nav + VIRTUAL_ASSETS);
}

/** Quote atoms `shares` are worth: floor(shares × (nav + 1) / (supply + 1000)), rounded down
 *  against the LP, as a withdrawal request records it. */
export function valueOfShares(shares: bigint, nav: bigint, supply: bigint): bigint {
  return (shares * (nav + VIRTUAL_ASSETS)) / (supply + VIRTUAL_SHARES);
}

/** Shares needed to withdraw `value` quote atoms: the fewest whose value is ≥ value
 *  (rounded up so the LP gets at least what they asked for). */
export function sharesForValue(value: bigint, nav: bigint, supply: bigint): bigint {
  const num = value * (supply + VIRTUAL_SHARES);
  const den = nav + VIRTUAL_ASSETS;
  return (num + den - 1n) / den;
}

/** `atoms` as a decimal string with `decimals` places, trailing zeros trimmed. */
export function formatUnits(atoms: bigint, decimals: number, maxFraction = decimals): string {
  const neg = atoms < 0n;
  const a = neg ? -atoms : atoms;
  const base = 10n ** BigInt(decimals);
  const whole = a / base;
  let frac = (a % base).toString().padStart(decimals, "0").slice(0, maxFraction);
  frac = frac.replace(/0+$/, "");
  const w = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${neg ? "-" : ""}${w}${frac ? "." + frac : ""}`;
}

export type AmountCheck =
  | { ok: true; atoms: bigint }
  | { ok: false; error: string };

/** Parses a user's amount into atoms and checks it against the limits, naming the problem. */
export function parseAmount(
  text: string,
  decimals: number,
  limits: { balance?: bigint; cap?: bigint; capLabel?: string; balanceLabel?: string } = {},
): AmountCheck {
  const t = text.trim().replace(/,/g, "");
  if (t === "") return { ok: false, error: "Enter an amount." };
  if (!/^\d*\.?\d*$/.test(t) || t === ".") return { ok: false, error: "Enter a number, like 12.5." };
  const [w, f = ""] = t.split(".");
  if (f.length > decimals) {
    return { ok: false, error: `At most ${decimals} decimal places.` };
  }
  const atoms = BigInt(w || "0") * 10n ** BigInt(decimals) + BigInt((f + "0".repeat(decimals)).slice(0, decimals) || "0");
  if (atoms <= 0n) return { ok: false, error: "The amount must be more than zero." };
  if (limits.balance !== undefined && atoms > limits.balance) {
    return {
      ok: false,
      error: `That is more than your ${limits.balanceLabel ?? "balance"} (${formatUnits(limits.balance, decimals)}).`,
    };
  }
  if (limits.cap !== undefined && atoms > limits.cap) {
    return {
      ok: false,
      error: `That is more than the ${limits.capLabel ?? "limit"} (${formatUnits(limits.cap, decimals)}).`,
    };
  }
  return { ok: true, atoms };
}

/** `pct` percent of `atoms`, rounded down. */
export function percentOf(atoms: bigint, pct: number): bigint {
  return (atoms * BigInt(Math.round(pct * 100))) / 10000n;
}

type IdlError = { code: number; name: string; msg?: string };
const PROGRAM_ERRORS: IdlError[] = (idl as { errors?: IdlError[] }).errors ?? [];

/** Anchor's framework errors the program can return before its own code runs. */
const ANCHOR_ERRORS: Record<number, [string, string]> = {
  2000: ["ConstraintMut", "An account that must be writable was not."],
  2003: ["ConstraintRaw", "An account constraint was violated."],
  2006: ["ConstraintSeeds", "An account address does not match its seeds."],
  3012: ["AccountNotInitialized", "An account this needs does not exist yet."],
};

/** SPL Token errors seen by LPs. */
const TOKEN_ERRORS: Record<number, [string, string]> = {
  1: ["InsufficientFunds", "Your token balance is too low for this."],
};

export type Explained = { name: string; message: string };

/** Words for a failed transaction: the program's error name and message from the IDL,
 *  a wallet rejection as a calm notice, anything else as itself. */
export function explainError(e: unknown): Explained {
  const text = errorText(e);
  if (/user rejected|rejected the request|declined|WalletSignTransactionError/i.test(text)) {
    return { name: "Rejected", message: "You declined to sign. Nothing was sent." };
  }
  // Before the custom code: the system program's error 1 (not enough lamports for an
  // account's rent) shares its number with SPL Token's InsufficientFunds.
  if (/insufficient lamports|insufficient funds for fee|Attempt to debit an account but found no record/i.test(text)) {
    return { name: "InsufficientSol", message: "Not enough SOL for the transaction fee or a new account's rent." };
  }
  const code = customCode(e, text);
  if (code !== undefined) {
    const own = PROGRAM_ERRORS.find((x) => x.code === code);
    if (own) return { name: own.name, message: own.msg ?? own.name };
    if (ANCHOR_ERRORS[code]) return { name: ANCHOR_ERRORS[code][0], message: ANCHOR_ERRORS[code][1] };
    if (TOKEN_ERRORS[code]) return { name: TOKEN_ERRORS[code][0], message: TOKEN_ERRORS[code][1] };
    return { name: `Error ${code}`, message: `The program refused the transaction (code ${code}).` };
  }
  if (/insufficient lamports|insufficient funds for fee|Attempt to debit an account but found no record/i.test(text)) {
    return { name: "InsufficientSol", message: "Not enough SOL to pay the transaction fee." };
  }
  if (/blockhash not found|block height exceeded/i.test(text)) {
    return { name: "Expired", message: "The transaction expired before it landed. Try again." };
  }
  if (/failed to fetch|network|ECONNREFUSED/i.test(text)) {
    return { name: "Network", message: "The RPC endpoint could not be reached." };
  }
  return { name: "Error", message: text || "Something went wrong." };
}

function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e ?? "");
}

function customCode(e: unknown, text: string): number | undefined {
  const obj = e as { error?: { errorCode?: { number?: number } }; code?: unknown };
  const n = obj?.error?.errorCode?.number;
  if (typeof n === "number") return n;
  const hex = text.match(/custom program error: 0x([0-9a-f]+)/i);
  if (hex) return parseInt(hex[1], 16);
  const json = text.match(/"Custom":\s*(\d+)/);
  if (json) return Number(json[1]);
  return undefined;
}

/** "2d 3h", "4m 05s", "ready" for seconds left. */
export function countdown(secondsLeft: number): string {
  if (secondsLeft <= 0) return "ready";
  const s = Math.floor(secondsLeft);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  return `${m}m ${String(sec).padStart(2, "0")}s`;
}

/** A Pyth mantissa and exponent as a number (display only). */
export function pythToNumber(mantissa: bigint, expo: number): number {
  return Number(mantissa) * 10 ** expo;
}

/** Utilisation in percent: locked / total collateral. */
export function utilisation(locked: bigint, total: bigint): number {
  if (total <= 0n) return 0;
  return Number((locked * 10000n) / total) / 100;
}

/** The vault's mode from its pause bits and unwind flag. */
export function vaultMode(paused: number, unwind: number): "normal" | "unwind" | "paused" {
  if (unwind === 1) return "unwind";
  if (paused !== 0) return "paused";
  return "normal";
}

/** A ring buffer's records oldest first: record k is written at k % length and `count`
 *  records were ever written (the program's `HedgeLog`). */
export function ringInOrder<T>(records: T[], count: number): T[] {
  const n = Math.min(count, records.length);
  const out: T[] = [];
  for (let k = count - n; k < count; k++) out.push(records[k % records.length]);
  return out;
}

/** What the freshness rule reads of one series' mark (the program's `Mark`). */
export type MarkView = {
  seriesId: bigint;
  /** Active with open interest: only these need a fresh mark. */
  open: boolean;
  price: bigint;
  expo: number;
  epoch: bigint;
  validUntil: bigint;
  windowBps: bigint;
};

/** Most series one `mark_series` call re-marks (the program's `MAX_MARK_BATCH`). */
export const MAX_MARK_BATCH = 4;

/** Open series whose marks the program would call stale now (`MarksStale`): no mark, an
 *  older risk epoch or another oracle exponent, past its life, or the oracle band
 *  (price ± conf) outside its window ⌈p(1 − m)⌉..⌊p(1 + m)⌋. The dApp re-marks these
 *  (anyone may) before an LP action, so a late keeper never blocks an LP. */
export function staleSeries(
  marks: MarkView[],
  riskEpoch: bigint,
  oracle: { price: bigint; conf: bigint; expo: number },
  now: number,
): bigint[] {
  const low = oracle.price - oracle.conf;
  const high = oracle.price + oracle.conf;
  return marks
    .filter((m) => m.open)
    .filter((m) => {
      if (m.price <= 0n || m.epoch !== riskEpoch || m.expo !== oracle.expo) return true;
      if (BigInt(Math.floor(now)) > m.validUntil) return true;
      const edgeLow = (m.price * (10_000n - m.windowBps) + 9_999n) / 10_000n;
      const edgeHigh = (m.price * (10_000n + m.windowBps)) / 10_000n;
      return low < edgeLow || high > edgeHigh;
    })
    .map((m) => m.seriesId);
}

/** Most series a `mark_series` call that re-centres the book re-marks (the program's
 *  `MAX_RECENTER_BATCH`). */
export const MAX_RECENTER_BATCH = 1;

/** The program re-centres the book's sums when the oracle mid is more than half its
 *  reference spot away; such a call may mark only `MAX_RECENTER_BATCH` series
 *  (`MarkBatchTooLargeToRecenter`). Decided here in floating point with a margin (0.45
 *  instead of 0.5): a smaller first batch near the threshold costs one more transaction,
 *  a larger one a failed transaction. */
export function firstMarkBatch(
  book: { refSpotQpu: number; openSeries: number },
  oracle: { price: bigint; expo: number },
  quoteDecimals: number,
): number {
  if (book.openSeries === 0) return MAX_MARK_BATCH;
  const mid = Number(oracle.price) * 10 ** (oracle.expo + quoteDecimals);
  if (!(book.refSpotQpu > 0) || !Number.isFinite(mid)) return MAX_RECENTER_BATCH;
  return Math.abs(mid / book.refSpotQpu - 1) > 0.45 ? MAX_RECENTER_BATCH : MAX_MARK_BATCH;
}

/** Splits ids into `mark_series` batches, the first of at most `first` series. */
export function markBatches(ids: bigint[], first: number = MAX_MARK_BATCH): bigint[][] {
  const out: bigint[][] = [];
  let i = 0;
  let size = Math.max(1, Math.min(first, MAX_MARK_BATCH));
  while (i < ids.length) {
    out.push(ids.slice(i, i + size));
    i += size;
    size = MAX_MARK_BATCH;
  }
  return out;
}

/** A `StoredFx` (Q64.64 as two 64-bit words) as a float, for display and batching. */
export function storedFxToNumber(v: { lo: bigint; hi: bigint }): number {
  const hi = BigInt.asIntN(64, v.hi);
  return Number(hi) + Number(v.lo) / 2 ** 64;
}

/** The chain's time now, estimated from the Clock read at `fetchedAtMs` (it advances with
 *  wall time between reads); the browser's clock when the Clock was unreadable. */
export function chainNow(chainTime: number | null, fetchedAtMs: number, wallNowMs: number): number {
  if (chainTime === null) return wallNowMs / 1000;
  return chainTime + Math.max(0, wallNowMs - fetchedAtMs) / 1000;
}

/** Whether the program would let a withdrawal requested for `claimAt` be claimed: judged on
 *  the Clock as last read, never on an estimate, since the program refuses a claim one
 *  second early (`WithdrawNotReady`) and the chain's clock trails the browser's. */
export function claimable(chainTime: number | null, claimAt: number): boolean {
  return chainTime !== null && chainTime >= claimAt;
}

/** Seconds of slack when judging marks fresh: a mark that expires while the transaction
 *  is in flight fails it (`MarksStale`), so treat it as stale a little early. */
export const MARK_EXPIRY_SLACK_S = 5;

/** A stressed-margin ratio (assets / liabilities) as "1.42×", thousands grouped. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return "no liabilities";
  return `${ratio.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}×`;
}

/** The vault's health beside the thresholds the program compares it with (bps of 1.00):
 *  below maintenance it may be liquidated, below initial it writes no new options. */
export function healthView(
  ratio: number,
  risk: { maintenanceMarginBps: number; initialMarginBps: number; targetMarginBps: number },
): { ratio: string; thresholds: string; state: "healthy" | "no new sales" | "liquidatable" } {
  const t = (bps: number) => formatRatio(bps / 10_000);
  const state =
    ratio < risk.maintenanceMarginBps / 10_000
      ? "liquidatable"
      : ratio < risk.initialMarginBps / 10_000
        ? "no new sales"
        : "healthy";
  return {
    ratio: formatRatio(ratio),
    thresholds: `maintenance ${t(risk.maintenanceMarginBps)} · initial ${t(risk.initialMarginBps)} · target ${t(risk.targetMarginBps)}`,
    state,
  };
}
