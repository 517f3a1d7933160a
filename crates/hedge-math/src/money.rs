//! Token amounts from model values, and LP share math. Every function takes or states
//! its rounding; callers round against the user and for the vault.

use super::error::{MathError, MathResult};
use super::fixed_point::{Fx, ScaledFx, POW10};

/// Which way an amount is rounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    Down,
    Up,
}

/// Share decimals = quote decimals + this offset (ERC-4626-style decimals offset).
pub const SHARE_DECIMALS_OFFSET: u8 = 3;
/// Virtual shares and virtual assets: every price is (assets + 1) / (shares + 1,000).
/// An inflation attack must give the virtual shares 1,000 times what it hopes to take
/// from the next depositor, and the virtual pair is worth at most one quote atom, so
/// deposits and withdrawals at this one price never pay out more than the vault holds.
/// A fresh vault mints 1,000 shares (one displayed share, with the 3 extra decimals) per
/// quote atom.
pub const VIRTUAL_SHARES: u64 = 1_000;
pub const VIRTUAL_ASSETS: u64 = 1;

// `is_multiple_of` is newer than the Rust of Solana's platform tools; keep `%`.
#[allow(clippy::manual_is_multiple_of)]
fn div_round(num: u128, den: u128, rounding: Rounding) -> MathResult<u128> {
    if den == 0 {
        return Err(MathError::DivideByZero);
    }
    let q = num / den;
    match rounding {
        Rounding::Down => Ok(q),
        Rounding::Up if num % den != 0 => q.checked_add(1).ok_or(MathError::Overflow),
        Rounding::Up => Ok(q),
    }
}

/// `a × b / c` in u128 with the given rounding, as a u64.
pub fn mul_div(a: u64, b: u64, c: u64, rounding: Rounding) -> MathResult<u64> {
    let v = div_round(a as u128 * b as u128, c as u128, rounding)?;
    u64::try_from(v).map_err(|_| MathError::Overflow)
}

/// Quote atoms worth `size` underlying atoms at `per_unit` (quote units per whole
/// underlying unit, e.g. USD per SOL).
///
/// per_unit × 10^quote_decimals gives quote atoms per underlying unit as `Fx`; its
/// integer and fraction parts are multiplied by `size` separately in u128 (no
/// intermediate loss) and divided by 10^underlying_decimals with `rounding`.
pub fn quote_for_underlying(
    per_unit: ScaledFx,
    size: u64,
    quote_decimals: u8,
    underlying_decimals: u8,
    rounding: Rounding,
) -> MathResult<u64> {
    if per_unit.value < Fx::ZERO {
        return Err(MathError::ArgumentOutOfDomain);
    }
    let target = -(quote_decimals as i32);
    let mut atoms_per_unit = per_unit.at_expo(target)?;
    if rounding == Rounding::Up && per_unit.expo < target {
        // Moving to a larger unit divides and truncates; if that dropped anything, one
        // ulp up keeps the final ceiling an upper bound.
        let back = super::fixed_point::mul_pow10(atoms_per_unit, target - per_unit.expo)?;
        if back != per_unit.value {
            atoms_per_unit = atoms_per_unit.add_(Fx::DELTA)?;
        }
    }
    let bits = atoms_per_unit.to_bits() as u128;
    let int = bits >> 64;
    let frac = bits & u64::MAX as u128;
    let size = size as u128;
    let whole = int.checked_mul(size).ok_or(MathError::Overflow)?;
    let frac_prod = frac * size; // < 2^128: both factors < 2^64
    let mut scaled = whole
        .checked_add(frac_prod >> 64)
        .ok_or(MathError::Overflow)?;
    if rounding == Rounding::Up && frac_prod & u64::MAX as u128 != 0 {
        scaled = scaled.checked_add(1).ok_or(MathError::Overflow)?;
    }
    let den = *POW10
        .get(underlying_decimals as usize)
        .ok_or(MathError::Overflow)? as u128;
    let v = div_round(scaled, den, rounding)?;
    u64::try_from(v).map_err(|_| MathError::Overflow)
}

/// `amount × bps / 10,000` with rounding.
pub fn bps_of(amount: u64, bps: u64, rounding: Rounding) -> MathResult<u64> {
    mul_div(amount, bps, 10_000, rounding)
}

/// Shares minted for `amount` quote atoms when the vault is worth `nav` with `supply`
/// shares outstanding: amount × (supply + V_s) / (nav + V_a), rounded down (the vault
/// keeps the remainder, so existing shares never lose value).
pub fn shares_for_deposit(amount: u64, nav: u64, supply: u64) -> MathResult<u64> {
    let s = supply
        .checked_add(VIRTUAL_SHARES)
        .ok_or(MathError::Overflow)?;
    let a = nav.checked_add(VIRTUAL_ASSETS).ok_or(MathError::Overflow)?;
    mul_div(amount, s, a, Rounding::Down)
}

/// The value-per-share fraction (nav + V_a) / (supply + V_s).
pub fn share_price(nav: u64, supply: u64) -> MathResult<(u64, u64)> {
    Ok((
        nav.checked_add(VIRTUAL_ASSETS).ok_or(MathError::Overflow)?,
        supply
            .checked_add(VIRTUAL_SHARES)
            .ok_or(MathError::Overflow)?,
    ))
}

/// The smaller of two fractions a/b and c/d (cross-multiplied, exact).
pub fn min_fraction(a: (u64, u64), c: (u64, u64)) -> (u64, u64) {
    if (a.0 as u128) * (c.1 as u128) <= (c.0 as u128) * (a.1 as u128) {
        a
    } else {
        c
    }
}

/// Quote atoms paid for `shares` at the price `num/den`, rounded down (the remainder
/// stays with the remaining LPs).
pub fn quote_for_shares(shares: u64, price: (u64, u64)) -> MathResult<u64> {
    mul_div(shares, price.0, price.1, Rounding::Down)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed_point::fx_int;

    /// The same table is in the dApp's `app/src/logic.test.ts`: its share previews
    /// round exactly as the program.
    #[test]
    fn share_vectors_shared_with_the_dapp() {
        let rows: [(u64, u64, u64, u64, u64); 5] = [
            (1_000_000, 0, 0, 1_000_000_000, 1_000),
            (
                1_000_000_000,
                1_000_000_000,
                1_000_000_000_000,
                1_000_000_000_000,
                1_000_000,
            ),
            (
                123_456_789,
                1_000_000_000_123,
                999_999_999_000_000,
                123_456_788_861,
                123_456,
            ),
            (1, 3, 7, 251, 0),
            (
                50_000_000,
                777_777_777,
                777_000_000_001,
                49_950_000_050,
                50_050,
            ),
        ];
        for (amount, nav, supply, shares, value) in rows {
            assert_eq!(shares_for_deposit(amount, nav, supply).unwrap(), shares);
            let price = share_price(nav, supply).unwrap();
            assert_eq!(quote_for_shares(amount, price).unwrap(), value);
        }
    }

    #[test]
    fn quote_amount_rounds_both_ways() {
        // 123.45 quote per unit (expo -2), 6 quote decimals, 9 underlying decimals.
        let p = ScaledFx {
            value: fx_int(12_345),
            expo: -2,
        };
        // 1.5 units → 185.175 quote → 185_175_000 atoms exactly.
        assert_eq!(
            quote_for_underlying(p, 1_500_000_000, 6, 9, Rounding::Down),
            Ok(185_175_000)
        );
        assert_eq!(
            quote_for_underlying(p, 1_500_000_000, 6, 9, Rounding::Up),
            Ok(185_175_000)
        );
        // 1 atom of underlying → 0.12345 quote atoms: 0 down, 1 up.
        assert_eq!(quote_for_underlying(p, 1, 6, 9, Rounding::Down), Ok(0));
        assert_eq!(quote_for_underlying(p, 1, 6, 9, Rounding::Up), Ok(1));
        // u64::MAX atoms at 123.45 still fit (2.28e18 quote atoms); at 1e12 they do not.
        assert_eq!(
            quote_for_underlying(p, u64::MAX, 6, 9, Rounding::Down),
            Ok(2_277_250_555_899_444_146)
        );
        let huge = ScaledFx {
            value: fx_int(1),
            expo: 12,
        };
        assert_eq!(
            quote_for_underlying(huge, u64::MAX, 6, 9, Rounding::Up),
            Err(MathError::Overflow)
        );
    }

    #[test]
    fn shares_round_for_the_vault() {
        assert_eq!(shares_for_deposit(1_000, 0, 0), Ok(1_000_000));
        // nav 3, supply 2_000: 10 × 3_000 / 4 = 7_500 exactly; 11 → 8_250.
        assert_eq!(shares_for_deposit(10, 3, 2_000), Ok(7_500));
        // nav 4, supply 2_000: 10 × 3_000 / 5 = 6_000; 1 × 3_000 / 5 = 600.
        assert_eq!(shares_for_deposit(1, 4, 2_000), Ok(600));
        // nav 5, supply 3_000: 1 × 4_000 / 6 = 666.67 → 666 (down, for the vault).
        assert_eq!(shares_for_deposit(1, 5, 3_000), Ok(666));
        let price = share_price(5, 3_000).unwrap();
        // 666 shares × 6 / 4_000 = 0.999 → 0: the round trip never gains.
        assert_eq!(quote_for_shares(666, price), Ok(0));
        assert_eq!(min_fraction((1, 2), (1, 3)), (1, 3));
    }
}
