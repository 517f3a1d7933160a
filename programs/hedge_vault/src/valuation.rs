//! Valuation and risk of a vault's book, pure functions of the vault, its book, an
//! oracle band and the time. Shared by the instructions and the keeper.
//!
//! - NAV = quote + underlying × (price − conf) − Σ open interest × model value at the
//!   liability side of the band − payouts owed. Assets round down, liabilities up.
//! - Stress: spot × (1 ± spot_shock) beyond the band and IV + vol_shock. The margin ratio
//!   is min over both scenarios of stressed assets / stressed liabilities.
//! - Locked collateral of a series: its worst stressed liability, rounded up.

use anchor_lang::prelude::*;

use crate::error::{MathResultExt, VaultError};
use crate::math::money::{self, quote_for_underlying, Rounding};
use crate::math::{bsm, BsmInputs, DecimalPrice, Fx, OptionKind, ScaledFx};
use crate::oracle::OraclePrice;
use crate::state::{OptionBook, Series, SeriesStatus, Vault};

/// Largest IV the stress may reach (the model's domain ends at 1,000%).
const MAX_STRESS_IV_PPM: u64 = 10_000_000;
const BPS: i64 = 10_000;
const BPS_U64: u64 = 10_000;

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

fn inputs(
    series: &Series,
    spot: DecimalPrice,
    iv_ppm: u64,
    pricing: &Pricing,
) -> Result<BsmInputs> {
    let remaining = series.expiry.saturating_sub(pricing.now).max(0);
    Ok(BsmInputs {
        kind: series.kind()?,
        spot,
        strike: series.strike_price(),
        vol: Fx::from_ppm(iv_ppm).vault_err()?,
        rate: pricing.rate,
        div_yield: pricing.div_yield,
        time_s: Fx::from_int(remaining),
    })
}

/// Model value per underlying unit.
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

fn book_value(
    vault: &Vault,
    book: &OptionBook,
    pricing: &Pricing,
    spot_for: impl Fn(&Series) -> Result<DecimalPrice>,
    asset_spot: DecimalPrice,
    iv_shock_ppm: u64,
) -> Result<NavBreakdown> {
    let underlying = inventory_value(vault, asset_spot, pricing)?;
    let assets = vault
        .quote_assets
        .checked_add(underlying)
        .ok_or(VaultError::MathOverflow)?;
    let mut liabilities = vault.settled_payouts_owed;
    for s in book.active().filter(|s| s.open_interest > 0) {
        let iv = s.iv_ppm.saturating_add(iv_shock_ppm).min(MAX_STRESS_IV_PPM);
        let v = unit_value(s, spot_for(s)?, iv, pricing)?;
        let owed = quote_amount(v, s.open_interest, pricing, Rounding::Up)?;
        liabilities = liabilities
            .checked_add(owed)
            .ok_or(VaultError::MathOverflow)?;
    }
    Ok(NavBreakdown {
        assets,
        liabilities,
    })
}

/// NAV at the conservative side of the band.
pub fn nav(
    vault: &Vault,
    book: &OptionBook,
    band: &OraclePrice,
    pricing: &Pricing,
) -> Result<NavBreakdown> {
    book_value(
        vault,
        book,
        pricing,
        |s| liability_spot(s, band),
        band.low(),
        0,
    )
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

/// NAV at the optimistic side of the band (assets high, liabilities low): the price
/// a depositor pays, so new shares are never cheaper than fair and existing LPs are
/// never diluted by a wide confidence interval.
pub fn nav_for_deposit(
    vault: &Vault,
    book: &OptionBook,
    band: &OraclePrice,
    pricing: &Pricing,
) -> Result<NavBreakdown> {
    book_value(
        vault,
        book,
        pricing,
        |s| asset_spot(s, band),
        band.high(),
        0,
    )
}

/// The vault's charge on a trade of model value `value`: spread + fee, each rounded up
/// (the trader pays them on a buy and they are withheld on a buy-back).
pub fn trade_charges(vault: &Vault, value: u64) -> Result<u64> {
    let spread = money::bps_of(value, vault.risk.spread_bps, Rounding::Up).vault_err()?;
    let fee = money::bps_of(value, vault.risk.fee_bps, Rounding::Up).vault_err()?;
    Ok(spread.checked_add(fee).ok_or(VaultError::MathOverflow)?)
}

/// Recomputes one series' lock (after its open interest changed) and keeps the vault's
/// total in step.
pub fn update_series_lock(
    vault: &mut Vault,
    book: &mut OptionBook,
    slot: usize,
    band: &OraclePrice,
    pricing: &Pricing,
) -> Result<()> {
    let lock = series_lock(vault, &book.series[slot], band, pricing)?;
    vault.locked_quote = vault
        .locked_quote
        .checked_sub(book.series[slot].locked_quote)
        .and_then(|v| v.checked_add(lock))
        .ok_or(VaultError::MathOverflow)?;
    book.series[slot].locked_quote = lock;
    Ok(())
}

/// Recomputes every active series' lock at the current band and the vault's total, so
/// that free collateral reflects today's risk rather than the risk at each series'
/// last trade.
pub fn refresh_locks(
    vault: &mut Vault,
    book: &mut OptionBook,
    band: &OraclePrice,
    pricing: &Pricing,
) -> Result<()> {
    let mut total = 0u64;
    for i in 0..book.series.len() {
        if book.series[i].status() != SeriesStatus::Active {
            continue;
        }
        let lock = series_lock(vault, &book.series[i], band, pricing)?;
        book.series[i].locked_quote = lock;
        total = total.checked_add(lock).ok_or(VaultError::MathOverflow)?;
    }
    vault.locked_quote = total;
    Ok(())
}

/// The two stress scenarios' spots: below the band's low and above its high.
pub fn stress_spots(vault: &Vault, band: &OraclePrice) -> Result<[DecimalPrice; 2]> {
    let shock = vault.risk.spot_shock_bps as i64;
    Ok([
        shift_price(band.low(), -shock)?,
        shift_price(band.high(), shock)?,
    ])
}

/// The worse of the two stressed (assets, liabilities), by ratio.
pub fn stressed(
    vault: &Vault,
    book: &OptionBook,
    band: &OraclePrice,
    pricing: &Pricing,
) -> Result<NavBreakdown> {
    let vol_shock_ppm = vault.risk.vol_shock_bps * 100;
    let mut worst: Option<NavBreakdown> = None;
    for spot in stress_spots(vault, band)? {
        let b = book_value(vault, book, pricing, |_| Ok(spot), spot, vol_shock_ppm)?;
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

/// Collateral to lock against one series: its larger stressed liability, rounded up.
pub fn series_lock(
    vault: &Vault,
    series: &Series,
    band: &OraclePrice,
    pricing: &Pricing,
) -> Result<u64> {
    if series.open_interest == 0 || series.status() != SeriesStatus::Active {
        return Ok(0);
    }
    let iv = series
        .iv_ppm
        .saturating_add(vault.risk.vol_shock_bps * 100)
        .min(MAX_STRESS_IV_PPM);
    let mut lock = 0u64;
    for spot in stress_spots(vault, band)? {
        let v = unit_value(series, spot, iv, pricing)?;
        lock = lock.max(quote_amount(
            v,
            series.open_interest,
            pricing,
            Rounding::Up,
        )?);
    }
    Ok(lock)
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
/// series, so this is the sum of the series' vegas), rounded up.
pub fn net_vega(book: &OptionBook, band: &OraclePrice, pricing: &Pricing) -> Result<u64> {
    let mut total = 0u64;
    for s in book.active().filter(|s| s.open_interest > 0) {
        let v = bsm::vega(&inputs(s, band.mid(), s.iv_ppm, pricing)?).vault_err()?;
        total = total
            .checked_add(quote_amount(v, s.open_interest, pricing, Rounding::Up)?)
            .ok_or(VaultError::MathOverflow)?;
    }
    Ok(total)
}

/// Net delta of the vault in underlying atoms (positive = long): the hedge inventory
/// minus Σ open interest × per-unit delta. Ready for the hedging instructions.
pub fn net_delta(
    vault: &Vault,
    book: &OptionBook,
    band: &OraclePrice,
    pricing: &Pricing,
) -> Result<Fx> {
    let mut delta = fx_u64(vault.underlying_assets)?;
    for s in book.active().filter(|s| s.open_interest > 0) {
        let d = bsm::delta(&inputs(s, band.mid(), s.iv_ppm, pricing)?).vault_err()?;
        delta = delta
            .sub_(d.mul_(fx_u64(s.open_interest)?).vault_err()?)
            .vault_err()?;
    }
    Ok(delta)
}

/// Free fraction check: locked ≤ max_utilization_bps × total collateral.
pub fn within_utilization(locked: u64, total: u64, max_bps: u64) -> bool {
    (locked as u128) * 10_000 <= (total as u128) * max_bps as u128
}

/// A u64 as `Fx`, or `MathOverflow` above 2^63.
pub fn fx_u64(v: u64) -> Result<Fx> {
    Fx::from_u64(v).map_err(|_| error!(VaultError::MathOverflow))
}

/// Re-export for callers that price shares.
pub use money::{share_price, shares_for_deposit};
