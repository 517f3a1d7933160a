import { greeks } from "../bsm";
import { big } from "../chain";
import { countdown, formatUnits, healthView, pythToNumber, utilisation, vaultMode } from "../logic";
import { phaseText, seriesPhase } from "../trade";
import type { VaultData } from "../useVault";

/** Book Greeks at the oracle price (display only, floating point). */
export function bookGreeks(d: VaultData) {
  const v = d.vault;
  const price = d.oracle ? pythToNumber(d.oracle.price, d.oracle.expo) : 0;
  const now = Date.now() / 1000;
  const und = 10 ** Number(v.underlyingDecimals);
  let delta = Number(big(v.underlyingAssets)) / und;
  let gamma = 0;
  let vega = 0;
  let liabilities = 0;
  // The program's margin scenarios: spot shocked beyond each side of the band, IV shocked up.
  const conf = d.oracle ? pythToNumber(d.oracle.conf, d.oracle.expo) : 0;
  const shock = Number(big(v.risk.spotShockBps)) / 10_000;
  const volShock = Number(big(v.risk.volShockBps)) / 10_000;
  const stressSpots = [(price - conf) * (1 - shock), (price + conf) * (1 + shock)];
  const stressedLiabilities = [0, 0];
  for (const s of d.series) {
    if (Number(s.status) !== 1) continue;
    const oi = Number(big(s.openInterest)) / und;
    if (oi === 0) continue;
    const k = pythToNumber(big(s.strike), Number(s.strikeExpo));
    const t = Math.max(Number(big(s.expiry)) - now, 0) / (365 * 86400);
    const g = greeks(Number(s.kind) === 0, price, k, Number(big(s.ivPpm)) / 1e6, t);
    delta -= oi * g.delta;
    gamma -= oi * g.gamma;
    vega -= oi * g.vega;
    liabilities += oi * g.value;
    stressSpots.forEach((spot, i) => {
      const iv = Number(big(s.ivPpm)) / 1e6 + volShock;
      stressedLiabilities[i] += oi * greeks(Number(s.kind) === 0, spot, k, iv, t).value;
    });
  }
  const qd = 10 ** Number(v.quoteDecimals);
  const assets = Number(big(v.quoteAssets)) / qd + (Number(big(v.underlyingAssets)) / und) * price;
  const owed = Number(big(v.settledPayoutsOwed)) / qd;
  const nav = assets - liabilities - owed;
  const quote = Number(big(v.quoteAssets)) / qd;
  const inventory = Number(big(v.underlyingAssets)) / und;
  // Stressed assets / stressed liabilities, the worse scenario: the ratio the margins bound.
  const stressedHealth = Math.min(
    ...stressSpots.map((spot, i) => {
      const owes = owed + stressedLiabilities[i];
      return owes > 0 ? (quote + inventory * spot) / owes : Infinity;
    }),
  );
  return { delta, gamma, vega, liabilities, price, assets, nav, stressedHealth };
}

export function Overview({ d }: { d: VaultData }) {
  const v = d.vault;
  const qd = Number(v.quoteDecimals);
  const g = bookGreeks(d);
  const quote = big(v.quoteAssets);
  const tvl = g.assets;
  const nav = g.nav;
  const supply = Number(d.shareSupply) / 10 ** (qd + 3);
  const navPerShare = supply > 0 ? nav / supply : 1;
  const total = quote;
  const locked = big(v.lockedQuote);
  const mode = vaultMode(Number(v.paused), Number(v.unwind));
  const age = d.oracle ? Math.max(0, Math.round(Date.now() / 1000 - d.oracle.publishTime)) : null;
  const health = healthView(g.stressedHealth, {
    maintenanceMarginBps: Number(big(v.risk.maintenanceMarginBps)),
    initialMarginBps: Number(big(v.risk.initialMarginBps)),
    targetMarginBps: Number(big(v.risk.targetMarginBps)),
  });
  const items: [string, string, string?][] = [
    ["TVL", `${tvl.toLocaleString(undefined, { maximumFractionDigits: 2 })}`],
    ["NAV per share", navPerShare.toFixed(6)],
    ["Share supply", formatUnits(d.shareSupply, qd + 3, 3)],
    ["Utilisation", `${utilisation(locked, total).toFixed(2)}%`],
    ["Health (stressed assets / liabilities)", `${health.ratio} (${health.state})`, health.thresholds],
    ["Mode", mode],
    [
      "Oracle",
      d.oracle
        ? `${g.price.toFixed(4)} ± ${pythToNumber(d.oracle.conf, d.oracle.expo).toFixed(4)} (${age}s old)`
        : "unreadable",
    ],
    ["Net Δ", `${g.delta.toFixed(4)} units`],
    ["Net Γ", `${g.gamma.toFixed(5)} per unit move`],
    ["Net vega", `${g.vega.toFixed(2)} per 1.00 vol`],
    ["Hedges", `${big(v.rebalanceCount)} (last ${Number(big(v.lastHedgeTime)) > 0 ? countdown(Date.now() / 1000 - Number(big(v.lastHedgeTime))) + " ago" : "never"})`],
  ];
  return (
    <section aria-labelledby="overview-h" className="card">
      <h2 id="overview-h">Vault</h2>
      <dl className="grid" data-testid="overview">
        {items.map(([k, val, sub]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd data-testid={`ov-${k.toLowerCase().replace(/[^a-z]+/g, "-")}`}>{val}</dd>
            {sub && <dd className="sub">{sub}</dd>}
          </div>
        ))}
      </dl>
      <p className="hint">TVL, NAV, health and Greeks here are display estimates at the oracle price (health under the program's spot and vol shocks); the program prices every deposit and withdrawal itself.</p>
    </section>
  );
}

export function SeriesTable({ d }: { d: VaultData }) {
  const v = d.vault;
  const g = bookGreeks(d);
  const und = 10 ** Number(v.underlyingDecimals);
  const now = Date.now() / 1000;
  const cutoff = Number(big(v.risk.tradeCutoffS));
  if (d.series.length === 0) return <p className="empty">No series listed.</p>;
  return (
    <section aria-labelledby="series-h" className="card">
      <h2 id="series-h">Series</h2>
      <div className="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Strike</th>
              <th scope="col">Expires in</th>
              <th scope="col">IV</th>
              <th scope="col">Open interest</th>
              <th scope="col">Model value</th>
            </tr>
          </thead>
          <tbody>
            {d.series.map((s) => {
              const k = pythToNumber(big(s.strike), Number(s.strikeExpo));
              const t = Math.max(Number(big(s.expiry)) - now, 0);
              const val = greeks(Number(s.kind) === 0, g.price, k, Number(big(s.ivPpm)) / 1e6, t / (365 * 86400)).value;
              return (
                <tr key={String(s.seriesId)}>
                  <td>{Number(s.kind) === 0 ? "call" : "put"}</td>
                  <td>{k.toFixed(2)}</td>
                  <td>{phaseText(seriesPhase({ status: Number(s.status), expiry: Number(big(s.expiry)) }, now, cutoff), Number(big(s.expiry)), now)}</td>
                  <td>{(Number(big(s.ivPpm)) / 1e4).toFixed(1)}%</td>
                  <td>{(Number(big(s.openInterest)) / und).toFixed(3)}</td>
                  <td>{val.toFixed(4)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function Governance({ d }: { d: VaultData }) {
  const v = d.vault;
  const risk = v.risk as Record<string, unknown>;
  const pending = v.pendingRisk as Record<string, unknown>;
  const eta = Number(big(v.pendingRiskEta));
  const changed = Object.keys(risk).filter((k) => String(risk[k]) !== String(pending[k]));
  return (
    <section aria-labelledby="gov-h" className="card">
      <h2 id="gov-h">Risk parameters (read-only)</h2>
      {eta > 0 && changed.length > 0 ? (
        <p role="status">
          Pending change applies in {countdown(eta - Date.now() / 1000)}: {changed.join(", ")}.
        </p>
      ) : (
        <p className="hint">No pending change.</p>
      )}
      <details>
        <summary>All {Object.keys(risk).length} parameters</summary>
        <table>
          <tbody>
            {Object.keys(risk).map((k) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>{String(risk[k])}</td>
                <td>{changed.includes(k) ? `→ ${String(pending[k])}` : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
