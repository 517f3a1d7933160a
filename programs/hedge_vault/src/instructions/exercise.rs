use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::VaultError;
use crate::events::Exercised;
use crate::state::{seeds, OptionBook, Position, Vault};
use crate::{ledger, token};

#[event_cpi]
#[derive(Accounts)]
pub struct Exercise<'info> {
    /// Anyone may exercise a settled position; the payout and the position's rent go
    /// to its owner. Keepers use this to close out positions so series can be delisted.
    pub caller: Signer<'info>,
    /// CHECK: must be the position's owner (constraint); receives the closed rent.
    #[account(mut, address = position.owner @ VaultError::InvalidTokenAccount)]
    pub holder: UncheckedAccount<'info>,
    #[account(
        mut,
        has_one = quote_mint @ VaultError::InvalidQuoteMint,
        has_one = quote_vault @ VaultError::InvalidQuoteVault,
        has_one = book @ VaultError::InvalidBook,
    )]
    pub vault: AccountLoader<'info, Vault>,
    #[account(mut)]
    pub book: AccountLoader<'info, OptionBook>,
    pub quote_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub quote_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        constraint = holder_quote.mint == quote_mint.key() && holder_quote.owner == holder.key()
            @ VaultError::InvalidTokenAccount,
    )]
    pub holder_quote: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        close = holder,
        seeds = [seeds::POSITION, vault.key().as_ref(), &position.series_id.to_le_bytes(), holder.key().as_ref()],
        bump = position.bump,
    )]
    pub position: Account<'info, Position>,
    #[account(address = *quote_mint.to_account_info().owner)]
    pub token_program: Interface<'info, TokenInterface>,
}

/// Pays a settled position to its owner: size × payout_per_unit /
/// 10^underlying_decimals, rounded down, then closes the position (rent back to the
/// owner). Permissionless, so no holder can keep a series' slot busy forever.
pub fn handler(ctx: Context<Exercise>) -> Result<()> {
    let size = ctx.accounts.position.size;
    let series_id = ctx.accounts.position.series_id;
    let (payout, seeds) = {
        let mut vault = ctx.accounts.vault.load_mut()?;
        let mut book = ctx.accounts.book.load_mut()?;
        let payout = ledger::exercise(&mut vault, &mut book, series_id, size)?;
        (payout, vault.seeds())
    };
    if payout > 0 {
        token::transfer_from_vault(
            &ctx.accounts.token_program.to_account_info(),
            &ctx.accounts.quote_vault.to_account_info(),
            &ctx.accounts.quote_mint.to_account_info(),
            &ctx.accounts.holder_quote.to_account_info(),
            &ctx.accounts.vault.to_account_info(),
            &seeds.as_slices(),
            payout,
            ctx.accounts.quote_mint.decimals,
        )?;
    }
    emit_cpi!(Exercised {
        vault: ctx.accounts.vault.key(),
        holder: ctx.accounts.holder.key(),
        series_id,
        size,
        paid: payout,
    });
    Ok(())
}
