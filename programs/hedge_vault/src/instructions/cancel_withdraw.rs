use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::VaultError;
use crate::events::WithdrawCancelled;
use crate::state::{seeds, Vault, WithdrawRequest};
use crate::{ledger, token};

#[event_cpi]
#[derive(Accounts)]
pub struct CancelWithdraw<'info> {
    #[account(mut)]
    pub lp: Signer<'info>,

    #[account(
        mut,
        has_one = share_mint @ VaultError::InvalidShareMint,
        has_one = share_escrow @ VaultError::InvalidShareEscrow,
    )]
    pub vault: AccountLoader<'info, Vault>,
    pub share_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub share_escrow: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        constraint = lp_shares.mint == share_mint.key() && lp_shares.owner == lp.key()
            @ VaultError::InvalidTokenAccount,
    )]
    pub lp_shares: Box<InterfaceAccount<'info, TokenAccount>>,

    #[account(
        mut,
        close = lp,
        seeds = [seeds::WITHDRAWAL, vault.key().as_ref(), lp.key().as_ref()],
        bump = request.bump,
    )]
    pub request: Account<'info, WithdrawRequest>,

    #[account(address = *share_mint.to_account_info().owner)]
    pub token_program: Interface<'info, TokenInterface>,
}

/// Returns the escrowed shares to the LP and closes the request. Never paused: an LP can
/// always take back their shares.
pub fn handler(ctx: Context<CancelWithdraw>) -> Result<()> {
    let shares = ctx.accounts.request.shares;
    let seeds = {
        let mut vault = ctx.accounts.vault.load_mut()?;
        ledger::cancel_withdraw(&mut vault, shares)?;
        vault.seeds()
    };
    token::transfer_from_vault(
        &ctx.accounts.token_program.to_account_info(),
        &ctx.accounts.share_escrow.to_account_info(),
        &ctx.accounts.share_mint.to_account_info(),
        &ctx.accounts.lp_shares.to_account_info(),
        &ctx.accounts.vault.to_account_info(),
        &seeds.as_slices(),
        shares,
        ctx.accounts.share_mint.decimals,
    )?;
    emit_cpi!(WithdrawCancelled {
        vault: ctx.accounts.vault.key(),
        lp: ctx.accounts.lp.key(),
        shares,
    });
    Ok(())
}
