//! Black-Scholes-Merton for European calls and puts, in fixed point, at a fixed cost.
//!
//! Inputs are as the program holds them: spot and strike as `mantissa × 10^expo`
//! ([`DecimalPrice`]), vol, rate `r` (quote) and yield `q` (underlying) as annual
//! continuous rates, time in seconds (a year is 31,536,000 s).
//!
//! **One shared core.** [`Evaluation::new`] computes, once per option, everything the
//! greeks share: d1, d2, N(d1), N(d2), D_q = e^(−qT), (K/S)·D_r, and Γ·S = D_q·φ(d1)/(σ√T).
//! Each greek is then a few products. Nothing divides at run time except one 128/64
//! division for gamma's 1/S; 1/(σ√T) comes from a Newton reciprocal square root, and
//! K/S never needs a division: (K/S)·e^(−rT) = e^(−ln(S/K) − rT), with ln(S/K) taken
//! from the integer mantissas and decimal exponents, ln(S/K) = ln m_S − ln m_K +
//! (e_S − e_K)·ln 10.
//!
//! **Formulas**, per unit of spot (T in years, σ√T = √(σ²T)):
//! - d1 = (ln(S/K) + (r − q + σ²/2)·T)/(σ√T), d2 = d1 − σ√T
//! - call/S = D_q·N(d1) − (K/S)D_r·N(d2); put/S = (K/S)D_r·N(−d2) − D_q·N(−d1)
//! - delta: call D_q·N(d1), put −D_q·N(−d1)
//! - Γ·S = D_q·φ(d1)/(σ√T); vega/S = Γ·S·σ·T (per 1.00 of vol)
//! - theta/S (per year of calendar time) = −Γ·S·σ²/2 + carry, carry = q·D_q·N(d1) −
//!   r·(K/S)D_r·N(d2) for calls and r·(K/S)D_r·N(−d2) − q·D_q·N(−d1) for puts.
//!
//! **Scale.** BSM is homogeneous of degree one in (spot, strike), so values come back as
//! [`ScaledFx`] in units of 10^E where 10^E is the spot's decade (spot ∈ [1, 10) in those
//! units); gamma in units of 10^−E; delta is unit-free. A price of 0.0001 keeps the
//! relative precision of a price of 100,000.
//!
//! **Error.** N is within 4e-19 and d1, d2 within about 1e-18·(1 + |d1|) + 4e-19/(σ√T)
//! (ln(S/K), rT and qT each carry a few 2^-64), so delta is within 4e-19·D_q + 0.4·δd1
//! and price/S within (4e-19 + 0.4·δd1)·(D_q + (K/S)·D_r): about 1e-18 in the usual
//! range, more where σ√T is tiny or D_q, (K/S)·D_r are large (a 50% negative yield over
//! 10 years makes D_q = e^5). On `tests/data/bsm_reference.csv` the
//! worst delta error is 1.4e-14 and the worst price error 6.3e-16 × max(S, K)
//! (`tests/bsm_reference.rs` asserts the README's bounds).
//!
//! At expiry (t = 0) the price is the intrinsic value, delta is exactly 0 or ±1 and the
//! other greeks are 0.

use core::ops::Mul;

use super::error::{MathError, MathResult};
use super::fixed_point::{decimal_digits, fx_int, fx_ratio, DecimalPrice, Fx, ScaledFx, POW10};
use super::norm::Norm;
use super::tables::{INV_YEAR, LN10_Q96, LN2_Q96};
use super::transcendental::{cdf, exp_norm, ln_mantissa, pdf_norm};

pub use super::fixed_point::SECONDS_PER_YEAR;

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

/// A validated positive decimal price.
#[derive(Clone, Copy, Debug)]
struct Decimal {
    mantissa: u64,
    expo: i32,
    /// Decimal exponent of the leading digit.
    decade: i32,
    digits: u32,
}

fn parse_price(p: DecimalPrice, err: MathError) -> MathResult<Decimal> {
    if p.mantissa <= 0 {
        return Err(err);
    }
    let digits = decimal_digits(p.mantissa);
    let decade = p.expo.checked_add(digits as i32 - 1).ok_or(err)?;
    let within_max = decade < MAX_PRICE_DECADE
        || (decade == MAX_PRICE_DECADE && p.mantissa == POW10[digits as usize - 1]);
    if decade < MIN_PRICE_DECADE || !within_max {
        return Err(err);
    }
    Ok(Decimal {
        mantissa: p.mantissa as u64,
        expo: p.expo,
        decade,
        digits,
    })
}

impl Decimal {
    /// The value in units of 10^scale, as a `Norm` (relative error < 2^-62).
    fn in_units_of(&self, scale: i32) -> MathResult<Norm> {
        Ok(Norm::from_u64(self.mantissa).mul(Norm::pow10(self.expo - scale)?))
    }

    /// The mantissa aligned to 19 digits: with equal decades, a larger aligned mantissa
    /// is a larger price (exact comparison).
    fn aligned(&self) -> u128 {
        self.mantissa as u128 * POW10[19 - self.digits as usize] as u128
    }
}

fn validate(inputs: &BsmInputs) -> MathResult<()> {
    if inputs.vol < VOL_MIN || inputs.vol > VOL_MAX {
        return Err(MathError::VolOutOfRange);
    }
    let t = inputs.time_s;
    if t != Fx::ZERO && (t < TIME_MIN_S || t > TIME_MAX_S) {
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

/// ln(S/K) = ln m_S − ln m_K + (e_S − e_K)·ln 10, with ln m = b·ln 2 + ln(m/2^b):
/// within 7 ulp (4e-19). No division.
fn log_ratio(s: &Decimal, k: &Decimal) -> Fx {
    let (ns, nk) = (Norm::from_u64(s.mantissa), Norm::from_u64(k.mantissa));
    // |Δb| ≤ 63 and |Δe| ≤ 48 (both decades within [−18, 12]): the products stay
    // below 2^104 (wrapping: no overflow check needed).
    let db = (ns.exponent() - nk.exponent()) as i128;
    let de = (s.expo - k.expo) as i128;
    let whole = (db.wrapping_mul(LN2_Q96) + de.wrapping_mul(LN10_Q96) + (1 << 31)) >> 32;
    let frac = ln_mantissa(ns.mantissa()) as i128 - ln_mantissa(nk.mantissa()) as i128;
    Fx::from_bits(whole + frac)
}

/// The shared core of one option: everything its price and greeks need, computed once.
#[derive(Clone, Copy, Debug)]
pub struct Evaluation {
    kind: OptionKind,
    /// E: results are in units of 10^E (the spot's decade).
    scale_expo: i32,
    /// S / 10^E ∈ [1, 10).
    spot_scaled: Norm,
    state: State,
}

#[derive(Clone, Copy, Debug)]
enum State {
    Expired {
        /// max(±(S − K), 0) in units of 10^E.
        intrinsic: Fx,
        delta: Fx,
    },
    Live(Live),
}

#[derive(Clone, Copy, Debug)]
struct Live {
    d1: Fx,
    d2: Fx,
    /// N(d1), N(d2).
    n_d1: Fx,
    n_d2: Fx,
    /// e^(−qT).
    df_q: Norm,
    /// (K/S)·e^(−rT).
    k_df_r: Norm,
    /// 1/(σ√T): with D_q and φ(d1), Γ·S (computed only when a greek needs it, so a
    /// price costs no density).
    inv_sd: Norm,
    vol: Norm,
    t_years: Norm,
    rate: Fx,
    div_yield: Fx,
}

/// Counts `Evaluation::new` calls and shares of the book's sums (feature `eval-counter`,
/// off-chain only): tests assert how much math each instruction runs.
#[cfg(feature = "eval-counter")]
pub mod counter {
    use core::sync::atomic::{AtomicU64, Ordering};

    static EVALUATIONS: AtomicU64 = AtomicU64::new(0);
    static SHARES: AtomicU64 = AtomicU64::new(0);

    pub(super) fn bump() {
        EVALUATIONS.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a series' share of the book's sums (`marks::contribution`, ~5.6k CU).
    pub(crate) fn bump_share() {
        SHARES.fetch_add(1, Ordering::Relaxed);
    }

    /// Evaluations since the process started (or since `reset`).
    pub fn evaluations() -> u64 {
        EVALUATIONS.load(Ordering::Relaxed)
    }

    /// Shares computed since the process started (or since `reset`).
    pub fn shares() -> u64 {
        SHARES.load(Ordering::Relaxed)
    }

    pub fn reset() {
        EVALUATIONS.store(0, Ordering::Relaxed);
        SHARES.store(0, Ordering::Relaxed);
    }
}

impl Evaluation {
    /// Validates the inputs and computes the shared core.
    pub fn new(inputs: &BsmInputs) -> MathResult<Evaluation> {
        #[cfg(feature = "eval-counter")]
        counter::bump();
        validate(inputs)?;
        let spot = parse_price(inputs.spot, MathError::SpotOutOfRange)?;
        let strike = parse_price(inputs.strike, MathError::StrikeOutOfRange)?;
        if (strike.decade - spot.decade).abs() > MAX_MONEYNESS_DECADES {
            return Err(MathError::MoneynessOutOfRange);
        }
        let scale_expo = spot.decade;
        let spot_scaled = spot.in_units_of(scale_expo)?;

        if inputs.time_s == Fx::ZERO {
            let s = spot_scaled.to_fx()?;
            let k = strike.in_units_of(scale_expo)?.to_fx()?;
            let above = (spot.decade, spot.aligned()) > (strike.decade, strike.aligned());
            let below = (spot.decade, spot.aligned()) < (strike.decade, strike.aligned());
            let (intrinsic, delta) = match inputs.kind {
                OptionKind::Call if above => (s.sub_(k)?, Fx::ONE),
                OptionKind::Put if below => (k.sub_(s)?, -Fx::ONE),
                _ => (Fx::ZERO, Fx::ZERO),
            };
            return Ok(Evaluation {
                kind: inputs.kind,
                scale_expo,
                spot_scaled,
                state: State::Expired {
                    intrinsic: intrinsic.max(Fx::ZERO),
                    delta,
                },
            });
        }

        // σ√T and 1/(σ√T) from the variance σ²T, relative errors within a few 2^-63.
        let vol = Norm::from_fx(inputs.vol)?;
        let t_years = Norm::from_fx(inputs.time_s)?.mul(Norm::from_parts(INV_YEAR));
        let variance = vol.mul(vol).mul(t_years);
        let inv_sd = variance.rsqrt()?;
        let sd = variance.mul(inv_sd);

        // d1 = (ln(S/K) + (r − q)T)/(σ√T) + σ√T/2, d2 = d1 − σ√T. σ√T enters as a term of
        // its own, not through σ²T in the numerator: a tiny σ²T in `Fx` would keep few
        // significant bits, and its truncation, divided by σ√T, would bias d2 (and every
        // price) low.
        let log_sk = log_ratio(&spot, &strike);
        let rate_t = t_years.mul_fx(inputs.rate)?;
        let yield_t = t_years.mul_fx(inputs.div_yield)?;
        let carry = log_sk.add_(rate_t)?.sub_(yield_t)?;
        let d1 = inv_sd.mul_fx(carry)?.add_(sd.mul_pow2(-1).to_fx()?)?;
        let d2 = d1.sub_(sd.to_fx()?)?;

        let df_q = exp_norm(-yield_t)?;
        // (K/S)·e^(−rT) = e^(−ln(S/K) − rT): |exponent| ≤ 23 + 10.
        let k_df_r = exp_norm(-(log_sk.add_(rate_t)?))?;

        Ok(Evaluation {
            kind: inputs.kind,
            scale_expo,
            spot_scaled,
            state: State::Live(Live {
                d1,
                d2,
                n_d1: cdf(d1),
                n_d2: cdf(d2),
                df_q,
                k_df_r,
                inv_sd,
                vol,
                t_years,
                rate: inputs.rate,
                div_yield: inputs.div_yield,
            }),
        })
    }

    /// d1 and d2 (`None` at expiry).
    pub fn d1_d2(&self) -> Option<(Fx, Fx)> {
        match &self.state {
            State::Live(l) => Some((l.d1, l.d2)),
            State::Expired { .. } => None,
        }
    }

    /// E: value-like results are in units of 10^E.
    pub fn scale_expo(&self) -> i32 {
        self.scale_expo
    }

    fn scaled(&self, per_spot: Fx) -> MathResult<ScaledFx> {
        Ok(ScaledFx {
            value: self.spot_scaled.mul_fx(per_spot)?,
            expo: self.scale_expo,
        })
    }

    /// Option value per unit of underlying, never below zero.
    pub fn price(&self) -> MathResult<ScaledFx> {
        let l = match &self.state {
            State::Expired { intrinsic, .. } => {
                return Ok(ScaledFx {
                    value: *intrinsic,
                    expo: self.scale_expo,
                })
            }
            State::Live(l) => l,
        };
        let per_spot = match self.kind {
            OptionKind::Call => l.df_q.mul_fx(l.n_d1)?.sub_(l.k_df_r.mul_fx(l.n_d2)?)?,
            OptionKind::Put => l
                .k_df_r
                .mul_fx(Fx::ONE.sub_(l.n_d2)?)?
                .sub_(l.df_q.mul_fx(Fx::ONE.sub_(l.n_d1)?)?)?,
        };
        // Rounding can leave a worthless option a few ulp below zero.
        self.scaled(per_spot.max(Fx::ZERO))
    }

    /// |r|·K·D_r + |q|·D_q·(`spot_factor`·S), per year: the most θ's rate and dividend
    /// terms (∓r·K·D_r·N(±d2) ± q·S·D_q·N(±d1)) can differ between any two spots up to
    /// `spot_factor`·S, since the N(·) lie in [0, 1]. Zero when expired (intrinsic values
    /// do not drift) or when r = q = 0. Used by `marks` for its carry margin.
    pub fn carry_bound(&self, spot_factor: Fx) -> MathResult<ScaledFx> {
        let per_spot = match &self.state {
            State::Expired { .. } => Fx::ZERO,
            State::Live(l) => {
                let rate = if l.rate == Fx::ZERO {
                    Fx::ZERO
                } else {
                    l.k_df_r.mul_fx(l.rate.abs())?
                };
                let div = if l.div_yield == Fx::ZERO {
                    Fx::ZERO
                } else {
                    l.df_q.mul_fx(l.div_yield.abs().mul_(spot_factor)?)?
                };
                rate.add_(div)?
            }
        };
        self.scaled(per_spot)
    }

    /// dV/dS. Calls lie in [0, D_q], puts in [−D_q, 0].
    pub fn delta(&self) -> MathResult<Fx> {
        match &self.state {
            State::Expired { delta, .. } => Ok(*delta),
            State::Live(l) => match self.kind {
                OptionKind::Call => l.df_q.mul_fx(l.n_d1),
                OptionKind::Put => Ok(-(l.df_q.mul_fx(Fx::ONE.sub_(l.n_d1)?)?)),
            },
        }
    }

    /// Γ·S = D_q·φ(d1)/(σ√T) as a `Norm` (one density evaluation).
    fn gamma_spot_norm(l: &Live) -> MathResult<Norm> {
        Ok(l.df_q * pdf_norm(l.d1)? * l.inv_sd)
    }

    /// Γ·S (unit-free: the change in delta for a 100% spot move), the same for calls
    /// and puts. 0 at expiry.
    pub fn gamma_spot(&self) -> MathResult<Fx> {
        match &self.state {
            State::Expired { .. } => Ok(Fx::ZERO),
            State::Live(l) => Self::gamma_spot_norm(l)?.to_fx(),
        }
    }

    /// d²V/dS² per value unit, in units of 10^−E.
    pub fn gamma(&self) -> MathResult<ScaledFx> {
        match &self.state {
            State::Expired { .. } => self.gamma_from(Norm::ZERO),
            State::Live(l) => self.gamma_from(Self::gamma_spot_norm(l)?),
        }
    }

    fn gamma_from(&self, gamma_spot: Norm) -> MathResult<ScaledFx> {
        let value = if gamma_spot.is_zero() {
            Fx::ZERO
        } else {
            (gamma_spot * self.spot_scaled.recip()?).to_fx()?
        };
        Ok(ScaledFx {
            value,
            expo: -self.scale_expo,
        })
    }

    /// dV/dσ per 1.00 of vol, the same for calls and puts.
    pub fn vega(&self) -> MathResult<ScaledFx> {
        match &self.state {
            State::Expired { .. } => self.scaled(Fx::ZERO),
            State::Live(l) => self.vega_from(l, Self::gamma_spot_norm(l)?),
        }
    }

    fn vega_from(&self, l: &Live, gamma_spot: Norm) -> MathResult<ScaledFx> {
        self.scaled((gamma_spot * l.vol * l.t_years).to_fx()?)
    }

    /// dV/dt per year of calendar time.
    pub fn theta(&self) -> MathResult<ScaledFx> {
        match &self.state {
            State::Expired { .. } => self.scaled(Fx::ZERO),
            State::Live(l) => self.theta_from(l, Self::gamma_spot_norm(l)?),
        }
    }

    fn theta_from(&self, l: &Live, gamma_spot: Norm) -> MathResult<ScaledFx> {
        let decay = (gamma_spot * l.vol * l.vol).mul_pow2(-1).to_fx()?;
        let carry = match self.kind {
            OptionKind::Call => l
                .div_yield
                .mul_(l.df_q.mul_fx(l.n_d1)?)?
                .sub_(l.rate.mul_(l.k_df_r.mul_fx(l.n_d2)?)?)?,
            OptionKind::Put => l
                .rate
                .mul_(l.k_df_r.mul_fx(Fx::ONE.sub_(l.n_d2)?)?)?
                .sub_(l.div_yield.mul_(l.df_q.mul_fx(Fx::ONE.sub_(l.n_d1)?)?)?)?,
        };
        self.scaled(carry.sub_(decay)?)
    }

    /// Price and all four greeks (one density evaluation shared by the last three).
    pub fn greeks(&self) -> MathResult<Greeks> {
        let (gamma, vega, theta) = match &self.state {
            State::Expired { .. } => (
                self.gamma_from(Norm::ZERO)?,
                self.scaled(Fx::ZERO)?,
                self.scaled(Fx::ZERO)?,
            ),
            State::Live(l) => {
                let gs = Self::gamma_spot_norm(l)?;
                (
                    self.gamma_from(gs)?,
                    self.vega_from(l, gs)?,
                    self.theta_from(l, gs)?,
                )
            }
        };
        Ok(Greeks {
            price: self.price()?,
            delta: self.delta()?,
            gamma,
            vega,
            theta,
        })
    }
}

/// √(seconds / year), e.g. the expected spot move per unit of vol over a hedging
/// interval: relative error ≤ 6·2^-63; 0 for 0.
pub fn sqrt_years(seconds: u64) -> MathResult<Fx> {
    if seconds == 0 {
        return Ok(Fx::ZERO);
    }
    let t = Norm::from_u64(seconds).mul(Norm::from_parts(INV_YEAR));
    t.mul(t.rsqrt()?).to_fx()
}

/// Option value per unit of underlying. See the module docs for the formula.
pub fn price(inputs: &BsmInputs) -> MathResult<ScaledFx> {
    Evaluation::new(inputs)?.price()
}

/// dV/dS. Calls lie in [0, D_q], puts in [−D_q, 0].
pub fn delta(inputs: &BsmInputs) -> MathResult<Fx> {
    Evaluation::new(inputs)?.delta()
}

/// d²V/dS², the same for calls and puts.
pub fn gamma(inputs: &BsmInputs) -> MathResult<ScaledFx> {
    Evaluation::new(inputs)?.gamma()
}

/// dV/dσ per 1.00 of vol, the same for calls and puts.
pub fn vega(inputs: &BsmInputs) -> MathResult<ScaledFx> {
    Evaluation::new(inputs)?.vega()
}

/// dV/dt per year of calendar time.
pub fn theta(inputs: &BsmInputs) -> MathResult<ScaledFx> {
    Evaluation::new(inputs)?.theta()
}

/// Γ·S, the same for calls and puts: D_q·φ(d1)/(σ√T). 0 at expiry.
pub fn gamma_spot(inputs: &BsmInputs) -> MathResult<Fx> {
    Evaluation::new(inputs)?.gamma_spot()
}

/// Price and all greeks from one shared core.
pub fn greeks(inputs: &BsmInputs) -> MathResult<Greeks> {
    Evaluation::new(inputs)?.greeks()
}
