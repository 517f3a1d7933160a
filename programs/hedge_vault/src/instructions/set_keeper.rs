use anchor_lang::prelude::*;

use super::governance::Govern;
use crate::error::VaultError;
use crate::events::KeeperSet;

/// Adds (`enabled`) or removes a keeper from the registry (authority).
pub fn handler(ctx: Context<Govern>, keeper: Pubkey, enabled: bool) -> Result<()> {
    require!(keeper != Pubkey::default(), VaultError::KeeperNotFound);
    let mut vault = ctx.accounts.vault.load_mut()?;
    require_keys_eq!(
        ctx.accounts.signer.key(),
        vault.authority,
        VaultError::Unauthorized
    );
    let existing = vault.keepers.iter().position(|k| *k == keeper);
    match (enabled, existing) {
        (true, Some(_)) => {}
        (true, None) => {
            let free = vault
                .keepers
                .iter()
                .position(|k| *k == Pubkey::default())
                .ok_or(VaultError::KeeperRegistryFull)?;
            vault.keepers[free] = keeper;
        }
        (false, Some(i)) => vault.keepers[i] = Pubkey::default(),
        (false, None) => return err!(VaultError::KeeperNotFound),
    }
    drop(vault);
    emit_cpi!(KeeperSet {
        vault: ctx.accounts.vault.key(),
        keeper,
        enabled,
    });
    Ok(())
}
