use anchor_lang::prelude::*;

use crate::error::VaultError;
use crate::events::SeriesSettled;
use crate::state::{OptionBook, Vault};
use crate::{ledger, oracle};

#[event_cpi]
#[derive(Accounts)]
pub struct SettleSeries<'info> {
    /// Anyone may settle.
    pub caller: Signer<'info>,
    #[account(mut, has_one = book @ VaultError::InvalidBook)]
    pub vault: AccountLoader<'info, Vault>,
    #[account(mut)]
    pub book: AccountLoader<'info, OptionBook>,
    /// CHECK: checked by the oracle adapter: the vault's legacy account, or for a
    /// pull-oracle vault any `PriceUpdateV2` of its feed (owner, feed id, verification).
    pub oracle: UncheckedAccount<'info>,
}

/// 1. After expiry, take the one update that straddles it: published at or after expiry,
///    its previous update before (`ledger::settlement_price`). Nobody chooses the
///    price, so anyone may settle, at any time; the first settlement is final.
/// 2. Payout per underlying unit = intrinsic value in quote atoms, rounded down (the
///    same for every holder). The total owed is the series' open interest at that rate,
///    rounded down, which covers every holder's own rounded-down payout.
/// 3. If the vault cannot cover it from quote not already owed, the rate is cut pro
///    rata (recorded in the event): holders of one series are never paid unequally.
/// 4. Release the series' lock; the payout becomes owed to holders.
pub fn handler(ctx: Context<SettleSeries>, series_id: u64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let (price, done) = {
        let mut vault = ctx.accounts.vault.load_mut()?;
        let mut book = ctx.accounts.book.load_mut()?;
        ledger::settle_series(&mut vault, &mut book, now, series_id, |v| {
            oracle::load_for_settlement(&ctx.accounts.oracle, v)
        })?
    };
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
