use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::VaultError;
use crate::events::WithdrawClaimed;
use crate::math::money::{min_fraction, quote_for_shares, share_price};
use crate::state::{pause, seeds, OptionBook, Vault, WithdrawRequest};
use crate::valuation::{self, Pricing};
use crate::{oracle, token};

#[event_cpi]
#[derive(Accounts)]
pub struct ClaimWithdraw<'info> {
    #[account(mut)]
    pub lp: Signer<'info>,

    #[account(
        mut,
        has_one = quote_mint @ VaultError::InvalidQuoteMint,
        has_one = quote_vault @ VaultError::InvalidQuoteVault,
        has_one = share_mint @ VaultError::InvalidShareMint,
        has_one = share_escrow @ VaultError::InvalidShareEscrow,
        has_one = book @ VaultError::InvalidBook,
    )]
    pub vault: AccountLoader<'info, Vault>,
    #[account(mut)]
    pub book: AccountLoader<'info, OptionBook>,
    /// CHECK: checked by the oracle adapter (address, owner, data).
    pub oracle: UncheckedAccount<'info>,

    pub quote_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub quote_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut)]
    pub share_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub share_escrow: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        constraint = lp_quote.mint == quote_mint.key() && lp_quote.owner == lp.key()
            @ VaultError::InvalidTokenAccount,
    )]
    pub lp_quote: Box<InterfaceAccount<'info, TokenAccount>>,

    #[account(
        mut,
        close = lp,
        seeds = [seeds::WITHDRAWAL, vault.key().as_ref(), lp.key().as_ref()],
        bump = request.bump,
    )]
    pub request: Account<'info, WithdrawRequest>,

    /// Shares and quote share one token program (the share mint copies the quote's).
    #[account(address = *quote_mint.to_account_info().owner)]
    pub token_program: Interface<'info, TokenInterface>,
}

/// 1. After `withdraw_delay_s`, value the escrowed shares at the lower of the value per
///    share at request and now (a fresh oracle, or while stale the last accepted price
///    with a haircut, up to `exit_max_age_s`), rounded down.
/// 2. Pay only from free collateral (quote not locked for written options, with every
///    series' lock recomputed at today's price, nor owed to settled holders). If that is short, the claim fails with
///    `InsufficientFreeCollateral` and nothing changes: the request stays and can be
///    claimed later, or cancelled.
/// 3. Burn the escrowed shares, pay, close the request.
pub fn handler(ctx: Context<ClaimWithdraw>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let supply = ctx.accounts.share_mint.supply;
    let shares = ctx.accounts.request.shares;
    let (payout, seeds) = {
        let mut vault = ctx.accounts.vault.load_mut()?;
        vault.require_not_paused(pause::CLAIM_WITHDRAW)?;
        require!(vault.unwind == 0, VaultError::VaultInUnwind);
        let ready_at = ctx
            .accounts
            .request
            .requested_at
            .checked_add(vault.risk.withdraw_delay_s as i64)
            .ok_or(VaultError::MathOverflow)?;
        require!(now >= ready_at, VaultError::WithdrawNotReady);
        let (band, fresh) = oracle::load_for_exit(&ctx.accounts.oracle, &vault, now)?;
        if fresh {
            oracle::accept(&mut vault, &band);
        }
        let mut book = ctx.accounts.book.load_mut()?;
        let pricing = Pricing::for_vault(&vault, now);
        // Locks at today's price, so free collateral is not judged on stale risk.
        valuation::refresh_locks(&mut vault, &mut book, &band, &pricing)?;
        let nav = valuation::nav(&vault, &book, &band, &pricing)?;
        let at_request = (
            ctx.accounts.request.nav_at_request,
            ctx.accounts.request.supply_at_request,
        );
        let price = min_fraction(at_request, share_price(nav.nav(), supply)?);
        let payout = quote_for_shares(shares, price)?;
        require!(
            payout <= vault.free_quote(),
            VaultError::InsufficientFreeCollateral
        );
        (payout, vault.seeds())
    };

    let vault_info = ctx.accounts.vault.to_account_info();
    token::burn_from_vault(
        &ctx.accounts.token_program.to_account_info(),
        &ctx.accounts.share_mint.to_account_info(),
        &ctx.accounts.share_escrow.to_account_info(),
        &vault_info,
        &seeds.as_slices(),
        shares,
    )?;
    if payout > 0 {
        token::transfer_from_vault(
            &ctx.accounts.token_program.to_account_info(),
            &ctx.accounts.quote_vault.to_account_info(),
            &ctx.accounts.quote_mint.to_account_info(),
            &ctx.accounts.lp_quote.to_account_info(),
            &vault_info,
            &seeds.as_slices(),
            payout,
            ctx.accounts.quote_mint.decimals,
        )?;
    }

    let mut vault = ctx.accounts.vault.load_mut()?;
    vault.quote_assets = vault
        .quote_assets
        .checked_sub(payout)
        .ok_or(VaultError::MathOverflow)?;
    vault.escrowed_shares = vault
        .escrowed_shares
        .checked_sub(shares)
        .ok_or(VaultError::MathOverflow)?;
    let event = WithdrawClaimed {
        vault: ctx.accounts.vault.key(),
        lp: ctx.accounts.lp.key(),
        shares,
        paid: payout,
        quote_assets_after: vault.quote_assets,
    };
    drop(vault);
    emit_cpi!(event);
    Ok(())
}
