use anchor_lang::prelude::*;

use super::governance::Govern;
use crate::error::VaultError;
use crate::events::PauseSet;
use crate::state::pause;

/// Sets the per-instruction pause bits. The authority may set any bits; the guardian
/// may only add bits (pause), never clear them.
pub fn handler(ctx: Context<Govern>, flags: u32) -> Result<()> {
    require!(flags & !pause::ALL == 0, VaultError::RiskParamOutOfBounds);
    let signer = ctx.accounts.signer.key();
    let mut vault = ctx.accounts.vault.load_mut()?;
    let old = vault.paused;
    if signer != vault.authority {
        require!(
            signer == vault.guardian && signer != Pubkey::default(),
            VaultError::Unauthorized
        );
        require!(flags & old == old, VaultError::GuardianCanOnlyTighten);
    }
    vault.paused = flags;
    drop(vault);
    emit_cpi!(PauseSet {
        vault: ctx.accounts.vault.key(),
        by: signer,
        old,
        new: flags,
    });
    Ok(())
}
