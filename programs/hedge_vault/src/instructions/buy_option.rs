use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::VaultError;
use crate::events::OptionTraded;
use crate::state::{seeds, OptionBook, Position, Vault};
use crate::{ledger, oracle, token};

#[event_cpi]
#[derive(Accounts)]
#[instruction(series_id: u64)]
pub struct BuyOption<'info> {
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
    /// The trader's position in this series; created on the first buy. `init_if_needed`
    /// is safe here: the PDA is unique per (vault, series, trader) and every field is
    /// either set on creation or only incremented.
    #[account(
        init_if_needed,
        payer = trader,
        space = 8 + Position::INIT_SPACE,
        seeds = [seeds::POSITION, vault.key().as_ref(), &series_id.to_le_bytes(), trader.key().as_ref()],
        bump,
    )]
    pub position: Account<'info, Position>,
    #[account(address = *quote_mint.to_account_info().owner)]
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

/// 1. The series is active and not expired; open interest stays within its cap.
/// 2. Premium = model value at the series IV with spot at the liability side of the
///    band, + spread + fee, each rounded up; at most `max_premium`.
/// 3. With the sale applied: locked collateral ≤ `max_utilization_bps`, stressed margin
///    ≥ `initial_margin_bps`, |net vega| ≤ `max_vega_bps` × NAV. Each failure has its
///    own error and reverts everything.
/// 4. Collect the premium (the vault must receive all of it) and grow the position.
pub fn handler(ctx: Context<BuyOption>, series_id: u64, size: u64, max_premium: u64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let (trade, hold_s) = {
        let mut vault = ctx.accounts.vault.load_mut()?;
        let mut book = ctx.accounts.book.load_mut()?;
        let trade = ledger::buy_option(
            &mut vault,
            &mut book,
            now,
            series_id,
            size,
            max_premium,
            |v| oracle::load_checked(&ctx.accounts.oracle, v, now),
        )?;
        (trade, vault.risk.min_hold_s)
    };
    let premium = trade.amount;

    let before = ctx.accounts.quote_vault.amount;
    token::transfer_from_user(
        &ctx.accounts.token_program.to_account_info(),
        &ctx.accounts.trader_quote.to_account_info(),
        &ctx.accounts.quote_mint.to_account_info(),
        &ctx.accounts.quote_vault.to_account_info(),
        &ctx.accounts.trader.to_account_info(),
        premium,
        ctx.accounts.quote_mint.decimals,
    )?;
    ctx.accounts.quote_vault.reload()?;
    require!(
        ctx.accounts.quote_vault.amount.checked_sub(before) == Some(premium),
        VaultError::QuoteTransferShortfall
    );

    let position = &mut ctx.accounts.position;
    if position.owner == Pubkey::default() {
        position.vault = ctx.accounts.vault.key();
        position.owner = ctx.accounts.trader.key();
        position.series_id = series_id;
        position.bump = ctx.bumps.position;
    }
    position.size = position
        .size
        .checked_add(size)
        .ok_or(VaultError::MathOverflow)?;
    position.record_buy(now, hold_s, trade.model_value, size)?;
    emit_cpi!(OptionTraded {
        vault: position.vault,
        trader: position.owner,
        series_id,
        size,
        buy: true,
        model_value: trade.model_value,
        amount: premium,
        position_after: position.size,
    });
    Ok(())
}
