//! Wide integer primitives, written so that their cost on SBF is explicit.
//!
//! SBF (like BPF) has 64-bit registers, a 64×64 → low-64 multiply and 64-bit division,
//! but no multiply-high and nothing 128-bit: Rust's `u128 * u128` becomes a call to
//! `__multi3` (≈ 43 CU) and `u128 / u128` one to `__udivti3` (≈ 220 CU). The math core
//! therefore works on 64-bit words and builds what it needs here:
//!
//! | routine | what | SBF instructions (≈ CU) |
//! |---|---|---|
//! | [`mul_wide`] | u64 × u64 → (hi, lo) | 4 multiplies + ~20 shifts/adds |
//! | [`mulhi`] | high word of u64 × u64 | as `mul_wide`, minus the low word |
//! | [`smulhi`] | high word of i64 × i64 (floored) | `mulhi` + 2 sign corrections |
//! | [`div_wide`] | (hi, lo) / d → (q, r), q < 2^64 | 2 hardware divisions + corrections, ~40 |
//! | [`div_u128`] | u128 / u64 | 1 hardware division + `div_wide` |
//!
//! Everything here is exact (no rounding beyond the stated truncation) and never
//! overflows for the stated preconditions: operations proven not to overflow use
//! `wrapping_*` so that overflow-checked builds add no branches to them.

const LO32: u64 = 0xffff_ffff;

/// The full product a × b as (high word, low word).
#[inline(always)]
pub fn mul_wide(a: u64, b: u64) -> (u64, u64) {
    let (a1, a0) = (a >> 32, a & LO32);
    let (b1, b0) = (b >> 32, b & LO32);
    // Each partial product of two 32-bit halves fits 64 bits.
    let p00 = a0.wrapping_mul(b0);
    let p01 = a0.wrapping_mul(b1);
    let p10 = a1.wrapping_mul(b0);
    let p11 = a1.wrapping_mul(b1);
    // Three values below 2^32 each: the sum is below 3·2^32.
    let mid = (p00 >> 32)
        .wrapping_add(p01 & LO32)
        .wrapping_add(p10 & LO32);
    // The exact high word of a product of two u64 fits a u64.
    let hi = p11
        .wrapping_add(p01 >> 32)
        .wrapping_add(p10 >> 32)
        .wrapping_add(mid >> 32);
    let lo = (mid << 32) | (p00 & LO32);
    (hi, lo)
}

/// floor(a × b / 2^64).
#[inline(always)]
pub fn mulhi(a: u64, b: u64) -> u64 {
    mul_wide(a, b).0
}

/// floor(a × b / 2^64) for signed words (the high word of the two's-complement product).
#[inline(always)]
pub fn smulhi(a: i64, b: i64) -> i64 {
    let hi = mulhi(a as u64, b as u64);
    // As unsigned, a negative word stands for a + 2^64; remove the extra b·2^64 (and
    // a·2^64) from the product's high word.
    let mut hi = hi as i64;
    if a < 0 {
        hi = hi.wrapping_sub(b);
    }
    if b < 0 {
        hi = hi.wrapping_sub(a);
    }
    hi
}

/// (hi·2^64 + lo) / d as (quotient, remainder), for `hi < d` (so the quotient fits a
/// word). Long division by two 32-bit digits of the quotient, each estimated with one
/// hardware 64/64 division from the divisor's top half and corrected at most twice
/// (Knuth's algorithm D with base 2^32).
pub fn div_wide(hi: u64, lo: u64, d: u64) -> (u64, u64) {
    debug_assert!(hi < d);
    // Normalize: the divisor's top bit set makes each estimate at most 2 too high.
    let s = d.leading_zeros();
    let d = d << s;
    let (hi, lo) = if s == 0 {
        (hi, lo)
    } else {
        ((hi << s) | (lo >> (64 - s)), lo << s)
    };
    let (d1, d0) = (d >> 32, d & LO32);
    let (l1, l0) = (lo >> 32, lo & LO32);

    // First digit: (hi·2^32 + l1) / d; hi < d keeps it below 2^32.
    let (q1, r) = div_digit(hi, l1, d, d1, d0);
    // Second digit: (r·2^32 + l0) / d.
    let (q0, r) = div_digit(r, l0, d, d1, d0);
    ((q1 << 32) | q0, r >> s)
}

/// One base-2^32 digit of a long division: (u·2^32 + next) / d with u < d, d
/// normalized. Returns the digit and the remainder (< d).
#[inline(always)]
fn div_digit(u: u64, next: u64, d: u64, d1: u64, d0: u64) -> (u64, u64) {
    // Estimate from the top: q̂ = u / d1 (at most 2 too large, Knuth's Theorem B).
    let mut qhat = u / d1;
    let mut rhat = u - qhat.wrapping_mul(d1);
    // Correct while q̂ ≥ 2^32 or q̂·d0 > rhat·2^32 + next (at most twice).
    while qhat > LO32 || (rhat <= LO32 && qhat.wrapping_mul(d0) > ((rhat << 32) | next)) {
        qhat -= 1;
        rhat += d1;
        if rhat > LO32 {
            break;
        }
    }
    // (u·2^32 + next) − q̂·d, computed modulo 2^64: the true value is in [0, d).
    let r = (u << 32 | next).wrapping_sub(qhat.wrapping_mul(d));
    (qhat, r)
}

/// n / d for a 128-bit n as (quotient, remainder); `None` when d = 0.
pub fn div_u128(n: u128, d: u64) -> Option<(u128, u64)> {
    if d == 0 {
        return None;
    }
    let (hi, lo) = ((n >> 64) as u64, n as u64);
    let q_hi = hi / d;
    let (q_lo, r) = div_wide(hi % d, lo, d);
    Some((((q_hi as u128) << 64) | q_lo as u128, r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn edgy() -> impl Strategy<Value = u64> {
        prop_oneof![
            any::<u64>(),
            (0u32..64).prop_map(|k| 1u64 << k),
            (0u32..64).prop_map(|k| (1u64 << k).wrapping_sub(1)),
            Just(u64::MAX),
            Just(0u64),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn mul_wide_is_exact(a in edgy(), b in edgy()) {
            let p = a as u128 * b as u128;
            prop_assert_eq!(mul_wide(a, b), ((p >> 64) as u64, p as u64));
        }

        #[test]
        fn smulhi_is_the_floored_high_word(a in any::<i64>(), b in any::<i64>()) {
            let p = a as i128 * b as i128;
            prop_assert_eq!(smulhi(a, b), (p >> 64) as i64);
        }

        #[test]
        fn div_u128_is_exact(n in any::<u128>(), d in edgy().prop_filter("d > 0", |d| *d > 0)) {
            let (q, r) = div_u128(n, d).unwrap();
            prop_assert_eq!(q, n / d as u128);
            prop_assert_eq!(r as u128, n % d as u128);
        }

        #[test]
        fn div_wide_near_the_limits(d in edgy().prop_filter("d > 0", |d| *d > 0), lo in edgy()) {
            // The largest high word that keeps the quotient within a word.
            let hi = d - 1;
            let n = ((hi as u128) << 64) | lo as u128;
            let (q, r) = div_wide(hi, lo, d);
            prop_assert_eq!(q as u128, n / d as u128);
            prop_assert_eq!(r as u128, n % d as u128);
        }
    }

    #[test]
    fn division_by_zero_is_none() {
        assert_eq!(div_u128(5, 0), None);
    }
}
