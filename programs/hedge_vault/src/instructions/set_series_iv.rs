use anchor_lang::prelude::*;

use super::list_series::{require_iv, ManageSeries};
use crate::error::VaultError;
use crate::events::{SeriesIvProposed, SeriesIvSet};
use crate::ledger::{self, IvChange};
use crate::state::SeriesStatus;

/// Sets the implied vol of an active series (within [1%, 500%]). A change of at most
/// `max_iv_step_bps` applies at once, at most once per `min_iv_interval_s`; a larger one
/// is proposed by the first call and applied by the same call after `timelock_s`
/// (`ledger::iv_change`). An applied change retires the series' mark: `MarksStale`
/// until `mark_series` re-marks it.
pub fn handler(ctx: Context<ManageSeries>, series_id: u64, iv_ppm: u64) -> Result<()> {
    require_iv(iv_ppm)?;
    let now = Clock::get()?.unix_timestamp;
    let mut vault = ctx.accounts.vault.load_mut()?;
    let mut book = ctx.accounts.book.load_mut()?;
    let slot = book.find(series_id)?;
    let s = book.series[slot];
    require!(
        s.status() == SeriesStatus::Active,
        VaultError::SeriesNotActive
    );
    let old = s.iv_ppm;
    match ledger::iv_change(&mut vault, &s, iv_ppm, now)? {
        IvChange::Proposed { eta } => {
            drop(book);
            drop(vault);
            emit_cpi!(SeriesIvProposed {
                vault: ctx.accounts.vault.key(),
                series_id,
                current_iv_ppm: old,
                proposed_iv_ppm: iv_ppm,
                eta,
            });
        }
        IvChange::Apply => {
            // Take the series' share out of the sums at the old vol, then put it back
            // at the new one with the old mark, retired: the sums stay the sum of the
            // shares, and nothing trusts them until it is re-marked.
            crate::valuation::change_iv(&vault, &mut book, slot, iv_ppm, now)?;
            drop(book);
            drop(vault);
            emit_cpi!(SeriesIvSet {
                vault: ctx.accounts.vault.key(),
                series_id,
                old_iv_ppm: old,
                new_iv_ppm: iv_ppm,
            });
        }
    }
    Ok(())
}
