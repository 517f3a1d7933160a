use anchor_lang::prelude::*;

use super::list_series::ManageSeries;
use crate::error::VaultError;
use crate::events::SeriesDelisted;

/// Frees a series' slot. Only with zero open interest (and, once settled, nothing left
/// to pay), so no holder is ever orphaned.
pub fn handler(ctx: Context<ManageSeries>, series_id: u64) -> Result<()> {
    let mut book = ctx.accounts.book.load_mut()?;
    let slot = book.find(series_id)?;
    let s = &mut book.series[slot];
    require!(
        s.open_interest == 0 && s.payout_remaining == 0,
        VaultError::SeriesHasOpenInterest
    );
    *s = bytemuck::Zeroable::zeroed();
    drop(book);
    emit_cpi!(SeriesDelisted {
        vault: ctx.accounts.vault.key(),
        series_id,
    });
    Ok(())
}
