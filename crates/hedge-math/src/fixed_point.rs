//! `Fx`, the fixed-point type of the math and of its interfaces, and decimal prices.
//!
//! `Fx` is a signed 128-bit integer counting units of 2^-64 (Q64.64): 63 integer bits,
//! 64 fraction bits, one unit in the last place (ulp) = 2^-64 ≈ 5.4e-20. It carries
//! values between the program and the model (vol, rates, time, results); the model's
//! inner loops run on 64-bit words (`crate::norm`, `crate::wide`) because SBF has no
//! 128-bit arithmetic.
//!
//! Rounding: products and quotients truncate toward zero (error < 1 ulp); conversions
//! to integers say which way they round.

use core::cmp::Ordering;
use core::fmt;
use core::ops::Neg;

use super::error::{MathError, MathResult};
use super::wide::{div_u128, mul_wide};

/// A signed Q64.64 fixed-point number.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fx(i128);

/// Seconds in the pricing year (365 days); time to expiry is converted with it.
pub const SECONDS_PER_YEAR: i64 = 31_536_000;

impl Fx {
    pub const ZERO: Fx = Fx(0);
    pub const ONE: Fx = Fx(1 << 64);
    pub const HALF: Fx = Fx(1 << 63);
    /// One ulp, 2^-64.
    pub const DELTA: Fx = Fx(1);
    pub const MAX: Fx = Fx(i128::MAX);
    pub const MIN: Fx = Fx(i128::MIN);

    pub const fn from_bits(bits: i128) -> Fx {
        Fx(bits)
    }

    pub const fn to_bits(self) -> i128 {
        self.0
    }

    /// An integer, exactly.
    pub const fn from_int(v: i64) -> Fx {
        Fx((v as i128) << 64)
    }

    /// A u64, exactly, or `Overflow` at 2^63 and above.
    pub fn from_u64(v: u64) -> MathResult<Fx> {
        if v > i64::MAX as u64 {
            return Err(MathError::Overflow);
        }
        Ok(Fx((v as i128) << 64))
    }

    /// num / den, truncated toward zero (< 1 ulp): one 128/64 division.
    pub fn from_ratio(num: i64, den: i64) -> MathResult<Fx> {
        Fx::from_int(num).div_int_(den)
    }

    /// `ppm` millionths (e.g. a volatility in ppm), truncated (< 1 ulp).
    pub fn from_ppm(ppm: u64) -> MathResult<Fx> {
        Fx::from_u64(ppm)?.div_int_(1_000_000)
    }

    /// `bps` ten-thousandths, truncated toward zero (< 1 ulp). Every i64 fits.
    pub fn from_bps(bps: i64) -> Fx {
        let (q, _) = div_u128((bps.unsigned_abs() as u128) << 64, 10_000).unwrap_or((0, 0)); // the divisor is not zero
                                                                                             // q < 2^63·2^64/10^4 fits an i128.
        let q = q as i128;
        Fx(if bps < 0 { -q } else { q })
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// |self|; `Fx::MIN` has no positive counterpart and gives `Fx::MAX`.
    pub fn abs(self) -> Fx {
        Fx(self.0.checked_abs().unwrap_or(i128::MAX))
    }

    pub fn add_(self, rhs: Fx) -> MathResult<Fx> {
        self.0.checked_add(rhs.0).map(Fx).ok_or(MathError::Overflow)
    }

    pub fn sub_(self, rhs: Fx) -> MathResult<Fx> {
        self.0.checked_sub(rhs.0).map(Fx).ok_or(MathError::Overflow)
    }

    /// self × rhs truncated toward zero (< 1 ulp), or `Overflow`. Four 64×64 products,
    /// fewer when an operand is below 1.0 in magnitude (its integer word is zero, so its
    /// partial products are zero: the result is the same, bit for bit).
    pub fn mul_(self, rhs: Fx) -> MathResult<Fx> {
        let negative = (self.0 < 0) != (rhs.0 < 0);
        let (a, b) = (self.0.unsigned_abs(), rhs.0.unsigned_abs());
        let (a1, a0) = ((a >> 64) as u64, a as u64);
        let (b1, b0) = ((b >> 64) as u64, b as u64);
        if a1 == 0 || b1 == 0 {
            // One operand below 1.0: (a·b) >> 64 = x0·y + (x0·y0 >> 64) with x the small
            // one (one or two products, no overflow possible: the result is below y).
            let (x0, y1, y0) = if a1 == 0 { (a0, b1, b0) } else { (b0, a1, a0) };
            let (h0, _) = mul_wide(x0, y0);
            let (h1, l1) = if y1 == 0 { (0, 0) } else { mul_wide(x0, y1) };
            let (low, carry) = l1.overflowing_add(h0);
            let magnitude = ((h1 as u128 + carry as u128) << 64) | low as u128;
            return signed(magnitude, negative);
        }
        // (a·b) >> 64 = a1·b1·2^64 + a1·b0 + a0·b1 + (a0·b0 >> 64).
        let (h11, l11) = mul_wide(a1, b1);
        if h11 != 0 {
            return Err(MathError::Overflow);
        }
        let (h10, l10) = mul_wide(a1, b0);
        let (h01, l01) = mul_wide(a0, b1);
        let (h00, _) = mul_wide(a0, b0);
        let low = l10 as u128 + l01 as u128 + h00 as u128; // < 3·2^64
        let high = (l11 as u128) + h10 as u128 + h01 as u128 + (low >> 64); // < 2^66
        if high >> 64 != 0 {
            return Err(MathError::Overflow);
        }
        let magnitude = (high << 64) | (low as u64 as u128);
        signed(magnitude, negative)
    }

    /// self / rhs truncated toward zero (< 1 ulp), or `DivideByZero` / `Overflow`.
    /// A 192-by-128-bit long division, one bit per step (128 steps, ≈ 1,500 CU): for
    /// off-chain use and rare on-chain paths; the model divides only by integers.
    pub fn div_(self, rhs: Fx) -> MathResult<Fx> {
        if rhs.0 == 0 {
            return Err(MathError::DivideByZero);
        }
        let negative = (self.0 < 0) != (rhs.0 < 0);
        let (a, d) = (self.0.unsigned_abs(), rhs.0.unsigned_abs());
        // Quotient of a·2^64 by d. The integer part a / d must fit 64 bits.
        let q_int = a / d;
        if q_int >> 64 != 0 {
            return Err(MathError::Overflow);
        }
        let mut r = a % d;
        let mut q_frac: u128 = 0;
        for _ in 0..64 {
            // r < d ≤ 2^127, so 2r fits 129 bits: compare before doubling.
            let carry = r >> 127 != 0;
            r <<= 1;
            q_frac <<= 1;
            if carry || r >= d {
                r = r.wrapping_sub(d);
                q_frac |= 1;
            }
        }
        signed((q_int << 64) | q_frac, negative)
    }

    /// self × rhs, exact, or `Overflow`. Two 64×64 products (an i128 checked multiply
    /// would be a `__muloti4` call on SBF).
    pub fn mul_int_(self, rhs: i64) -> MathResult<Fx> {
        let negative = (self.0 < 0) != (rhs < 0);
        let a = self.0.unsigned_abs();
        let m = rhs.unsigned_abs();
        let (h0, l0) = mul_wide(a as u64, m);
        let (h1, l1) = mul_wide((a >> 64) as u64, m);
        let (mid, carry) = l1.overflowing_add(h0);
        if h1 != 0 || carry {
            return Err(MathError::Overflow);
        }
        signed(((mid as u128) << 64) | l0 as u128, negative)
    }

    /// self / rhs truncated toward zero (< 1 ulp): one 128/64 division.
    pub fn div_int_(self, rhs: i64) -> MathResult<Fx> {
        if rhs == 0 {
            return Err(MathError::DivideByZero);
        }
        let negative = (self.0 < 0) != (rhs < 0);
        let (q, _) =
            div_u128(self.0.unsigned_abs(), rhs.unsigned_abs()).ok_or(MathError::DivideByZero)?;
        signed(q, negative)
    }

    /// The integer part, rounded toward −∞.
    pub fn floor_int(self) -> i64 {
        (self.0 >> 64) as i64
    }

    /// The nearest integer (halves away from zero), if it fits an i64.
    pub fn round_i64(self) -> Option<i64> {
        let half = 1u128 << 63;
        let mag = (self.0.unsigned_abs() + half) >> 64; // |x| ≤ 2^127: no overflow
        let v = if self.0 < 0 {
            -(mag as i128)
        } else {
            mag as i128
        };
        i64::try_from(v).ok()
    }

    /// The integer part of a non-negative value, rounded down; `None` when negative.
    pub fn floor_u64(self) -> Option<u64> {
        if self.0 < 0 {
            None
        } else {
            Some((self.0 >> 64) as u64)
        }
    }

    /// The integer part rounded toward zero, if it fits an i64.
    pub fn trunc_i64(self) -> Option<i64> {
        let t = self.0 / (1i128 << 64);
        i64::try_from(t).ok()
    }
}

/// A magnitude with a sign as `Fx`, or `Overflow` beyond the type's range.
fn signed(magnitude: u128, negative: bool) -> MathResult<Fx> {
    if negative {
        if magnitude > 1u128 << 127 {
            return Err(MathError::Overflow);
        }
        Ok(Fx((magnitude as i128).wrapping_neg()))
    } else {
        i128::try_from(magnitude)
            .map(Fx)
            .map_err(|_| MathError::Overflow)
    }
}

impl Neg for Fx {
    type Output = Fx;
    /// Negation; `-Fx::MIN` overflows like any signed integer.
    fn neg(self) -> Fx {
        Fx(-self.0)
    }
}

impl PartialEq<i64> for Fx {
    fn eq(&self, other: &i64) -> bool {
        *self == Fx::from_int(*other)
    }
}

impl PartialOrd<i64> for Fx {
    fn partial_cmp(&self, other: &i64) -> Option<Ordering> {
        Some(self.cmp(&Fx::from_int(*other)))
    }
}

/// Decimal, exact to the 20th fraction digit (truncated), e.g. `-1.25000000000000000000`.
impl fmt::Display for Fx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.0 < 0;
        let mag = self.0.unsigned_abs();
        let int = mag >> 64;
        let mut frac = mag as u64 as u128;
        if neg {
            f.write_str("-")?;
        }
        write!(f, "{int}.")?;
        for _ in 0..20 {
            frac *= 10;
            write!(f, "{}", (frac >> 64) as u8)?;
            frac &= u64::MAX as u128;
        }
        Ok(())
    }
}

impl fmt::Debug for Fx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fx({self})")
    }
}

/// `num / den` as an `Fx`, truncated toward zero. For constants only (a 128-bit division).
pub const fn fx_ratio(num: i64, den: i64) -> Fx {
    Fx(((num as i128) << 64) / den as i128)
}

/// An integer as an `Fx` (exact for every `i64`).
pub const fn fx_int(v: i64) -> Fx {
    Fx::from_int(v)
}

pub const FX_ZERO: Fx = Fx::ZERO;
pub const FX_ONE: Fx = Fx::ONE;
pub const FX_HALF: Fx = Fx::HALF;

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

/// Number of decimal digits of a positive integer (1..=19): a binary search of
/// [`POW10`], five comparisons whatever the value (a fixed cost on-chain).
pub fn decimal_digits(v: i64) -> u32 {
    // Invariant: POW10[lo − 1] ≤ v (or lo = 1) and v < POW10[hi] (or hi = 19).
    let (mut lo, mut hi) = (1usize, 19usize);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if v >= POW10[mid] {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo as u32
}

/// `v × 10^k` for |k| ≤ 60, truncated toward zero when `k < 0` (< 1 ulp per step of
/// up to 10^18). Used to move a scaled value to another decimal exponent.
pub fn mul_pow10(v: Fx, k: i32) -> MathResult<Fx> {
    if !(-60..=60).contains(&k) {
        return Err(MathError::Overflow);
    }
    let mut out = v;
    let mut rest = k;
    // Bounded: at most four steps of 10^18.
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// (a·b) >> 64 truncated toward zero, through a 256-bit product of 64-bit limbs.
    fn exact_mul(a: i128, b: i128) -> Option<i128> {
        let neg = (a < 0) != (b < 0);
        let (a, b) = (a.unsigned_abs(), b.unsigned_abs());
        let al = [a as u64, (a >> 64) as u64];
        let bl = [b as u64, (b >> 64) as u64];
        let mut limbs = [0u128; 4];
        for i in 0..2 {
            for j in 0..2 {
                let p = al[i] as u128 * bl[j] as u128;
                limbs[i + j] += p & u64::MAX as u128;
                limbs[i + j + 1] += p >> 64;
            }
        }
        for k in 0..3 {
            let carry = limbs[k] >> 64;
            limbs[k] &= u64::MAX as u128;
            limbs[k + 1] += carry;
        }
        if limbs[3] != 0 {
            return None;
        }
        let mag = (limbs[2] << 64) | limbs[1];
        if neg {
            (mag <= 1 << 127).then(|| (mag as i128).wrapping_neg())
        } else {
            i128::try_from(mag).ok()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn mul_matches_a_wide_reference(a in any::<i64>(), ai in -8i64..8, b in any::<i64>(), bi in -8i64..8) {
            // Values of moderate size (|x| < 8) with full fraction bits.
            let a = ((ai as i128) << 64) | (a as u64 as i128);
            let b = ((bi as i128) << 64) | (b as u64 as i128);
            let got = Fx(a).mul_(Fx(b)).unwrap().0;
            let want = exact_mul(a, b).unwrap();
            prop_assert_eq!(got, want);
        }

        #[test]
        fn mul_int_is_exact(a in any::<i128>(), m in any::<i64>()) {
            let want = a.checked_mul(m as i128).map(Fx).ok_or(MathError::Overflow);
            prop_assert_eq!(Fx(a).mul_int_(m), want);
        }

        #[test]
        fn div_int_truncates_toward_zero(a in any::<i128>(), d in any::<i64>().prop_filter("d ≠ 0", |d| *d != 0)) {
            let got = Fx(a).div_int_(d);
            match a.checked_div(d as i128) {
                Some(q) => prop_assert_eq!(got, Ok(Fx(q))),
                None => prop_assert_eq!(got, Err(MathError::Overflow)),
            }
        }

        #[test]
        fn div_inverts_mul(a in -1_000_000i64..1_000_000, b in 1i64..1_000_000) {
            let x = Fx::from_ratio(a, 7).unwrap();
            let y = Fx::from_ratio(b, 3).unwrap();
            let q = x.div_(y).unwrap();
            // |q·y − x| < |y| ulp + 1 ulp (the quotient truncates).
            let back = q.mul_(y).unwrap();
            prop_assert!((back.0 - x.0).abs() <= y.0.abs() / (1i128 << 64) + 2);
        }
    }

    #[test]
    fn named_errors_and_limits() {
        assert_eq!(Fx::ONE.div_(Fx::ZERO), Err(MathError::DivideByZero));
        assert_eq!(Fx::ONE.div_int_(0), Err(MathError::DivideByZero));
        assert_eq!(Fx::MAX.mul_(Fx::from_int(2)), Err(MathError::Overflow));
        assert_eq!(Fx::MAX.add_(Fx::DELTA), Err(MathError::Overflow));
        assert_eq!(Fx::from_u64(1 << 63), Err(MathError::Overflow));
        assert_eq!(
            Fx::from_int(1 << 40).div_(Fx::DELTA),
            Err(MathError::Overflow)
        );
        assert_eq!(Fx::from_int(6).div_(Fx::from_int(-4)), Ok(fx_ratio(-3, 2)));
        assert_eq!(Fx::MIN.div_int_(-1), Err(MathError::Overflow));
        assert_eq!(Fx::MIN.abs(), Fx::MAX);
        assert_eq!(fx_ratio(5, 2).round_i64(), Some(3));
        assert_eq!(fx_ratio(-5, 2).round_i64(), Some(-3));
        assert_eq!(fx_ratio(-7, 3).round_i64(), Some(-2));
        assert_eq!(Fx::MAX.round_i64(), None);
        assert_eq!(fx_ratio(-5, 2).floor_int(), -3);
        assert_eq!(fx_ratio(-5, 2).trunc_i64(), Some(-2));
        assert_eq!(Fx::from_ppm(300_000), Ok(fx_ratio(3, 10)));
        assert_eq!(Fx::from_bps(-250), fx_ratio(-1, 40));
        assert_eq!(Fx::from_bps(i64::MIN).floor_int(), i64::MIN / 10_000 - 1);
        extern crate std;
        use std::string::ToString;
        assert_eq!(fx_ratio(-5, 4).to_string(), "-1.25000000000000000000");
    }

    #[test]
    fn decimal_digits_at_every_power() {
        for (n, p) in POW10.iter().enumerate() {
            assert_eq!(decimal_digits(*p), n as u32 + 1);
            if n > 0 {
                assert_eq!(decimal_digits(p - 1), n as u32);
            }
        }
        assert_eq!(decimal_digits(i64::MAX), 19);
    }
}
