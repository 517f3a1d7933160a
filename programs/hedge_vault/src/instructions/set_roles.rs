use anchor_lang::prelude::*;

use super::governance::Govern;
use crate::error::VaultError;
use crate::events::RolesSet;

/// Sets the guardian and the risk admin (authority). `Pubkey::default()` disables a role.
pub fn handler(ctx: Context<Govern>, guardian: Pubkey, risk_admin: Pubkey) -> Result<()> {
    let mut vault = ctx.accounts.vault.load_mut()?;
    require_keys_eq!(
        ctx.accounts.signer.key(),
        vault.authority,
        VaultError::Unauthorized
    );
    vault.guardian = guardian;
    vault.risk_admin = risk_admin;
    drop(vault);
    emit_cpi!(RolesSet {
        vault: ctx.accounts.vault.key(),
        guardian,
        risk_admin,
    });
    Ok(())
}
