//! Hedge vault: LPs fund a vault that writes European options and delta-hedges them on
//! a DEX. This file only dispatches; each instruction lives in `instructions/`, state in
//! `state/`, and the pure option math in `math/`.

#![deny(unused_must_use)]
// Anchor 0.31's `#[program]` expands to `AccountInfo::realloc`, deprecated in Solana 2.x.
#![allow(deprecated)]

use anchor_lang::prelude::*;

pub mod error;
pub mod events;
pub mod instructions;
pub mod math;
pub mod state;

use instructions::*;

declare_id!("CPdvMY94H7DpNoTrNmByJ7m12w7C5hdZE926djWNP8Bd");

#[program]
pub mod hedge_vault {
    use super::*;

    /// Creates a vault for a quote (collateral) mint and an underlying mint.
    ///
    /// ### Authority
    /// - `authority`: pays for the accounts and becomes the vault's admin.
    /// ### Parameters
    /// - `vault_id`: distinguishes several vaults on the same mint pair.
    /// #### Special Errors
    /// - `SameMint`: quote and underlying are the same mint.
    pub fn initialize_vault(ctx: Context<InitializeVault>, vault_id: u16) -> Result<()> {
        instructions::initialize_vault::handler(ctx, vault_id)
    }
}
