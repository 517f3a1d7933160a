// The Trade page: the option chain with the program's own bid and ask, a ticket to buy
// or sell back with a slippage limit set from the preview, and the wallet's options
// with their value now and exercise after settlement. Every send goes through the LP
// forms' sender (compute budget, stale marks refreshed first, progress, errors).

import { useEffect, useState } from "react";
import { useAnchorWallet, useConnection } from "@solana/wallet-adapter-react";
import type { Connection, PublicKey, TransactionInstruction } from "@solana/web3.js";
import {
  ata,
  buyOptionIx,
  createAtaIdempotent,
  decodePosition,
  exerciseIx,
  positionPda,
  sellOptionIx,
  simulateEvents,
  type PositionAccount,
  type VaultEvent,
  type VaultKeys,
} from "@hedge-vault/client";
import { greeks } from "../bsm";
import { big } from "../chain";
import { chainNow, countdown, formatUnits, parseAmount, pythToNumber, type Explained } from "../logic";
import {
  exercisePayout,
  explainTrade,
  maxPremium,
  minProceeds,
  modelQuote,
  parseTolerance,
  phaseRefusal,
  phaseText,
  seriesPhase,
  type Phase,
} from "../trade";
import type { SeriesData, VaultData } from "../useVault";
import { Progress, useSender } from "./Actions";

/** The largest u64: no premium limit in a preview (the preview is the limit's source). */
const NO_LIMIT = (1n << 64n) - 1n;
/** The least compute limit a trade asks for beyond its instructions' own floors (the
 *  client's CU table): nothing, since those cover buy, sell-back and exercise. */
const NO_EXTRA_UNITS = 0;
/** Chain quotes and position values are re-simulated at most this often. */
const QUOTE_EVERY_MS = 5_000;

type Position = { size: bigint; holdUntil: number };

/** One series as the page shows it. */
type Row = {
  s: SeriesData;
  id: bigint;
  call: boolean;
  strike: number;
  expiry: number;
  phase: Phase;
};

/** A bid or ask per contract: the program's (simulated) answer, the model's estimate when
 *  it cannot be simulated, or why the program refuses. */
type Quote = { atoms?: bigint; estimate?: number; refused?: Explained };

/** The vault's trade cutoff: no trades in this many seconds before expiry. */
const cutoffOf = (d: VaultData) => Number(big(d.vault.risk.tradeCutoffS));

function rows(d: VaultData, now: number): Row[] {
  const cutoff = cutoffOf(d);
  return d.series.map((s) => {
    const expiry = Number(big(s.expiry));
    return {
      s,
      id: big(s.seriesId),
      call: Number(s.kind) === 0,
      strike: pythToNumber(big(s.strike), Number(s.strikeExpo)),
      expiry,
      phase: seriesPhase({ status: Number(s.status), expiry }, now, cutoff),
    };
  });
}

function useChainNow(d: VaultData): number {
  const [wallMs, setWallMs] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setWallMs(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return chainNow(d.chainTime, d.fetchedAt, wallMs);
}

/** The OptionTraded event of a simulated buy (`buy`) or sale back. */
function traded(events: VaultEvent[], buy: boolean): { amount: bigint; modelValue: bigint } | null {
  const ev = events.find((e) => /^optiontraded$/i.test(e.name) && e.data.buy === buy);
  return ev ? { amount: big(ev.data.amount), modelValue: big(ev.data.model_value) } : null;
}

/** The wallet's positions by series id, re-read with every vault refresh. */
function usePositions(connection: Connection, d: VaultData, owner: PublicKey | null) {
  const [positions, setPositions] = useState<Map<string, Position>>(new Map());
  const ids = d.series.map((s) => String(big(s.seriesId))).join(",");
  useEffect(() => {
    if (!owner) {
      setPositions(new Map());
      return;
    }
    let stale = false;
    const keys = d.series.map((s) => positionPda(d.key, big(s.seriesId), owner));
    connection
      .getMultipleAccountsInfo(keys, "confirmed")
      .then((accounts) => {
        if (stale) return;
        const out = new Map<string, Position>();
        accounts.forEach((a) => {
          if (!a) return;
          const p: PositionAccount = decodePosition(a.data);
          if (big(p.size) > 0n) {
            out.set(String(big(p.seriesId)), { size: big(p.size), holdUntil: Number(big(p.holdUntil)) });
          }
        });
        setPositions(out);
      })
      .catch((e) => console.warn("positions:", e));
    return () => {
      stale = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [d.fetchedAt, owner?.toBase58(), ids]);
  return positions;
}

/** Bid and ask per contract for every trading series. With a wallet they are the
 *  program's own: one simulated transaction buys one contract and sells it back, and the
 *  two OptionTraded events carry the premium (ask) and the proceeds (bid). If the buy is
 *  refused, a holder's bid comes from selling one contract of their position, anyone
 *  else's is the model's estimate; so is every price without a wallet (or quote account). */
function useQuotes(
  connection: Connection,
  d: VaultData,
  keys: VaultKeys,
  owner: PublicKey | null,
  list: Row[],
  positions: Map<string, Position>,
) {
  const [quotes, setQuotes] = useState<Map<string, { bid: Quote; ask: Quote }>>(new Map());
  const unit = 10n ** BigInt(Number(d.vault.underlyingDecimals));
  const quoteAccount = d.wallet?.quote?.address ?? null;
  const bucket = Math.floor(d.fetchedAt / QUOTE_EVERY_MS);
  const active = list.filter((r) => r.phase === "active");
  useEffect(() => {
    let stale = false;
    (async () => {
      const out = new Map<string, { bid: Quote; ask: Quote }>();
      for (const r of active) {
        const key = String(r.id);
        if (!owner || !quoteAccount) {
          out.set(key, estimate(d, r));
          continue;
        }
        try {
          const events = await simulateEvents(connection, owner, [
            await buyOptionIx(keys, owner, r.id, unit, NO_LIMIT, quoteAccount),
            await sellOptionIx(keys, owner, r.id, unit, 0n, quoteAccount),
          ]);
          let bid: Quote = { atoms: traded(events, false)?.amount };
          // A holder's sale inside their hold is capped at the hold's value; a buy in
          // front would blend into it, so their bid is a sale of their own alone.
          if ((positions.get(key)?.size ?? 0n) >= unit) {
            try {
              const own = await simulateEvents(connection, owner, [
                await sellOptionIx(keys, owner, r.id, unit, 0n, quoteAccount),
              ]);
              bid = { atoms: traded(own, false)?.amount };
            } catch (e2) {
              bid = { refused: explainTrade(e2) };
            }
          }
          out.set(key, { ask: { atoms: traded(events, true)?.amount }, bid });
        } catch (e) {
          const refused = explainTrade(e, cutoffOf(d));
          let bid: Quote = estimate(d, r).bid;
          if ((positions.get(key)?.size ?? 0n) >= unit) {
            try {
              const events = await simulateEvents(connection, owner, [
                await sellOptionIx(keys, owner, r.id, unit, 0n, quoteAccount),
              ]);
              bid = { atoms: traded(events, false)?.amount };
            } catch (e2) {
              bid = { refused: explainTrade(e2) };
            }
          }
          out.set(key, { ask: { refused }, bid });
        }
        if (stale) return;
      }
      if (!stale) setQuotes(out);
    })();
    return () => {
      stale = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [bucket, owner?.toBase58(), quoteAccount?.toBase58(), active.map((r) => r.id).join(",")]);
  return quotes;
}

/** The model's bid and ask for one contract, from the oracle band (display only). */
function estimate(d: VaultData, r: Row): { bid: Quote; ask: Quote } {
  if (!d.oracle) return { bid: {}, ask: {} };
  const q = modelQuote({
    call: r.call,
    price: pythToNumber(d.oracle.price, d.oracle.expo),
    conf: pythToNumber(d.oracle.conf, d.oracle.expo),
    strike: r.strike,
    iv: Number(big(r.s.ivPpm)) / 1e6,
    // On the chain's clock, as the program prices.
    years: Math.max(r.expiry - chainNow(d.chainTime, d.fetchedAt, Date.now()), 0) / (365 * 86400),
    spreadBps: Number(big(d.vault.risk.spreadBps)),
    feeBps: Number(big(d.vault.risk.feeBps)),
    rateBps: Number(big(d.vault.risk.rateBps)),
    divYieldBps: Number(big(d.vault.risk.divYieldBps)),
  });
  return { bid: { estimate: q.bid }, ask: { estimate: q.ask } };
}

function QuoteCell({ q, qd, testId }: { q: Quote | undefined; qd: number; testId: string }) {
  if (q?.atoms !== undefined) return <td data-testid={testId}>{formatUnits(q.atoms, qd, 4)}</td>;
  if (q?.refused) {
    return (
      <td data-testid={testId} title={q.refused.message}>
        <span className="tag">refused</span>
      </td>
    );
  }
  if (q?.estimate !== undefined) {
    return (
      <td data-testid={testId} title="The model's estimate: the program's own price needs a wallet that can trade">
        ≈{q.estimate.toFixed(4)} <span className="tag">est.</span>
      </td>
    );
  }
  return <td data-testid={testId}>…</td>;
}

export function TradePage({ d, rpc, refresh }: { d: VaultData; rpc: string; refresh: () => Promise<void> }) {
  const { connection } = useConnection();
  const wallet = useAnchorWallet();
  const owner = wallet?.publicKey ?? null;
  const now = useChainNow(d);
  const keys = d.keys;
  const list = rows(d, now);
  const positions = usePositions(connection, d, owner);
  const quotes = useQuotes(connection, d, keys, owner, list, positions);
  const [selected, setSelected] = useState<string | null>(null);
  const [side, setSide] = useState<"buy" | "sell">("buy");
  const row = list.find((r) => String(r.id) === selected) ?? null;
  return (
    <>
      <OptionChain
        d={d}
        list={list}
        now={now}
        quotes={quotes}
        positions={positions}
        hasWallet={!!owner}
        onTrade={(id, s) => {
          setSelected(id);
          setSide(s);
        }}
      />
      {row && (
        <Ticket
          key={`${selected}-${side}`}
          d={d}
          keys={keys}
          row={row}
          side={side}
          setSide={setSide}
          position={positions.get(String(row.id)) ?? null}
          now={now}
          rpc={rpc}
          refresh={refresh}
        />
      )}
      <MyOptions d={d} keys={keys} list={list} now={now} positions={positions} rpc={rpc} refresh={refresh} />
    </>
  );
}

function OptionChain(props: {
  d: VaultData;
  list: Row[];
  now: number;
  quotes: Map<string, { bid: Quote; ask: Quote }>;
  positions: Map<string, Position>;
  hasWallet: boolean;
  onTrade: (id: string, side: "buy" | "sell") => void;
}) {
  const { d, list, now, quotes, positions, hasWallet, onTrade } = props;
  const qd = Number(d.vault.quoteDecimals);
  const ud = Number(d.vault.underlyingDecimals);
  const cutoff = cutoffOf(d);
  const spot = d.oracle ? pythToNumber(d.oracle.price, d.oracle.expo) : 0;
  if (list.length === 0) return <p className="empty">No series listed.</p>;
  return (
    <section aria-labelledby="chain-h" className="card">
      <h2 id="chain-h">Option chain</h2>
      <dl className="grid">
        <div>
          <dt>Underlying (oracle)</dt>
          <dd data-testid="trade-spot">
            {d.oracle
              ? `${spot.toFixed(4)} ± ${pythToNumber(d.oracle.conf, d.oracle.expo).toFixed(4)} (${Math.max(0, Math.round(now - d.oracle.publishTime))}s old)`
              : "unreadable"}
          </dd>
        </div>
        <div>
          <dt>Wallet quote</dt>
          <dd data-testid="trade-quote">{d.wallet ? formatUnits(d.wallet.quote?.amount ?? 0n, qd) : "—"}</dd>
        </div>
        <div>
          <dt>Trading closes</dt>
          <dd>{cutoff > 0 ? `${countdown(cutoff)} before expiry` : "at expiry"}</dd>
        </div>
      </dl>
      <div className="scroll">
        <table data-testid="chain" className="chain">
          <thead>
            <tr>
              <th scope="col">Series</th>
              <th scope="col">Strike</th>
              <th scope="col">Expires in</th>
              <th scope="col">IV</th>
              <th scope="col">Open interest / cap</th>
              <th scope="col">Bid</th>
              <th scope="col">Ask</th>
              <th scope="col">Δ</th>
              <th scope="col">Γ</th>
              <th scope="col">Vega</th>
              <th scope="col">Θ / day</th>
              <th scope="col"><span className="sr-only">Trade</span></th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => {
              const key = String(r.id);
              const q = quotes.get(key);
              const g = greeks(r.call, spot, r.strike, Number(big(r.s.ivPpm)) / 1e6, Math.max(r.expiry - now, 0) / (365 * 86400));
              const held = positions.get(key)?.size ?? 0n;
              return (
                <tr key={key} data-testid={`chain-row-${key}`} data-phase={r.phase}>
                  <td>
                    #{key} {r.call ? "call" : "put"}
                  </td>
                  <td>{r.strike.toFixed(2)}</td>
                  <td data-testid={`chain-expiry-${key}`}>{phaseText(r.phase, r.expiry, now)}</td>
                  <td>{(Number(big(r.s.ivPpm)) / 1e4).toFixed(1)}%</td>
                  <td>
                    {formatUnits(big(r.s.openInterest), ud, 3)} / {formatUnits(big(r.s.maxOpenInterest), ud, 3)}
                  </td>
                  {r.phase === "active" ? (
                    <>
                      <QuoteCell q={q?.bid} qd={qd} testId={`bid-${key}`} />
                      <QuoteCell q={q?.ask} qd={qd} testId={`ask-${key}`} />
                    </>
                  ) : (
                    <td colSpan={2} className="hint">
                      {r.phase === "settled" ? "exercise in My options" : "no trading"}
                    </td>
                  )}
                  {r.phase === "active" || r.phase === "closed" ? (
                    <>
                      <td>{g.delta.toFixed(3)}</td>
                      <td>{g.gamma.toFixed(4)}</td>
                      <td>{(g.vega / 100).toFixed(3)}</td>
                      <td>{(g.theta / 365).toFixed(3)}</td>
                    </>
                  ) : (
                    <td colSpan={4} />
                  )}
                  <td className="actions">
                    <button type="button" disabled={r.phase !== "active" || !hasWallet} onClick={() => onTrade(key, "buy")} data-testid={`buy-${key}`}>
                      Buy
                    </button>{" "}
                    {held > 0n && (
                      <button type="button" disabled={r.phase !== "active"} onClick={() => onTrade(key, "sell")} data-testid={`sell-${key}`}>
                        Sell
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="hint">
        Bid and ask are per contract (one unit of the underlying), in quote.{" "}
        {hasWallet
          ? "They are the program's own answer: a simulated buy of one contract and its sale back, read from the program's events."
          : "≈ marks the model's estimate from the oracle band; connect a wallet for the program's own prices."}{" "}
        Greeks at the oracle price (display only; vega per vol point).
      </p>
    </section>
  );
}

function Ticket(props: {
  d: VaultData;
  keys: VaultKeys;
  row: Row;
  side: "buy" | "sell";
  setSide: (s: "buy" | "sell") => void;
  position: Position | null;
  now: number;
  rpc: string;
  refresh: () => Promise<void>;
}) {
  const { d, keys, row, side, setSide, position, now, rpc, refresh } = props;
  const { connection } = useConnection();
  const wallet = useAnchorWallet();
  const cutoff = cutoffOf(d);
  const { tx, busy, send } = useSender(refresh, d, (e) => explainTrade(e, cutoff));
  const [sizeText, setSizeText] = useState(side === "sell" && position ? "" : "1");
  const [tolText, setTolText] = useState("1");
  const [preview, setPreview] = useState<{ amount: bigint; modelValue: bigint } | null>(null);
  const [refusal, setRefusal] = useState<Explained | null>(null);
  useEffect(() => {
    if (tx.stage === "done") setSizeText("");
  }, [tx.stage]);
  const qd = Number(d.vault.quoteDecimals);
  const ud = Number(d.vault.underlyingDecimals);
  const held = position?.size ?? 0n;
  const quoteAccount = d.wallet?.quote?.address ?? null;
  const size = parseAmount(sizeText, ud, side === "sell" ? { balance: held, balanceLabel: "position" } : {});
  const tol = parseTolerance(tolText);
  const sizeKey = size.ok ? size.atoms.toString() : "";

  async function ixs(limit: bigint): Promise<TransactionInstruction[]> {
    const owner = wallet!.publicKey;
    if (!size.ok) return [];
    if (side === "buy") return [await buyOptionIx(keys, owner, row.id, size.atoms, limit, quoteAccount!)];
    // Proceeds need a quote account: create the associated one if the wallet has none.
    const to = quoteAccount ?? ata(owner, keys.quoteMint, keys.quoteTokenProgram);
    const create = quoteAccount ? [] : [createAtaIdempotent(owner, owner, keys.quoteMint, keys.quoteTokenProgram)];
    return [...create, await sellOptionIx(keys, owner, row.id, size.atoms, limit, to)];
  }

  // The preview is the program's own answer: this trade simulated without a limit,
  // again as prices move. Only a change of the trade itself clears the last answer.
  const inputs = `${sizeKey}|${side}|${row.phase}|${wallet?.publicKey?.toBase58()}`;
  const [shownFor, setShownFor] = useState(inputs);
  if (shownFor !== inputs) {
    setShownFor(inputs);
    setPreview(null);
    setRefusal(null);
  }
  useEffect(() => {
    let stale = false;
    if (!wallet || !size.ok || row.phase !== "active") return;
    if (side === "buy" && !quoteAccount) {
      setRefusal({ name: "NoQuote", message: "This wallet holds no quote tokens to pay a premium with." });
      return;
    }
    const t = setTimeout(async () => {
      try {
        const events = await simulateEvents(connection, wallet.publicKey, await ixs(side === "buy" ? NO_LIMIT : 0n));
        const ev = traded(events, side === "buy");
        if (!stale && ev) {
          setPreview(ev);
          setRefusal(null);
        }
      } catch (e) {
        if (!stale) {
          setPreview(null);
          setRefusal(explainTrade(e, cutoff));
        }
      }
    }, 300);
    return () => {
      stale = true;
      clearTimeout(t);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [inputs, Math.floor(d.fetchedAt / QUOTE_EVERY_MS)]);

  const limit = preview && tol.ok ? (side === "buy" ? maxPremium(preview.amount, tol.bps) : minProceeds(preview.amount, tol.bps)) : null;
  const problem = sizeText !== "" && !size.ok ? size.error : !tol.ok ? tol.error : null;
  const holding = side === "sell" && position && position.holdUntil > now;
  let help: string;
  let state: "error" | "ok" | "pending";
  if (side === "sell" && held === 0n) [help, state] = ["You hold none of this series now.", "pending"];
  else if (problem) [help, state] = [problem, "error"];
  else if (phaseRefusal(row.phase, cutoff)) [help, state] = [phaseRefusal(row.phase, cutoff)!, "error"];
  else if (refusal) [help, state] = [`The program would refuse: ${refusal.message}`, "error"];
  else if (preview && limit !== null) {
    const charges = side === "buy" ? preview.amount - preview.modelValue : preview.modelValue - preview.amount;
    help =
      side === "buy"
        ? `Premium ${formatUnits(preview.amount, qd)} (model value ${formatUnits(preview.modelValue, qd)} + spread and fee ${formatUnits(charges, qd)}). You pay at most ${formatUnits(limit, qd)}.`
        : `Proceeds ${formatUnits(preview.amount, qd)} (model value ${formatUnits(preview.modelValue, qd)} − spread and fee ${formatUnits(charges, qd)}). You receive at least ${formatUnits(limit, qd)}.`;
    state = "ok";
  } else [help, state] = [size.ok ? "Asking the program…" : "Enter a size in contracts.", "pending"];

  return (
    <section aria-labelledby="ticket-h" className="card" data-testid="ticket">
      <h2 id="ticket-h">
        {side === "buy" ? "Buy" : "Sell back"} #{String(row.id)} {row.call ? "call" : "put"} {row.strike.toFixed(2)}
      </h2>
      <div className="row" role="group" aria-label="Side">
        <button type="button" aria-pressed={side === "buy"} onClick={() => setSide("buy")} data-testid="ticket-side-buy">
          Buy
        </button>
        <button type="button" aria-pressed={side === "sell"} disabled={held === 0n} onClick={() => setSide("sell")} data-testid="ticket-side-sell">
          Sell back
        </button>
      </div>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (limit !== null && size.ok && !refusal) {
            await send(side === "buy" ? "Buy" : "Sell back", await ixs(limit), NO_EXTRA_UNITS);
          }
        }}
      >
        <div className="two">
          <div>
            <label htmlFor="ticket-size">Size (contracts of one underlying unit)</label>
            <input
              id="ticket-size"
              inputMode="decimal"
              autoComplete="off"
              value={sizeText}
              onChange={(e) => setSizeText(e.target.value)}
              aria-invalid={sizeText !== "" && !size.ok}
              aria-describedby="ticket-help"
              data-testid="ticket-size"
            />
            {side === "sell" && held > 0n && (
              <button type="button" onClick={() => setSizeText(formatUnits(held, ud).replace(/,/g, ""))}>
                All ({formatUnits(held, ud)})
              </button>
            )}
          </div>
          <div>
            <label htmlFor="ticket-tol">Slippage tolerance (%)</label>
            <input
              id="ticket-tol"
              inputMode="decimal"
              autoComplete="off"
              value={tolText}
              onChange={(e) => setTolText(e.target.value)}
              aria-invalid={!tol.ok}
              data-testid="ticket-tolerance"
            />
          </div>
        </div>
        <p id="ticket-help" className={state === "error" ? "error" : "hint"} data-testid="ticket-preview" data-state={state}>
          {help}
        </p>
        {holding && (
          <p className="hint">
            Until {new Date(position!.holdUntil * 1000).toLocaleTimeString()} (the program's minimum hold after a buy) a
            sale back pays at most what these units were bought at.
          </p>
        )}
        <button type="submit" disabled={!wallet || busy || limit === null || !!refusal || !!problem} data-testid="ticket-submit">
          {side === "buy" ? "Buy" : "Sell back"}
        </button>
      </form>
      <Progress tx={tx} rpc={rpc} />
    </section>
  );
}

function MyOptions(props: {
  d: VaultData;
  keys: VaultKeys;
  list: Row[];
  now: number;
  positions: Map<string, Position>;
  rpc: string;
  refresh: () => Promise<void>;
}) {
  const { d, keys, list, now, positions, rpc, refresh } = props;
  const { connection } = useConnection();
  const wallet = useAnchorWallet();
  const cutoff = cutoffOf(d);
  const { tx, busy, send } = useSender(refresh, d, (e) => explainTrade(e, cutoff));
  const [values, setValues] = useState<Map<string, Quote>>(new Map());
  const [paid, setPaid] = useState<string | null>(null);
  // The exercise being sent, reported once it lands.
  const [exercising, setExercising] = useState<string | null>(null);
  useEffect(() => {
    if (tx.stage === "done" && exercising) setPaid(exercising);
    if (tx.stage === "done" || tx.stage === "failed") setExercising(null);
  }, [tx.stage, exercising]);
  const qd = Number(d.vault.quoteDecimals);
  const ud = Number(d.vault.underlyingDecimals);
  const quoteAccount = d.wallet?.quote?.address ?? null;
  const mine = list.filter((r) => positions.has(String(r.id)));
  const bucket = Math.floor(d.fetchedAt / QUOTE_EVERY_MS);

  // A trading position's value is what the vault would pay for all of it now: its sale
  // back, simulated.
  useEffect(() => {
    if (!wallet || !quoteAccount) return;
    let stale = false;
    (async () => {
      const out = new Map<string, Quote>();
      for (const r of mine.filter((x) => x.phase === "active")) {
        const size = positions.get(String(r.id))!.size;
        try {
          const events = await simulateEvents(connection, wallet.publicKey, [
            await sellOptionIx(keys, wallet.publicKey, r.id, size, 0n, quoteAccount),
          ]);
          out.set(String(r.id), { atoms: traded(events, false)?.amount });
        } catch (e) {
          out.set(String(r.id), { refused: explainTrade(e, cutoff) });
        }
        if (stale) return;
      }
      if (!stale) setValues(out);
    })();
    return () => {
      stale = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [bucket, wallet?.publicKey?.toBase58(), mine.map((r) => `${r.id}:${positions.get(String(r.id))?.size}`).join(",")]);

  if (!wallet) return <p className="empty">Connect a wallet to see your options.</p>;

  async function exercise(r: Row, payout: bigint) {
    const owner = wallet!.publicKey;
    const to = quoteAccount ?? ata(owner, keys.quoteMint, keys.quoteTokenProgram);
    const create = quoteAccount ? [] : [createAtaIdempotent(owner, owner, keys.quoteMint, keys.quoteTokenProgram)];
    const ix = await exerciseIx(keys, owner, r.id, owner, to);
    // Set in the same tick as the send's first stage, so an earlier "done" is not taken for it.
    setPaid(null);
    setExercising(`Exercised #${String(r.id)}: paid ${formatUnits(payout, qd)}.`);
    await send("Exercise", [...create, ix], NO_EXTRA_UNITS, false);
  }

  return (
    <section aria-labelledby="mine-h" className="card">
      <h2 id="mine-h">My options</h2>
      {mine.length === 0 ? (
        <p className="hint" data-testid="no-positions">
          No options held.
        </p>
      ) : (
        <div className="scroll">
          <table data-testid="positions">
            <thead>
              <tr>
                <th scope="col">Series</th>
                <th scope="col">Size</th>
                <th scope="col">State</th>
                <th scope="col">Value now</th>
                <th scope="col"><span className="sr-only">Action</span></th>
              </tr>
            </thead>
            <tbody>
              {mine.map((r) => {
                const key = String(r.id);
                const size = positions.get(key)!.size;
                const payout = exercisePayout(size, big(r.s.payoutPerUnit), ud);
                const v = values.get(key);
                return (
                  <tr key={key} data-testid={`position-${key}`} data-phase={r.phase}>
                    <td>
                      #{key} {r.call ? "call" : "put"} {r.strike.toFixed(2)}
                    </td>
                    <td data-testid={`position-size-${key}`}>{formatUnits(size, ud)}</td>
                    <td>{phaseText(r.phase, r.expiry, now)}</td>
                    <td data-testid={`position-value-${key}`}>
                      {r.phase === "settled"
                        ? `${formatUnits(payout, qd)} payout (settled at ${pythToNumber(big(r.s.settlementPrice), Number(r.s.settlementExpo)).toFixed(4)})`
                        : r.phase === "active"
                          ? v?.atoms !== undefined
                            ? `${formatUnits(v.atoms, qd)} if sold back now`
                            : (v?.refused?.message ?? "…")
                          : "payout fixed at expiry; awaiting settlement"}
                    </td>
                    <td className="actions">
                      {r.phase === "settled" && (
                        <button type="button" disabled={busy} onClick={() => exercise(r, payout)} data-testid={`exercise-${key}`}>
                          Exercise
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {paid && (
        <p role="status" data-testid="exercise-paid">
          {paid}
        </p>
      )}
      <Progress tx={tx} rpc={rpc} />
    </section>
  );
}
