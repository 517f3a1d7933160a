use anchor_lang::prelude::*;

use super::list_series::{require_iv, ManageSeries};
use crate::error::VaultError;
use crate::events::SeriesIvSet;
use crate::state::SeriesStatus;

/// Sets the implied vol of an active series (within [1%, 500%]). Its mark was computed
/// at the old vol, so it is retired: `MarksStale` until `mark_series` re-marks it.
pub fn handler(ctx: Context<ManageSeries>, series_id: u64, iv_ppm: u64) -> Result<()> {
    require_iv(iv_ppm)?;
    let mut book = ctx.accounts.book.load_mut()?;
    let slot = book.find(series_id)?;
    let s = &book.series[slot];
    require!(
        s.status() == SeriesStatus::Active,
        VaultError::SeriesNotActive
    );
    let old = s.iv_ppm;
    // Take the series' share out of the sums at the old vol (it is priced with
    // `iv_ppm`), then put it back at the new one with the old mark, retired: the sums
    // stay the sum of the shares, and nothing trusts them until it is re-marked.
    let vault = ctx.accounts.vault.load()?;
    crate::valuation::change_iv(&vault, &mut book, slot, iv_ppm)?;
    drop(vault);
    drop(book);
    emit_cpi!(SeriesIvSet {
        vault: ctx.accounts.vault.key(),
        series_id,
        old_iv_ppm: old,
        new_iv_ppm: iv_ppm,
    });
    Ok(())
}
