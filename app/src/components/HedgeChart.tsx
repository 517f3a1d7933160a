import {
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { big } from "../chain";
import type { VaultData } from "../useVault";

/** Δ before and after each hedge, the band, and the fill's distance from the oracle. */
export function HedgeChart({ d }: { d: VaultData }) {
  const und = 10 ** Number(d.vault.underlyingDecimals);
  const rows = d.hedges.map((h) => ({
    time: Number(big(h.time)),
    label: new Date(Number(big(h.time)) * 1000).toLocaleTimeString(),
    before: Number(big(h.deltaBefore)) / und,
    after: Number(big(h.deltaAfter)) / und,
    band: Number(big(h.band)) / und,
    negBand: -Number(big(h.band)) / und,
    bps: Number(big(h.fillDistanceBps)),
    size: Number(big(h.size)) / und,
    side: Number(h.side) === 0 ? "buy" : "sell",
    fallback: Number(h.fallback) === 1,
  }));
  if (rows.length === 0) {
    return (
      <section aria-labelledby="hedges-h" className="card">
        <h2 id="hedges-h">Hedge history</h2>
        <p className="empty">No hedges yet.</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="hedges-h" className="card">
      <h2 id="hedges-h">Hedge history</h2>
      <div
        className="chart"
        role="img"
        aria-label={`Delta before and after the last ${rows.length} hedges, with the band and fill distance in bps`}
        data-testid="hedge-chart"
      >
        <ResponsiveContainer width="100%" height={260}>
          {/* Each axis is wide enough for its ticks and its rotated label beside them. */}
          <ComposedChart data={rows} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" minTickGap={24} />
            <YAxis
              yAxisId="delta"
              width={72}
              label={{ value: "Δ (units)", angle: -90, position: "insideLeft", style: { textAnchor: "middle" } }}
            />
            <YAxis
              yAxisId="bps"
              orientation="right"
              width={72}
              label={{ value: "fill vs oracle (bps)", angle: 90, position: "insideRight", style: { textAnchor: "middle" } }}
            />
            <Tooltip
              formatter={(value: number, name: string) => [typeof value === "number" ? value.toFixed(4) : value, name]}
              labelFormatter={(l, p) => {
                const r = p?.[0]?.payload as (typeof rows)[number] | undefined;
                return r ? `${l}: ${r.side} ${r.size.toFixed(4)} units${r.fallback ? " (fallback)" : ""}` : String(l);
              }}
            />
            <Legend />
            <Line yAxisId="delta" dataKey="before" name="Δ before" stroke="#c0392b" dot />
            <Line yAxisId="delta" dataKey="after" name="Δ after" stroke="#27ae60" dot />
            <Line yAxisId="delta" dataKey="band" name="band" stroke="#888" strokeDasharray="4 4" dot={false} />
            <Line yAxisId="delta" dataKey="negBand" name="−band" stroke="#888" strokeDasharray="4 4" dot={false} legendType="none" />
            <Scatter yAxisId="bps" dataKey="bps" name="fill distance (bps)" fill="#2980b9" />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
}
