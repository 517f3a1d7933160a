// My position, deposit and withdrawal: every transaction shows signing → sending →
// confirming → done (or the program's error in words), and buttons wait while one is in
// flight.

import { useEffect, useState } from "react";
import { useAnchorWallet, useConnection, useWallet } from "@solana/wallet-adapter-react";
import type { TransactionInstruction } from "@solana/web3.js";
import {
  ata,
  big,
  cancelWithdrawIx,
  claimWithdrawIx,
  createAtaIdempotent,
  CU_LIMIT,
  depositIx,
  markSeriesIx,
  requestWithdrawIx,
  sendWithBudget,
  simulateEvents,
} from "../chain";
import {
  countdown,
  explainError,
  formatUnits,
  markBatches,
  firstMarkBatch,
  chainNow,
  claimable,
  MARK_EXPIRY_SLACK_S,
  parseAmount,
  percentOf,
  sharesForValue,
  staleSeries,
  type Explained,
} from "../logic";
import type { VaultData } from "../useVault";
import { bookGreeks } from "./Overview";

type Stage = "idle" | "signing" | "sending" | "confirming" | "done" | "failed";
type TxState = { stage: Stage; label?: string; signature?: string; error?: Explained };

function explorer(sig: string, rpc: string) {
  return `https://explorer.solana.com/tx/${sig}?cluster=custom&customUrl=${encodeURIComponent(rpc)}`;
}

export function Progress({ tx, rpc }: { tx: TxState; rpc: string }) {
  if (tx.stage === "idle") return null;
  const steps: Stage[] = ["signing", "sending", "confirming", "done"];
  return (
    <div className="tx" role="status" aria-live="polite" data-testid="tx-status" data-stage={tx.stage}>
      <strong>{tx.label}</strong>{" "}
      {tx.stage === "failed" ? (
        <span className={tx.error?.name === "Rejected" ? "notice" : "error"} data-testid="tx-error">
          {tx.error?.name === "Rejected" ? tx.error.message : `${tx.error?.name}: ${tx.error?.message}`}
        </span>
      ) : (
        <span>
          {steps.map((s) => (
            <span key={s} className={s === tx.stage ? "step now" : "step"}>
              {s}
            </span>
          ))}
        </span>
      )}
      {tx.signature && (
        <div>
          <a href={explorer(tx.signature, rpc)} target="_blank" rel="noreferrer" data-testid="tx-link">
            {tx.signature.slice(0, 16)}…
          </a>
        </div>
      )}
    </div>
  );
}

/** Series of `d` whose marks are stale now (see `staleSeries`). */
function staleMarks(d: VaultData): bigint[] {
  if (!d.oracle) return [];
  const marks = d.series.map((s) => ({
    seriesId: big(s.seriesId),
    open: Number(s.status) === 1 && big(s.openInterest) > 0n,
    price: big(s.mark.price),
    expo: Number(s.mark.expo),
    epoch: big(s.mark.epoch),
    validUntil: big(s.mark.validUntil),
    windowBps: big(s.mark.windowBps),
  }));
  const now = Math.max(Date.now() / 1000, chainNow(d.chainTime, d.fetchedAt, Date.now()));
  return staleSeries(marks, big(d.vault.riskEpoch), d.oracle, now + MARK_EXPIRY_SLACK_S);
}

/** The first mark batch's size: smaller when the call will re-centre the book. */
function firstBatch(d: VaultData): number {
  return d.oracle ? firstMarkBatch(d.book, d.oracle, Number(d.vault.quoteDecimals)) : 1;
}

/** `explain` words a failure (the Trade page speaks to traders). */
export function useSender(refresh: () => Promise<void>, d: VaultData, explain: (e: unknown) => Explained = explainError) {
  const { connection } = useConnection();
  const wallet = useWallet();
  const anchorWallet = useAnchorWallet();
  const [tx, setTx] = useState<TxState>({ stage: "idle" });
  const busy = tx.stage === "signing" || tx.stage === "sending" || tx.stage === "confirming";
  /** Sends `ixs` with the compute budget (a limit of at least `units`, from simulation,
   *  and a priority fee). Stale marks (a late keeper) are re-marked first, in their own
   *  transactions: anyone may mark, and an LP action would otherwise fail with `MarksStale`. */
  async function send(label: string, ixs: TransactionInstruction[], units: number, needsMarks = true) {
    if (!wallet.publicKey || !wallet.signTransaction || !anchorWallet) return;
    for (const batch of needsMarks ? markBatches(staleMarks(d), firstBatch(d)) : []) {
      const ix = await markSeriesIx(d.keys, wallet.publicKey, batch);
      if (!(await sendOne("Refreshing prices", [ix], CU_LIMIT.markSeries))) return;
    }
    await sendOne(label, ixs, units);
  }
  async function sendOne(label: string, ixs: TransactionInstruction[], minUnits: number): Promise<boolean> {
    if (!wallet.publicKey || !wallet.signTransaction) return false;
    const signer = { publicKey: wallet.publicKey, signTransaction: wallet.signTransaction };
    try {
      const signature = await sendWithBudget(connection, signer, ixs, {
        minUnits,
        onStage: (stage, signature) => setTx({ stage, label, signature }),
      });
      setTx({ stage: "done", label, signature });
      await refresh();
      return true;
    } catch (e) {
      setTx((prev) => ({ stage: "failed", label, signature: prev.signature, error: explain(e) }));
      return false;
    }
  }
  return { tx, busy, send };
}

export function MyPosition({ d, rpc, refresh }: { d: VaultData; rpc: string; refresh: () => Promise<void> }) {
  const anchorWallet = useAnchorWallet();
  const { tx, busy, send } = useSender(refresh, d);
  // Countdowns run on the chain's clock (the one the program checks), estimated between reads.
  const [wallMs, setWallMs] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setWallMs(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const now = chainNow(d.chainTime, d.fetchedAt, wallMs);
  const w = d.wallet;
  if (!anchorWallet || !w) return <p className="empty">Connect a wallet to see your position.</p>;
  const v = d.vault;
  const qd = Number(v.quoteDecimals);
  const shares = w.shares?.amount ?? 0n;
  const req = w.request;
  // The request's own terms: a later governance change does not move its claim time.
  const claimAt = req ? Number(big(req.claimableAt)) : 0;
  const reqValue = req
    ? (big(req.shares) * big(req.navAtRequest)) / big(req.supplyAtRequest)
    : 0n;
  async function claim() {
    const lpQuote = w!.quote?.address ?? ata(anchorWallet!.publicKey, v.quoteMint, d.quoteTokenProgram);
    const ixs: TransactionInstruction[] = [];
    if (!w!.quote) ixs.push(createAtaIdempotent(anchorWallet!.publicKey, anchorWallet!.publicKey, v.quoteMint, d.quoteTokenProgram));
    ixs.push(await claimWithdrawIx(d.keys, anchorWallet!.publicKey, lpQuote));
    await send("Claim withdrawal", ixs, CU_LIMIT.claimWithdraw);
  }
  async function cancel() {
    const lpShares = w!.shares?.address ?? ata(anchorWallet!.publicKey, v.shareMint, d.quoteTokenProgram);
    const ix = await cancelWithdrawIx(d.keys, anchorWallet!.publicKey, lpShares);
    await send("Cancel withdrawal", [ix], CU_LIMIT.cancelWithdraw, false);
  }
  return (
    <section aria-labelledby="pos-h" className="card">
      <h2 id="pos-h">My position</h2>
      <dl className="grid">
        <div>
          <dt>Wallet quote</dt>
          <dd data-testid="my-quote">{formatUnits(w.quote?.amount ?? 0n, qd)}</dd>
        </div>
        <div>
          <dt>Shares</dt>
          <dd data-testid="my-shares">{formatUnits(shares, qd + 3)}</dd>
        </div>
        <div>
          <dt>SOL</dt>
          <dd>{(w.sol / 1e9).toFixed(4)}</dd>
        </div>
      </dl>
      {req ? (
        <div className="request" data-testid="my-request">
          <p>
            Pending withdrawal: {formatUnits(big(req.shares), qd + 3)} shares, worth up to{" "}
            {formatUnits(reqValue, qd)} (the smaller of the value at request and at claim).{" "}
            <span data-testid="claim-countdown">
              {claimable(d.chainTime, claimAt)
                ? "Claimable now."
                : `Claimable in ${countdown(Math.max(1, Math.ceil(claimAt - now)))}.`}
            </span>
          </p>
          <button onClick={claim} disabled={busy || !claimable(d.chainTime, claimAt)} data-testid="claim">
            Claim
          </button>{" "}
          <button onClick={cancel} disabled={busy} data-testid="cancel">
            Cancel
          </button>
        </div>
      ) : (
        <p className="hint">No pending withdrawal.</p>
      )}
      <Progress tx={tx} rpc={rpc} />
    </section>
  );
}

export function DepositForm({ d, rpc, refresh }: { d: VaultData; rpc: string; refresh: () => Promise<void> }) {
  const anchorWallet = useAnchorWallet();
  const { connection } = useConnection();
  const { tx, busy, send } = useSender(refresh, d);
  const [text, setText] = useState("");
  const [preview, setPreview] = useState<string | null>(null);
  useEffect(() => {
    if (tx.stage === "done") setText("");
  }, [tx.stage]);
  const v = d.vault;
  const qd = Number(v.quoteDecimals);
  const balance = d.wallet?.quote?.amount ?? 0n;
  // The cap bounds NAV after the deposit; the room under it is estimated at the oracle
  // price (the simulation preview then gives the program's own answer).
  const cap = big(v.risk.depositCap);
  const navEstimate = BigInt(Math.max(0, Math.floor(bookGreeks(d).nav * 10 ** qd)));
  const room = cap > navEstimate ? cap - navEstimate : 0n;
  const check = parseAmount(text, qd, {
    balance,
    balanceLabel: "wallet balance",
    cap: room,
    capLabel: "room under the deposit cap",
  });
  const amountKey = check.ok ? check.atoms.toString() : "";

  async function depositIxs(amount: bigint): Promise<TransactionInstruction[]> {
    const owner = anchorWallet!.publicKey;
    const ixs: TransactionInstruction[] = [];
    let lpShares = d.wallet?.shares?.address;
    if (!lpShares) {
      ixs.push(createAtaIdempotent(owner, owner, v.shareMint, d.quoteTokenProgram));
      lpShares = ata(owner, v.shareMint, d.quoteTokenProgram);
    }
    const lpQuote = d.wallet?.quote?.address ?? ata(owner, v.quoteMint, d.quoteTokenProgram);
    ixs.push(await depositIx(d.keys, owner, amount, lpQuote, lpShares));
    return ixs;
  }

  // The preview is the program's own answer: a simulation of this deposit.
  useEffect(() => {
    let stale = false;
    setPreview(null);
    if (!anchorWallet || !check.ok) return;
    const amount = check.atoms;
    const t = setTimeout(async () => {
      try {
        const events = await simulateEvents(connection, anchorWallet.publicKey, await depositIxs(amount));
        const ev = events.find((e) => e.name === "deposited" || e.name === "Deposited");
        if (!stale && ev) setPreview(`You receive ${formatUnits(big(ev.data.shares), qd + 3)} shares.`);
      } catch (e) {
        if (!stale) setPreview(`Would fail: ${explainError(e).message}`);
      }
    }, 300);
    return () => {
      stale = true;
      clearTimeout(t);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [amountKey, anchorWallet?.publicKey?.toBase58()]);

  return (
    <section aria-labelledby="dep-h" className="card">
      <h2 id="dep-h">Deposit</h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (check.ok) await send("Deposit", await depositIxs(check.atoms), CU_LIMIT.deposit);
        }}
      >
        <label htmlFor="deposit-amount">Amount (quote)</label>
        <input
          id="deposit-amount"
          inputMode="decimal"
          autoComplete="off"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={text !== "" && !check.ok}
          aria-describedby="deposit-help"
          data-testid="deposit-amount"
        />
        <div className="row">
          {[25, 50, 100].map((pct) => (
            <button
              type="button"
              key={pct}
              onClick={() => setText(formatUnits(percentOf(balance, pct), qd).replace(/,/g, ""))}
              disabled={balance === 0n}
            >
              {pct === 100 ? "Max" : `${pct}%`}
            </button>
          ))}
        </div>
        <p id="deposit-help" className={text !== "" && !check.ok ? "error" : "hint"} data-testid="deposit-help">
          {text !== "" && !check.ok
            ? check.error
            : preview ?? `Deposit cap: NAV after deposit ≤ ${formatUnits(cap, qd)}.`}
        </p>
        <button type="submit" disabled={!anchorWallet || busy} data-testid="deposit-submit">
          Deposit
        </button>
      </form>
      <Progress tx={tx} rpc={rpc} />
    </section>
  );
}

export function WithdrawForm({ d, rpc, refresh }: { d: VaultData; rpc: string; refresh: () => Promise<void> }) {
  const anchorWallet = useAnchorWallet();
  const { connection } = useConnection();
  const { tx, busy, send } = useSender(refresh, d);
  const [text, setText] = useState("");
  const [mode, setMode] = useState<"shares" | "value">("shares");
  const [price, setPrice] = useState<{ nav: bigint; supply: bigint } | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  useEffect(() => {
    if (tx.stage === "done") setText("");
  }, [tx.stage]);
  const v = d.vault;
  const qd = Number(v.quoteDecimals);
  const held = d.wallet?.shares?.amount ?? 0n;

  function requestIx(shares: bigint) {
    const owner = anchorWallet!.publicKey;
    return requestWithdrawIx(
      d.keys,
      owner,
      shares,
      d.wallet?.shares?.address ?? ata(owner, v.shareMint, d.quoteTokenProgram),
    );
  }

  // The share price the program would use now (from a simulated request of all shares).
  useEffect(() => {
    if (!anchorWallet || held === 0n || d.wallet?.request) return;
    (async () => {
      try {
        const ev = (await simulateEvents(connection, anchorWallet.publicKey, [await requestIx(held)])).find(
          (e) => e.name === "withdrawRequested" || e.name === "WithdrawRequested",
        );
        // Event fields keep the IDL's snake_case names.
        if (ev) setPrice({ nav: big(ev.data.nav_plus_virtual), supply: big(ev.data.supply_plus_virtual) });
      } catch (e) {
        console.warn("share price probe failed:", explainError(e).message);
        setPrice(null);
      }
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [anchorWallet?.publicKey?.toBase58(), held, d.fetchedAt - (d.fetchedAt % 15000)]);

  const sharesDecimals = qd + 3;
  let shares: bigint | null = null;
  let problem: string | null = null;
  if (text !== "") {
    if (mode === "shares") {
      const c = parseAmount(text, sharesDecimals, { balance: held, balanceLabel: "shares" });
      if (c.ok) shares = c.atoms;
      else problem = c.error;
    } else {
      const c = parseAmount(text, qd);
      if (!c.ok) problem = c.error;
      else if (!price) problem = "The share price is not known yet.";
      else {
        // nav/supply here already include the virtual offset: price = nav / supply.
        shares = sharesForValue(c.atoms, price.nav - 1n, price.supply - 1000n);
        if (shares > held) {
          problem = `That is more than your shares are worth (${formatUnits((held * price.nav) / price.supply, qd)}).`;
          shares = null;
        }
      }
    }
  }
  useEffect(() => {
    setPreview(null);
    if (shares === null || !price) return;
    setPreview(
      `${formatUnits(shares, sharesDecimals)} shares, worth about ${formatUnits((shares * price.nav) / price.supply, qd)} now; you are paid the smaller of that and their value at claim.`,
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shares?.toString(), price?.nav.toString()]);

  const pending = !!d.wallet?.request;
  return (
    <section aria-labelledby="wd-h" className="card">
      <h2 id="wd-h">Request withdrawal</h2>
      {pending && <p className="hint">You have a pending request: claim or cancel it first.</p>}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (shares !== null) await send("Request withdrawal", [await requestIx(shares)], CU_LIMIT.requestWithdraw);
        }}
      >
        <fieldset>
          <legend>Amount in</legend>
          <label>
            <input type="radio" name="wmode" checked={mode === "shares"} onChange={() => setMode("shares")} /> shares
          </label>{" "}
          <label>
            <input type="radio" name="wmode" checked={mode === "value"} onChange={() => setMode("value")} /> value (quote)
          </label>
        </fieldset>
        <label htmlFor="withdraw-amount">{mode === "shares" ? "Shares" : "Value"}</label>
        <input
          id="withdraw-amount"
          inputMode="decimal"
          autoComplete="off"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={!!problem}
          aria-describedby="withdraw-help"
          data-testid="withdraw-amount"
        />
        <div className="row">
          {[25, 50, 100].map((pct) => (
            <button
              type="button"
              key={pct}
              disabled={held === 0n}
              onClick={() => {
                setMode("shares");
                setText(formatUnits(percentOf(held, pct), sharesDecimals).replace(/,/g, ""));
              }}
            >
              {pct === 100 ? "All" : `${pct}%`}
            </button>
          ))}
        </div>
        <p id="withdraw-help" className={problem ? "error" : "hint"} data-testid="withdraw-help">
          {problem ?? preview ?? `Claimable ${countdown(Number(big(v.risk.withdrawDelayS)))} after the request.`}
        </p>
        <button type="submit" disabled={!anchorWallet || busy || pending || shares === null} data-testid="withdraw-submit">
          Request withdrawal
        </button>
      </form>
      <Progress tx={tx} rpc={rpc} />
    </section>
  );
}
