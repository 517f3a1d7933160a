//! Hedging decisions and sizing, pure: the program's `rebalance` and the keeper call
//! the same functions, so they decide alike.
//!
//! **Band.** Between two hedges `min_interval_s` apart, spot moves about S·σ·√τ (one
//! standard deviation), which moves the book's delta by about Γ·S·σ·√τ. Hedging a delta
//! smaller than that would mostly trade noise and pay fees for nothing, so a hedge is due
//! only when |Δ| > band = max(`delta_band_min`, k·|Γ·S|·σ·√τ), or when the price moved
//! `price_trigger_bps` since the last hedge (a jump can leave Δ small but stale).
//! **Size.** The trade that brings Δ to zero, capped by `max_hedge_per_call` and by the
//! pool depth so the reserves move at most `max_impact_bps`; the rest is sliced over later
//! calls. Sizes round toward the smaller trade (the smaller residual-risk error is
//! under-hedging by one atom, never overshooting).

use anchor_lang::prelude::*;

use crate::error::{MathResultExt, VaultError};
use crate::math::bsm;
use crate::math::{DecimalPrice, Fx};
use crate::oracle::OraclePrice;
use crate::state::{OptionBook, Vault};
use crate::valuation::{fx_u64, options_delta, require_fresh, Pricing};

/// The book's net delta and gamma, in underlying atoms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BookRisk {
    /// Inventory − Σ open interest × per-unit delta (positive = long the underlying).
    pub delta: Fx,
    /// −Σ open interest × Γ·S: delta change per 100% spot move (the vault is short).
    pub gamma_spot: Fx,
    /// Σ open interest × |Γ·S| × σ: the band's per-√year scale.
    pub gamma_vol: Fx,
}

/// Net delta and gamma at the oracle's mid price, from the book's sums (no option is
/// priced: the options' delta moves from the marks with their gamma). Requires fresh
/// marks (`MarksStale`).
pub fn book_risk(
    vault: &Vault,
    book: &OptionBook,
    band: &OraclePrice,
    pricing: &Pricing,
) -> Result<BookRisk> {
    require_fresh(vault, book, band, pricing.now)?;
    let agg = book.summary.agg.get();
    Ok(BookRisk {
        delta: fx_u64(vault.underlying_assets)?
            .sub_(options_delta(vault, book, band)?)
            .vault_err()?,
        gamma_spot: -agg.gamma_spot,
        gamma_vol: agg.gamma_vol,
    })
}

/// band = max(delta_band_min, k · Σ|Γ·S|·σ · √(min_interval in years)), underlying atoms.
pub fn band(vault: &Vault, risk: &BookRisk) -> Result<Fx> {
    let r = &vault.risk;
    let sqrt_tau = bsm::sqrt_years(r.min_interval_s).vault_err()?;
    // band_k_bps is bounded by governance (≤ 100,000), so the cast is exact.
    let k = Fx::from_bps(r.band_k_bps as i64);
    let gamma_band = k
        .mul_(risk.gamma_vol)
        .vault_err()?
        .mul_(sqrt_tau)
        .vault_err()?;
    Ok(gamma_band.max(fx_u64(r.delta_band_min)?))
}

/// |p − last| / last ≥ price_trigger_bps (exact, cross-multiplied). False before the
/// first hedge or when the exponents differ.
pub fn price_moved(vault: &Vault, price: &OraclePrice) -> bool {
    if vault.last_hedge_price <= 0 || price.expo != vault.last_expo {
        return false;
    }
    let last = vault.last_hedge_price as i128;
    let diff = (price.price as i128 - last).abs();
    diff * 10_000 >= last * vault.risk.price_trigger_bps as i128
}

/// Who is calling and whether a hedge is due; each refusal has its own error so a
/// redundant call by a second keeper fails cheaply and changes nothing.
pub fn check_due(
    vault: &Vault,
    risk: &BookRisk,
    band: Fx,
    price: &OraclePrice,
    now: i64,
    is_keeper: bool,
) -> Result<()> {
    let abs = risk.delta.abs();
    let hard = abs > fx_u64(vault.risk.delta_band_hard)?;
    let since = now.saturating_sub(vault.last_hedge_time);
    if !is_keeper {
        // The fallback: only when keepers have let a large delta sit for the grace
        // period, counted from the last hedge (or the vault's creation if none).
        let quiet = now.saturating_sub(vault.last_hedge_time.max(vault.created_at));
        require!(
            hard && quiet >= vault.risk.keeper_grace_s as i64,
            VaultError::NotKeeper
        );
    }
    require!(
        abs > band || price_moved(vault, price),
        VaultError::DeltaWithinBand
    );
    require!(
        since >= vault.risk.min_interval_s as i64 || hard,
        VaultError::HedgeIntervalNotElapsed
    );
    Ok(())
}

/// Quote atoms per underlying unit at `p`, rounded as asked.
pub fn atoms_per_unit(p: DecimalPrice, quote_decimals: u8, round_up: bool) -> Result<u64> {
    let e = p.expo + quote_decimals as i32;
    let m = p.mantissa.max(0) as u128;
    let v = if e >= 0 {
        10u128.checked_pow(e as u32).and_then(|p| m.checked_mul(p))
    } else {
        let d = 10u128
            .checked_pow((-e) as u32)
            .ok_or(VaultError::MathOverflow)?;
        Some(if round_up { m.div_ceil(d) } else { m / d })
    }
    .ok_or(VaultError::MathOverflow)?;
    Ok(u64::try_from(v).map_err(|_| VaultError::MathOverflow)?)
}
