//! `ln`, `exp`, `sqrt` and the standard normal `pdf` and `cdf`, at a fixed cost each.
//!
//! No loop depends on the input (every iteration count is a constant), nothing divides
//! at run time, and no float is used. Table-driven reductions keep the polynomials short:
//!
//! | function | method | products (64×64) | error |
//! |---|---|---:|---|
//! | `ln` | f = F_i(1+u), 128-entry table, degree-9 series in u < 2^-7 | 10 | ≤ 4 ulp (2.2e-19) + 2^-64 relative of x |
//! | `exp` | e^x = 2^k·2^(j/32)·e^r, \|r\| ≤ ln2/64, Taylor degree 7 | 9 | relative ≤ 6e-19, + 1 ulp when converted to `Fx` |
//! | `cdf` | 19 intervals of width 1/2, degree-13 Chebyshev interpolant of 1 − N | 13 | ≤ 4e-19 (proven) |
//! | `pdf` | `exp`·1/√(2π) | 12 | ≤ 2e-19 absolute |
//! | `sqrt` | x·(1/√x), Newton on 64-bit words | 10 | relative ≤ 5·2^-63, + 1 ulp |
//!
//! **The `cdf` bound.** On each interval of half-width a = 1/4 the polynomial interpolates
//! Q = 1 − N at the 14 Chebyshev nodes, so |Q − p| ≤ a^14/(2^13·14!)·max|Q^(14)| (the
//! Chebyshev interpolation remainder). Q^(14) = −φ^(13) = He_13·φ, and Cramér's inequality
//! |He_n(x)|·e^(−x²/4) ≤ 1.086435·√(n!) gives max|Q^(14)| ≤ 1.086435·√(13!)/√(2π) =
//! 34,202, hence |Q − p| ≤ 1.78e-19 on [0, 1/2) and less further out (the factor
//! e^(−x²/4) shrinks). Coefficients are rounded to 2^-63 (≤ 0.5·2^-63·Σ4^-k) and Horner's
//! rule truncates 13 times by at most 2^-63, each scaled by |t|^k ≤ 4^-k (≤ 1.34·2^-63):
//! at most 2.2e-19 more, so |N − cdf| ≤ 4e-19. `tools/gen_tables.py` prints the bound
//! beside the error it observes with the integer Horner emulated exactly (worst 2.0e-19);
//! `tests/primitives.rs` checks mpmath vectors and 2,000,000 points against libm.
//! Beyond |x| = 9.5 the result is 0 or 1 (the true tail is below 1.1e-21).

use core::ops::Mul;

use super::error::{MathError, MathResult};
use super::fixed_point::{fx_int, fx_ratio, Fx};
use super::norm::Norm;
use super::tables::{
    CDF_DEGREE, CDF_INTERVALS, CDF_TAIL, EXP2_FRAC, EXP_N_PER_X_Q24, EXP_TABLE_BITS, EXP_TAYLOR,
    INV_F, INV_SQRT_2PI, LN2_Q96, LN2_STEP_Q96, LN_F, LN_P, LN_TABLE_BITS,
};
use super::wide::{mul_wide, mulhi, smulhi};

/// Above this, e^x does not fit `Fx` (ln(2^63) ≈ 43.67).
pub const EXP_MAX: Fx = fx_ratio(4366, 100);
/// `exp_norm` refuses |x| beyond 2^12 (its argument reduction holds x in 28 bits);
/// below −2^12 the value is 0 for every purpose (e^-4096 ≈ 2^-5909).
const EXP_NORM_LIMIT: i128 = 1 << (12 + 64);
/// Beyond this |x|, φ(x) is below 2^-64 and below any ulp: `pdf` returns 0.
pub const PDF_CUTOFF: Fx = fx_int(40);

/// `k · ln 2` to half an ulp, for |k| ≤ 2^20: one 128-bit product.
pub fn k_ln2(k: i64) -> Fx {
    // |k| ≤ 2^20 and ln2·2^96 < 2^96: the product is below 2^117 (wrapping: no check).
    let k = (k as i128).clamp(-(1 << 20), 1 << 20);
    Fx::from_bits((k.wrapping_mul(LN2_Q96) + (1 << 31)) >> 32)
}

/// ln f for f ∈ [1, 2) given as a mantissa with its top bit set (f = m/2^63), as Q64
/// (ln f ∈ [0, ln 2)). Error ≤ 3 ulp of Q64.
#[inline]
pub fn ln_mantissa(m: u64) -> u64 {
    debug_assert!(m >> 63 == 1);
    // The seven bits after the leading one pick F_i = 1 + i/128.
    let shift = 63 - LN_TABLE_BITS;
    let i = ((m >> shift) & ((1 << LN_TABLE_BITS) - 1)) as usize;
    // g = f − F_i < 2^-7, moved from Q63 to Q64.
    let g = (m & ((1u64 << shift) - 1)) << 1;
    // u = g / F_i = g · (1/F_i): Q64 × Q63 → Q64.
    let (h, l) = mul_wide(g, INV_F[i]);
    let u = (h << 1) | (l >> 63);
    // P(u) = 1/2 − u/3 + u²/4 − … + u^7/9 by Horner; every partial value lies in
    // (1/9 − 2^-7, 1/2], so the subtractions never go below zero.
    let mut p = LN_P[LN_P.len() - 1];
    let mut k = LN_P.len() - 1;
    while k > 0 {
        k -= 1;
        p = LN_P[k] - mulhi(u, p);
    }
    // ln(1+u) = u − u²·P(u); the sum stays below ln 2 + 2^-7 < 1.
    LN_F[i] + u - mulhi(mulhi(u, u), p)
}

/// ln of a non-zero `Norm` as `Fx`: e·ln 2 + ln(mantissa).
pub fn ln_norm(x: Norm) -> MathResult<Fx> {
    if x.is_zero() {
        return Err(MathError::ArgumentOutOfDomain);
    }
    k_ln2(x.exponent() as i64).add_(Fx::from_bits(ln_mantissa(x.mantissa()) as i128))
}

/// Natural logarithm.
///
/// - Domain: x > 0 (anything else is `ArgumentOutOfDomain`).
/// - Error: ≤ 4 ulp of `Fx` (2.2e-19), plus the 2^-64 relative truncation of x to 64
///   significant bits (x's own 65th bit and below do not count).
pub fn ln(x: Fx) -> MathResult<Fx> {
    if x <= Fx::ZERO {
        return Err(MathError::ArgumentOutOfDomain);
    }
    ln_norm(Norm::from_fx(x)?)
}

/// e^x as a `Norm`, relative error ≤ 6e-19 (plus x's own error, which e^x turns into a
/// relative one). `Overflow` above 2^12; 0 below −2^12.
pub fn exp_norm(x: Fx) -> MathResult<Norm> {
    let xb = x.to_bits();
    if xb > EXP_NORM_LIMIT {
        return Err(MathError::Overflow);
    }
    if xb < -EXP_NORM_LIMIT {
        return Ok(Norm::ZERO);
    }
    // n ≈ round(x · 32/ln 2) from x's top bits (Q16): |x| ≤ 2^12 keeps the product
    // below 2^58. An n off by a fraction only widens |r| by ~2^-10 of ln2/64.
    let x16 = (xb >> 48) as i64;
    let n = (x16 * EXP_N_PER_X_Q24 + (1 << 39)) >> 40;
    // r = x − n·ln2/32, |r| ≤ ln2/64·(1 + 2^-10) < 0.0109 (as Q64, below 2^57).
    // |n| < 2^18 and ln2/32·2^96 < 2^91: the product is below 2^109 (wrapping: no check).
    let r = (xb - (((n as i128).wrapping_mul(LN2_STEP_Q96) + (1 << 31)) >> 32)) as i64;
    // e^r by Taylor to degree 7 (the remainder r^8/8! < 5e-21), Q62: e^r ≤ 1.011.
    let mut p = EXP_TAYLOR[EXP_TAYLOR.len() - 1];
    let mut k = EXP_TAYLOR.len() - 1;
    while k > 0 {
        k -= 1;
        p = smulhi(p, r) + EXP_TAYLOR[k];
    }
    let e_r = if p >= 1 << 62 {
        Norm::from_parts(((p as u64) << 1, 0))
    } else {
        Norm::from_parts(((p as u64) << 2, -1))
    };
    let steps = 1i64 << EXP_TABLE_BITS;
    let j = n.rem_euclid(steps) as usize;
    let whole = n.div_euclid(steps) as i32;
    Ok(e_r.mul(Norm::from_parts((EXP2_FRAC[j], 0))).mul_pow2(whole))
}

/// Exponential.
///
/// - Domain: x ≤ 43.66 (larger is `Overflow`); far below zero the result is 0.
/// - Error: relative ≤ 6e-19, plus 1 ulp absolute from the conversion to `Fx`.
pub fn exp(x: Fx) -> MathResult<Fx> {
    if x > EXP_MAX {
        return Err(MathError::Overflow);
    }
    exp_norm(x)?.to_fx()
}

/// Square root: x · (1/√x), truncated: relative error ≤ 5·2^-63 plus 1 ulp absolute (the
/// conversion to `Fx`). Not floor-exact: √1 comes out 1 − 2^-63.
/// Domain: x ≥ 0 (negative is `ArgumentOutOfDomain`).
pub fn sqrt(x: Fx) -> MathResult<Fx> {
    if x < Fx::ZERO {
        return Err(MathError::ArgumentOutOfDomain);
    }
    if x == Fx::ZERO {
        return Ok(Fx::ZERO);
    }
    let n = Norm::from_fx(x)?;
    n.mul(n.rsqrt()?).to_fx()
}

/// Standard normal density φ(x) = e^(−x²/2)/√(2π) as a `Norm` (zero beyond |x| = 40).
pub fn pdf_norm(x: Fx) -> MathResult<Norm> {
    if x > PDF_CUTOFF || x < -PDF_CUTOFF {
        return Ok(Norm::ZERO);
    }
    let half_sq = Fx::from_bits(x.mul_(x)?.to_bits() >> 1);
    Ok(exp_norm(-half_sq)?.mul(Norm::from_parts(INV_SQRT_2PI)))
}

/// Standard normal density φ(x) = e^(−x²/2)/√(2π).
///
/// - Domain: all x; |x| > 40 returns 0.
/// - Error: ≤ 2e-19 absolute.
pub fn pdf(x: Fx) -> Fx {
    // |x| ≤ 40 cannot overflow: x² ≤ 1600 and φ ≤ 0.4.
    pdf_norm(x).and_then(Norm::to_fx).unwrap_or(Fx::ZERO)
}

/// Q(|x|) = 1 − N(|x|) for a magnitude in Q64, as Q63 in [0, 1/2].
#[inline]
fn upper_tail_q63(a: u128) -> i64 {
    // floor(2|x|) picks the interval; beyond the table Q < 1.1e-21 rounds to 0.
    let idx = a >> 63;
    if idx >= CDF_INTERVALS as u128 {
        return 0;
    }
    if a == 0 {
        // Exactly 1/2, so N(−x) = 1 − N(x) holds bit for bit at x = 0 too.
        return 1 << 62;
    }
    let c = &CDF_TAIL[idx as usize];
    // t = |x| − (idx/2 + 1/4) ∈ [−1/4, 1/4) in Q64.
    let t = ((a & ((1u128 << 63) - 1)) as i64).wrapping_sub(1 << 62);
    // Horner: every partial value lies in (−1, 1) (checked by the generator), Q63.
    let mut p = c[CDF_DEGREE];
    let mut k = CDF_DEGREE;
    while k > 0 {
        k -= 1;
        p = smulhi(p, t).wrapping_add(c[k]);
    }
    p.clamp(0, 1 << 62)
}

/// Standard normal cumulative distribution N(x), at a fixed cost.
///
/// - Domain: all x; for |x| ≥ 9.5 the result is exactly 0 or 1.
/// - Error: ≤ 4e-19 absolute (see the module docs for the proof).
/// - Symmetry: N(−x) = 1 − N(x) holds bit for bit.
pub fn cdf(x: Fx) -> Fx {
    let q = Fx::from_bits((upper_tail_q63(x.to_bits().unsigned_abs()) as i128) << 1);
    if x.is_negative() {
        q
    } else {
        Fx::from_bits(Fx::ONE.to_bits() - q.to_bits())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_errors_are_named() {
        assert_eq!(ln(Fx::ZERO), Err(MathError::ArgumentOutOfDomain));
        assert_eq!(ln(-Fx::ONE), Err(MathError::ArgumentOutOfDomain));
        assert_eq!(sqrt(-Fx::ONE), Err(MathError::ArgumentOutOfDomain));
        assert_eq!(exp(fx_int(44)), Err(MathError::Overflow));
        assert_eq!(exp(Fx::MAX), Err(MathError::Overflow));
        assert_eq!(exp(Fx::MIN), Ok(Fx::ZERO));
        assert_eq!(exp_norm(fx_int(5000)), Err(MathError::Overflow));
        let near = |a: Fx, b: Fx| (a.to_bits() - b.to_bits()).abs() <= 8;
        assert!(near(ln(Fx::MAX).unwrap(), k_ln2(63)));
        assert!(near(ln(Fx::DELTA).unwrap(), k_ln2(-64)));
        assert_eq!(ln(Fx::ONE), Ok(Fx::ZERO));
        assert_eq!(exp(Fx::ZERO), Ok(Fx::ONE));
        assert_eq!(sqrt(Fx::ZERO), Ok(Fx::ZERO));
    }

    #[test]
    fn cdf_limits_and_exact_symmetry() {
        assert_eq!(cdf(Fx::MAX), Fx::ONE);
        assert_eq!(cdf(Fx::MIN), Fx::ZERO);
        assert_eq!(cdf(Fx::ZERO), Fx::HALF);
        assert_eq!(pdf(Fx::MAX), Fx::ZERO);
        assert_eq!(pdf(Fx::MIN), Fx::ZERO);
        for i in -1000..=1000 {
            let x = fx_ratio(i, 100);
            assert_eq!(
                cdf(x).to_bits() + cdf(-x).to_bits(),
                Fx::ONE.to_bits(),
                "N({x}) + N(−{x})"
            );
        }
    }
}
