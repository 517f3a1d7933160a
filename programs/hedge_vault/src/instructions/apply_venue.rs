use anchor_lang::prelude::*;

use super::governance::Govern;
use crate::error::VaultError;
use crate::events::VenueChanged;

/// Applies the pending oracle and pool once their timelock has elapsed (authority).
/// Every mark is retired (a new risk epoch): they were taken at the old oracle.
pub fn handler(ctx: Context<Govern>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let mut vault = ctx.accounts.vault.load_mut()?;
    require_keys_eq!(
        ctx.accounts.signer.key(),
        vault.authority,
        VaultError::Unauthorized
    );
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
