//! `Norm`: a non-negative value as a 64-bit mantissa and a power of two, for the
//! multiplicative chains of the model (σ²T, 1/(σ√T), discount factors, φ).
//!
//! value = m · 2^(e − 63) with m ∈ [2^63, 2^64) (or m = 0 for zero). A product costs one
//! [`mulhi`](crate::wide::mul_wide) and keeps 63 significant bits whatever the magnitude,
//! so a chain of n products has relative error below n · 2^-63 ≈ n · 1.1e-19, where the
//! same chain in `Fx` would lose relative precision on small values (T of one second is
//! 3e-8 years: 40 bits of `Fx`, 63 here). It holds only intermediate values: the model
//! converts to `Fx` for sums and results.
//!
//! Rounding: every operation truncates (toward zero).

use core::ops::Mul;

use super::error::{MathError, MathResult};
use super::fixed_point::Fx;
use super::tables::{POW10_NORM, POW10_NORM_MIN, RSQRT_SEED};
use super::wide::{div_wide, mul_wide, mulhi};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Norm {
    /// Mantissa, top bit set (or zero).
    m: u64,
    /// Binary exponent of the mantissa's top bit.
    e: i32,
}

/// Exponents below this convert to `Fx` zero and stay there; a bound far from i32's
/// limits keeps exponent sums of a few factors exact.
const E_MIN: i32 = -(1 << 20);

impl Norm {
    pub const ZERO: Norm = Norm { m: 0, e: 0 };
    pub const ONE: Norm = Norm { m: 1 << 63, e: 0 };

    /// From a generated table entry (mantissa, exponent).
    pub const fn from_parts(parts: (u64, i32)) -> Norm {
        Norm {
            m: parts.0,
            e: parts.1,
        }
    }

    pub fn mantissa(self) -> u64 {
        self.m
    }

    pub fn exponent(self) -> i32 {
        self.e
    }

    pub fn is_zero(self) -> bool {
        self.m == 0
    }

    /// A non-zero u64, exactly.
    pub fn from_u64(v: u64) -> Norm {
        if v == 0 {
            return Norm::ZERO;
        }
        let lz = v.leading_zeros();
        Norm {
            m: v << lz,
            e: 63 - lz as i32,
        }
    }

    /// A non-negative `Fx`, truncated to 64 significant bits; `ArgumentOutOfDomain` when
    /// negative.
    pub fn from_fx(x: Fx) -> MathResult<Norm> {
        let bits = x.to_bits();
        if bits < 0 {
            return Err(MathError::ArgumentOutOfDomain);
        }
        let bits = bits as u128;
        let (hi, lo) = ((bits >> 64) as u64, bits as u64);
        Ok(if hi != 0 {
            let lz = hi.leading_zeros();
            let m = if lz == 0 {
                hi
            } else {
                (hi << lz) | (lo >> (64 - lz))
            };
            Norm {
                m,
                e: 63 - lz as i32,
            }
        } else if lo != 0 {
            let lz = lo.leading_zeros();
            Norm {
                m: lo << lz,
                e: -1 - lz as i32,
            }
        } else {
            Norm::ZERO
        })
    }

    /// 10^j for j in −27..=9 (the generated table), rounded to nearest.
    pub fn pow10(j: i32) -> MathResult<Norm> {
        let i = j.checked_sub(POW10_NORM_MIN).ok_or(MathError::Overflow)?;
        usize::try_from(i)
            .ok()
            .and_then(|i| POW10_NORM.get(i))
            .map(|p| Norm::from_parts(*p))
            .ok_or(MathError::Overflow)
    }

    /// self × 2^k, exact.
    pub fn mul_pow2(self, k: i32) -> Norm {
        if self.m == 0 {
            return self;
        }
        Norm {
            m: self.m,
            e: (self.e + k).max(E_MIN),
        }
    }

    /// As `Fx`, truncated (< 1 ulp); `Overflow` at 2^63 and above.
    pub fn to_fx(self) -> MathResult<Fx> {
        if self.m == 0 {
            return Ok(Fx::ZERO);
        }
        // Fx bits = m · 2^(e + 1).
        let s = self.e + 1;
        if s >= 64 {
            return Err(MathError::Overflow);
        }
        let bits = if s >= 0 {
            (self.m as u128) << s
        } else if s > -64 {
            (self.m >> (-s)) as u128
        } else {
            0
        };
        Ok(Fx::from_bits(bits as i128))
    }

    /// x × self, truncated toward zero (< 1 ulp of `Fx` plus 2^-63 relative), or
    /// `Overflow`. Two 64×64 products.
    pub fn mul_fx(self, x: Fx) -> MathResult<Fx> {
        if self.m == 0 || x == Fx::ZERO {
            return Ok(Fx::ZERO);
        }
        let negative = x.is_negative();
        let a = x.to_bits().unsigned_abs();
        let (a1, a0) = ((a >> 64) as u64, a as u64);
        // a · m as three words w2·2^128 + w1·2^64 + w0.
        let (h1, l1) = mul_wide(a1, self.m);
        let (h0, l0) = mul_wide(a0, self.m);
        let (w1, carry) = l1.overflowing_add(h0);
        let w2 = h1 + carry as u64; // a1·m + carry < 2^128 fits: h1 < 2^64 − 1
        let w0 = l0;
        // x·value in Fx bits = a·m · 2^(e − 63): shift the 192-bit product right by
        // 63 − e (left when negative).
        let shift = 63 - self.e;
        let magnitude: u128 = if shift <= 0 {
            let s = (-shift) as u32;
            if w2 != 0 || s >= 64 {
                return Err(MathError::Overflow);
            }
            let v = ((w1 as u128) << 64) | w0 as u128;
            if s > 0 && v >> (128 - s) != 0 {
                return Err(MathError::Overflow);
            }
            v << s
        } else if shift < 64 {
            let s = shift as u32;
            if w2 >> s != 0 {
                return Err(MathError::Overflow);
            }
            let top = ((w2 as u128) << (64 - s)) | ((w1 as u128) >> s);
            (top << 64) | ((w1 as u128) << (64 - s) & u64::MAX as u128) | (w0 >> s) as u128
        } else if shift < 128 {
            let s = (shift - 64) as u32;
            let v = ((w2 as u128) << 64) | w1 as u128;
            v >> s
        } else if shift < 192 {
            (w2 >> (shift - 128)) as u128
        } else {
            0
        };
        let bits = i128::try_from(magnitude).map_err(|_| MathError::Overflow)?;
        Ok(Fx::from_bits(if negative { -bits } else { bits }))
    }

    /// 1 / self, truncated (relative error < 2^-63): one 128/64 division.
    /// `DivideByZero` for zero.
    pub fn recip(self) -> MathResult<Norm> {
        if self.m == 0 {
            return Err(MathError::DivideByZero);
        }
        // 1/(m·2^(e−63)) = (2^127/m) · 2^(−e−1−63+63−... ): with q = ⌊2^127/m⌋ ∈ (2^63, 2^64],
        // value = q · 2^(−e − 1 − 63).
        if self.m == 1 << 63 {
            return Ok(Norm {
                m: 1 << 63,
                e: -self.e,
            });
        }
        // 2^127 = (2^63)·2^64 + 0 and 2^63 < m: the quotient fits a word.
        let (q, _) = div_wide(1 << 63, 0, self.m);
        Ok(Norm {
            m: q,
            e: -self.e - 1,
        })
    }

    /// 1/√self, relative error below 4 · 2^-63 (tested exactly), or
    /// `ArgumentOutOfDomain` for zero. A seed from a 256-entry table (error < 2^-9), then
    /// three Newton steps y ← y + y·(1 − M·y²)/2 on 64-bit words, each of which squares
    /// the error (2^-9 → 2^-17 → 2^-34 → below the rounding): 9 products.
    pub fn rsqrt(self) -> MathResult<Norm> {
        if self.m == 0 {
            return Err(MathError::ArgumentOutOfDomain);
        }
        // self = M · 2^(2k), M ∈ [1, 4) as Q62: an even power of two has an exact root.
        // k = ⌊e/2⌋ by an arithmetic shift (a signed division would be a libcall on SBF).
        let odd = self.e & 1 == 1;
        let k = self.e >> 1;
        let m62 = if odd { self.m } else { self.m >> 1 };
        // Seed: the top 8 bits of the mantissa pick a step of [1, 2) or of [2, 4).
        let idx = ((self.m >> 56) - 128) as usize + if odd { 128 } else { 0 };
        // y is 1/√M ∈ (0.5, 1] in Q63; Newton's iterates approach it from below, so y
        // never exceeds 2^63.
        let mut y: u64 = (RSQRT_SEED[idx] as u64) << 31;
        for _ in 0..3 {
            let (yh, yl) = mul_wide(y, y);
            let y2 = (yh << 1) | (yl >> 63); // y² in Q63, ≤ 2^63
            let (hh, hl) = mul_wide(m62, y2);
            let h = (hh << 1) | (hl >> 63); // M·y² in Q62, ≈ 1
                                            // y·|1 − h|/2 in Q63 is the high word of y (Q63) × |1 − h| (as Q63).
            if h <= 1 << 62 {
                y += mulhi(y, ((1u64 << 62) - h) << 1);
            } else {
                y -= mulhi(y, (h - (1u64 << 62)) << 1);
            }
        }
        Ok(if y >> 63 != 0 {
            Norm { m: y, e: -k }
        } else {
            Norm {
                m: y << 1,
                e: -k - 1,
            }
        })
    }
}

impl Mul for Norm {
    type Output = Norm;

    /// self × rhs, truncated (relative error < 2^-63): one 64×64 product.
    #[inline]
    fn mul(self, rhs: Norm) -> Norm {
        let (hi, lo) = mul_wide(self.m, rhs.m);
        if hi == 0 {
            return Norm::ZERO;
        }
        // Bounded: exponents stay within ±2^21 for the chains of the model; E_MIN
        // clamps underflowing values so sums never approach i32's limits.
        let e = (self.e + rhs.e).max(E_MIN);
        if hi >> 63 != 0 {
            Norm { m: hi, e: e + 1 }
        } else {
            Norm {
                m: (hi << 1) | (lo >> 63),
                e,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed_point::fx_ratio;

    fn to_f64(n: Norm) -> f64 {
        n.m as f64 * 2f64.powi(n.e - 63)
    }

    #[test]
    fn conversions_round_trip() {
        for x in [
            fx_ratio(3, 10),
            Fx::from_int(31_536_000),
            Fx::DELTA,
            Fx::MAX,
        ] {
            let n = Norm::from_fx(x).unwrap();
            let back = n.to_fx().unwrap();
            // 64 significant bits survive: exact for values with ≤ 64 of them.
            assert!(
                x.to_bits() - back.to_bits() <= x.to_bits() >> 63,
                "{x} → {back}"
            );
        }
        assert_eq!(Norm::from_fx(-Fx::ONE), Err(MathError::ArgumentOutOfDomain));
        assert_eq!(Norm::from_u64(6).to_fx(), Ok(Fx::from_int(6)));
        assert_eq!(
            Norm::from_u64(1 << 63).mul(Norm::from_u64(2)).to_fx(),
            Err(MathError::Overflow)
        );
    }

    #[test]
    fn mul_fx_matches_fx_mul() {
        let vals = [
            fx_ratio(1, 3),
            fx_ratio(-22, 7),
            Fx::from_int(123_456),
            Fx::from_int(-1_000_000_007),
            Fx::DELTA,
            fx_ratio(7, 1_000_000_000),
        ];
        for a in vals {
            for b in vals {
                if b < Fx::ZERO {
                    continue;
                }
                let n = Norm::from_fx(b).unwrap();
                let got = n.mul_fx(a).unwrap();
                let want = a.mul_(n.to_fx().unwrap()).unwrap();
                // Both truncate once; they differ by at most 1 ulp plus the Norm's
                // truncation of b.
                assert!(
                    (got.to_bits() - want.to_bits()).abs() <= 1 + (a.to_bits().abs() >> 62),
                    "{a} × {b}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn rsqrt_and_recip_are_within_their_bounds() {
        // Every exponent parity and the whole mantissa range.
        let mut worst_rs = 0f64;
        let mut worst_rc = 0f64;
        for i in 0..20_000u64 {
            let m = (1u64 << 63) | i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 1;
            for e in [-40, -7, -1, 0, 1, 2, 33] {
                let n = Norm { m, e };
                let x = to_f64(n);
                let y = to_f64(n.rsqrt().unwrap());
                worst_rs = worst_rs.max((y * y * x - 1.0).abs() / 2.0);
                let r = to_f64(n.recip().unwrap());
                worst_rc = worst_rc.max((r * x - 1.0).abs());
            }
        }
        // f64 resolves ~1.1e-16 here: this checks the iteration converged; the exact
        // bound is checked in `rsqrt_exact_residual`.
        assert!(worst_rs < 3e-16, "rsqrt {worst_rs:e}");
        assert!(worst_rc < 3e-16, "recip {worst_rc:e}");
        assert_eq!(Norm::ZERO.rsqrt(), Err(MathError::ArgumentOutOfDomain));
        assert_eq!(Norm::ZERO.recip(), Err(MathError::DivideByZero));
        let half = Norm::from_u64(4).rsqrt().unwrap().to_fx().unwrap();
        assert!(
            (half.to_bits() - Fx::HALF.to_bits()).abs() <= 1,
            "1/√4 = {half}"
        );
    }

    /// |1 − M·y²| ≤ 8·2^-63 exactly (in 256-bit integers), which bounds the relative
    /// error of y = 1/√M by 4·2^-63.
    #[test]
    fn rsqrt_exact_residual() {
        for i in 0..50_000u64 {
            let m = (1u64 << 63) | (i.wrapping_mul(0xD1B5_4A32_D192_ED03) >> 1);
            for e in [0, 1] {
                let n = Norm { m, e };
                let y = n.rsqrt().unwrap();
                // value = m·2^(e−63), y = ym·2^(ye−63): M·y² = m·ym²·2^(e + 2ye − 189).
                let (ym, ye) = (y.m as u128, y.e);
                let y2 = ym * ym; // < 2^128
                let (p_hi, p_lo) = mul_u128_u64(y2, m);
                let shift = 189 - (e + 2 * ye); // product / 2^shift ≈ 1
                                                // 1 in these units is 2^shift; compare the product with it.
                let one_hi_bits = shift as u32;
                let (one_hi, one_lo): (u128, u128) = if one_hi_bits >= 128 {
                    (1u128 << (one_hi_bits - 128), 0)
                } else {
                    (0, 1u128 << one_hi_bits)
                };
                let diff = if (p_hi, p_lo) >= (one_hi, one_lo) {
                    sub256((p_hi, p_lo), (one_hi, one_lo))
                } else {
                    sub256((one_hi, one_lo), (p_hi, p_lo))
                };
                // |residual| ≤ 8·2^-63 ⇔ diff ≤ 2^(shift − 60).
                let limit_bits = one_hi_bits - 60;
                let limit = if limit_bits >= 128 {
                    (1u128 << (limit_bits - 128), 0)
                } else {
                    (0, 1u128 << limit_bits)
                };
                assert!(diff <= limit, "m={m:#x} e={e}: diff {diff:?} > {limit:?}");
            }
        }
    }

    fn mul_u128_u64(a: u128, b: u64) -> (u128, u128) {
        let (a1, a0) = (a >> 64, a & u64::MAX as u128);
        let p0 = a0 * b as u128;
        let p1 = a1 * b as u128;
        let lo = (p0 & u64::MAX as u128) | ((p1 + (p0 >> 64)) << 64);
        let hi = (p1 + (p0 >> 64)) >> 64;
        (hi, lo)
    }

    fn sub256(a: (u128, u128), b: (u128, u128)) -> (u128, u128) {
        let (lo, borrow) = a.1.overflowing_sub(b.1);
        (a.0 - b.0 - borrow as u128, lo)
    }
}
