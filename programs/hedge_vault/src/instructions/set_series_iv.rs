use anchor_lang::prelude::*;

use super::list_series::{require_iv, ManageSeries};
use crate::error::VaultError;
use crate::events::SeriesIvSet;
use crate::state::SeriesStatus;

/// Sets the implied vol of an active series (within [1%, 500%]).
pub fn handler(ctx: Context<ManageSeries>, series_id: u64, iv_ppm: u64) -> Result<()> {
    require_iv(iv_ppm)?;
    let mut book = ctx.accounts.book.load_mut()?;
    let slot = book.find(series_id)?;
    let s = &mut book.series[slot];
    require!(
        s.status() == SeriesStatus::Active,
        VaultError::SeriesNotActive
    );
    let old = s.iv_ppm;
    s.iv_ppm = iv_ppm;
    drop(book);
    emit_cpi!(SeriesIvSet {
        vault: ctx.accounts.vault.key(),
        series_id,
        old_iv_ppm: old,
        new_iv_ppm: iv_ppm,
    });
    Ok(())
}
