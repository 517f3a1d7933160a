use anchor_lang::prelude::*;

use super::governance::Govern;
use crate::error::VaultError;
use crate::events::AuthorityProposed;

/// First step of an authority transfer: names the new authority, who must accept.
/// `Pubkey::default()` cancels a pending transfer.
pub fn handler(ctx: Context<Govern>, new_authority: Pubkey) -> Result<()> {
    let mut vault = ctx.accounts.vault.load_mut()?;
    require_keys_eq!(
        ctx.accounts.signer.key(),
        vault.authority,
        VaultError::Unauthorized
    );
    vault.pending_authority = new_authority;
    drop(vault);
    emit_cpi!(AuthorityProposed {
        vault: ctx.accounts.vault.key(),
        pending_authority: new_authority,
    });
    Ok(())
}
