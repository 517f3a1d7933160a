//! Black-Scholes-Merton for European calls and puts, in fixed point.
//!
//! Inputs are as the program holds them: spot and strike as `mantissa × 10^expo`
//! ([`DecimalPrice`]), vol, rate `r` (quote) and yield `q` (underlying) as annual
//! continuous rates, time in seconds (a year is 31,536,000 s).
//!
//! **Scale.** BSM is homogeneous of degree one in (spot, strike): V(λS, λK) = λ·V(S, K).
//! Both prices are divided by 10^e, where 10^e is the spot's decade, so the model always
//! runs on a spot in [1, 10). Value-like results (price, vega, theta) come back as
//! [`ScaledFx`] with `expo = e`, gamma with `expo = −e`, delta is unit-free. A price of
//! 0.0001 therefore keeps exactly the relative precision of a price of 100,000.
//!
//! **Formulas** (T in years, D_q = e^(−qT), D_r = e^(−rT)):
//! - d1 = (ln(S/K) + (r − q + σ²/2)·T) / (σ√T), d2 = d1 − σ√T
//! - call = S·D_q·N(d1) − K·D_r·N(d2); put = K·D_r·N(−d2) − S·D_q·N(−d1)
//! - delta: call D_q·N(d1), put −D_q·N(−d1)
//! - gamma = D_q·φ(d1) / (S·σ√T); vega = S·D_q·φ(d1)·√T (per 1.00 of vol)
//! - theta (dV/dt per year, calendar time): −S·D_q·φ(d1)·σ/(2√T) ∓ r·K·D_r·N(±d2) ± q·S·D_q·N(±d1)
//!   (upper signs for calls).
//!
//! At expiry (t = 0) the price is the intrinsic value, delta is exactly 0 or ±1 and the
//! other greeks are 0.

use super::error::{MathError, MathResult};
use super::fixed_point::{
    decimal_digits, fx_int, fx_ratio, DecimalPrice, Fx, FxExt, ScaledFx, FX_ONE, FX_ZERO, POW10,
    SECONDS_PER_YEAR,
};
use super::transcendental::{cdf, exp, ln, pdf, sqrt};

/// Largest spot or strike, in value units.
pub const MAX_PRICE_DECADE: i32 = 12;
/// Smallest decimal exponent of the leading digit of a spot or strike (1e-18).
pub const MIN_PRICE_DECADE: i32 = -18;
/// Strike and spot decades may differ by at most this much (a ratio within ~1e±9).
pub const MAX_MONEYNESS_DECADES: i32 = 9;
/// Volatility bounds: 0.1% and 1,000%.
pub const VOL_MIN: Fx = fx_ratio(1, 1000);
pub const VOL_MAX: Fx = fx_int(10);
/// Time bounds in seconds: 1 s and 10 years (0 is expiry, handled apart).
pub const TIME_MIN_S: Fx = fx_int(1);
pub const TIME_MAX_S: Fx = fx_int(10 * SECONDS_PER_YEAR);
/// Bounds of the quote rate and the underlying yield: −50% and 100%.
pub const RATE_MIN: Fx = fx_ratio(-1, 2);
pub const RATE_MAX: Fx = fx_int(1);
/// √(seconds per year), rounded to nearest: √T is taken as √t_s / this constant so
/// that a 1-second expiry keeps full relative precision.
pub const SQRT_SECONDS_PER_YEAR: Fx = Fx::from_bits(103_591_238_641_203_221_128_796);

/// Call or put.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKind {
    Call,
    Put,
}

/// Everything the model needs for one option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BsmInputs {
    pub kind: OptionKind,
    pub spot: DecimalPrice,
    pub strike: DecimalPrice,
    /// Annualised volatility, 1.0 = 100%.
    pub vol: Fx,
    /// Quote (collateral) rate, continuous, per year.
    pub rate: Fx,
    /// Underlying yield, continuous, per year.
    pub div_yield: Fx,
    /// Seconds to expiry; fractions allowed. 0 means expired.
    pub time_s: Fx,
}

/// Price and the four greeks of one option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Greeks {
    /// Value per unit of underlying, in the spot's value units.
    pub price: ScaledFx,
    /// dV/dS, unit-free.
    pub delta: Fx,
    /// d²V/dS², per value unit.
    pub gamma: ScaledFx,
    /// dV/dσ per 1.00 of vol.
    pub vega: ScaledFx,
    /// dV/dt per year of calendar time (negative when the option decays).
    pub theta: ScaledFx,
}

/// Spot and strike moved to the spot's decade: spot ∈ [1, 10).
#[derive(Clone, Copy, Debug)]
struct Normalized {
    scale_expo: i32,
    spot: Fx,
    strike: Fx,
}

/// Decade of the leading digit and the value scaled to [1, 10); `None` when invalid.
fn leading_decade(p: DecimalPrice) -> Option<(i32, Fx)> {
    if p.mantissa <= 0 {
        return None;
    }
    let digits = decimal_digits(p.mantissa);
    let decade = p.expo.checked_add(digits as i32 - 1)?;
    // Truncating division by a power of ten: error < 1 ulp on a value in [1, 10).
    let scaled = fx_int(p.mantissa)
        .div_int_(POW10[digits as usize - 1])
        .ok()?;
    let within_max = decade < MAX_PRICE_DECADE
        || (decade == MAX_PRICE_DECADE && p.mantissa == POW10[digits as usize - 1]);
    if decade < MIN_PRICE_DECADE || !within_max {
        return None;
    }
    Some((decade, scaled))
}

fn normalize(spot: DecimalPrice, strike: DecimalPrice) -> MathResult<Normalized> {
    let (spot_decade, spot_scaled) = leading_decade(spot).ok_or(MathError::SpotOutOfRange)?;
    let (strike_decade, strike_scaled) =
        leading_decade(strike).ok_or(MathError::StrikeOutOfRange)?;
    let gap = strike_decade - spot_decade;
    if gap.abs() > MAX_MONEYNESS_DECADES {
        return Err(MathError::MoneynessOutOfRange);
    }
    let strike = if gap >= 0 {
        strike_scaled.mul_int_(POW10[gap as usize])?
    } else {
        strike_scaled.div_int_(POW10[(-gap) as usize])?
    };
    Ok(Normalized {
        scale_expo: spot_decade,
        spot: spot_scaled,
        strike,
    })
}

fn validate(inputs: &BsmInputs) -> MathResult<()> {
    if inputs.vol < VOL_MIN || inputs.vol > VOL_MAX {
        return Err(MathError::VolOutOfRange);
    }
    let t = inputs.time_s;
    if t != FX_ZERO && (t < TIME_MIN_S || t > TIME_MAX_S) {
        return Err(MathError::TimeOutOfRange);
    }
    if inputs.rate < RATE_MIN || inputs.rate > RATE_MAX {
        return Err(MathError::RateOutOfRange);
    }
    if inputs.div_yield < RATE_MIN || inputs.div_yield > RATE_MAX {
        return Err(MathError::DivYieldOutOfRange);
    }
    Ok(())
}

/// The shared intermediate values of all greeks.
struct Core {
    n: Normalized,
    sqrt_t: Fx,
    sig_sqrt_t: Fx,
    d1: Fx,
    d2: Fx,
    /// e^(−qT)
    df_q: Fx,
    /// e^(−rT)
    df_r: Fx,
}

enum Prepared {
    Expired(Normalized),
    Live(Core),
}

fn prepare(inputs: &BsmInputs) -> MathResult<Prepared> {
    validate(inputs)?;
    let n = normalize(inputs.spot, inputs.strike)?;
    if inputs.time_s == FX_ZERO {
        return Ok(Prepared::Expired(n));
    }
    // T = t/Y truncates (< 1 ulp); √T = √t/√Y keeps the relative precision of √t.
    let t_years = inputs.time_s.div_int_(SECONDS_PER_YEAR)?;
    let sqrt_t = sqrt(inputs.time_s)?.div_(SQRT_SECONDS_PER_YEAR)?;
    let sig_sqrt_t = inputs.vol.mul_(sqrt_t)?;
    let half_var = inputs.vol.mul_(inputs.vol)?.div_int_(2)?;
    let drift = inputs
        .rate
        .sub_(inputs.div_yield)?
        .add_(half_var)?
        .mul_(t_years)?;
    let log_moneyness = ln(n.spot)?.sub_(ln(n.strike)?)?;
    let d1 = log_moneyness.add_(drift)?.div_(sig_sqrt_t)?;
    let d2 = d1.sub_(sig_sqrt_t)?;
    let df_q = exp(-(inputs.div_yield.mul_(t_years)?))?;
    let df_r = exp(-(inputs.rate.mul_(t_years)?))?;
    Ok(Prepared::Live(Core {
        n,
        sqrt_t,
        sig_sqrt_t,
        d1,
        d2,
        df_q,
        df_r,
    }))
}

fn scaled(value: Fx, expo: i32) -> ScaledFx {
    ScaledFx { value, expo }
}

fn intrinsic(kind: OptionKind, n: &Normalized) -> MathResult<Fx> {
    let diff = match kind {
        OptionKind::Call => n.spot.sub_(n.strike)?,
        OptionKind::Put => n.strike.sub_(n.spot)?,
    };
    Ok(diff.max(FX_ZERO))
}

/// Delta at expiry: 1 (call) or −1 (put) strictly in the money, otherwise 0.
fn expired_delta(kind: OptionKind, n: &Normalized) -> Fx {
    match kind {
        OptionKind::Call if n.spot > n.strike => FX_ONE,
        OptionKind::Put if n.spot < n.strike => -FX_ONE,
        _ => FX_ZERO,
    }
}

impl Core {
    fn price(&self, kind: OptionKind) -> MathResult<Fx> {
        let s_dq = self.n.spot.mul_(self.df_q)?;
        let k_dr = self.n.strike.mul_(self.df_r)?;
        let v = match kind {
            OptionKind::Call => s_dq.mul_(cdf(self.d1)?)?.sub_(k_dr.mul_(cdf(self.d2)?)?)?,
            OptionKind::Put => k_dr
                .mul_(cdf(-self.d2)?)?
                .sub_(s_dq.mul_(cdf(-self.d1)?)?)?,
        };
        // Rounding can leave a worthless option a few ulp below zero; value is never < 0.
        Ok(v.max(FX_ZERO))
    }

    fn delta(&self, kind: OptionKind) -> MathResult<Fx> {
        match kind {
            OptionKind::Call => self.df_q.mul_(cdf(self.d1)?),
            OptionKind::Put => Ok(-(self.df_q.mul_(cdf(-self.d1)?)?)),
        }
    }

    /// S·D_q·φ(d1), shared by gamma, vega and theta.
    fn s_dq_pdf(&self) -> MathResult<Fx> {
        self.n.spot.mul_(self.df_q)?.mul_(pdf(self.d1)?)
    }

    fn gamma(&self) -> MathResult<Fx> {
        self.s_dq_pdf()?
            .div_(self.n.spot.mul_(self.n.spot)?.mul_(self.sig_sqrt_t)?)
    }

    fn vega(&self) -> MathResult<Fx> {
        self.s_dq_pdf()?.mul_(self.sqrt_t)
    }

    fn theta(&self, inputs: &BsmInputs) -> MathResult<Fx> {
        let decay = self
            .s_dq_pdf()?
            .mul_(inputs.vol)?
            .div_(self.sqrt_t.mul_int_(2)?)?;
        let k_dr = self.n.strike.mul_(self.df_r)?;
        let s_dq = self.n.spot.mul_(self.df_q)?;
        let carry = match inputs.kind {
            OptionKind::Call => s_dq
                .mul_(cdf(self.d1)?)?
                .mul_(inputs.div_yield)?
                .sub_(k_dr.mul_(cdf(self.d2)?)?.mul_(inputs.rate)?)?,
            OptionKind::Put => k_dr
                .mul_(cdf(-self.d2)?)?
                .mul_(inputs.rate)?
                .sub_(s_dq.mul_(cdf(-self.d1)?)?.mul_(inputs.div_yield)?)?,
        };
        carry.sub_(decay)
    }
}

/// Option value per unit of underlying. See the module docs for the formula.
pub fn price(inputs: &BsmInputs) -> MathResult<ScaledFx> {
    match prepare(inputs)? {
        Prepared::Expired(n) => Ok(scaled(intrinsic(inputs.kind, &n)?, n.scale_expo)),
        Prepared::Live(c) => Ok(scaled(c.price(inputs.kind)?, c.n.scale_expo)),
    }
}

/// dV/dS. Calls lie in [0, D_q], puts in [−D_q, 0].
pub fn delta(inputs: &BsmInputs) -> MathResult<Fx> {
    match prepare(inputs)? {
        Prepared::Expired(n) => Ok(expired_delta(inputs.kind, &n)),
        Prepared::Live(c) => c.delta(inputs.kind),
    }
}

/// d²V/dS², the same for calls and puts.
pub fn gamma(inputs: &BsmInputs) -> MathResult<ScaledFx> {
    match prepare(inputs)? {
        Prepared::Expired(n) => Ok(scaled(FX_ZERO, -n.scale_expo)),
        Prepared::Live(c) => Ok(scaled(c.gamma()?, -c.n.scale_expo)),
    }
}

/// dV/dσ per 1.00 of vol, the same for calls and puts.
pub fn vega(inputs: &BsmInputs) -> MathResult<ScaledFx> {
    match prepare(inputs)? {
        Prepared::Expired(n) => Ok(scaled(FX_ZERO, n.scale_expo)),
        Prepared::Live(c) => Ok(scaled(c.vega()?, c.n.scale_expo)),
    }
}

/// dV/dt per year of calendar time.
pub fn theta(inputs: &BsmInputs) -> MathResult<ScaledFx> {
    match prepare(inputs)? {
        Prepared::Expired(n) => Ok(scaled(FX_ZERO, n.scale_expo)),
        Prepared::Live(c) => Ok(scaled(c.theta(inputs)?, c.n.scale_expo)),
    }
}

/// Gamma × spot (unit-free: the change in delta for a 100% spot move), the same for
/// calls and puts: D_q·φ(d1)/(σ√T). 0 at expiry.
pub fn gamma_spot(inputs: &BsmInputs) -> MathResult<Fx> {
    match prepare(inputs)? {
        Prepared::Expired(_) => Ok(FX_ZERO),
        Prepared::Live(c) => c.df_q.mul_(pdf(c.d1)?)?.div_(c.sig_sqrt_t),
    }
}

/// Price and all greeks from one shared evaluation of d1, d2 and the discount factors.
pub fn greeks(inputs: &BsmInputs) -> MathResult<Greeks> {
    match prepare(inputs)? {
        Prepared::Expired(n) => Ok(Greeks {
            price: scaled(intrinsic(inputs.kind, &n)?, n.scale_expo),
            delta: expired_delta(inputs.kind, &n),
            gamma: scaled(FX_ZERO, -n.scale_expo),
            vega: scaled(FX_ZERO, n.scale_expo),
            theta: scaled(FX_ZERO, n.scale_expo),
        }),
        Prepared::Live(c) => {
            let e = c.n.scale_expo;
            Ok(Greeks {
                price: scaled(c.price(inputs.kind)?, e),
                delta: c.delta(inputs.kind)?,
                gamma: scaled(c.gamma()?, -e),
                vega: scaled(c.vega()?, e),
                theta: scaled(c.theta(inputs)?, e),
            })
        }
    }
}
