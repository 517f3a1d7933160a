use anchor_lang::prelude::*;

use super::list_series::{require_min_trade, require_oi_cap, ManageSeries};
use crate::error::VaultError;
use crate::events::SeriesLimitsSet;
use crate::state::SeriesStatus;

/// Sets an active series' open-interest cap (≤ `max_series_oi`) and minimum trade
/// (1 ≤ minimum ≤ cap). A cap
/// below today's open interest only stops new sales; positions are untouched.
pub fn handler(
    ctx: Context<ManageSeries>,
    series_id: u64,
    max_open_interest: u64,
    min_trade_size: u64,
) -> Result<()> {
    require_oi_cap(&*ctx.accounts.vault.load()?, max_open_interest)?;
    require_min_trade(min_trade_size, max_open_interest)?;
    let mut book = ctx.accounts.book.load_mut()?;
    let slot = book.find(series_id)?;
    let s = &mut book.series[slot];
    require!(
        s.status() == SeriesStatus::Active,
        VaultError::SeriesNotActive
    );
    s.max_open_interest = max_open_interest;
    s.min_trade_size = min_trade_size;
    drop(book);
    emit_cpi!(SeriesLimitsSet {
        vault: ctx.accounts.vault.key(),
        series_id,
        max_open_interest,
        min_trade_size,
    });
    Ok(())
}
