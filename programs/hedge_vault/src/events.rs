//! Events, emitted with `emit_cpi!` so they survive log truncation and show as inner
//! instructions (also under native execution in tests).

use anchor_lang::prelude::*;

#[event]
pub struct VaultInitialized {
    pub vault: Pubkey,
    pub authority: Pubkey,
    pub quote_mint: Pubkey,
    pub underlying_mint: Pubkey,
    pub share_mint: Pubkey,
    pub vault_id: u16,
}
