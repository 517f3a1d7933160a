//! Accounts shared by the governance instructions: a signer and the vault.

use anchor_lang::prelude::*;

use crate::state::Vault;

/// The signer's role is checked by each handler (authority, guardian or pending
/// authority), each with its own error.
#[event_cpi]
#[derive(Accounts)]
pub struct Govern<'info> {
    pub signer: Signer<'info>,
    #[account(mut)]
    pub vault: AccountLoader<'info, Vault>,
}
