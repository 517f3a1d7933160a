//! The vault: one pool of LP collateral that writes options on one underlying.

use anchor_lang::prelude::*;
use static_assertions::const_assert_eq;

use super::seeds;

/// Current layout version, stored in every vault.
pub const VAULT_VERSION: u8 = 1;

#[account(zero_copy)]
#[repr(C)]
pub struct Vault {
    // ABI: clients rely on these offsets (after the 8-byte discriminator).
    /// Admin key: governance instructions need its signature.
    pub authority: Pubkey,
    /// Collateral mint (e.g. USDC); deposits, premiums and payouts are in it.
    pub quote_mint: Pubkey,
    /// The asset options are written on; the hedge inventory is in it.
    pub underlying_mint: Pubkey,
    /// LP share mint, mint authority = this vault.
    pub share_mint: Pubkey,
    /// Vault-owned quote token account (PDA).
    pub quote_vault: Pubkey,
    /// Vault-owned underlying token account (PDA).
    pub underlying_vault: Pubkey,
    /// Creation time, unix seconds.
    pub created_at: i64,
    /// Distinguishes vaults on the same mint pair (PDA seed).
    pub vault_id: u16,
    /// Decimals of the quote mint.
    pub quote_decimals: u8,
    /// Decimals of the underlying mint.
    pub underlying_decimals: u8,
    /// Layout version, [`VAULT_VERSION`].
    pub version: u8,
    /// Bump of this PDA.
    pub bump: u8,
    pub share_mint_bump: u8,
    pub quote_vault_bump: u8,
    pub underlying_vault_bump: u8,
    /// Explicit padding to the next 8-byte boundary.
    pub _pad0: [u8; 7],
    /// Space for fields added by later versions. Always zero.
    pub reserved: [u8; 1024],
}

// 6 keys, created_at, vault_id + 7 single bytes, explicit padding, reserved.
const_assert_eq!(core::mem::size_of::<Vault>(), 32 * 6 + 8 + 9 + 7 + 1024);
const_assert_eq!(core::mem::size_of::<Vault>() % 8, 0);

impl Vault {
    /// Account size including the discriminator.
    pub const SPACE: usize = 8 + core::mem::size_of::<Vault>();

    /// Seeds the vault signs with (token transfers and share mints).
    /// `vault_id` is stored in memory as little-endian on every Solana target (SBF and
    /// the x86/ARM hosts of native tests), matching the `to_le_bytes` seed of creation.
    pub fn signer_seeds(&self) -> [&[u8]; 5] {
        [
            seeds::VAULT,
            self.quote_mint.as_ref(),
            self.underlying_mint.as_ref(),
            bytemuck::bytes_of(&self.vault_id),
            core::slice::from_ref(&self.bump),
        ]
    }
}
