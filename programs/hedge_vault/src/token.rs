//! Token CPIs, all through `token_interface` so SPL Token and Token-2022 mints work.

use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Burn, MintTo, TransferChecked};

use crate::error::VaultError;

/// Token-2022 mint extensions the vault cannot live with, by their `ExtensionType`
/// number: a transfer fee (1: deposits, claims and swaps would move less than booked),
/// a non-transferable mint (9), a permanent delegate (12: can take the vault's tokens),
/// a pausable mint (26: can freeze every exit and hedge). A transfer hook (14) and a
/// frozen default account state (6) are refused when set (see [`require_supported_mint`]).
pub const REFUSED_EXTENSIONS: [u16; 4] = [1, 9, 12, 26];
const EXT_DEFAULT_ACCOUNT_STATE: u16 = 6;
const EXT_TRANSFER_HOOK: u16 = 14;
/// Token-2022's base account length: extensions start after it and an account-type byte.
const BASE_ACCOUNT_LEN: usize = 165;
/// At most this many extensions are read (a mint holds a few dozen kinds at most).
const MAX_EXTENSIONS: usize = 64;

/// Refuses a mint whose Token-2022 extensions could take, freeze or shrink the vault's
/// tokens: `UnsupportedMintExtension` (the extension's number is logged). SPL Token mints
/// and Token-2022 mints without such extensions pass. Reads the TLV entries directly (the
/// SPL crate the program links predates `Pausable`).
pub fn require_supported_mint(mint: &AccountInfo) -> Result<()> {
    if *mint.owner != anchor_spl::token_2022::ID {
        return Ok(());
    }
    let data = mint.try_borrow_data()?;
    if data.len() <= BASE_ACCOUNT_LEN {
        return Ok(());
    }
    let mut at = BASE_ACCOUNT_LEN + 1;
    for _ in 0..MAX_EXTENSIONS {
        if at + 4 > data.len() {
            break;
        }
        let kind = u16::from_le_bytes([data[at], data[at + 1]]);
        let len = u16::from_le_bytes([data[at + 2], data[at + 3]]) as usize;
        let body = data
            .get(at + 4..at + 4 + len)
            .ok_or(VaultError::InvalidMint)?;
        let refused = match kind {
            0 => break, // uninitialized: the rest is padding
            // A hook program (or an authority that could set one) runs on every transfer.
            EXT_TRANSFER_HOOK => body.iter().any(|b| *b != 0),
            // New accounts (LPs', traders') would start frozen.
            EXT_DEFAULT_ACCOUNT_STATE => body.first() == Some(&2),
            k => REFUSED_EXTENSIONS.contains(&k),
        };
        if refused {
            msg!("unsupported Token-2022 mint extension {}", kind);
            return err!(VaultError::UnsupportedMintExtension);
        }
        at += 4 + len;
    }
    Ok(())
}

/// Moves `amount` from a user's account (the user signs).
#[allow(clippy::too_many_arguments)]
pub fn transfer_from_user<'info>(
    token_program: &AccountInfo<'info>,
    from: &AccountInfo<'info>,
    mint: &AccountInfo<'info>,
    to: &AccountInfo<'info>,
    authority: &AccountInfo<'info>,
    amount: u64,
    decimals: u8,
) -> Result<()> {
    let accounts = TransferChecked {
        from: from.clone(),
        mint: mint.clone(),
        to: to.clone(),
        authority: authority.clone(),
    };
    token_interface::transfer_checked(
        CpiContext::new(token_program.clone(), accounts),
        amount,
        decimals,
    )
}

/// Moves `amount` out of a vault-owned account (the vault PDA signs).
#[allow(clippy::too_many_arguments)]
pub fn transfer_from_vault<'info>(
    token_program: &AccountInfo<'info>,
    from: &AccountInfo<'info>,
    mint: &AccountInfo<'info>,
    to: &AccountInfo<'info>,
    vault: &AccountInfo<'info>,
    signer_seeds: &[&[u8]],
    amount: u64,
    decimals: u8,
) -> Result<()> {
    let accounts = TransferChecked {
        from: from.clone(),
        mint: mint.clone(),
        to: to.clone(),
        authority: vault.clone(),
    };
    token_interface::transfer_checked(
        CpiContext::new_with_signer(token_program.clone(), accounts, &[signer_seeds]),
        amount,
        decimals,
    )
}

/// Mints LP shares (the vault PDA is the mint authority).
pub fn mint_shares<'info>(
    token_program: &AccountInfo<'info>,
    mint: &AccountInfo<'info>,
    to: &AccountInfo<'info>,
    vault: &AccountInfo<'info>,
    signer_seeds: &[&[u8]],
    amount: u64,
) -> Result<()> {
    let accounts = MintTo {
        mint: mint.clone(),
        to: to.clone(),
        authority: vault.clone(),
    };
    token_interface::mint_to(
        CpiContext::new_with_signer(token_program.clone(), accounts, &[signer_seeds]),
        amount,
    )
}

/// Burns shares from a vault-owned account (the escrow).
pub fn burn_from_vault<'info>(
    token_program: &AccountInfo<'info>,
    mint: &AccountInfo<'info>,
    from: &AccountInfo<'info>,
    vault: &AccountInfo<'info>,
    signer_seeds: &[&[u8]],
    amount: u64,
) -> Result<()> {
    let accounts = Burn {
        mint: mint.clone(),
        from: from.clone(),
        authority: vault.clone(),
    };
    token_interface::burn(
        CpiContext::new_with_signer(token_program.clone(), accounts, &[signer_seeds]),
        amount,
    )
}
