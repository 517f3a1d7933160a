use anchor_lang::prelude::*;

use super::governance::Govern;
use crate::error::VaultError;
use crate::events::AuthorityAccepted;

/// Second step: the pending authority signs and becomes the authority.
pub fn handler(ctx: Context<Govern>) -> Result<()> {
    let signer = ctx.accounts.signer.key();
    let mut vault = ctx.accounts.vault.load_mut()?;
    require!(
        vault.pending_authority != Pubkey::default() && signer == vault.pending_authority,
        VaultError::NoPendingAuthority
    );
    let old = vault.authority;
    vault.authority = signer;
    vault.pending_authority = Pubkey::default();
    drop(vault);
    emit_cpi!(AuthorityAccepted {
        vault: ctx.accounts.vault.key(),
        old_authority: old,
        new_authority: signer,
    });
    Ok(())
}
