use anchor_lang::prelude::*;

use crate::error::VaultError;
use crate::events::SeriesListed;
use crate::math::bsm::{MAX_PRICE_DECADE, MIN_PRICE_DECADE};
use crate::math::fixed_point::decimal_digits;
use crate::math::{DecimalPrice, OptionKind};
use crate::state::{OptionBook, SeriesStatus, Vault};
use crate::valuation;

/// IV bounds for a listed series, parts per million: 1% and 500%.
pub const IV_MIN_PPM: u64 = 10_000;
pub const IV_MAX_PPM: u64 = 5_000_000;
/// Longest tenor: the math's 10-year domain.
pub const MAX_TENOR_S: i64 = 10 * 31_536_000;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct ListSeriesArgs {
    /// 0 call, 1 put.
    pub kind: u8,
    /// Strike = strike × 10^strike_expo, quote units per underlying unit.
    pub strike: i64,
    pub strike_expo: i32,
    /// Unix seconds; in the future, at most 10 years away.
    pub expiry: i64,
    pub iv_ppm: u64,
    /// Underlying atoms.
    pub max_open_interest: u64,
    /// Smallest trade, underlying atoms: in [1, max_open_interest].
    pub min_trade_size: u64,
}

/// Shared by `list_series`, `set_series_iv`, `set_series_limits` and `delist_series`:
/// the authority or the risk admin signs.
#[event_cpi]
#[derive(Accounts)]
pub struct ManageSeries<'info> {
    pub admin: Signer<'info>,
    #[account(
        mut,
        has_one = book @ VaultError::InvalidBook,
        constraint = {
            let v = vault.load()?;
            admin.key() == v.authority || admin.key() == v.risk_admin
        } @ VaultError::Unauthorized,
    )]
    pub vault: AccountLoader<'info, Vault>,
    #[account(mut)]
    pub book: AccountLoader<'info, OptionBook>,
}

/// The hard bounds of a series' minimum trade: at least one atom, at most the cap.
pub fn require_min_trade(min_trade_size: u64, max_open_interest: u64) -> Result<()> {
    require!(
        min_trade_size >= 1 && min_trade_size <= max_open_interest,
        VaultError::InvalidMinTradeSize
    );
    Ok(())
}

/// The hard bounds of a series' open-interest cap: positive, at most the vault's
/// `max_series_oi` (a governed parameter: raising it waits for the timelock).
pub fn require_oi_cap(vault: &Vault, max_open_interest: u64) -> Result<()> {
    require!(max_open_interest > 0, VaultError::ZeroAmount);
    require!(
        max_open_interest <= vault.risk.max_series_oi,
        VaultError::OpenInterestCapTooLarge
    );
    Ok(())
}

pub fn require_iv(iv_ppm: u64) -> Result<()> {
    require!(
        (IV_MIN_PPM..=IV_MAX_PPM).contains(&iv_ppm),
        VaultError::IvOutOfRange
    );
    Ok(())
}

/// Lists a series in a free slot with a fresh, never reused id.
pub fn handler(ctx: Context<ManageSeries>, args: ListSeriesArgs) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    require!(
        args.kind <= OptionKind::Put as u8,
        VaultError::InvalidSeries
    );
    require!(
        args.expiry > now && args.expiry - now <= MAX_TENOR_S,
        VaultError::InvalidExpiry
    );
    require!(args.strike > 0, VaultError::InvalidStrike);
    let decade = args
        .strike_expo
        .checked_add(decimal_digits(args.strike) as i32 - 1)
        .ok_or(VaultError::InvalidStrike)?;
    require!(
        (MIN_PRICE_DECADE..MAX_PRICE_DECADE).contains(&decade),
        VaultError::InvalidStrike
    );
    require_iv(args.iv_ppm)?;
    let mut vault = ctx.accounts.vault.load_mut()?;
    require_settleable_strike(&vault, args.strike, args.strike_expo)?;
    require_oi_cap(&vault, args.max_open_interest)?;
    require_min_trade(args.min_trade_size, args.max_open_interest)?;

    let mut book = ctx.accounts.book.load_mut()?;
    let slot = book
        .series
        .iter()
        .position(|s| s.status() == SeriesStatus::Empty)
        .ok_or(VaultError::SeriesTableFull)?;
    let series_id = vault.next_series_id;
    vault.next_series_id = series_id.checked_add(1).ok_or(VaultError::MathOverflow)?;
    let s = &mut book.series[slot];
    *s = bytemuck::Zeroable::zeroed();
    s.series_id = series_id;
    s.kind = args.kind;
    s.strike = args.strike;
    s.strike_expo = args.strike_expo;
    s.expiry = args.expiry;
    s.iv_ppm = args.iv_ppm;
    s.prev_iv_ppm = args.iv_ppm as u32; // ≤ IV_MAX_PPM
    s.iv_changed_at = now;
    s.max_open_interest = args.max_open_interest;
    s.min_trade_size = args.min_trade_size;
    s.status = SeriesStatus::Active as u8;
    drop(book);
    drop(vault);
    emit_cpi!(SeriesListed {
        vault: ctx.accounts.vault.key(),
        series_id,
        kind: args.kind,
        strike: args.strike,
        strike_expo: args.strike_expo,
        expiry: args.expiry,
        iv_ppm: args.iv_ppm,
        max_open_interest: args.max_open_interest,
        min_trade_size: args.min_trade_size,
    });
    Ok(())
}

/// Exponents a strike may carry: the math core's range for prices.
pub const MIN_STRIKE_EXPO: i32 = -18;
pub const MAX_STRIKE_EXPO: i32 = 12;
/// Largest strike in quote atoms per underlying unit: payouts per unit stay far inside a
/// u64 (a put pays at most its strike; a call's payout is bounded the same way at
/// settlement only by the oracle, so the strike leaves room for it).
pub const MAX_STRIKE_ATOMS: u64 = 1_000_000_000_000_000;

/// A strike the series can always settle: its exponent in [`MIN_STRIKE_EXPO`,
/// `MAX_STRIKE_EXPO`] and its value in quote atoms at most [`MAX_STRIKE_ATOMS`]
/// (`InvalidStrike`). Outside them the settlement's intrinsic value could overflow and
/// the series could never settle.
pub fn require_settleable_strike(vault: &Vault, strike: i64, strike_expo: i32) -> Result<()> {
    require!(
        (MIN_STRIKE_EXPO..=MAX_STRIKE_EXPO).contains(&strike_expo),
        VaultError::InvalidStrike
    );
    let atoms = valuation::intrinsic_atoms_per_unit(
        OptionKind::Put,
        DecimalPrice::new(0, strike_expo),
        DecimalPrice::new(strike, strike_expo),
        vault.quote_decimals,
    )
    .map_err(|_| error!(VaultError::InvalidStrike))?;
    require!(
        atoms > 0 && atoms <= MAX_STRIKE_ATOMS,
        VaultError::InvalidStrike
    );
    Ok(())
}
