use anchor_lang::prelude::*;

use super::governance::Govern;
use crate::error::VaultError;
use crate::events::RiskParamsChanged;

/// Applies the pending risk parameters once their timelock has elapsed (authority).
pub fn handler(ctx: Context<Govern>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let mut vault = ctx.accounts.vault.load_mut()?;
    require_keys_eq!(
        ctx.accounts.signer.key(),
        vault.authority,
        VaultError::Unauthorized
    );
    require!(vault.pending_risk_eta != 0, VaultError::NoPendingRiskParams);
    require!(
        now >= vault.pending_risk_eta,
        VaultError::TimelockNotElapsed
    );
    let params = vault.pending_risk;
    params.validate()?;
    vault.risk = params;
    // Marks computed under the old parameters (shocks, window, rates) are stale now.
    vault.risk_epoch = vault.risk_epoch.wrapping_add(1);
    vault.pending_risk = bytemuck::Zeroable::zeroed();
    vault.pending_risk_eta = 0;
    drop(vault);
    emit_cpi!(RiskParamsChanged {
        vault: ctx.accounts.vault.key(),
        by: ctx.accounts.signer.key(),
        params,
        applied: true,
        eta: 0,
    });
    Ok(())
}
