use anchor_lang::prelude::*;

use super::governance::Govern;
use crate::error::VaultError;
use crate::events::RiskParamsChanged;
use crate::state::RiskParams;

/// Proposes new risk parameters (authority or guardian). Every value must be within
/// its hard bounds. If no value loosens, they apply at once. Otherwise only the
/// authority may propose, and the change waits `timelock_s` (of the current
/// parameters) before `apply_risk_params`; a new proposal replaces a pending one.
pub fn handler(ctx: Context<Govern>, params: RiskParams) -> Result<()> {
    params.validate()?;
    let now = Clock::get()?.unix_timestamp;
    let signer = ctx.accounts.signer.key();
    let mut vault = ctx.accounts.vault.load_mut()?;
    let is_authority = signer == vault.authority;
    let is_guardian = signer == vault.guardian && signer != Pubkey::default();
    require!(is_authority || is_guardian, VaultError::Unauthorized);
    // A no-op would count as a tightening: it would drop a pending loosening without
    // changing anything and retire every mark (a new risk epoch). A real change only.
    require!(params != vault.risk, VaultError::RiskParamsUnchanged);
    let tightening = params.only_tightens(&vault.risk);
    let (applied, eta) = if tightening {
        vault.risk = params;
        // Marks computed under the old parameters are stale now.
        vault.risk_epoch = vault.risk_epoch.wrapping_add(1);
        // A pending loosening was measured against the old values; applying it later
        // would silently undo this tightening. Drop it: the authority re-proposes.
        vault.pending_risk = bytemuck::Zeroable::zeroed();
        vault.pending_risk_eta = 0;
        (true, 0)
    } else {
        require!(is_authority, VaultError::GuardianCanOnlyTighten);
        let eta = now
            .checked_add(vault.risk.timelock_s as i64)
            .ok_or(VaultError::MathOverflow)?;
        vault.pending_risk = params;
        vault.pending_risk_eta = eta;
        (false, eta)
    };
    drop(vault);
    emit_cpi!(RiskParamsChanged {
        vault: ctx.accounts.vault.key(),
        by: signer,
        params,
        applied,
        eta,
    });
    Ok(())
}
