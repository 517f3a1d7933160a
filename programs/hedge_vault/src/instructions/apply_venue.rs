use anchor_lang::prelude::*;

use crate::error::VaultError;
use crate::events::VenueChanged;
use crate::ledger;
use crate::state::{OptionBook, Vault};

/// The accounts of `apply_venue`: the authority, the vault and its book (expired series
/// must be settled at the old oracle first).
#[event_cpi]
#[derive(Accounts)]
pub struct ApplyVenue<'info> {
    pub authority: Signer<'info>,
    #[account(mut, has_one = book @ VaultError::InvalidBook)]
    pub vault: AccountLoader<'info, Vault>,
    pub book: AccountLoader<'info, OptionBook>,
}

/// Applies the pending oracle and pool once their timelock has elapsed (authority).
/// Not while an expired series that can still settle at the old oracle is unsettled
/// (`SeriesAwaitingSettlement`): a new feed must not decide a past expiry. Every mark is
/// retired (a new risk epoch), and the old feed's traces that the new one must not be
/// compared with go: the recent range, the last hedge price, a publish time in the future.
pub fn handler(ctx: Context<ApplyVenue>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let mut vault = ctx.accounts.vault.load_mut()?;
    require_keys_eq!(
        ctx.accounts.authority.key(),
        vault.authority,
        VaultError::Unauthorized
    );
    let book = ctx.accounts.book.load()?;
    ledger::require_no_expired_unsettled(&vault, &book, now)?;
    drop(book);
    require!(vault.pending_venue_eta != 0, VaultError::NoPendingVenue);
    require!(
        now >= vault.pending_venue_eta,
        VaultError::TimelockNotElapsed
    );
    vault.oracle = vault.pending_oracle;
    vault.oracle_kind = vault.pending_oracle_kind;
    vault.oracle_feed_id = vault.pending_oracle_feed_id;
    vault.dex_pool = vault.pending_dex_pool;
    vault.risk_epoch = vault.risk_epoch.wrapping_add(1);
    vault.range_bucket = 0;
    vault.range_low = 0;
    vault.range_high = 0;
    vault.range_prev_low = 0;
    vault.range_prev_high = 0;
    vault.last_hedge_price = 0;
    vault.last_publish_time = vault.last_publish_time.min(now);
    vault.pending_oracle = Pubkey::default();
    vault.pending_oracle_kind = 0;
    vault.pending_oracle_feed_id = [0u8; 32];
    vault.pending_dex_pool = Pubkey::default();
    vault.pending_venue_eta = 0;
    let event = VenueChanged {
        vault: ctx.accounts.vault.key(),
        oracle: vault.oracle,
        oracle_kind: vault.oracle_kind,
        oracle_feed_id: vault.oracle_feed_id,
        dex_pool: vault.dex_pool,
    };
    drop(vault);
    emit_cpi!(event);
    Ok(())
}
