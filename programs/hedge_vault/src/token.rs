//! Token CPIs, all through `token_interface` so SPL Token and Token-2022 mints work.

use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Burn, MintTo, TransferChecked};

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
