use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::VaultError;
use crate::events::Deposited;
use crate::state::{OptionBook, Vault};
use crate::{ledger, oracle, token};

#[event_cpi]
#[derive(Accounts)]
pub struct Deposit<'info> {
    pub lp: Signer<'info>,

    #[account(
        mut,
        has_one = quote_mint @ VaultError::InvalidQuoteMint,
        has_one = quote_vault @ VaultError::InvalidQuoteVault,
        has_one = share_mint @ VaultError::InvalidShareMint,
        has_one = book @ VaultError::InvalidBook,
    )]
    pub vault: AccountLoader<'info, Vault>,
    pub book: AccountLoader<'info, OptionBook>,
    /// CHECK: checked by the oracle adapter (address, owner, data).
    pub oracle: UncheckedAccount<'info>,

    pub quote_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub quote_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut)]
    pub share_mint: Box<InterfaceAccount<'info, Mint>>,

    #[account(
        mut,
        constraint = lp_quote.mint == quote_mint.key() && lp_quote.owner == lp.key()
            @ VaultError::InvalidTokenAccount,
    )]
    pub lp_quote: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        constraint = lp_shares.mint == share_mint.key() && lp_shares.owner == lp.key()
            @ VaultError::InvalidTokenAccount,
    )]
    pub lp_shares: Box<InterfaceAccount<'info, TokenAccount>>,

    #[account(address = *quote_mint.to_account_info().owner)]
    pub token_program: Interface<'info, TokenInterface>,
}

/// 1. Check the pause flag and the amount; load and accept the oracle.
/// 2. Refuse an insolvent vault (NAV at the conservative side of the band); price the
///    shares at the optimistic side (assets high, liabilities low), so a depositor never
///    buys below fair value.
/// 3. First deposit ≥ `min_first_deposit`; NAV after ≤ `deposit_cap`.
/// 4. Transfer the quote in and measure what arrived (Token-2022 fees are the LP's).
/// 5. Mint amount × (supply + V_s) / (NAV + V_a) shares, rounded down; credit the
///    internal `quote_assets` (never the raw balance).
pub fn handler(ctx: Context<Deposit>, amount: u64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let supply = ctx.accounts.share_mint.supply;
    let nav = {
        let mut vault = ctx.accounts.vault.load_mut()?;
        let book = ctx.accounts.book.load()?;
        ledger::deposit_nav(&mut vault, &book, now, supply, amount, |v| {
            oracle::load_checked(&ctx.accounts.oracle, v, now)
        })?
    };

    // Shares are priced on what arrived (a Token-2022 transfer fee is the LP's).
    let before = ctx.accounts.quote_vault.amount;
    token::transfer_from_user(
        &ctx.accounts.token_program.to_account_info(),
        &ctx.accounts.lp_quote.to_account_info(),
        &ctx.accounts.quote_mint.to_account_info(),
        &ctx.accounts.quote_vault.to_account_info(),
        &ctx.accounts.lp.to_account_info(),
        amount,
        ctx.accounts.quote_mint.decimals,
    )?;
    ctx.accounts.quote_vault.reload()?;
    let received = ctx
        .accounts
        .quote_vault
        .amount
        .checked_sub(before)
        .ok_or(VaultError::MathOverflow)?;
    let (shares, quote_assets_after, seeds) = {
        let mut vault = ctx.accounts.vault.load_mut()?;
        let shares = ledger::credit_deposit(&mut vault, received, nav, supply)?;
        (shares, vault.quote_assets, vault.seeds())
    };
    token::mint_shares(
        &ctx.accounts.token_program.to_account_info(),
        &ctx.accounts.share_mint.to_account_info(),
        &ctx.accounts.lp_shares.to_account_info(),
        &ctx.accounts.vault.to_account_info(),
        &seeds.as_slices(),
        shares,
    )?;
    emit_cpi!(Deposited {
        vault: ctx.accounts.vault.key(),
        lp: ctx.accounts.lp.key(),
        amount: received,
        shares,
        nav_before: nav,
        supply_before: supply,
        quote_assets_after,
    });
    Ok(())
}
