use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::VaultError;
use crate::events::VaultInitialized;
use crate::state::seeds;
use crate::state::vault::{Vault, VAULT_VERSION};

#[event_cpi]
#[derive(Accounts)]
#[instruction(vault_id: u16)]
pub struct InitializeVault<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,

    #[account(
        init,
        payer = authority,
        space = Vault::SPACE,
        seeds = [seeds::VAULT, quote_mint.key().as_ref(), underlying_mint.key().as_ref(), &vault_id.to_le_bytes()],
        bump,
    )]
    pub vault: AccountLoader<'info, Vault>,

    #[account(mint::token_program = quote_token_program)]
    pub quote_mint: Box<InterfaceAccount<'info, Mint>>,

    #[account(
        mint::token_program = underlying_token_program,
        constraint = underlying_mint.key() != quote_mint.key() @ VaultError::SameMint,
    )]
    pub underlying_mint: Box<InterfaceAccount<'info, Mint>>,

    /// LP shares use the quote mint's decimals and token program.
    #[account(
        init,
        payer = authority,
        seeds = [seeds::SHARE_MINT, vault.key().as_ref()],
        bump,
        mint::decimals = quote_mint.decimals,
        mint::authority = vault,
        mint::token_program = quote_token_program,
    )]
    pub share_mint: Box<InterfaceAccount<'info, Mint>>,

    #[account(
        init,
        payer = authority,
        seeds = [seeds::QUOTE_VAULT, vault.key().as_ref()],
        bump,
        token::mint = quote_mint,
        token::authority = vault,
        token::token_program = quote_token_program,
    )]
    pub quote_vault: Box<InterfaceAccount<'info, TokenAccount>>,

    #[account(
        init,
        payer = authority,
        seeds = [seeds::UNDERLYING_VAULT, vault.key().as_ref()],
        bump,
        token::mint = underlying_mint,
        token::authority = vault,
        token::token_program = underlying_token_program,
    )]
    pub underlying_vault: Box<InterfaceAccount<'info, TokenAccount>>,

    pub quote_token_program: Interface<'info, TokenInterface>,
    pub underlying_token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

/// 1. Create the vault PDA, its LP share mint and its two token accounts (CPIs to the
///    mints' token programs, SPL Token or Token-2022).
/// 2. Record mints, accounts and bumps.
/// 3. Emit `VaultInitialized`.
pub fn handler(ctx: Context<InitializeVault>, vault_id: u16) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let mut vault = ctx.accounts.vault.load_init()?;
    vault.authority = ctx.accounts.authority.key();
    vault.quote_mint = ctx.accounts.quote_mint.key();
    vault.underlying_mint = ctx.accounts.underlying_mint.key();
    vault.share_mint = ctx.accounts.share_mint.key();
    vault.quote_vault = ctx.accounts.quote_vault.key();
    vault.underlying_vault = ctx.accounts.underlying_vault.key();
    vault.created_at = now;
    vault.vault_id = vault_id;
    vault.quote_decimals = ctx.accounts.quote_mint.decimals;
    vault.underlying_decimals = ctx.accounts.underlying_mint.decimals;
    vault.version = VAULT_VERSION;
    vault.bump = ctx.bumps.vault;
    vault.share_mint_bump = ctx.bumps.share_mint;
    vault.quote_vault_bump = ctx.bumps.quote_vault;
    vault.underlying_vault_bump = ctx.bumps.underlying_vault;
    let event = VaultInitialized {
        vault: ctx.accounts.vault.key(),
        authority: vault.authority,
        quote_mint: vault.quote_mint,
        underlying_mint: vault.underlying_mint,
        share_mint: vault.share_mint,
        vault_id,
    };
    drop(vault);
    emit_cpi!(event);
    Ok(())
}
