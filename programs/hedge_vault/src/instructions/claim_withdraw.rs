use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::VaultError;
use crate::events::WithdrawClaimed;
use crate::ledger::{self, PendingWithdrawal};
use crate::state::{seeds, OptionBook, Vault, WithdrawRequest};
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
    /// Read only: the claim reads the book's sums and locks.
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
    let request = PendingWithdrawal {
        shares: ctx.accounts.request.shares,
        claimable_at: ctx.accounts.request.claimable_at,
        exit_haircut_bps: ctx.accounts.request.exit_haircut_bps,
        price_at_request: (
            ctx.accounts.request.nav_at_request,
            ctx.accounts.request.supply_at_request,
        ),
    };
    let (payout, quote_assets_after, seeds) = {
        let mut vault = ctx.accounts.vault.load_mut()?;
        let book = ctx.accounts.book.load()?;
        let payout = ledger::claim_withdraw(&mut vault, &book, now, supply, &request, |v| {
            oracle::load_for_exit(&ctx.accounts.oracle, v, now, request.exit_haircut_bps)
        })?;
        (payout, vault.quote_assets, vault.seeds())
    };

    let vault_info = ctx.accounts.vault.to_account_info();
    token::burn_from_vault(
        &ctx.accounts.token_program.to_account_info(),
        &ctx.accounts.share_mint.to_account_info(),
        &ctx.accounts.share_escrow.to_account_info(),
        &vault_info,
        &seeds.as_slices(),
        request.shares,
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
    emit_cpi!(WithdrawClaimed {
        vault: ctx.accounts.vault.key(),
        lp: ctx.accounts.lp.key(),
        shares: request.shares,
        paid: payout,
        quote_assets_after,
    });
    Ok(())
}
