// Black–Scholes in floating point, for display only (the book's Greeks and model values
// on the overview, the option chain's Greeks). The program's own fixed-point math is
// what prices trades and NAV.

function cdf(x: number): number {
  // Abramowitz–Stegun 26.2.17 (|error| < 7.5e-8): plenty for a display.
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const d = 0.3989422804014327 * Math.exp((-x * x) / 2);
  const p =
    d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return x >= 0 ? 1 - p : p;
}

const pdf = (x: number) => 0.3989422804014327 * Math.exp((-x * x) / 2);

/** Vega per 1.00 of vol, theta per year. */
export type Greeks = { value: number; delta: number; gamma: number; vega: number; theta: number };

/** Per unit of underlying; `t` in years, `call` or put. */
export function greeks(call: boolean, s: number, k: number, vol: number, t: number, r = 0, q = 0): Greeks {
  if (t <= 0 || vol <= 0) {
    const intrinsic = Math.max(call ? s - k : k - s, 0);
    return { value: intrinsic, delta: intrinsic > 0 ? (call ? 1 : -1) : 0, gamma: 0, vega: 0, theta: 0 };
  }
  const sq = vol * Math.sqrt(t);
  const d1 = (Math.log(s / k) + (r - q + (vol * vol) / 2) * t) / sq;
  const d2 = d1 - sq;
  const dq = Math.exp(-q * t);
  const dr = Math.exp(-r * t);
  const value = call ? s * dq * cdf(d1) - k * dr * cdf(d2) : k * dr * cdf(-d2) - s * dq * cdf(-d1);
  const delta = call ? dq * cdf(d1) : dq * (cdf(d1) - 1);
  const gamma = (dq * pdf(d1)) / (s * sq);
  const vega = s * dq * pdf(d1) * Math.sqrt(t);
  const decay = (-s * dq * pdf(d1) * vol) / (2 * Math.sqrt(t));
  const theta = call
    ? decay - r * k * dr * cdf(d2) + q * s * dq * cdf(d1)
    : decay + r * k * dr * cdf(-d2) - q * s * dq * cdf(-d1);
  return { value, delta, gamma, vega, theta };
}
