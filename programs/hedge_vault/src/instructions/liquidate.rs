use anchor_lang::prelude::*;

use super::rebalance::Rebalance;
use crate::error::VaultError;
use crate::events::Liquidated;
use crate::{ledger, oracle};

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
    // A pool whose swaps are disabled only means no sale in this call: settlement of the
    // riskiest series goes on without it. Anything else (accounts that do not match the
    // pool) still fails, so a keeper cannot skip the sale by passing wrong accounts.
    let pool = match ctx.accounts.pool_snapshot() {
        Ok(p) => Some(p),
        Err(e) if oracle::is_error(&e, VaultError::DexSwapDisabled) => {
            msg!("liquidate: no sale, the pool's swaps are disabled");
            None
        }
        Err(e) => return Err(e),
    };

    let (plan, seeds) = {
        let mut vault = ctx.accounts.vault.load_mut()?;
        let mut book = ctx.accounts.book.load_mut()?;
        let plan = ledger::plan_liquidation(&mut vault, &mut book, now, &caller, pool, |v| {
            oracle::load_checked(&ctx.accounts.oracle, v, now)
        })?;
        (plan, vault.seeds())
    };

    let (mut sold, mut received) = (0, 0);
    if let Some((size, min_out, limit)) = plan.sell {
        let (q, u) = ctx.accounts.swap(false, size, min_out, &seeds)?;
        ledger::apply_liquidation_sale(&mut *ctx.accounts.vault.load_mut()?, limit, q, u)?;
        (sold, received) = (u, q);
    }

    let (bounty, after, unwind) = {
        let mut vault = ctx.accounts.vault.load_mut()?;
        let book = ctx.accounts.book.load()?;
        let (bounty, after) = ledger::finish_liquidation(&mut vault, &book, &plan, now)?;
        (bounty, after, vault.unwind)
    };
    ctx.accounts.pay_bounty(bounty, &seeds)?;

    let (series_id, payout_per_unit, total_owed, haircut) = plan.closed.unwrap_or((0, 0, 0, false));
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
        stressed_assets_before: plan.before.assets,
        stressed_liabilities_before: plan.before.liabilities,
        stressed_assets_after: after.assets,
        stressed_liabilities_after: after.liabilities,
        unwind: unwind == 1,
    });
    Ok(())
}
