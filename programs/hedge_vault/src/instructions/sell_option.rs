use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::VaultError;
use crate::events::OptionTraded;
use crate::state::{seeds, OptionBook, Position, Vault};
use crate::{ledger, oracle, token};

#[event_cpi]
#[derive(Accounts)]
pub struct SellOption<'info> {
    #[account(mut)]
    pub trader: Signer<'info>,
    #[account(
        mut,
        has_one = quote_mint @ VaultError::InvalidQuoteMint,
        has_one = quote_vault @ VaultError::InvalidQuoteVault,
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
    #[account(
        mut,
        constraint = trader_quote.mint == quote_mint.key() && trader_quote.owner == trader.key()
            @ VaultError::InvalidTokenAccount,
    )]
    pub trader_quote: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        seeds = [seeds::POSITION, vault.key().as_ref(), &position.series_id.to_le_bytes(), trader.key().as_ref()],
        bump = position.bump,
    )]
    pub position: Account<'info, Position>,
    #[account(address = *quote_mint.to_account_info().owner)]
    pub token_program: Interface<'info, TokenInterface>,
}

/// The vault buys back part of a position before expiry (allowed in every mode: it
/// only reduces risk). Within `min_hold_s` of the position's last buy it pays at most
/// the buy's model value per unit (`Position::hold`).
/// Proceeds = model value with spot at the asset side of the band, rounded down, −
/// spread − fee (rounded up); at least `min_proceeds`; paid from free collateral after
/// the series' lock shrinks.
pub fn handler(ctx: Context<SellOption>, size: u64, min_proceeds: u64) -> Result<()> {
    let series_id = ctx.accounts.position.series_id;
    let held = ctx.accounts.position.size;
    let now = Clock::get()?.unix_timestamp;
    let hold = ctx.accounts.position.hold(now);
    let (trade, seeds) = {
        let mut vault = ctx.accounts.vault.load_mut()?;
        let mut book = ctx.accounts.book.load_mut()?;
        let trade = ledger::sell_option(
            &mut vault,
            &mut book,
            now,
            series_id,
            size,
            held,
            hold,
            min_proceeds,
            |v| oracle::load_checked(&ctx.accounts.oracle, v, now),
        )?;
        (trade, vault.seeds())
    };
    let proceeds = trade.amount;

    if proceeds > 0 {
        token::transfer_from_vault(
            &ctx.accounts.token_program.to_account_info(),
            &ctx.accounts.quote_vault.to_account_info(),
            &ctx.accounts.quote_mint.to_account_info(),
            &ctx.accounts.trader_quote.to_account_info(),
            &ctx.accounts.vault.to_account_info(),
            &seeds.as_slices(),
            proceeds,
            ctx.accounts.quote_mint.decimals,
        )?;
    }
    let position = &mut ctx.accounts.position;
    position.size -= size; // checked by the ledger: size ≤ held
    position.record_sale(now, size)?;
    emit_cpi!(OptionTraded {
        vault: position.vault,
        trader: position.owner,
        series_id,
        size,
        buy: false,
        model_value: trade.model_value,
        amount: proceeds,
        position_after: position.size,
    });
    Ok(())
}
