use anchor_lang::prelude::*;

use crate::error::VaultError;
use crate::events::SeriesSettled;
use crate::oracle;
use crate::state::{pause, OptionBook, SeriesStatus, Vault};
use crate::valuation;

#[event_cpi]
#[derive(Accounts)]
pub struct SettleSeries<'info> {
    /// Anyone may settle.
    pub caller: Signer<'info>,
    #[account(mut, has_one = book @ VaultError::InvalidBook)]
    pub vault: AccountLoader<'info, Vault>,
    #[account(mut)]
    pub book: AccountLoader<'info, OptionBook>,
    /// CHECK: checked by the oracle adapter (address, owner, data).
    pub oracle: UncheckedAccount<'info>,
}

/// 1. After expiry, take the oracle price if it was published in
///    [expiry, expiry + settle_window_s] (a short window, so the settler has little to
///    choose from); publish times only move forward and the first such settlement is
///    final. After the window only the authority or risk admin may settle.
/// 2. Payout per underlying unit = intrinsic value in quote atoms, rounded down (the
///    same for every holder). The total owed is the series' open interest at that rate,
///    rounded down, which covers every holder's own rounded-down payout.
/// 3. If the vault cannot cover it from quote not already owed, the rate is cut pro
///    rata (recorded in the event): holders of one series are never paid unequally.
/// 4. Release the series' lock; the payout becomes owed to holders.
pub fn handler(ctx: Context<SettleSeries>, series_id: u64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let mut vault = ctx.accounts.vault.load_mut()?;
    vault.require_not_paused(pause::SETTLE_SERIES)?;
    let mut book = ctx.accounts.book.load_mut()?;
    let slot = book.find(series_id)?;
    let s = book.series[slot];
    require!(
        s.status() == SeriesStatus::Active,
        VaultError::SeriesNotActive
    );
    require!(now >= s.expiry, VaultError::SeriesNotExpired);
    let price = oracle::load_for_settlement(&ctx.accounts.oracle, &vault)?;
    require!(
        price.publish_time >= s.expiry,
        VaultError::SettlementPriceTooEarly
    );
    let window_end = s
        .expiry
        .checked_add(vault.risk.settle_window_s as i64)
        .ok_or(VaultError::MathOverflow)?;
    // After the window a price is no longer "the first at or after expiry"; anyone
    // settling then could pick among many. Only the authority or risk admin may settle
    // late (still with a fully checked oracle price), so no series is stuck forever.
    let caller = ctx.accounts.caller.key();
    require!(
        price.publish_time <= window_end || caller == vault.authority || caller == vault.risk_admin,
        VaultError::SettlementWindowClosed
    );
    oracle::accept(&mut vault, &price);

    let per_unit = valuation::intrinsic_atoms_per_unit(
        s.kind()?,
        price.mid(),
        s.strike_price(),
        vault.quote_decimals,
    )?;
    let pricing = valuation::Pricing::for_vault(&vault, now);
    let inventory =
        valuation::total_collateral(&vault, &price, &pricing)?.saturating_sub(vault.quote_assets);
    let done =
        book.series[slot].settle(&mut vault, per_unit, price.price, price.expo, inventory)?;
    drop(book);
    drop(vault);
    emit_cpi!(SeriesSettled {
        vault: ctx.accounts.vault.key(),
        series_id,
        settlement_price: price.price,
        settlement_expo: price.expo,
        publish_time: price.publish_time,
        payout_per_unit: done.payout_per_unit,
        total_owed: done.owed,
        haircut: done.haircut,
    });
    Ok(())
}
