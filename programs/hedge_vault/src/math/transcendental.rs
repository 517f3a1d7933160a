//! `ln`, `exp`, `sqrt` and the standard normal `pdf` and `cdf` on [`Fx`].
//!
//! Every loop has a fixed bound, nothing allocates, and no float is used. Error bounds
//! are absolute unless said otherwise and are checked by tests against f64 and against
//! known constants; 1 ulp = 2^-64 ≈ 5.4e-20.

use super::error::{MathError, MathResult};
use super::fixed_point::{fx_int, fx_ratio, Fx, FxExt, FX_HALF, FX_ONE, FX_ZERO};

/// ln 2 × 2^96, rounded to nearest. Multiplying it by an integer exponent and shifting
/// right by 32 gives k·ln 2 to half an ulp, which the plain 64-bit constant would not
/// for |k| up to 64.
const LN2_Q96: i128 = 54_916_777_467_707_473_351_141_471_128;
/// ln 2 as `Fx`, rounded to nearest.
const LN2: Fx = Fx::from_bits(12_786_308_645_202_655_660);
/// √2 as `Fx`, rounded to nearest: the mantissa of `ln` is reduced to [1/√2, √2).
const SQRT2_BITS: u128 = 26_087_635_650_665_564_425;
/// 1/√(2π) as `Fx`, rounded to nearest.
const INV_SQRT_2PI: Fx = Fx::from_bits(7_359_186_146_747_302_452);

/// Terms of the atanh series in `ln`: |z| ≤ 0.1716, so z^27 < 2e-21.
const LN_SERIES_TERMS: i64 = 13;
/// Terms of the Taylor series in `exp`: |r| ≤ 0.347, so r^21/21! < 1e-28.
const EXP_SERIES_TERMS: i64 = 20;
/// Below this, e^x is under one ulp and `exp` returns 0 (e^-45 ≈ 2.9e-20).
const EXP_MIN: Fx = fx_int(-45);
/// Above this, e^x does not fit `Fx` (ln(2^63) ≈ 43.67).
const EXP_MAX: Fx = fx_ratio(4366, 100);
/// Beyond this |x|, φ(x) < 1e-300 and `pdf` returns 0 exactly.
const PDF_CUTOFF: Fx = fx_int(40);
/// Beyond this |x|, 1 − N(|x|) < 1.1e-21 (under one ulp) and `cdf` returns 0 or 1.
const CDF_CUTOFF: Fx = fx_ratio(95, 10);
/// Below this |x| the cdf uses the power series, above it the continued fraction.
const CDF_SERIES_LIMIT: Fx = fx_int(4);
/// Upper bound on series terms in `cdf` (47 suffice at |x| = 4 for 1e-21).
const CDF_SERIES_TERMS: i64 = 60;
/// Depth of the Mills-ratio continued fraction (34 suffice at |x| = 4 for 1e-21).
const CDF_CF_DEPTH: i64 = 40;

/// `k · ln 2` to half an ulp, for |k| ≤ 2^20.
fn k_ln2(k: i64) -> Fx {
    let wide = (k as i128) * LN2_Q96;
    // Round to nearest when dropping the 32 extra bits.
    Fx::from_bits((wide + (1 << 31)) >> 32)
}

/// Natural logarithm.
///
/// - Domain: x > 0 (anything else is `ArgumentOutOfDomain`).
/// - Method: x = m·2^k with m ∈ [1/√2, √2); ln m = 2·atanh((m−1)/(m+1)) by its series.
/// - Error: |ln x − result| ≤ 1e-18 (about 20 ulp of rounding in the series).
/// - Rounding: each step truncates; the result may be low or high by the bound above.
pub fn ln(x: Fx) -> MathResult<Fx> {
    if x <= FX_ZERO {
        return Err(MathError::ArgumentOutOfDomain);
    }
    let bits = x.to_bits() as u128;
    // Index of the top set bit; 64 is the bit of 1.0.
    let top = 127 - bits.leading_zeros() as i32;
    let mut k = top - 64;
    let mut m_bits = shift_to(bits, k);
    if m_bits > SQRT2_BITS {
        k += 1;
        m_bits = shift_to(bits, k);
    }
    let m = Fx::from_bits(m_bits as i128);
    let z = m.sub_(FX_ONE)?.div_(m.add_(FX_ONE)?)?;
    let zz = z.mul_(z)?;
    let mut power = z;
    let mut sum = z;
    for n in 1..=LN_SERIES_TERMS {
        power = power.mul_(zz)?;
        sum = sum.add_(power.div_int_(2 * n + 1)?)?;
    }
    k_ln2(k as i64).add_(sum.mul_int_(2)?)
}

/// `bits / 2^k` for either sign of k, truncating when shifting right.
fn shift_to(bits: u128, k: i32) -> u128 {
    if k >= 0 {
        bits >> k
    } else {
        bits << (-k)
    }
}

/// Exponential.
///
/// - Domain: x ≤ 43.66 (larger is `Overflow`); below −45 the result is 0.
/// - Method: x = k·ln 2 + r with |r| ≤ ln2/2, Taylor series of e^r, then a shift by k.
/// - Error: relative ≤ 2e-18, plus 1 ulp absolute when the shift drops bits.
/// - Rounding: truncation in each step, so the result is never above e^x by more than
///   the relative bound.
pub fn exp(x: Fx) -> MathResult<Fx> {
    if x < EXP_MIN {
        return Ok(FX_ZERO);
    }
    if x > EXP_MAX {
        return Err(MathError::Overflow);
    }
    let (m, k) = exp_parts(x)?;
    shift_by(m, k)
}

/// e^x = m·2^k with m ∈ [0.70, 1.42] to relative 2e-18, for |x| ≤ 2^20: the mantissa
/// keeps full relative precision even where e^x itself is below one ulp's worth of
/// significant bits (used by `cdf`).
fn exp_parts(x: Fx) -> MathResult<(Fx, i64)> {
    let k: i64 = x.div_(LN2)?.round().to_num();
    let r = x.sub_(k_ln2(k))?;
    let mut term = FX_ONE;
    let mut sum = FX_ONE;
    for n in 1..=EXP_SERIES_TERMS {
        term = term.mul_(r)?.div_int_(n)?;
        if term == FX_ZERO {
            break;
        }
        sum = sum.add_(term)?;
    }
    Ok((sum, k))
}

/// `v·2^k`: exact for k ≥ 0 (or `Overflow`), floored for k < 0 (error < 1 ulp).
fn shift_by(v: Fx, k: i64) -> MathResult<Fx> {
    let bits = v.to_bits();
    if k >= 0 {
        if k > 126 {
            return Err(MathError::Overflow);
        }
        bits.checked_mul(1i128 << k)
            .map(Fx::from_bits)
            .ok_or(MathError::Overflow)
    } else if k > -127 {
        Ok(Fx::from_bits(bits >> (-k)))
    } else {
        Ok(Fx::from_bits(if bits < 0 { -1 } else { 0 }))
    }
}

/// Square root.
///
/// - Domain: x ≥ 0 (negative is `ArgumentOutOfDomain`).
/// - Error and rounding: rounded down, result ≤ √x < result + 1 ulp (the `fixed` crate's
///   bounded iterative method).
pub fn sqrt(x: Fx) -> MathResult<Fx> {
    if x < FX_ZERO {
        return Err(MathError::ArgumentOutOfDomain);
    }
    Ok(x.sqrt())
}

/// Standard normal density φ(x) = e^(−x²/2)/√(2π).
///
/// - Domain: all x; |x| > 40 returns 0 (φ(40) < 1e-300).
/// - Error: ≤ 2e-19 absolute (`exp` plus the rounded constant).
pub fn pdf(x: Fx) -> MathResult<Fx> {
    // Compared each way: `abs` of the most negative value overflows.
    if x > PDF_CUTOFF || x < -PDF_CUTOFF {
        return Ok(FX_ZERO);
    }
    let half_sq = x.mul_(x)?.div_int_(2)?;
    exp(-half_sq)?.mul_(INV_SQRT_2PI)
}

/// Standard normal cumulative distribution N(x).
///
/// - Domain: all x; for |x| ≥ 9.5 the result is 0 or 1 (the true tail is < 1.1e-21).
/// - Method: for |x| < 4, N(x) = 1/2 + φ(x)·Σ x^(2n+1)/(2n+1)!! (every term has the sign
///   of x, so nothing cancels); for |x| ≥ 4, the tail 1 − N(|x|) = φ(x)·R(|x|) with the
///   Mills ratio R by its continued fraction 1/(x+1/(x+2/(x+3/(x+…)))).
/// - Error: ≤ 1e-18 absolute.
/// - Rounding: truncation; the result is clamped to [0, 1].
pub fn cdf(x: Fx) -> MathResult<Fx> {
    if x <= -CDF_CUTOFF {
        return Ok(FX_ZERO);
    }
    if x >= CDF_CUTOFF {
        return Ok(FX_ONE);
    }
    let ax = x.abs();
    let n = if ax < CDF_SERIES_LIMIT {
        let xx = x.mul_(x)?;
        let mut term = x;
        let mut sum = x;
        for n in 1..=CDF_SERIES_TERMS {
            term = term.mul_(xx)?.div_int_(2 * n + 1)?;
            if term == FX_ZERO {
                break;
            }
            sum = sum.add_(term)?;
        }
        // φ(x)·sum with φ kept as mantissa and exponent until the end, so the product
        // is within ~1 ulp instead of inheriting φ's 1-ulp absolute error × sum.
        let half_sq = xx.div_int_(2)?;
        let (m, k) = exp_parts(-half_sq)?;
        let scaled = sum.mul_(INV_SQRT_2PI)?.mul_(m)?;
        FX_HALF.add_(shift_by(scaled, k)?)?
    } else {
        let density = pdf(x)?;
        let mut t = ax;
        for k in (1..=CDF_CF_DEPTH).rev() {
            t = ax.add_(fx_int(k).div_(t)?)?;
        }
        let tail = density.div_(t)?;
        if x > FX_ZERO {
            FX_ONE.sub_(tail)?
        } else {
            tail
        }
    };
    Ok(n.clamp(FX_ZERO, FX_ONE))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values from mpmath at 60 digits, for the exact `Fx` nearest each input,
    /// as `Fx` bits rounded to nearest.
    const VECTORS: &[(&str, &str, i128)] = &[
        ("ln", "10", 42475197918399869020),
        ("ln", "0.001", -127425593755199606675),
        ("ln", "1000000000000", 509702375020798428236),
        ("ln", "1.5", 7479511080090283979),
        ("ln", "0.70710678", -6393154353555547355),
        ("ln", "1.4142136", 6393154813399814815),
        ("exp", "1", 50143449209799256683),
        ("exp", "-1", 6786177901268885275),
        ("exp", "10", 406316577365116946489258),
        ("exp", "-30", 1726177),
        ("exp", "40", 4342091776064339869272522905257458571),
        ("exp", "0.25", 23686088245777032822),
        ("exp", "-44", 1),
        ("cdf", "0", 9223372036854775808),
        ("cdf", "1", 15520071208486562213),
        ("cdf", "-3", 24901223515084635),
        ("cdf", "3.9", 18445856852760577807),
        ("cdf", "-4.1", 381063743216636),
        ("cdf", "4", 18446159842416959489),
        ("cdf", "-8", 11476),
        ("cdf", "9", 18446744073709551614),
        ("cdf", "-0.5", 5691513014010530061),
        ("cdf", "-9.4", 0),
        ("pdf", "1", 4463572028534714082),
        ("pdf", "-2.5", 323340073251935625),
        ("pdf", "0", 7359186146747302452),
        ("sqrt", "2", 26087635650665564425),
        ("sqrt", "0.0001", 184467440737095508),
    ];

    fn run(f: &str, x: Fx) -> MathResult<Fx> {
        match f {
            "ln" => ln(x),
            "exp" => exp(x),
            "cdf" => cdf(x),
            "pdf" => pdf(x),
            "sqrt" => sqrt(x),
            _ => unreachable!(),
        }
    }

    /// The documented bound of each function, in ulp (1 ulp = 2^-64).
    fn bound_ulp(f: &str, expected_bits: i128) -> i128 {
        match f {
            "ln" => 19,  // 1e-18
            "cdf" => 19, // 1e-18
            "pdf" => 4,  // 2e-19
            "sqrt" => 1, // rounded down, < 1 ulp
            // relative 2e-18 plus 1 ulp
            "exp" => 1 + (expected_bits.abs() >> 64).max(1) * 37,
            _ => unreachable!(),
        }
    }

    #[test]
    fn primitives_match_high_precision_vectors() {
        for (f, input, expected_bits) in VECTORS {
            let x = <Fx as core::str::FromStr>::from_str(input).unwrap();
            let got = run(f, x).unwrap().to_bits();
            let err = (got - expected_bits).abs();
            assert!(
                err <= bound_ulp(f, *expected_bits),
                "{f}({input}): got {got}, want {expected_bits}, err {err} ulp"
            );
        }
    }

    #[test]
    fn domain_errors_are_named() {
        assert_eq!(ln(FX_ZERO), Err(MathError::ArgumentOutOfDomain));
        assert_eq!(ln(-FX_ONE), Err(MathError::ArgumentOutOfDomain));
        assert_eq!(sqrt(-FX_ONE), Err(MathError::ArgumentOutOfDomain));
        assert_eq!(exp(fx_int(44)), Err(MathError::Overflow));
        assert_eq!(exp(Fx::MAX), Err(MathError::Overflow));
        assert_eq!(exp(Fx::MIN), Ok(FX_ZERO));
        // The extremes of the type: ln(2^63) = 63·ln 2 and ln(2^-64) = −64·ln 2.
        let near = |a: Fx, b: Fx| (a - b).abs().to_bits() <= 40;
        assert!(near(ln(Fx::MAX).unwrap(), k_ln2(63)));
        assert!(near(ln(Fx::DELTA).unwrap(), k_ln2(-64)));
    }

    #[test]
    fn cdf_limits_and_symmetry() {
        assert_eq!(cdf(Fx::MAX), Ok(FX_ONE));
        assert_eq!(cdf(Fx::MIN), Ok(FX_ZERO));
        assert_eq!(pdf(Fx::MAX), Ok(FX_ZERO));
        for i in -90..=90 {
            let x = fx_ratio(i, 10);
            let sum = cdf(x).unwrap().add_(cdf(-x).unwrap()).unwrap();
            assert!(
                (sum - FX_ONE).abs().to_bits() <= 40,
                "N({x}) + N(-{x}) = {sum}"
            );
        }
    }
}
