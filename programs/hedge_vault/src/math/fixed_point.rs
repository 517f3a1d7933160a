//! The fixed-point type of the math, its checked operations and decimal prices.
//!
//! `Fx` is `I64F64`: 128 bits like mango's `I80F48`, with 16 more fraction bits
//! (one unit in the last place, ulp, is 2^-64 ≈ 5.4e-20). Prices are first scaled to
//! their own decade (see [`crate::math::bsm`]), so the 64 integer bits are ample and
//! the extra fraction bits buy the 1e-12 accuracy the greeks need at small σ√T.
//!
//! Rounding of the primitives: `fixed` truncates products toward −∞ and quotients
//! toward zero, so every single operation is within 1 ulp.

use fixed::types::I64F64;

use super::error::{MathError, MathResult};

/// The fixed-point type of all option math: signed, 64 integer and 64 fraction bits.
pub type Fx = I64F64;

/// Seconds in the pricing year (365 days); time to expiry is converted with it.
pub const SECONDS_PER_YEAR: i64 = 31_536_000;

/// `num / den` as an `Fx`, truncated toward zero. For constants only.
pub const fn fx_ratio(num: i64, den: i64) -> Fx {
    Fx::from_bits(((num as i128) << 64) / den as i128)
}

/// An integer as an `Fx` (exact for every `i64`).
pub const fn fx_int(v: i64) -> Fx {
    Fx::from_bits((v as i128) << 64)
}

pub const FX_ZERO: Fx = Fx::ZERO;
pub const FX_ONE: Fx = fx_int(1);
pub const FX_HALF: Fx = fx_ratio(1, 2);

/// Checked arithmetic on `Fx` that reports a [`MathError`] instead of `None`.
pub trait FxExt: Sized {
    fn add_(self, rhs: Self) -> MathResult<Self>;
    fn sub_(self, rhs: Self) -> MathResult<Self>;
    /// Product truncated toward −∞ (error < 1 ulp).
    fn mul_(self, rhs: Self) -> MathResult<Self>;
    /// Quotient truncated toward zero (error < 1 ulp).
    fn div_(self, rhs: Self) -> MathResult<Self>;
    /// Product with an integer: exact.
    fn mul_int_(self, rhs: i64) -> MathResult<Self>;
    /// Quotient by an integer, truncated toward zero (error < 1 ulp).
    fn div_int_(self, rhs: i64) -> MathResult<Self>;
}

impl FxExt for Fx {
    #[inline]
    fn add_(self, rhs: Self) -> MathResult<Self> {
        self.checked_add(rhs).ok_or(MathError::Overflow)
    }
    #[inline]
    fn sub_(self, rhs: Self) -> MathResult<Self> {
        self.checked_sub(rhs).ok_or(MathError::Overflow)
    }
    #[inline]
    fn mul_(self, rhs: Self) -> MathResult<Self> {
        self.checked_mul(rhs).ok_or(MathError::Overflow)
    }
    #[inline]
    fn div_(self, rhs: Self) -> MathResult<Self> {
        if rhs == FX_ZERO {
            return Err(MathError::DivideByZero);
        }
        self.checked_div(rhs).ok_or(MathError::Overflow)
    }
    #[inline]
    fn mul_int_(self, rhs: i64) -> MathResult<Self> {
        self.checked_mul_int(rhs as i128).ok_or(MathError::Overflow)
    }
    #[inline]
    fn div_int_(self, rhs: i64) -> MathResult<Self> {
        if rhs == 0 {
            return Err(MathError::DivideByZero);
        }
        self.checked_div_int(rhs as i128).ok_or(MathError::Overflow)
    }
}

/// 10^n for n in 0..=18, the powers of ten that fit an `i64`.
pub const POW10: [i64; 19] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
];

/// Number of decimal digits of a positive integer (1..=19).
pub fn decimal_digits(v: i64) -> u32 {
    let mut digits = 1;
    // Bounded: at most 18 comparisons.
    while (digits as usize) < POW10.len() && v >= POW10[digits as usize] {
        digits += 1;
    }
    digits
}

/// `v × 10^k` for any `k`, truncated toward zero when `k < 0` (error < 1 ulp per
/// factor of 10^18 divided). Used to move a scaled value to another decimal exponent.
pub fn mul_pow10(v: Fx, k: i32) -> MathResult<Fx> {
    let mut out = v;
    let mut rest = k;
    // Bounded: |k| ≤ 18 per step, and callers pass |k| ≤ 60.
    if !(-60..=60).contains(&k) {
        return Err(MathError::Overflow);
    }
    while rest != 0 {
        let step = rest.clamp(-18, 18);
        let p = POW10[step.unsigned_abs() as usize];
        out = if step > 0 {
            out.mul_int_(p)?
        } else {
            out.div_int_(p)?
        };
        rest -= step;
    }
    Ok(out)
}

/// A price as Pyth publishes it and the program stores it: `mantissa × 10^expo`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecimalPrice {
    pub mantissa: i64,
    pub expo: i32,
}

impl DecimalPrice {
    pub const fn new(mantissa: i64, expo: i32) -> Self {
        Self { mantissa, expo }
    }
}

/// A value given as `value × 10^expo`. The option math returns every value-like result in
/// this form, so that a price of 0.0001 keeps as many significant bits as one of 100,000.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScaledFx {
    pub value: Fx,
    pub expo: i32,
}

impl ScaledFx {
    /// The same quantity expressed as a multiple of `10^target_expo`, truncated toward
    /// zero (callers that hold money round further in the vault's favour).
    pub fn at_expo(self, target_expo: i32) -> MathResult<Fx> {
        let shift = self
            .expo
            .checked_sub(target_expo)
            .ok_or(MathError::Overflow)?;
        mul_pow10(self.value, shift)
    }
}
