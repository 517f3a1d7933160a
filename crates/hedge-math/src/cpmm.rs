//! Raydium CPMM's constant-product arithmetic as the vault uses it: the pool's quote for
//! a swap (with the pool's roundings), the inverse quote, and the hedge sizes whose exact
//! fill stays within a price limit. Pure and `no_std` like the rest of the crate, so the
//! compute meter measures it (`cu_buy_at_limit`, `cu_sell_at_limit`); the program's
//! `dex` module wraps each function with its named errors.
//!
//! Notation: reserves x (input side) and y (output side) in atoms, the trade fee t in
//! parts per million of R = 1,000,000 (rounded up and kept by the pool), and `unit` the
//! underlying's atoms per unit; prices and limits are quote atoms per underlying unit.

/// Fee rates are parts per million.
pub const FEE_RATE_DENOMINATOR: u128 = 1_000_000;

/// Why a pool computation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolError {
    /// A result does not fit in 64 bits (or a checked operation overflowed).
    Overflow,
    /// The pool cannot quote: a fee rate of 100% or more, or an empty reserve.
    InvalidPool,
    /// The requested output is the whole reserve or more.
    OutExceedsReserve,
}

pub type PoolResult<T> = Result<T, PoolError>;

/// A fee rate the quotes can use: below 100% (otherwise nothing comes out of a swap).
fn require_fee_rate(fee_rate: u64) -> PoolResult<u128> {
    if fee_rate as u128 >= FEE_RATE_DENOMINATOR {
        return Err(PoolError::InvalidPool);
    }
    Ok(FEE_RATE_DENOMINATOR - fee_rate as u128)
}

/// Output of `amount_in` against reserves (x in, y out) after the trade fee (rounded up
/// and kept by the pool): ⌊a'·y / (x + a')⌋ with a' = a − ⌈a·t/R⌉. The vault's own
/// estimate; the pool's result is measured after the swap.
pub fn quote_out(amount_in: u64, x: u64, y: u64, fee_rate: u64) -> PoolResult<u64> {
    require_fee_rate(fee_rate)?;
    let a = amount_in as u128;
    let fee = (a * fee_rate as u128).div_ceil(FEE_RATE_DENOMINATOR);
    let net = a.saturating_sub(fee);
    let den = (x as u128).checked_add(net).ok_or(PoolError::Overflow)?;
    if den == 0 {
        return Err(PoolError::InvalidPool);
    }
    u64::try_from(net * y as u128 / den).map_err(|_| PoolError::Overflow)
}

/// Smallest `amount_in` that buys at least `out` from reserves (x in, y out), rounded
/// up at each step (the vault pays enough, never too little).
pub fn quote_in_for_out(out: u64, x: u64, y: u64, fee_rate: u64) -> PoolResult<u64> {
    if out >= y {
        return Err(PoolError::OutExceedsReserve);
    }
    let keep = require_fee_rate(fee_rate)?;
    let net = (x as u128 * out as u128).div_ceil(y as u128 - out as u128);
    // gross − ⌈gross·t/R⌉ ≥ net ⇐ gross = ⌈net·R/(R − t)⌉ + 1
    let gross = net
        .checked_mul(FEE_RATE_DENOMINATOR)
        .ok_or(PoolError::Overflow)?
        .div_ceil(keep)
        + 1;
    u64::try_from(gross).map_err(|_| PoolError::Overflow)
}

/// Continuous bound on the underlying `out` whose average cost stays within `limit`
/// quote atoms per underlying unit (`unit` atoms): from cost ≈ x·out/((y − out)(1 − t)),
/// out ≤ y − x·unit·R / (limit·(R − t)). Rounded down. It ignores the swap's roundings:
/// [`max_buy_at_limit`] is the size that lands.
pub fn max_buy_within(
    limit: u64,
    x_quote: u64,
    y_underlying: u64,
    fee_rate: u64,
    unit: u64,
) -> PoolResult<u64> {
    let keep = require_fee_rate(fee_rate)?;
    let need = (x_quote as u128 * unit as u128)
        .checked_mul(FEE_RATE_DENOMINATOR)
        .ok_or(PoolError::Overflow)?
        .div_ceil((limit.max(1) as u128) * keep);
    u64::try_from((y_underlying as u128).saturating_sub(need)).map_err(|_| PoolError::Overflow)
}

/// Continuous bound on the underlying `size` whose average proceeds stay at or above
/// `limit` quote atoms per unit: proceeds = y·a'/(x + a') with a' = size·(R − t)/R, so
/// size ≤ y·unit/limit − x·R/(R − t). Rounded down (each term toward the smaller size).
/// It ignores the swap's roundings: [`max_sell_at_limit`] is the size that lands.
pub fn max_sell_within(
    limit: u64,
    x_underlying: u64,
    y_quote: u64,
    fee_rate: u64,
    unit: u64,
) -> PoolResult<u64> {
    let keep = require_fee_rate(fee_rate)?;
    let room = y_quote as u128 * unit as u128 / limit.max(1) as u128;
    let taken = (x_underlying as u128)
        .checked_mul(FEE_RATE_DENOMINATOR)
        .ok_or(PoolError::Overflow)?
        .div_ceil(keep);
    u64::try_from(room.saturating_sub(taken)).map_err(|_| PoolError::Overflow)
}

/// How many correction steps the at-limit sizers take before giving up (each costs a
/// few wide divisions; the start is within rounding noise of the answer, so one or two
/// steps suffice).
const SIZE_STEPS: usize = 6;

/// Largest buy of `out ≤ cap` underlying atoms (to within the swap's rounding noise)
/// whose exact cost, [`quote_in_for_out`] with its roundings, stays within `limit` per
/// unit: cost·unit ≤ out·limit. That is exactly the condition under which the swap's
/// minimum out, ⌈cost·unit/limit⌉, is at most the `out` the pool delivers and the
/// measured fill is within the limit, so the planned trade lands. 0 if none fits.
///
/// Start at the continuous bound (which ignores the roundings, so it can sit an atom
/// past the limit), then step down by the excess E = cost·unit − out·limit divided by
/// a lower bound of the excess's slope past the bound, limit·out/(y − out) (a Newton
/// step that never stops short of the fitting side).
pub fn max_buy_at_limit(
    cap: u64,
    limit: u64,
    x_quote: u64,
    y_underlying: u64,
    fee_rate: u64,
    unit: u64,
) -> PoolResult<u64> {
    let keep = require_fee_rate(fee_rate)?;
    let limit = limit.max(1);
    let mut out = cap.min(max_buy_within(
        limit,
        x_quote,
        y_underlying,
        fee_rate,
        unit,
    )?);
    for step_no in 0..SIZE_STEPS {
        if out == 0 {
            return Ok(0);
        }
        let cost = quote_in_for_out(out, x_quote, y_underlying, fee_rate)?;
        let spent = cost as u128 * unit as u128;
        let allowed = out as u128 * limit as u128;
        if spent <= allowed {
            return Ok(out);
        }
        // δ = ⌈(E + S)·(y − out)/(limit·out)⌉, at least one atom, where S is 0 on the
        // first step and then the most the roundings can add, (R/(R − t) + 2)·unit:
        // aiming that far inside keeps the next size clear of the rounding noise. ((E + S)/limit is rounded up first only
        // if the product would overflow: a larger, still safe step.)
        let noise = (FEE_RATE_DENOMINATOR + 2 * keep)
            .checked_mul(unit as u128)
            .ok_or(PoolError::Overflow)?
            .div_ceil(keep);
        let excess = (spent - allowed)
            .checked_add(if step_no == 0 { 0 } else { noise })
            .ok_or(PoolError::Overflow)?;
        let room = (y_underlying - out) as u128;
        let step = match excess.checked_mul(room) {
            Some(v) => v.div_ceil(limit as u128 * out as u128),
            None => excess
                .div_ceil(limit as u128)
                .checked_mul(room)
                .ok_or(PoolError::Overflow)?
                .div_ceil(out as u128),
        }
        .max(1);
        out = u64::try_from((out as u128).saturating_sub(step)).map_err(|_| PoolError::Overflow)?;
    }
    Ok(0)
}

/// Largest sale of `size ≤ cap` underlying atoms (to within the swap's rounding noise)
/// whose exact proceeds, [`quote_out`] with its roundings, stay at or above `limit` per
/// unit: proceeds·unit ≥ size·limit, the condition under which the minimum out
/// ⌈size·limit/unit⌉ is met and the measured fill is within the limit. 0 if none fits.
///
/// Same method as [`max_buy_at_limit`]: the excess G = size·limit − proceeds·unit over a
/// lower bound of its slope past the bound, limit·(R − t)·size/(R·(x + size)).
pub fn max_sell_at_limit(
    cap: u64,
    limit: u64,
    x_underlying: u64,
    y_quote: u64,
    fee_rate: u64,
    unit: u64,
) -> PoolResult<u64> {
    let keep = require_fee_rate(fee_rate)?;
    if x_underlying == 0 {
        return Ok(0); // an empty pool: nothing to price a sale against
    }
    let limit = limit.max(1);
    let mut size = cap.min(max_sell_within(
        limit,
        x_underlying,
        y_quote,
        fee_rate,
        unit,
    )?);
    for step_no in 0..SIZE_STEPS {
        if size == 0 {
            return Ok(0);
        }
        let out = quote_out(size, x_underlying, y_quote, fee_rate)?;
        let got = out as u128 * unit as u128;
        let wanted = size as u128 * limit as u128;
        if got >= wanted {
            return Ok(size);
        }
        // δ = ⌈(G + S)·(x + size)·R/(limit·(R − t)·size)⌉, at least one atom, where S is
        // 0 on the first step and then the most the roundings can take, (y/x + 1)·unit (one underlying atom of fee
        // rounding, one quote atom of output); (G + S)/limit is rounded up first only
        // if the product would overflow.
        let noise = (y_quote as u128 + x_underlying as u128)
            .checked_mul(unit as u128)
            .ok_or(PoolError::Overflow)?
            .div_ceil(x_underlying as u128);
        let excess = (wanted - got)
            .checked_add(if step_no == 0 { 0 } else { noise })
            .ok_or(PoolError::Overflow)?;
        let span = (x_underlying as u128 + size as u128)
            .checked_mul(FEE_RATE_DENOMINATOR)
            .ok_or(PoolError::Overflow)?;
        let per = keep * size as u128;
        let step = match excess.checked_mul(span) {
            Some(v) => match (limit as u128).checked_mul(per) {
                Some(d) => v.div_ceil(d),
                None => v.div_ceil(limit as u128).div_ceil(per),
            },
            None => excess
                .div_ceil(limit as u128)
                .checked_mul(span)
                .ok_or(PoolError::Overflow)?
                .div_ceil(per),
        }
        .max(1);
        size =
            u64::try_from((size as u128).saturating_sub(step)).map_err(|_| PoolError::Overflow)?;
    }
    Ok(0)
}

/// The pool's mid price in quote atoms per underlying unit, rounded down.
pub fn pool_price(x_quote: u64, y_underlying: u64, unit: u64) -> PoolResult<u64> {
    if y_underlying == 0 {
        return Err(PoolError::InvalidPool);
    }
    u64::try_from(x_quote as u128 * unit as u128 / y_underlying as u128)
        .map_err(|_| PoolError::Overflow)
}
#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::vec;

    #[test]
    fn quotes_match_the_interface_vector() {
        // X = 1e9, Y = 2e9, t = 2500, a = 1,000,000 → 1,993,011.
        assert_eq!(
            quote_out(1_000_000, 1_000_000_000, 2_000_000_000, 2_500).unwrap(),
            1_993_011
        );
        let need = quote_in_for_out(1_993_011, 1_000_000_000, 2_000_000_000, 2_500).unwrap();
        assert!(quote_out(need, 1_000_000_000, 2_000_000_000, 2_500).unwrap() >= 1_993_011);
        assert!(need <= 1_000_002);
    }

    /// The pools: thin (6,500 units a side and less) and sitting 0.6% off the
    /// limit's reference. Before the exact sizing, the continuous bound put the fill one
    /// atom past the limit whenever it was binding, so the swap reverted.
    fn pools() -> impl Iterator<Item = (u64, u64, u64, u64)> {
        // (quote atoms, underlying atoms, fee ppm, underlying unit): price 100 quote
        // (6 decimals) per unit of 9 or 6 decimals.
        let mut v = vec![];
        for units in [1u64, 7, 650, 6_500, 65_000, 10_000_000] {
            for (unit, fee) in [
                (1_000_000_000u64, 2_500u64),
                (1_000_000, 100),
                (1_000_000_000, 10_000),
            ] {
                v.push((units * 100_000_000, units * unit, fee, unit));
            }
        }
        v.into_iter()
    }

    #[test]
    fn buy_sizes_at_the_limit_land_and_are_near_the_bound() {
        let mut binding = 0;
        for (x, y, fee, unit) in pools() {
            let mid = x as u128 * unit as u128 / y as u128;
            for off_bps in [-60i128, 0, 40, 60, 100, 150, 300] {
                let limit = (mid as i128 * (10_000 + off_bps) / 10_000) as u64;
                let bound = max_buy_within(limit, x, y, fee, unit).unwrap();
                let out = max_buy_at_limit(u64::MAX, limit, x, y, fee, unit).unwrap();
                assert!(out <= bound);
                if out == 0 {
                    continue;
                }
                let cost = quote_in_for_out(out, x, y, fee).unwrap();
                // Lands: the minimum out is at most what the pool gives, the fill within.
                let min_out = (cost as u128 * unit as u128).div_ceil(limit as u128) as u64;
                let got = quote_out(cost, x, y, fee).unwrap();
                assert!(
                    min_out <= out && out <= got,
                    "{x} {y} {fee} {limit}: {min_out} {out} {got}"
                );
                assert!((cost as u128 * unit as u128).div_ceil(got as u128) <= limit as u128);
                // Not needlessly small: 1% (+ 10 atoms) more would not fit. (After a
                // first step that misses, the sizer aims inside the limit by the most
                // the roundings can cost, a few quote atoms: in a one-unit pool that is
                // a few % of these sizes, so that pool is only checked for landing.)
                let more = out + out / 100 + 10;
                assert!(
                    y < 7 * unit
                        || more > bound
                        || quote_in_for_out(more, x, y, fee).unwrap() as u128 * unit as u128
                            > more as u128 * limit as u128,
                    "{out} could be {more} (bound {bound})"
                );
                // The old size, the continuous bound itself: does it miss the limit?
                if quote_in_for_out(bound, x, y, fee)
                    .map(|c| c as u128 * unit as u128 > bound as u128 * limit as u128)
                    .unwrap_or(true)
                {
                    binding += 1;
                }
            }
        }
        // The old sizing (the continuous bound) fails in the cases counted here.
        assert!(binding > 10, "{binding}");
    }

    #[test]
    fn sell_sizes_at_the_limit_land_and_are_near_the_bound() {
        let mut old_fails = 0;
        for (x_q, y_u, fee, unit) in pools() {
            let (x, y) = (y_u, x_q); // selling underlying: x = underlying, y = quote
            let mid = y as u128 * unit as u128 / x as u128;
            for off_bps in [60i128, 0, -40, -60, -100, -150, -300] {
                let limit = (mid as i128 * (10_000 + off_bps) / 10_000) as u64;
                let bound = max_sell_within(limit, x, y, fee, unit).unwrap();
                let size = max_sell_at_limit(u64::MAX, limit, x, y, fee, unit).unwrap();
                assert!(size <= bound);
                // The old bound, (y·unit/limit − x)·R/(R − t), over-estimates.
                let keep = FEE_RATE_DENOMINATOR - fee as u128;
                let old = ((y as u128 * unit as u128 / limit as u128).saturating_sub(x as u128)
                    * FEE_RATE_DENOMINATOR
                    / keep) as u64;
                if old > 0 {
                    let out = quote_out(old, x, y, fee).unwrap();
                    if (out as u128) * (unit as u128) < old as u128 * limit as u128 {
                        old_fails += 1;
                    }
                }
                if size == 0 {
                    continue;
                }
                let out = quote_out(size, x, y, fee).unwrap();
                let min_out = (size as u128 * limit as u128).div_ceil(unit as u128) as u64;
                assert!(min_out <= out, "{x} {y} {fee} {limit}: {min_out} > {out}");
                assert!(out as u128 * unit as u128 / size as u128 >= limit as u128);
                let more = size + size / 100 + 10;
                assert!(
                    x < 7 * unit
                        || more > bound
                        || (quote_out(more, x, y, fee).unwrap() as u128) * (unit as u128)
                            < more as u128 * limit as u128,
                    "{size} could be {more} (bound {bound})"
                );
            }
        }
        assert!(old_fails > 10, "{old_fails}");
    }
}
