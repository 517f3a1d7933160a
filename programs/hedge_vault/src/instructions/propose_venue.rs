use anchor_lang::prelude::*;

use crate::dex;
use crate::error::VaultError;
use crate::events::VenueChangeProposed;
use crate::oracle::{self, kind_of_owner};
use crate::state::{OracleKind, Vault};

/// The accounts of `propose_venue`: the authority, the vault, and the new oracle and
/// pool, checked now as `initialize_vault` checks them.
#[event_cpi]
#[derive(Accounts)]
pub struct ProposeVenue<'info> {
    pub authority: Signer<'info>,
    #[account(mut)]
    pub vault: AccountLoader<'info, Vault>,
    /// CHECK: its owner must be a Pyth program of `oracle_kind` (as at creation); the
    /// oracle adapter checks its data on every use once applied.
    pub oracle: UncheckedAccount<'info>,
    /// CHECK: validated as a Raydium CPMM pool of the vault's two mints
    /// (`dex::require_pool_of`).
    pub dex_pool: UncheckedAccount<'info>,
}

/// Proposes a new oracle (account, kind, feed id) and DEX pool (authority): for a feed
/// that died or a pool that was disabled. Both are validated like at creation; the
/// change waits `timelock_s` (`apply_venue`), so LPs see it coming and can leave first.
/// A new proposal replaces a pending one.
pub fn handler(
    ctx: Context<ProposeVenue>,
    oracle_kind: OracleKind,
    oracle_feed_id: [u8; 32],
) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let mut vault = ctx.accounts.vault.load_mut()?;
    require_keys_eq!(
        ctx.accounts.authority.key(),
        vault.authority,
        VaultError::Unauthorized
    );
    require!(
        kind_of_owner(ctx.accounts.oracle.owner)? == oracle_kind,
        VaultError::OracleInvalidOwner
    );
    let pull = oracle_kind == OracleKind::PythPullV2;
    if pull {
        require!(oracle_feed_id != [0u8; 32], VaultError::InvalidOracleConfig);
    }
    // A legacy account carries no feed id: store zeros.
    let feed_id = if pull { oracle_feed_id } else { [0u8; 32] };
    oracle::check_candidate(&ctx.accounts.oracle, oracle_kind, &feed_id)?;
    dex::require_pool_of(
        &ctx.accounts.dex_pool,
        &vault.quote_mint,
        &vault.underlying_mint,
    )?;
    let (oracle, dex_pool) = (ctx.accounts.oracle.key(), ctx.accounts.dex_pool.key());
    require!(
        oracle != vault.oracle
            || oracle_kind as u8 != vault.oracle_kind
            || (pull && feed_id != vault.oracle_feed_id)
            || dex_pool != vault.dex_pool,
        VaultError::VenueUnchanged
    );
    let eta = now
        .checked_add(vault.risk.timelock_s as i64)
        .ok_or(VaultError::MathOverflow)?;
    vault.pending_oracle = oracle;
    vault.pending_oracle_kind = oracle_kind as u8;
    vault.pending_oracle_feed_id = feed_id;
    vault.pending_dex_pool = dex_pool;
    vault.pending_venue_eta = eta;
    drop(vault);
    emit_cpi!(VenueChangeProposed {
        vault: ctx.accounts.vault.key(),
        oracle,
        oracle_kind: oracle_kind as u8,
        oracle_feed_id: feed_id,
        dex_pool,
        eta,
    });
    Ok(())
}
