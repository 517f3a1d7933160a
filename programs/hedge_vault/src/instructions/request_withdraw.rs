use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::VaultError;
use crate::events::WithdrawRequested;
use crate::state::{seeds, OptionBook, Vault, WithdrawRequest};
use crate::{ledger, oracle, token};

#[event_cpi]
#[derive(Accounts)]
pub struct RequestWithdraw<'info> {
    #[account(mut)]
    pub lp: Signer<'info>,

    #[account(
        mut,
        has_one = share_mint @ VaultError::InvalidShareMint,
        has_one = share_escrow @ VaultError::InvalidShareEscrow,
        has_one = book @ VaultError::InvalidBook,
    )]
    pub vault: AccountLoader<'info, Vault>,
    pub book: AccountLoader<'info, OptionBook>,
    /// CHECK: checked by the oracle adapter (address, owner, data).
    pub oracle: UncheckedAccount<'info>,

    pub share_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub share_escrow: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        constraint = lp_shares.mint == share_mint.key() && lp_shares.owner == lp.key()
            @ VaultError::InvalidTokenAccount,
    )]
    pub lp_shares: Box<InterfaceAccount<'info, TokenAccount>>,

    /// One pending request per LP and vault; a second request fails until this one is
    /// claimed or cancelled.
    #[account(
        init,
        payer = lp,
        space = 8 + WithdrawRequest::INIT_SPACE,
        seeds = [seeds::WITHDRAWAL, vault.key().as_ref(), lp.key().as_ref()],
        bump,
    )]
    pub request: Account<'info, WithdrawRequest>,

    #[account(address = *share_mint.to_account_info().owner)]
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

/// 1. Value per share now, from a fresh oracle or, while it is stale, the last accepted
///    price with a haircut (LPs can always leave).
/// 2. Move the shares into the vault's escrow and record the request with that value
///    and its terms (claimable time, haircut), which later governance cannot change.
pub fn handler(ctx: Context<RequestWithdraw>, shares: u64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let supply = ctx.accounts.share_mint.supply;
    let terms = {
        let mut vault = ctx.accounts.vault.load_mut()?;
        let book = ctx.accounts.book.load()?;
        let held = ctx.accounts.lp_shares.amount;
        ledger::request_withdraw(&mut vault, &book, now, supply, shares, held, |v| {
            oracle::load_for_exit(&ctx.accounts.oracle, v, now, v.risk.stale_haircut_bps)
        })?
    };
    let price = terms.price;

    token::transfer_from_user(
        &ctx.accounts.token_program.to_account_info(),
        &ctx.accounts.lp_shares.to_account_info(),
        &ctx.accounts.share_mint.to_account_info(),
        &ctx.accounts.share_escrow.to_account_info(),
        &ctx.accounts.lp.to_account_info(),
        shares,
        ctx.accounts.share_mint.decimals,
    )?;

    let request = &mut ctx.accounts.request;
    request.vault = ctx.accounts.vault.key();
    request.owner = ctx.accounts.lp.key();
    request.shares = shares;
    request.nav_at_request = price.0;
    request.supply_at_request = price.1;
    request.requested_at = now;
    request.bump = ctx.bumps.request;
    request.claimable_at = terms.claimable_at;
    request.exit_haircut_bps = terms.exit_haircut_bps;
    emit_cpi!(WithdrawRequested {
        vault: request.vault,
        lp: request.owner,
        shares,
        nav_plus_virtual: price.0,
        supply_plus_virtual: price.1,
        requested_at: now,
    });
    Ok(())
}
