use anchor_lang::prelude::*;

use crate::error::VaultError;
use crate::events::SeriesMarked;
use crate::state::{OptionBook, Vault};
use crate::{ledger, oracle};

#[event_cpi]
#[derive(Accounts)]
pub struct MarkSeries<'info> {
    /// Anyone may mark: it only refreshes valuations at the checked oracle price.
    pub caller: Signer<'info>,
    #[account(mut, has_one = book @ VaultError::InvalidBook)]
    pub vault: AccountLoader<'info, Vault>,
    #[account(mut)]
    pub book: AccountLoader<'info, OptionBook>,
    /// CHECK: checked by the oracle adapter (address, owner, data).
    pub oracle: UncheckedAccount<'info>,
}

/// 1. Take the oracle price with every check (age, status, confidence, feed).
/// 2. If the spot is far (> 50%) from the reference of the book's sums, re-expand them
///    around it (no pricing).
/// 3. For each series (1 to `MAX_MARK_BATCH`, distinct, active): compute its mark (five
///    option evaluations: value and greeks at the mid, values at the window's edges,
///    two stressed values), and update the book's sums and the series' lock by taking
///    its old share out and the new one in.
pub fn handler(ctx: Context<MarkSeries>, series_ids: Vec<u64>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let price = {
        let mut vault = ctx.accounts.vault.load_mut()?;
        let mut book = ctx.accounts.book.load_mut()?;
        ledger::mark_series(&mut vault, &mut book, now, &series_ids, |v| {
            oracle::load_checked(&ctx.accounts.oracle, v, now)
        })?
    };
    emit_cpi!(SeriesMarked {
        vault: ctx.accounts.vault.key(),
        series_ids,
        price: price.price,
        conf: price.conf,
        expo: price.expo,
        publish_time: price.publish_time,
    });
    Ok(())
}
