//! Valuation and risk of a vault's book from its cached marks: pure functions of the
//! vault, its book, an oracle band and the time. Shared by the instructions and the
//! keeper.
//!
//! **Marks, not re-pricing.** Each series keeps a mark (`state::book::Mark`: its value,
//! greeks, bounds and stressed values at one oracle price, five option evaluations), and
//! the book keeps the sums over the open series (`BookSummary`) in step with every mark
//! and open-interest change. Instructions read the sums: NAV, margin, locks, vega and
//! the book's delta cost no option evaluation. Only `mark_series` (a batch), a trade
//! (its own series) and `liquidate` (the series it closes) price anything.
//!
//! **Freshness.** The sums are trusted only while every open series' mark is fresh:
//! computed under the vault's current risk epoch, younger than its life
//! (min(`max_mark_age_s`, a quarter of its time to expiry but at least a minute)), at the
//! oracle's exponent,
//! and with the whole oracle band inside its spot window (± `max_mark_move_bps` of the
//! price it was marked at). Otherwise `MarksStale`, and nothing changes.
//!
//! **Between marks** (see `hedge_math::marks`): a series' value at the band is its
//! second-order expansion from the mark (cached delta and gamma) plus theta × elapsed
//! time, and the book's liabilities are bounded on both sides by what that leaves out:
//! convexity in spot bounds the spot error exactly, and theta is allowed to change by
//! 100% over a mark's life. Exits (withdrawals) value liabilities at the upper bound
//! over the band, deposits at the lower bound, so an exit never takes more than its
//! share and a deposit never buys in cheap.
//!
//! - NAV = quote + underlying × (price ∓ conf) − owed payouts − liabilities (bounds
//!   above). Assets round down, liabilities up.
//! - Stress: spot × (1 ± spot_shock) beyond the band and IV + vol_shock; each series'
//!   stressed value comes from its mark (an upper bound for any spot in its window).
//!   The margin ratio is min over both scenarios of stressed assets / liabilities.
//! - Locked collateral of a series: its larger stressed value × open interest, rounded up.

use anchor_lang::prelude::*;

use crate::error::{MathResultExt, VaultError};
use crate::math::marks::{self, Aggregates, MarkRequest};
use crate::math::money::{self, quote_for_underlying, Rounding};
use crate::math::wide::{div_wide, mul_wide};
use crate::math::{bsm, BsmInputs, DecimalPrice, Fx, OptionKind, ScaledFx};
use crate::oracle::OraclePrice;
use crate::state::{OptionBook, Series, SeriesStatus, Vault, MAX_SERIES};

/// Largest IV the stress may reach (the model's domain ends at 1,000%).
const MAX_STRESS_IV_PPM: u64 = 10_000_000;
const BPS: i64 = 10_000;
const BPS_U64: u64 = 10_000;
/// Re-center the aggregates when the spot is more than this far from their reference
/// (x = S/S_ref − 1 outside ±1/2): keeps every term of the expansion of moderate size.
const RECENTER_AT: Fx = Fx::HALF;

/// The pricing context: rates from the risk parameters and the clock.
#[derive(Clone, Copy, Debug)]
pub struct Pricing {
    pub rate: Fx,
    pub div_yield: Fx,
    pub now: i64,
    pub quote_decimals: u8,
    pub underlying_decimals: u8,
}

impl Pricing {
    pub fn for_vault(vault: &Vault, now: i64) -> Pricing {
        Pricing {
            rate: Fx::from_bps(vault.risk.rate_bps),
            div_yield: Fx::from_bps(vault.risk.div_yield_bps),
            now,
            quote_decimals: vault.quote_decimals,
            underlying_decimals: vault.underlying_decimals,
        }
    }
}

/// `p × (10,000 + bps) / 10,000`, exact: the mantissa is multiplied and the exponent
/// lowered by four.
pub fn shift_price(p: DecimalPrice, bps: i64) -> Result<DecimalPrice> {
    let m = p
        .mantissa
        .checked_mul(BPS + bps)
        .ok_or(VaultError::MathOverflow)?;
    require!(m > 0, VaultError::MathOverflow);
    Ok(DecimalPrice::new(m, p.expo - 4))
}

fn seconds_left(series: &Series, now: i64) -> i64 {
    series.expiry.saturating_sub(now).max(0)
}

fn inputs(
    series: &Series,
    spot: DecimalPrice,
    iv_ppm: u64,
    pricing: &Pricing,
) -> Result<BsmInputs> {
    Ok(BsmInputs {
        kind: series.kind()?,
        spot,
        strike: series.strike_price(),
        vol: Fx::from_ppm(iv_ppm).vault_err()?,
        rate: pricing.rate,
        div_yield: pricing.div_yield,
        time_s: Fx::from_int(seconds_left(series, pricing.now)),
    })
}

/// Model value per underlying unit (one option evaluation): the price of a trade.
pub fn unit_value(
    series: &Series,
    spot: DecimalPrice,
    iv_ppm: u64,
    pricing: &Pricing,
) -> Result<ScaledFx> {
    bsm::price(&inputs(series, spot, iv_ppm, pricing)?).vault_err()
}

/// The spot at which a short option is worth most within the band: calls high, puts low.
pub fn liability_spot(series: &Series, band: &OraclePrice) -> Result<DecimalPrice> {
    Ok(match series.kind()? {
        OptionKind::Call => band.high(),
        OptionKind::Put => band.low(),
    })
}

/// The spot at which a short option is worth least within the band (buy-back side).
pub fn asset_spot(series: &Series, band: &OraclePrice) -> Result<DecimalPrice> {
    Ok(match series.kind()? {
        OptionKind::Call => band.low(),
        OptionKind::Put => band.high(),
    })
}

/// Quote atoms for `size` underlying atoms at a value per unit.
pub fn quote_amount(
    per_unit: ScaledFx,
    size: u64,
    pricing: &Pricing,
    rounding: Rounding,
) -> Result<u64> {
    quote_for_underlying(
        per_unit,
        size,
        pricing.quote_decimals,
        pricing.underlying_decimals,
        rounding,
    )
    .vault_err()
}

fn price_as_scaled(p: DecimalPrice) -> ScaledFx {
    ScaledFx {
        value: Fx::from_int(p.mantissa),
        expo: p.expo,
    }
}

/// A non-negative fixed-point amount of quote atoms as a u64, rounded as asked.
fn atoms(v: Fx, rounding: Rounding) -> Result<u64> {
    let v = v.max(Fx::ZERO);
    let whole = v.floor_u64().ok_or(VaultError::MathOverflow)?;
    let frac = v.to_bits() & (u64::MAX as i128);
    Ok(if rounding == Rounding::Up && frac != 0 {
        whole.checked_add(1).ok_or(VaultError::MathOverflow)?
    } else {
        whole
    })
}

// ---------------------------------------------------------------------------------
// Marks and the book's sums.

/// The shortest life of a mark before expiry: near expiry a quarter of the time left
/// would demand a re-mark every few seconds. Over the last minute an at-the-money value
/// (∝ √T) still stays within the theta margin (its lower bound V₀(1 − dt/T) is the chord
/// to zero), and away from the money values are small and only fall.
pub const MIN_MARK_LIFE_S: i64 = 60;

/// The life of a mark taken at `time`: min(`max_mark_age_s`, max(a quarter of the time
/// left to expiry, `MIN_MARK_LIFE_S`), the time left − 1 s: never fresh at expiry), or
/// `max_mark_age_s` once expired (the value is then intrinsic).
fn mark_valid_until(vault: &Vault, series: &Series, time: i64) -> i64 {
    let max_age = vault.risk.max_mark_age_s as i64;
    let left = series.expiry.saturating_sub(time);
    let life = if left > 0 {
        // Never past expiry: the first mark after it drops the series from the hedging
        // delta (see `share`), so a mark from before must not outlive it.
        max_age.min((left / 4).max(MIN_MARK_LIFE_S)).min(left - 1)
    } else {
        max_age
    };
    time.saturating_add(life)
}

/// One series' share of the book's sums (zero without open interest).
fn share(vault: &Vault, book: &OptionBook, slot: usize) -> Result<Aggregates> {
    let s = &book.series[slot];
    // An open series always has a mark (a trade marks it first); without one it has no
    // share, and `refresh_summary` reports the book stale.
    if !s.is_open() || s.mark.price <= 0 {
        return Ok(Aggregates::default());
    }
    let mut share = marks::contribution(
        &s.mark_values(vault.quote_decimals)?,
        s.mark.time,
        Fx::from_ppm(s.iv_ppm).vault_err()?,
        s.open_interest,
        vault.underlying_decimals,
        &book.summary.reference(),
    )
    .vault_err()?;
    if s.mark.time >= s.expiry {
        // Marked after expiry: the payout is fixed by the update that straddled expiry,
        // so the series has no spot exposure left to hedge (at T = 0 its delta is a step
        // of ±1 per unit at the strike that would churn hedges) and no vega. Its value
        // and bounds stay in the NAV until it settles. Decided from stored fields only,
        // so adding and later subtracting this share stays exact.
        share.delta0 = Fx::ZERO;
        share.delta1 = Fx::ZERO;
        share.gamma_spot = Fx::ZERO;
        share.gamma_vol = Fx::ZERO;
        share.vega = Fx::ZERO;
    }
    Ok(share)
}

fn set_agg(book: &mut OptionBook, a: &Aggregates) {
    book.summary.agg.set(a);
}

/// Recomputes a series' lock from its mark and open interest (its larger stressed value
/// × open interest, rounded up) and keeps the vault's total in step.
fn update_lock(vault: &mut Vault, book: &mut OptionBook, slot: usize) -> Result<()> {
    let s = &book.series[slot];
    let lock = if s.is_open() {
        let unit = crate::math::fixed_point::POW10[vault.underlying_decimals as usize];
        let per_unit = s.mark.stress_down.get().max(s.mark.stress_up.get());
        let n = Fx::from_u64(s.open_interest)
            .and_then(|oi| oi.div_int_(unit))
            .vault_err()?;
        atoms(n.mul_(per_unit).vault_err()?, Rounding::Up)?
    } else {
        0
    };
    vault.locked_quote = vault
        .locked_quote
        .checked_sub(s.locked_quote)
        .and_then(|v| v.checked_add(lock))
        .ok_or(VaultError::MathOverflow)?;
    book.series[slot].locked_quote = lock;
    Ok(())
}

/// Runs `change` on series `slot` with its share of the sums taken out before and put
/// back after, and its lock recomputed: the sums stay exactly the sum of the shares.
fn with_share_updated(
    vault: &mut Vault,
    book: &mut OptionBook,
    slot: usize,
    change: impl FnOnce(&Vault, &mut OptionBook) -> Result<()>,
) -> Result<()> {
    let before = share(vault, book, slot)?;
    let agg = book.summary.agg.get().sub(&before).vault_err()?;
    set_agg(book, &agg);
    change(vault, book)?;
    // The first open series sets the reference: nothing else is expanded around it yet.
    if book.series[slot].is_open() && book.summary.open_series == 0 {
        reset_reference(vault, book, slot)?;
    }
    let after = share(vault, book, slot)?;
    let agg = book.summary.agg.get().add(&after).vault_err()?;
    set_agg(book, &agg);
    update_lock(vault, book, slot)?;
    refresh_summary(book);
    Ok(())
}

/// With no other open series the sums are exactly zero; this puts the reference at the
/// series' own mark.
fn reset_reference(vault: &Vault, book: &mut OptionBook, slot: usize) -> Result<()> {
    let s = &book.series[slot];
    let spot = s.mark_values(vault.quote_decimals)?.spot;
    book.summary.ref_spot.set(spot);
    book.summary.ref_time = s.mark.time;
    set_agg(book, &Aggregates::default());
    Ok(())
}

/// Computes series `slot`'s mark at `price` (five option evaluations) and stores it,
/// keeping the sums and locks in step.
pub fn remark(
    vault: &mut Vault,
    book: &mut OptionBook,
    slot: usize,
    price: &OraclePrice,
    pricing: &Pricing,
) -> Result<()> {
    let s = book.series[slot];
    require!(
        s.status() == SeriesStatus::Active,
        VaultError::SeriesNotActive
    );
    let valid_until = mark_valid_until(vault, &s, pricing.now);
    let values = marks::mark(&MarkRequest {
        kind: s.kind()?,
        strike: s.strike_price(),
        vol: Fx::from_ppm(s.iv_ppm).vault_err()?,
        vol_shock: Fx::from_ppm((vault.risk.vol_shock_bps * 100).min(MAX_STRESS_IV_PPM))
            .vault_err()?,
        rate: pricing.rate,
        div_yield: pricing.div_yield,
        time_s: seconds_left(&s, pricing.now),
        life_s: valid_until.saturating_sub(pricing.now),
        mid: price.mid(),
        window_bps: vault.risk.max_mark_move_bps,
        spot_shock_bps: vault.risk.spot_shock_bps,
        quote_decimals: vault.quote_decimals,
    })
    .vault_err()?;
    let epoch = vault.risk_epoch;
    let window_bps =
        u32::try_from(vault.risk.max_mark_move_bps).map_err(|_| VaultError::MathOverflow)?;
    with_share_updated(vault, book, slot, |_, book| {
        let m = &mut book.series[slot].mark;
        m.price = price.price;
        m.expo = price.expo;
        m.time = pricing.now;
        m.publish_time = price.publish_time;
        m.valid_until = valid_until;
        m.epoch = epoch;
        m.window_bps = window_bps;
        m.value.set(values.value);
        m.delta.set(values.delta);
        m.gamma_spot.set(values.gamma_spot);
        m.vega.set(values.vega);
        m.theta.set(values.theta);
        m.bound_up.set(values.bound_up);
        m.bound_down.set(values.bound_down);
        m.stress_down.set(values.stress_down);
        m.stress_up.set(values.stress_up);
        Ok(())
    })
}

/// Sets series `slot`'s open interest, keeping the sums and locks in step (its mark is
/// kept: a trade re-marks its series first).
pub fn set_open_interest(
    vault: &mut Vault,
    book: &mut OptionBook,
    slot: usize,
    open_interest: u64,
) -> Result<()> {
    with_share_updated(vault, book, slot, |_, book| {
        book.series[slot].open_interest = open_interest;
        Ok(())
    })
}

/// Takes a series out of the sums before it stops being active (settlement): its share
/// and its lock go.
pub fn retire(vault: &mut Vault, book: &mut OptionBook, slot: usize) -> Result<()> {
    let before = share(vault, book, slot)?;
    let agg = book.summary.agg.get().sub(&before).vault_err()?;
    set_agg(book, &agg);
    Ok(())
}

/// Sets a series' IV and retires its mark (computed at the old vol): `MarksStale` until
/// it is re-marked. Its share is taken out at the old vol and put back at the new one
/// (the share's gamma × σ term reads the IV), so the sums stay the sum of the shares.
pub fn change_iv(
    vault: &Vault,
    book: &mut OptionBook,
    slot: usize,
    iv_ppm: u64,
    now: i64,
) -> Result<()> {
    let before = share(vault, book, slot)?;
    let s = &mut book.series[slot];
    // Remembered for `min_hold_s`: trades then use the worse of the two IVs.
    s.prev_iv_ppm = u32::try_from(s.iv_ppm).map_err(|_| VaultError::IvOutOfRange)?;
    s.iv_changed_at = now;
    s.iv_ppm = iv_ppm;
    book.series[slot].mark.epoch = u64::MAX;
    let after = share(vault, book, slot)?;
    let agg = book
        .summary
        .agg
        .get()
        .sub(&before)
        .and_then(|a| a.add(&after))
        .vault_err()?;
    set_agg(book, &agg);
    refresh_summary(book);
    Ok(())
}

/// The sums re-expanded around the spot at `price`, series by series (no pricing, one
/// share per open series: see [`crate::ledger::MAX_RECENTER_BATCH`]).
pub fn recenter(vault: &Vault, book: &mut OptionBook, price: &OraclePrice, now: i64) -> Result<()> {
    let spot = marks::price_qpu(price.mid(), vault.quote_decimals).vault_err()?;
    book.summary.ref_spot.set(spot);
    book.summary.ref_time = now;
    let mut total = Aggregates::default();
    for slot in 0..MAX_SERIES {
        total = total.add(&share(vault, book, slot)?).vault_err()?;
    }
    set_agg(book, &total);
    Ok(())
}

/// Whether a mark at `price` re-centres the sums first: the spot is more than half the
/// reference away, or the book has no reference yet (no open series: the sums are zero
/// and the reference is free).
pub fn needs_recenter(vault: &Vault, book: &OptionBook, price: &OraclePrice) -> Result<bool> {
    let spot = marks::price_qpu(price.mid(), vault.quote_decimals).vault_err()?;
    let reference = book.summary.reference();
    Ok(reference.spot <= Fx::ZERO
        || book.summary.open_series == 0
        || marks::relative_move(spot, &reference)
            .map(|x| x.abs() > RECENTER_AT)
            .unwrap_or(true))
}

/// The window edges (oracle mantissas at the marks' exponent) marks at prices
/// `[min_price, max_price]` all hold for: from ⌈max·(1 − m)⌉ to ⌊min·(1 + m)⌋, inside
/// every window the math used (both roundings are monotone in the price, so the edge of
/// the extreme price is the extreme edge). Two 64×64 products and two 128/64 divisions
/// (no `i128` division, a ~220-CU libcall on SBF).
fn window_edges(min_price: u64, max_price: u64, window_bps: u32) -> (i64, i64) {
    let m = (window_bps as u64).min(BPS_U64);
    let bps = BPS_U64;
    let (hi, lo) = mul_wide(max_price, bps - m);
    // p(1 − m) < p < 2^63: the quotient fits a word (hi < bps).
    let (low, rem) = div_wide(hi, lo, bps);
    let low = low + u64::from(rem != 0);
    let (hi, lo) = mul_wide(min_price, bps + m);
    // p(1 + m) < 2p < 2^64: the quotient fits a word (hi < bps).
    let (high, _) = div_wide(hi, lo, bps);
    (
        low.min(i64::MAX as u64) as i64,
        high.min(i64::MAX as u64) as i64,
    )
}

/// Recomputes the freshness summary over the open series: one pass of comparisons (no
/// pricing, no division per series; it runs after every change of a share).
pub fn refresh_summary(book: &mut OptionBook) {
    let mut open = 0u32;
    let mut fresh_until = i64::MAX;
    let (mut min_price, mut max_price) = (u64::MAX, 0u64);
    let mut epoch: Option<u64> = None;
    let mut expo: Option<i32> = None;
    let mut window: Option<u32> = None;
    let mut mixed = false;
    for s in book.series.iter().filter(|s| s.is_open()) {
        open += 1;
        if s.mark.price <= 0 {
            mixed = true;
            continue;
        }
        fresh_until = fresh_until.min(s.mark.valid_until);
        min_price = min_price.min(s.mark.price as u64);
        max_price = max_price.max(s.mark.price as u64);
        mixed |= *epoch.get_or_insert(s.mark.epoch) != s.mark.epoch;
        mixed |= *expo.get_or_insert(s.mark.expo) != s.mark.expo;
        // One epoch means one `max_mark_move_bps`, so windows agree unless mixed.
        mixed |= *window.get_or_insert(s.mark.window_bps) != s.mark.window_bps;
    }
    let (low, high) = match window {
        Some(w) if !mixed => window_edges(min_price, max_price, w),
        _ => (i64::MIN, i64::MAX),
    };
    let sum = &mut book.summary;
    sum.open_series = open;
    sum.fresh_until = fresh_until;
    sum.window_low = low;
    sum.window_high = high;
    sum.epoch = if mixed { u64::MAX } else { epoch.unwrap_or(0) };
    sum.expo = if mixed { i32::MIN } else { expo.unwrap_or(0) };
}

/// `MarksStale` unless the sums can be trusted at `band` and `now` (see the module docs).
pub fn require_fresh(vault: &Vault, book: &OptionBook, band: &OraclePrice, now: i64) -> Result<()> {
    let sum = &book.summary;
    if sum.open_series == 0 {
        return Ok(());
    }
    require!(
        sum.epoch == vault.risk_epoch
            && sum.expo == band.expo
            && now <= sum.fresh_until
            && band.low().mantissa >= sum.window_low
            && band.high().mantissa <= sum.window_high,
        VaultError::MarksStale
    );
    Ok(())
}

/// For LP exits on a stale oracle (`oracle::load_for_exit`): the marks may be old (the
/// oracle cannot re-mark them), but the band must lie within the stressed range every
/// open mark's stressed values cover: its window widened by `spot_shock_bps`. Exits
/// then count liabilities at the locks (stressed values), see [`nav_for_exit`].
fn require_covered_by_stress(vault: &Vault, book: &OptionBook, band: &OraclePrice) -> Result<()> {
    let sum = &book.summary;
    if sum.open_series == 0 {
        return Ok(());
    }
    let shock = vault.risk.spot_shock_bps as i128;
    let low = (sum.window_low as i128 * (BPS as i128 - shock) + BPS as i128 - 1) / BPS as i128;
    let high = sum.window_high as i128 * (BPS as i128 + shock) / BPS as i128;
    require!(
        sum.epoch == vault.risk_epoch
            && sum.expo == band.expo
            && band.low().mantissa as i128 >= low
            && band.high().mantissa as i128 <= high,
        VaultError::MarksStale
    );
    Ok(())
}

/// x = S/S_ref − 1 at the band's low and high.
fn band_moves(vault: &Vault, book: &OptionBook, band: &OraclePrice) -> Result<(Fx, Fx)> {
    let r = book.summary.reference();
    let qd = vault.quote_decimals;
    let lo = marks::price_qpu(band.low(), qd).vault_err()?;
    let hi = marks::price_qpu(band.high(), qd).vault_err()?;
    Ok((
        marks::relative_move(lo, &r).vault_err()?,
        marks::relative_move(hi, &r).vault_err()?,
    ))
}

/// The vault's assets valued low and liabilities valued high, quote atoms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NavBreakdown {
    pub assets: u64,
    pub liabilities: u64,
}

impl NavBreakdown {
    /// NAV, floored at zero.
    pub fn nav(&self) -> u64 {
        self.assets.saturating_sub(self.liabilities)
    }
}

/// The options' liabilities bounded over the band at `now` (quote atoms): (low, high).
fn option_liabilities(
    vault: &Vault,
    book: &OptionBook,
    band: &OraclePrice,
    now: i64,
) -> Result<(u64, u64)> {
    if book.summary.open_series == 0 {
        return Ok((0, 0));
    }
    let (x_lo, x_hi) = band_moves(vault, book, band)?;
    let b = book
        .summary
        .agg
        .get()
        .liabilities(x_lo, x_hi, now, &book.summary.reference())
        .vault_err()?;
    Ok((atoms(b.low, Rounding::Down)?, atoms(b.high, Rounding::Up)?))
}

/// NAV for exits: assets at the band's low, liabilities at their upper bound over the
/// band. Requires fresh marks.
pub fn nav(
    vault: &Vault,
    book: &OptionBook,
    band: &OraclePrice,
    pricing: &Pricing,
) -> Result<NavBreakdown> {
    require_fresh(vault, book, band, pricing.now)?;
    let (_, high) = option_liabilities(vault, book, band, pricing.now)?;
    breakdown(vault, inventory_value(vault, band.low(), pricing)?, high)
}

/// NAV for deposits: assets at the band's high, liabilities at their lower bound over
/// the band, so new shares are never cheaper than fair. Requires fresh marks.
pub fn nav_for_deposit(
    vault: &Vault,
    book: &OptionBook,
    band: &OraclePrice,
    pricing: &Pricing,
) -> Result<NavBreakdown> {
    require_fresh(vault, book, band, pricing.now)?;
    let (low, _) = option_liabilities(vault, book, band, pricing.now)?;
    breakdown(vault, inventory_value(vault, band.high(), pricing)?, low)
}

/// NAV for an LP exit: [`nav`] with a fresh oracle; with a stale one (the last accepted
/// price with its haircut), liabilities are the locks (every series at its stressed
/// value), which needs no fresh mark.
pub fn nav_for_exit(
    vault: &Vault,
    book: &OptionBook,
    band: &OraclePrice,
    fresh_oracle: bool,
    pricing: &Pricing,
) -> Result<NavBreakdown> {
    if fresh_oracle {
        return nav(vault, book, band, pricing);
    }
    require_covered_by_stress(vault, book, band)?;
    breakdown(
        vault,
        inventory_value(vault, band.low(), pricing)?,
        vault.locked_quote,
    )
}

fn breakdown(vault: &Vault, underlying: u64, option_liabilities: u64) -> Result<NavBreakdown> {
    Ok(NavBreakdown {
        assets: vault
            .quote_assets
            .checked_add(underlying)
            .ok_or(VaultError::MathOverflow)?,
        liabilities: vault
            .settled_payouts_owed
            .checked_add(option_liabilities)
            .ok_or(VaultError::MathOverflow)?,
    })
}

/// Intrinsic value at `price` in quote atoms per underlying unit, exact in decimal
/// (both prices brought to the smaller exponent in i128), rounded down only where the
/// quote's decimals cannot hold the last digits.
pub fn intrinsic_atoms_per_unit(
    kind: OptionKind,
    price: DecimalPrice,
    strike: DecimalPrice,
    quote_decimals: u8,
) -> Result<u64> {
    let expo = price.expo.min(strike.expo);
    let widen = |p: DecimalPrice| -> Result<i128> {
        let shift = u32::try_from(p.expo - expo).map_err(|_| VaultError::MathOverflow)?;
        let factor = 10i128.checked_pow(shift).ok_or(VaultError::MathOverflow)?;
        Ok((p.mantissa as i128)
            .checked_mul(factor)
            .ok_or(VaultError::MathOverflow)?)
    };
    let (s, k) = (widen(price)?, widen(strike)?);
    let diff = match kind {
        OptionKind::Call => s - k,
        OptionKind::Put => k - s,
    }
    .max(0);
    // diff × 10^(expo + quote_decimals), flooring when that exponent is negative.
    let e = expo
        .checked_add(quote_decimals as i32)
        .ok_or(VaultError::MathOverflow)?;
    let atoms = if e >= 0 {
        diff.checked_mul(
            10i128
                .checked_pow(e as u32)
                .ok_or(VaultError::MathOverflow)?,
        )
    } else {
        10i128.checked_pow((-e) as u32).map(|d| diff / d)
    }
    .ok_or(VaultError::MathOverflow)?;
    Ok(u64::try_from(atoms).map_err(|_| VaultError::MathOverflow)?)
}

/// The vault's charge on a trade of model value `value`: spread + fee, each rounded up
/// (the trader pays them on a buy and they are withheld on a buy-back).
pub fn trade_charges(vault: &Vault, value: u64) -> Result<u64> {
    let spread = money::bps_of(value, vault.risk.spread_bps, Rounding::Up).vault_err()?;
    let fee = money::bps_of(value, vault.risk.fee_bps, Rounding::Up).vault_err()?;
    Ok(spread.checked_add(fee).ok_or(VaultError::MathOverflow)?)
}

/// The two stress scenarios' spots: below the band's low and above its high.
pub fn stress_spots(vault: &Vault, band: &OraclePrice) -> Result<[DecimalPrice; 2]> {
    let shock = vault.risk.spot_shock_bps as i64;
    Ok([
        shift_price(band.low(), -shock)?,
        shift_price(band.high(), shock)?,
    ])
}

/// The worse of the two stressed (assets, liabilities), by ratio: assets at the
/// stressed spots (live), liabilities from the marks' stressed values. Requires fresh
/// marks.
pub fn stressed(
    vault: &Vault,
    book: &OptionBook,
    band: &OraclePrice,
    pricing: &Pricing,
) -> Result<NavBreakdown> {
    require_fresh(vault, book, band, pricing.now)?;
    let agg = book.summary.agg.get();
    let [down, up] = stress_spots(vault, band)?;
    let scenarios = [(down, agg.stress_down), (up, agg.stress_up)];
    let mut worst: Option<NavBreakdown> = None;
    for (spot, options) in scenarios {
        let b = breakdown(
            vault,
            inventory_value(vault, spot, pricing)?,
            atoms(options, Rounding::Up)?,
        )?;
        worst = Some(match worst {
            // a/b < c/d ⇔ a·d < c·b
            Some(w)
                if (w.assets as u128) * (b.liabilities as u128)
                    <= (b.assets as u128) * (w.liabilities as u128) =>
            {
                w
            }
            _ => b,
        });
    }
    worst.ok_or_else(|| error!(VaultError::MathOverflow))
}

/// True when stressed assets ≥ ratio_bps/10,000 × stressed liabilities.
pub fn meets_ratio(b: &NavBreakdown, ratio_bps: u64) -> bool {
    (b.assets as u128) * 10_000 >= (b.liabilities as u128) * ratio_bps as u128
}

/// The underlying inventory at `spot`, quote atoms, rounded down (an asset: never
/// counted above what it is worth).
fn inventory_value(vault: &Vault, spot: DecimalPrice, pricing: &Pricing) -> Result<u64> {
    quote_amount(
        price_as_scaled(spot),
        vault.underlying_assets,
        pricing,
        Rounding::Down,
    )
}

/// Total collateral: quote plus underlying valued low, quote atoms.
pub fn total_collateral(vault: &Vault, band: &OraclePrice, pricing: &Pricing) -> Result<u64> {
    let underlying = inventory_value(vault, band.low(), pricing)?;
    Ok(vault
        .quote_assets
        .checked_add(underlying)
        .ok_or(VaultError::MathOverflow)?)
}

/// What the underlying inventory is sure to fetch when `liquidate` sells it: valued at
/// the low side of the band less `max_slippage_bps` (the worst fill a sale accepts),
/// rounded down. Settlement counts only this toward holders' payouts, so the sale can
/// never leave them owed more than the vault holds.
pub fn inventory_sale_value(vault: &Vault, band: &OraclePrice, pricing: &Pricing) -> Result<u64> {
    let low = inventory_value(vault, band.low(), pricing)?;
    let keep = BPS_U64 - vault.risk.max_slippage_bps.min(BPS_U64);
    money::mul_div(low, keep, BPS_U64, Rounding::Down).vault_err()
}

/// |net vega| of the book per 1.00 of vol, quote atoms (the vault is short every
/// series, so this is the sum of the series' vegas at their marks), rounded up.
pub fn net_vega(book: &OptionBook) -> Result<u64> {
    atoms(book.summary.agg.get().vega, Rounding::Up)
}

/// The options' delta at the band's mid (underlying atoms, first order from the marks).
pub fn options_delta(vault: &Vault, book: &OptionBook, band: &OraclePrice) -> Result<Fx> {
    if book.summary.open_series == 0 {
        return Ok(Fx::ZERO);
    }
    let r = book.summary.reference();
    let mid = marks::price_qpu(band.mid(), vault.quote_decimals).vault_err()?;
    let x = marks::relative_move(mid, &r).vault_err()?;
    book.summary.agg.get().options_delta(x).vault_err()
}

/// Net delta of the vault in underlying atoms (positive = long): the hedge inventory
/// minus the options' delta at the mid. Requires fresh marks.
pub fn net_delta(
    vault: &Vault,
    book: &OptionBook,
    band: &OraclePrice,
    pricing: &Pricing,
) -> Result<Fx> {
    require_fresh(vault, book, band, pricing.now)?;
    fx_u64(vault.underlying_assets)?
        .sub_(options_delta(vault, book, band)?)
        .vault_err()
}

/// Free fraction check: locked ≤ max_utilization_bps × total collateral.
pub fn within_utilization(locked: u64, total: u64, max_bps: u64) -> bool {
    (locked as u128) * 10_000 <= (total as u128) * max_bps as u128
}

/// A u64 as `Fx`, or `MathOverflow` above 2^63.
pub fn fx_u64(v: u64) -> Result<Fx> {
    Fx::from_u64(v).map_err(|_| error!(VaultError::MathOverflow))
}

/// The sums recomputed from every series' mark and open interest: what the stored sums
/// must equal (tests and the keeper check it).
pub fn recomputed_sums(vault: &Vault, book: &OptionBook) -> Result<Aggregates> {
    let mut total = Aggregates::default();
    for slot in 0..MAX_SERIES {
        total = total.add(&share(vault, book, slot)?).vault_err()?;
    }
    Ok(total)
}

/// Re-export for callers that price shares.
pub use money::{share_price, shares_for_deposit};
