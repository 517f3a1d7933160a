use anchor_lang::prelude::*;

use super::rebalance::{PoolSnapshot, Rebalance};
use crate::error::VaultError;
use crate::events::Liquidated;
use crate::hedging::atoms_per_unit;
use crate::math::fixed_point::POW10;
use crate::math::money::{mul_div, Rounding};
use crate::oracle;
use crate::state::{pause, SeriesStatus};
use crate::valuation::{self, Pricing};

const BPS: u64 = 10_000;

/// Emergency unwind (registered keeper); accounts as `rebalance`.
///
/// Health is stressed assets / stressed liabilities (spot ± `spot_shock_bps` beyond the
/// oracle band, IV + `vol_shock_bps`).
/// 1. Below `maintenance_margin_bps` the vault enters unwind mode (no new sales, no
///    withdrawal claims; deposits and buy-backs continue); above it and not unwinding,
///    `VaultHealthy`.
/// 2. Each call force-settles the series with the largest stressed liability at model
///    value (mid price, series IV, rounded down per unit), payable to its holders like
///    an exercise. If the vault cannot pay it, every holder of the series is cut pro
///    rata (recorded in the event).
/// 3. If the quote then falls short of what is locked and owed, it sells underlying on
///    the pool, bounded like `rebalance` (depth, per-call cap, oracle-based minimum out).
/// 4. The caller is paid min(`max_bounty`, `bounty_bps` × liability closed).
/// 5. Once health is back above `target_margin_bps` (or no series is left open), the
///    vault leaves unwind mode.
pub fn handler(ctx: Context<Rebalance>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let caller = ctx.accounts.caller.key();
    let PoolSnapshot {
        reserve_underlying, ..
    } = ctx.accounts.pool_snapshot()?;

    let (price, before, closed, sell, seeds) = {
        let mut vault = ctx.accounts.vault.load_mut()?;
        vault.require_not_paused(pause::LIQUIDATE)?;
        require!(vault.is_keeper(&caller), VaultError::NotKeeper);
        let price = oracle::load_checked(&ctx.accounts.oracle, &vault, now)?;
        oracle::accept(&mut vault, &price);
        let pricing = Pricing::for_vault(&vault, now);
        let mut book = ctx.accounts.book.load_mut()?;
        valuation::refresh_locks(&mut vault, &mut book, &price, &pricing)?;
        let before = valuation::stressed(&vault, &book, &price, &pricing)?;
        if vault.unwind == 0 {
            require!(
                !valuation::meets_ratio(&before, vault.risk.maintenance_margin_bps),
                VaultError::VaultHealthy
            );
            vault.unwind = 1;
        } else if valuation::meets_ratio(&before, vault.risk.target_margin_bps) {
            // Recovered (e.g. the market moved back): leave unwind mode, close nothing.
            vault.unwind = 0;
        }
        let recovered = vault.unwind == 0;

        // The series with the largest stressed liability (its lock).
        let target = book
            .series
            .iter()
            .enumerate()
            .filter(|(_, s)| s.status() == SeriesStatus::Active && s.open_interest > 0)
            .max_by_key(|(_, s)| s.locked_quote)
            .map(|(i, _)| i);
        let mut closed = None;
        if let (Some(i), false) = (target, recovered) {
            let s = book.series[i];
            let unit = POW10[vault.underlying_decimals as usize] as u64;
            let value = valuation::unit_value(&s, price.mid(), s.iv_ppm, &pricing)?;
            let per_unit = valuation::quote_amount(value, unit, &pricing, Rounding::Down)?;
            let inventory = valuation::total_collateral(&vault, &price, &pricing)?
                .saturating_sub(vault.quote_assets);
            let done =
                book.series[i].settle(&mut vault, per_unit, price.price, price.expo, inventory)?;
            closed = Some((s.series_id, done.payout_per_unit, done.owed, done.haircut));
        }

        // Quote short of what is locked and owed: sell underlying, bounded like a hedge.
        let need = vault
            .locked_quote
            .saturating_add(vault.settled_payouts_owed)
            .saturating_sub(vault.quote_assets);
        let mut sell = None;
        if need > 0 && vault.underlying_assets > 0 {
            let unit = POW10[vault.underlying_decimals as usize] as u64;
            let low = atoms_per_unit(price.low(), vault.quote_decimals, false)?.max(1);
            let slip = vault.risk.max_slippage_bps.min(BPS);
            let limit = mul_div(low, BPS - slip, BPS, Rounding::Down)?.max(1);
            let wanted = mul_div(need, unit, limit, Rounding::Up)?;
            let depth = mul_div(
                reserve_underlying,
                vault.risk.max_impact_bps,
                BPS,
                Rounding::Down,
            )?;
            let size = wanted
                .min(vault.underlying_assets)
                .min(vault.risk.max_hedge_per_call)
                .min(depth);
            if size > 0 {
                sell = Some((size, mul_div(size, limit, unit, Rounding::Up)?, limit));
            }
        }
        (price, before, closed, sell, vault.seeds())
    };

    let (mut sold, mut received) = (0, 0);
    if let Some((size, min_out, limit)) = sell {
        let (q, u) = ctx.accounts.swap(false, size, min_out, &seeds)?;
        let unit = POW10[ctx.accounts.vault.load()?.underlying_decimals as usize] as u64;
        require!(
            mul_div(q, unit, u, Rounding::Down)? >= limit,
            VaultError::FillOutsideSlippage
        );
        let mut vault = ctx.accounts.vault.load_mut()?;
        vault.underlying_assets = vault
            .underlying_assets
            .checked_sub(u)
            .ok_or(VaultError::MathOverflow)?;
        vault.quote_assets = vault
            .quote_assets
            .checked_add(q)
            .ok_or(VaultError::MathOverflow)?;
        (sold, received) = (u, q);
    }

    let (bounty, after, unwind) = {
        let mut vault = ctx.accounts.vault.load_mut()?;
        let closed_value = closed.map(|c| c.2).unwrap_or(0);
        let bounty = mul_div(closed_value, vault.risk.bounty_bps, BPS, Rounding::Down)?
            .min(vault.risk.max_bounty)
            .min(vault.free_quote());
        vault.quote_assets = vault
            .quote_assets
            .checked_sub(bounty)
            .ok_or(VaultError::MathOverflow)?;
        let pricing = Pricing::for_vault(&vault, now);
        let book = ctx.accounts.book.load()?;
        let after = valuation::stressed(&vault, &book, &price, &pricing)?;
        // Back above target, or nothing left to unwind (what remains is owed payouts,
        // which no further call can change): leave unwind mode.
        let open = book.active().any(|s| s.open_interest > 0);
        if valuation::meets_ratio(&after, vault.risk.target_margin_bps) || !open {
            vault.unwind = 0;
        }
        (bounty, after, vault.unwind)
    };
    ctx.accounts.pay_bounty(bounty, &seeds)?;

    let (series_id, payout_per_unit, total_owed, haircut) = closed.unwrap_or((0, 0, 0, false));
    emit_cpi!(Liquidated {
        vault: ctx.accounts.vault.key(),
        keeper: caller,
        series_id,
        payout_per_unit,
        total_owed,
        haircut,
        underlying_sold: sold,
        quote_received: received,
        bounty,
        stressed_assets_before: before.assets,
        stressed_liabilities_before: before.liabilities,
        stressed_assets_after: after.assets,
        stressed_liabilities_after: after.liabilities,
        unwind: unwind == 1,
    });
    Ok(())
}
