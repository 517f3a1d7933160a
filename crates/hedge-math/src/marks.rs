//! Marks: what the program caches of each series between re-pricings, and the book's
//! aggregates built from them, so that no instruction prices the whole book.
//!
//! A **mark** is computed from one oracle mid S₀ at time t₀ (five evaluations):
//! value, delta, Γ·S, vega and theta at S₀; the values at the window's edges
//! S₀(1 ± m) (m = the mark's window), which bound the second-order expansion; and the
//! two stressed values used for margin and locks. Every value is per underlying unit,
//! in quote atoms (QPU: quote atoms per whole underlying unit).
//!
//! **Between marks** a series' value at spot S and time t is estimated to second order,
//! V(S, t) ≈ V₀ + Δ₀·(S − S₀) + ½Γ₀·(S − S₀)² + Θ₀·(t − t₀), with what that leaves out
//! bounded on both sides, for every S in the window and t within the mark's life:
//!
//! - **Spot, below:** V is convex in S, so it lies above its tangent:
//!   V(S) ≥ V₀ + Δ₀·dS, i.e. at most ½Γ₀·dS² ≤ ½·Γ₀S₀·S₀m² below the estimate
//!   (`bound_down`).
//! - **Spot, above:** V lies below its chords from S₀ to each edge, so the estimate is
//!   exceeded by at most (chord − tangent) at the far edge:
//!   max(V(S₀(1+m)) − V₀ − Δ₀·S₀m, V(S₀(1−m)) − V₀ + Δ₀·S₀m) (`bound_up`). Both spot
//!   bounds are proofs, not estimates.
//! - **Time:** the first-order term Θ₀·dt, and a margin |Θ₀|·dt on the conservative side,
//!   i.e. theta may change by up to 100% of itself over the mark's life: the value lies in
//!   [V₀ + 2Θ₀dt, V₀] while it decays. Marks live at most a quarter of the remaining time
//!   to expiry (but at least a minute) and `max_mark_age_s`. For an at-the-money value,
//!   V ∝ √T, the bound holds over the whole remaining life (√(1 − f) ≥ 1 − f); values
//!   away from the money decay convexly, so they stay above the tangent. This is an
//!   argument checked by `tests/marks.rs`, not a proof like the spot bounds.
//! - **Spot and time together:** θ's rate and dividend terms change with the spot, which
//!   Θ₀ (taken at S₀) does not see; their largest change over the window, times the
//!   mark's life, is added to both spot bounds and to the stressed values (the carry
//!   margin: zero when r = q = 0).
//!
//! **Stress.** Margin and locks value each series in two scenarios, spot × (1 ∓ shock)
//! with IV + vol shock. Calls rise and puts fall with spot, so a series' worst value for
//! any spot in the window is at the window's high edge (calls) or low edge (puts): the
//! mark stores the stressed values at S₀(1 + m)(1 ∓ shock) for calls and
//! S₀(1 − m)(1 ∓ shock) for puts, upper bounds for every spot the mark is valid at.
//!
//! **Aggregates** are sums over the open series in quote atoms (values) and underlying
//! atoms (delta, gamma). The second-order estimates are summed around a reference spot
//! S_ref as a quadratic in x = S/S_ref − 1, so the whole book's liabilities at any spot
//! are P + Q·x + ½C·x² (plus the time terms): three numbers, whatever the book's size.
//! Each series' share ([`contribution`]) is a deterministic function of its mark, its
//! open interest and the reference, so the book adds and subtracts shares exactly and the
//! sums always equal a recomputation.

use super::bsm::{BsmInputs, Evaluation, OptionKind, VOL_MAX};
use super::error::{MathError, MathResult};
use super::fixed_point::{mul_pow10, DecimalPrice, Fx, ScaledFx, POW10};
use super::norm::Norm;

/// Ten thousand: basis points per one.
const BPS: i64 = 10_000;

/// What a mark is computed from.
#[derive(Clone, Copy, Debug)]
pub struct MarkRequest {
    pub kind: OptionKind,
    pub strike: DecimalPrice,
    /// The series' implied vol.
    pub vol: Fx,
    /// Added to the vol in the stress scenarios (capped at the model's 1,000%).
    pub vol_shock: Fx,
    pub rate: Fx,
    pub div_yield: Fx,
    /// Seconds to expiry at the mark (0 when expired: intrinsic values).
    pub time_s: i64,
    /// Seconds the mark will be used for (its life): sizes the carry margin.
    pub life_s: i64,
    /// The oracle mid S₀.
    pub mid: DecimalPrice,
    /// m: the ± spot window the bounds cover, bps of S₀.
    pub window_bps: u64,
    /// The stress scenarios' spot move, bps.
    pub spot_shock_bps: u64,
    pub quote_decimals: u8,
}

/// A series' mark: per underlying unit, quote atoms (QPU), except delta and Γ·S.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MarkValues {
    /// S₀ in QPU.
    pub spot: Fx,
    pub value: Fx,
    pub delta: Fx,
    /// Γ₀·S₀ (unit-free).
    pub gamma_spot: Fx,
    /// Per 1.00 of vol.
    pub vega: Fx,
    /// Per year of calendar time.
    pub theta: Fx,
    /// How far V may lie above / below the second-order estimate in the window (≥ 0).
    pub bound_up: Fx,
    pub bound_down: Fx,
    /// Upper bounds of the value in the down and up stress scenarios.
    pub stress_down: Fx,
    pub stress_up: Fx,
}

/// `p × (1 + bps/10⁴)`, exactly when the mantissa allows; otherwise the mantissa drops
/// digits, rounded up or down as asked (a window's high edge rounds up, its low edge down,
/// so the edges never shrink).
pub fn scale_price(p: DecimalPrice, bps: i64, round_up: bool) -> MathResult<DecimalPrice> {
    let factor = BPS.checked_add(bps).ok_or(MathError::Overflow)?;
    if factor <= 0 || p.mantissa <= 0 {
        return Err(MathError::SpotOutOfRange);
    }
    let mut m = (p.mantissa as i128)
        .checked_mul(factor as i128)
        .ok_or(MathError::Overflow)?;
    let mut expo = p.expo.checked_sub(4).ok_or(MathError::Overflow)?;
    // Bounded: the product has at most 24 digits, an i64 holds 18.
    let mut inexact = false;
    while m > i64::MAX as i128 {
        inexact |= m % 10 != 0;
        m /= 10;
        expo = expo.checked_add(1).ok_or(MathError::Overflow)?;
    }
    if round_up && inexact {
        m += 1;
        if m > i64::MAX as i128 {
            // i64::MAX + 1 = 2^63: one more digit, rounded up again.
            m = (m + 9) / 10;
            expo = expo.checked_add(1).ok_or(MathError::Overflow)?;
        }
    }
    Ok(DecimalPrice::new(m as i64, expo))
}

/// A decimal price in QPU (quote atoms per whole underlying unit), truncated.
pub fn price_qpu(p: DecimalPrice, quote_decimals: u8) -> MathResult<Fx> {
    mul_pow10(Fx::from_int(p.mantissa), p.expo + quote_decimals as i32)
}

fn qpu(v: ScaledFx, quote_decimals: u8) -> MathResult<Fx> {
    v.at_expo(-(quote_decimals as i32))
}

/// Computes a series' mark: five option evaluations (one with all greeks, four prices).
pub fn mark(r: &MarkRequest) -> MathResult<MarkValues> {
    let base = BsmInputs {
        kind: r.kind,
        spot: r.mid,
        strike: r.strike,
        vol: r.vol,
        rate: r.rate,
        div_yield: r.div_yield,
        time_s: Fx::from_int(r.time_s),
    };
    let window = i64::try_from(r.window_bps).map_err(|_| MathError::Overflow)?;
    let shock = i64::try_from(r.spot_shock_bps).map_err(|_| MathError::Overflow)?;
    let qd = r.quote_decimals;

    let centre = Evaluation::new(&base)?;
    let spot = price_qpu(r.mid, qd)?;
    let value = qpu(centre.price()?, qd)?;
    let delta = centre.delta()?;
    let gamma_spot = centre.gamma_spot()?;
    let vega = qpu(centre.vega()?, qd)?;
    let theta = qpu(centre.theta()?, qd)?;

    // The window's edges and the values there.
    let hi = scale_price(r.mid, window, true)?;
    let lo = scale_price(r.mid, -window, false)?;
    let at = |spot: DecimalPrice, vol: Fx| -> MathResult<Fx> {
        qpu(
            Evaluation::new(&BsmInputs { spot, vol, ..base })?.price()?,
            qd,
        )
    };
    let (v_hi, v_lo) = (at(hi, r.vol)?, at(lo, r.vol)?);
    let (s_hi, s_lo) = (price_qpu(hi, qd)?, price_qpu(lo, qd)?);
    // Chord minus tangent at each edge; convexity makes both ≥ 0 up to rounding.
    let above_hi = v_hi.sub_(value)?.sub_(delta.mul_(s_hi.sub_(spot)?)?)?;
    let above_lo = v_lo.sub_(value)?.add_(delta.mul_(spot.sub_(s_lo)?)?)?;
    let bound_up = above_hi.max(above_lo).max(Fx::ZERO);
    // ½·Γ₀·dS² at the farther edge, Γ₀ = Γ₀S₀/S₀.
    let far = s_hi.sub_(spot)?.max(spot.sub_(s_lo)?);
    let bound_down = if spot == Fx::ZERO {
        Fx::ZERO
    } else {
        let far_sq = Norm::from_fx(far)?;
        let gamma = Norm::from_fx(gamma_spot.max(Fx::ZERO))?;
        (gamma * far_sq * far_sq * Norm::from_fx(spot)?.recip()?)
            .mul_pow2(-1)
            .to_fx()?
    };

    // Stress: the window's worse edge for this kind, moved by the shock, at IV + shock.
    let edge = match r.kind {
        OptionKind::Call => hi,
        OptionKind::Put => lo,
    };
    let stress_vol = r.vol.add_(r.vol_shock)?.min(VOL_MAX);
    // Calls are worth more at a higher spot, puts at a lower one: round the stressed spot
    // the way that can only raise the value.
    let up = r.kind == OptionKind::Call;
    let stress_down = at(scale_price(edge, -shock, up)?, stress_vol)?;
    let stress_up = at(scale_price(edge, shock, up)?, stress_vol)?;

    // The time terms use θ₀ at S₀ for every spot of the window; θ's carry terms vary with
    // the spot, which they do not see (see `carry_margin`). Their most over the mark's
    // life widens both bounds and the stressed values (which are taken at t₀).
    let carry = carry_margin(r, &centre)?;

    Ok(MarkValues {
        spot,
        value,
        delta,
        gamma_spot,
        vega,
        theta,
        bound_up: bound_up.add_(carry)?,
        bound_down: bound_down.add_(carry)?,
        stress_down: stress_down.add_(carry)?,
        stress_up: stress_up.add_(carry)?,
    })
}

/// How far the value's drift over the mark's life can differ from θ₀·dt through the
/// rate and dividend terms of θ, per unit (QPU), rounded up.
///
/// θ = −S·D_q·φ(d1)·σ/(2√T) ∓ r·K·D_r·N(±d2) ± q·S·D_q·N(±d1) (upper signs for calls).
/// Between two spots the N(·) factors differ by at most 1, so the carry terms of θ(S)
/// and θ(S₀) differ by at most |r|·K·D_r + |q|·D_q·S_top, S_top the highest spot the
/// mark covers, stress included: S₀(1 + m)(1 + shock) ([`Evaluation::carry_bound`]).
/// The first term of θ is always ≤ 0; it is what `Aggregates::liabilities`' |θ₀|·dt
/// margin covers. Zero when r = q = 0 (the default) and for expired series.
fn carry_margin(r: &MarkRequest, centre: &Evaluation) -> MathResult<Fx> {
    if r.life_s <= 0 || (r.rate == Fx::ZERO && r.div_yield == Fx::ZERO) {
        return Ok(Fx::ZERO);
    }
    let window = i64::try_from(r.window_bps).map_err(|_| MathError::Overflow)?;
    let shock = i64::try_from(r.spot_shock_bps).map_err(|_| MathError::Overflow)?;
    // (1 + m)(1 + shock), and an ulp for the truncations of `from_bps` and the product.
    let top = Fx::from_bps(BPS + window)
        .mul_(Fx::from_bps(BPS + shock))?
        .add_(Fx::from_bits(4))?;
    let per_year = qpu(centre.carry_bound(top)?, r.quote_decimals)?;
    // × life / year, plus a few units in the last place for the truncations above.
    per_year
        .mul_int_(r.life_s)?
        .div_int_(YEAR)?
        .add_(Fx::from_bits(1 << 8))
}

/// The reference the book's quadratic is expanded around: a spot S_ref (QPU) and a time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reference {
    pub spot: Fx,
    pub time: i64,
}

/// Sums over the open series (or one series' share of them).
///
/// Values are quote atoms, deltas and gammas underlying atoms. Liabilities at spot
/// S = S_ref(1 + x) and time t are estimated as P + Q·x + ½C·x² + Σθ·(t − t₀), between
/// that minus `bound_down` and plus `bound_up`, each side widened by Σ|θ|·(t − t₀).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Aggregates {
    pub p: Fx,
    pub q: Fx,
    pub c: Fx,
    pub bound_up: Fx,
    pub bound_down: Fx,
    /// Σθ (quote atoms per second) and Σθ·(t₀ − t_ref).
    pub theta: Fx,
    pub theta_t: Fx,
    /// The same with |θ|.
    pub theta_abs: Fx,
    pub theta_abs_t: Fx,
    /// Book delta at x: `delta0 + delta1·x` (underlying atoms, the options' side).
    pub delta0: Fx,
    pub delta1: Fx,
    /// Σ OI·Γ·S and Σ OI·Γ·S·σ (underlying atoms).
    pub gamma_spot: Fx,
    pub gamma_vol: Fx,
    /// Σ vega, quote atoms per 1.00 of vol.
    pub vega: Fx,
    /// Σ stressed values in the down and up scenarios, quote atoms.
    pub stress_down: Fx,
    pub stress_up: Fx,
}

/// Seconds in the pricing year, as the divisor of theta.
const YEAR: i64 = 31_536_000;

/// One series' share of the aggregates: its mark (computed at `time`), open interest in
/// underlying atoms, and IV, around `reference`. Deterministic, so adding and later
/// subtracting it leaves the sums exact.
pub fn contribution(
    m: &MarkValues,
    time: i64,
    vol: Fx,
    open_interest: u64,
    underlying_decimals: u8,
    reference: &Reference,
) -> MathResult<Aggregates> {
    if open_interest == 0 {
        return Ok(Aggregates::default());
    }
    #[cfg(feature = "eval-counter")]
    super::bsm::counter::bump_share();
    let unit = *POW10
        .get(underlying_decimals as usize)
        .ok_or(MathError::Overflow)?;
    let oi = Fx::from_u64(open_interest)?;
    // n: open interest in whole underlying units.
    let n = oi.div_int_(unit)?;
    // k = S_ref/S₀ and x₀ = S₀/S_ref − 1, through 64-bit reciprocals.
    let s0 = Norm::from_fx(m.spot)?;
    let sr = Norm::from_fx(reference.spot)?;
    if s0.is_zero() || sr.is_zero() {
        return Err(MathError::DivideByZero);
    }
    let k = (sr * s0.recip()?).to_fx()?;
    let x0 = (s0 * sr.recip()?).to_fx()?.sub_(Fx::ONE)?;
    // a = n·V, b = n·Δ·S₀·k (= n·Δ·S_ref), c = n·(Γ·S₀)·S₀·k² (= n·Γ·S_ref²).
    let a = n.mul_(m.value)?;
    let b = n.mul_(m.delta)?.mul_(reference.spot)?;
    let c = n.mul_(m.gamma_spot)?.mul_(reference.spot)?.mul_(k)?;
    // a + b(x − x₀) + ½c(x − x₀)² = (a − b·x₀ + ½c·x₀²) + (b − c·x₀)·x + ½c·x².
    let half_c_x0 = Fx::from_bits(c.mul_(x0)?.to_bits() >> 1);
    let p = a.sub_(b.mul_(x0)?)?.add_(half_c_x0.mul_(x0)?)?;
    let q = b.sub_(c.mul_(x0)?)?;
    let theta = n.mul_(m.theta)?.div_int_(YEAR)?;
    let dt = Fx::from_int(
        time.checked_sub(reference.time)
            .ok_or(MathError::Overflow)?,
    );
    // Options' delta at x, first order: Δ₀ + Γ₀·(S − S₀) = Δ₀ + Γ₀S₀·k·(x − x₀).
    let g_oi = oi.mul_(m.gamma_spot)?;
    let g_k = g_oi.mul_(k)?;
    Ok(Aggregates {
        p,
        q,
        c,
        bound_up: n.mul_(m.bound_up)?,
        bound_down: n.mul_(m.bound_down)?,
        theta,
        theta_t: theta.mul_(dt)?,
        theta_abs: theta.abs(),
        theta_abs_t: theta.abs().mul_(dt)?,
        delta0: oi.mul_(m.delta)?.sub_(g_k.mul_(x0)?)?,
        delta1: g_k,
        gamma_spot: g_oi,
        gamma_vol: g_oi.mul_(vol)?,
        vega: n.mul_(m.vega)?,
        stress_down: n.mul_(m.stress_down)?,
        stress_up: n.mul_(m.stress_up)?,
    })
}

macro_rules! fields {
    ($f:ident, $a:ident, $b:ident) => {
        Ok(Aggregates {
            p: $a.p.$f($b.p)?,
            q: $a.q.$f($b.q)?,
            c: $a.c.$f($b.c)?,
            bound_up: $a.bound_up.$f($b.bound_up)?,
            bound_down: $a.bound_down.$f($b.bound_down)?,
            theta: $a.theta.$f($b.theta)?,
            theta_t: $a.theta_t.$f($b.theta_t)?,
            theta_abs: $a.theta_abs.$f($b.theta_abs)?,
            theta_abs_t: $a.theta_abs_t.$f($b.theta_abs_t)?,
            delta0: $a.delta0.$f($b.delta0)?,
            delta1: $a.delta1.$f($b.delta1)?,
            gamma_spot: $a.gamma_spot.$f($b.gamma_spot)?,
            gamma_vol: $a.gamma_vol.$f($b.gamma_vol)?,
            vega: $a.vega.$f($b.vega)?,
            stress_down: $a.stress_down.$f($b.stress_down)?,
            stress_up: $a.stress_up.$f($b.stress_up)?,
        })
    };
}

/// The book's liabilities bounded over a spot range, quote atoms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiabilityBounds {
    /// No lower than the true value at any spot in the range (NAV for exits).
    pub high: Fx,
    /// No higher than the true value at any spot in the range (NAV for deposits); ≥ 0.
    pub low: Fx,
}

impl Aggregates {
    /// Field by field, exact (or `Overflow`).
    pub fn add(&self, o: &Aggregates) -> MathResult<Aggregates> {
        fields!(add_, self, o)
    }

    pub fn sub(&self, o: &Aggregates) -> MathResult<Aggregates> {
        fields!(sub_, self, o)
    }

    fn quadratic(&self, x: Fx) -> MathResult<Fx> {
        let half_c = Fx::from_bits(self.c.to_bits() >> 1);
        self.p.add_(self.q.mul_(x)?)?.add_(half_c.mul_(x)?.mul_(x)?)
    }

    /// The liabilities at any spot S_ref(1 + x), x ∈ [x_lo, x_hi], at time `now`.
    ///
    /// The quadratic is convex (C ≥ 0), so its maximum over the range is at an end; its
    /// minimum is bounded below by the tangent at the middle, f(x_m) − |f′(x_m)|·h.
    pub fn liabilities(
        &self,
        x_lo: Fx,
        x_hi: Fx,
        now: i64,
        reference: &Reference,
    ) -> MathResult<LiabilityBounds> {
        let dt = Fx::from_int(now.checked_sub(reference.time).ok_or(MathError::Overflow)?);
        // Σθ·(t − t₀) and Σ|θ|·(t − t₀).
        let drift = self.theta.mul_(dt)?.sub_(self.theta_t)?;
        let margin = self
            .theta_abs
            .mul_(dt)?
            .sub_(self.theta_abs_t)?
            .max(Fx::ZERO);
        let top = self.quadratic(x_lo)?.max(self.quadratic(x_hi)?);
        let mid = Fx::from_bits(x_lo.add_(x_hi)?.to_bits() >> 1);
        let half = Fx::from_bits(x_hi.sub_(x_lo)?.to_bits() >> 1);
        let slope = self.q.add_(self.c.mul_(mid)?)?;
        let bottom = self.quadratic(mid)?.sub_(slope.abs().mul_(half)?)?;
        Ok(LiabilityBounds {
            high: top.add_(self.bound_up)?.add_(drift)?.add_(margin)?,
            low: bottom
                .sub_(self.bound_down)?
                .add_(drift)?
                .sub_(margin)?
                .max(Fx::ZERO),
        })
    }

    /// The options' delta at x (underlying atoms; the vault is short, so its own delta
    /// from the options is the negative of this).
    pub fn options_delta(&self, x: Fx) -> MathResult<Fx> {
        self.delta0.add_(self.delta1.mul_(x)?)
    }
}

/// x = S/S_ref − 1 for a spot in QPU.
pub fn relative_move(spot: Fx, reference: &Reference) -> MathResult<Fx> {
    let sr = Norm::from_fx(reference.spot)?;
    if sr.is_zero() {
        return Err(MathError::DivideByZero);
    }
    (Norm::from_fx(spot)? * sr.recip()?).to_fx()?.sub_(Fx::ONE)
}
