//! Each instruction's checks and bookkeeping on `Vault` and `OptionBook`, with no
//! accounts and no token moves. Handlers load accounts, call these, then move tokens;
//! the stateful property test (`tests/tests/ledger_properties.rs`) drives the very same
//! functions over thousands of random sequences.
//!
//! A transaction is atomic: bookkeeping applied here before a transfer that then fails
//! is rolled back with it. Where the amount that really moved decides the books
//! (a Token-2022 fee on a deposit, a swap's fill), the handler measures it and calls the
//! second half (`credit_deposit`, `apply_hedge_fill`, `apply_liquidation_sale`).
//!
//! The oracle is passed as a loader so errors come in the same order as before the
//! split: pause bits first, then the oracle, then the instruction's own checks.

use anchor_lang::prelude::*;

use crate::dex;
use crate::error::{MathResultExt, VaultError};
use crate::hedging::{self, atoms_per_unit, BookRisk};
use crate::math::fixed_point::POW10;
use crate::math::money::{
    min_fraction, mul_div, quote_for_shares, share_price, shares_for_deposit, Rounding,
};
use crate::math::{DecimalPrice, Fx, OptionKind};
use crate::oracle::{self, OraclePrice, SettlementPrice};
use crate::state::{pause, OptionBook, OracleKind, Series, SeriesStatus, Settlement, Vault};
use crate::valuation::{self, fx_u64, NavBreakdown, Pricing};

const BPS: u64 = 10_000;

/// Deposit, first half: checks the vault can take `amount` and returns the NAV new
/// shares are priced at (the optimistic side of the band, so never cheaper than fair).
pub fn deposit_nav(
    vault: &mut Vault,
    book: &OptionBook,
    now: i64,
    supply: u64,
    amount: u64,
    load_price: impl FnOnce(&Vault) -> Result<OraclePrice>,
) -> Result<u64> {
    require!(amount > 0, VaultError::ZeroAmount);
    vault.require_not_paused(pause::DEPOSIT)?;
    let band = load_price(vault)?;
    require_no_expired_unsettled(vault, book, now)?;
    require_trade_price(vault, &band, now)?;
    oracle::accept(vault, &band, now);
    let pricing = Pricing::for_vault(vault, now);
    let conservative = valuation::nav(vault, book, &band, &pricing)?;
    require!(
        conservative.assets > conservative.liabilities
            || (supply == 0 && conservative.liabilities == 0),
        VaultError::VaultInsolvent
    );
    // The optimistic side, and never below the conservative NAV: the model's last-digit
    // noise can put the two a unit apart the wrong way (found by the bank sequences), and
    // a deposit must never be priced below what exits are paid at.
    let nav = valuation::nav_for_deposit(vault, book, &band, &pricing)?
        .nav()
        .max(conservative.nav());
    if supply == 0 {
        require!(
            amount >= vault.risk.min_first_deposit,
            VaultError::DepositTooSmall
        );
    }
    // Saturating: any sum past u64 is past the cap too.
    require!(
        nav.saturating_add(amount) <= vault.risk.deposit_cap,
        VaultError::DepositCapExceeded
    );
    // With no shares outstanding, whatever NAV the vault holds (premiums earned after the
    // last LP left, rounding dust) has no owner: it goes to the first depositor, priced
    // as if NAV were zero, rather than to the virtual shares (which would dilute them).
    if supply == 0 {
        return Ok(0);
    }
    Ok(nav)
}

/// Deposit, second half: books the quote that actually arrived and returns the shares
/// to mint (rounded down: the remainder stays with existing LPs).
pub fn credit_deposit(vault: &mut Vault, received: u64, nav: u64, supply: u64) -> Result<u64> {
    let shares = shares_for_deposit(received, nav, supply).vault_err()?;
    require!(shares > 0, VaultError::DepositTooSmall);
    vault.quote_assets = vault
        .quote_assets
        .checked_add(received)
        .ok_or(VaultError::MathOverflow)?;
    Ok(shares)
}

/// The feed is dead for good: no price has been accepted for `exit_max_age_s` (the
/// stale-exit path's limit) plus `timelock_s` (time enough for the authority to replace
/// the oracle with `propose_venue` / `apply_venue`), and the vault's own oracle account
/// gives nothing usable (any error but a substituted account). LPs may then still exit.
pub fn dead_for_good(vault: &Vault, e: &anchor_lang::error::Error, now: i64) -> bool {
    let limit = vault
        .risk
        .exit_max_age_s
        .saturating_add(vault.risk.timelock_s);
    !oracle::is_error(e, VaultError::OracleMismatch)
        && now.saturating_sub(vault.last_publish_time) > limit as i64
}

/// An exit's NAV on a feed dead for good: the free quote only (quote neither locked for
/// written options nor owed to settled holders) less `haircut_bps`, rounded down. The
/// inventory is left to the LPs who stay and the options count at their locks, so the
/// leaving LP takes a pro-rata part of what is certainly free, never more.
pub fn dead_feed_nav(vault: &Vault, haircut_bps: u64) -> Result<u64> {
    let free = vault.free_quote();
    let cut = mul_div(free, haircut_bps.min(BPS), BPS, Rounding::Up).vault_err()?;
    Ok(free - cut)
}

/// Deposits, claims and `apply_venue` wait while an open series has expired and can
/// still settle but has not (`SeriesAwaitingSettlement`): its payout is already fixed by
/// the update that straddled expiry, while its mark still values it at today's spot, so
/// a deposit followed by the (permissionless) settlement, or a claim timed on today's
/// spot, could move value between LPs. Settle first (the keeper does at once). A legacy
/// vault's series can settle only within `settle_window_s` of expiry; past it nothing
/// can settle it, so it no longer holds anything up (it stays valued by its mark).
pub fn require_no_expired_unsettled(vault: &Vault, book: &OptionBook, now: i64) -> Result<()> {
    let legacy = vault.oracle_kind()? == OracleKind::PythLegacy;
    let window = vault.risk.settle_window_s as i64;
    require!(
        !book.active().any(|s| {
            s.open_interest > 0
                && s.expiry <= now
                && !(legacy && now.saturating_sub(s.expiry) > window)
        }),
        VaultError::SeriesAwaitingSettlement
    );
    Ok(())
}

/// What a new withdrawal request records: its value per share (at the conservative NAV)
/// and its terms, fixed now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestTerms {
    /// (NAV + virtual assets, supply + virtual shares).
    pub price: (u64, u64),
    /// `now + withdraw_delay_s`.
    pub claimable_at: i64,
    /// `stale_haircut_bps`.
    pub exit_haircut_bps: u64,
}

/// Moves `shares` (of the LP's `held`) into escrow and returns what the request records.
pub fn request_withdraw(
    vault: &mut Vault,
    book: &OptionBook,
    now: i64,
    supply: u64,
    shares: u64,
    held: u64,
    load_price: impl FnOnce(&Vault) -> Result<(OraclePrice, bool)>,
) -> Result<RequestTerms> {
    require!(shares > 0, VaultError::ZeroAmount);
    require!(held >= shares, VaultError::InsufficientShares);
    vault.require_not_paused(pause::REQUEST_WITHDRAW)?;
    let nav = match load_price(vault) {
        Ok((band, fresh)) => {
            if fresh {
                // The value per share recorded here is paid at claim (if not higher
                // then): a request must not choose between prices any more than a trade.
                require_trade_price(vault, &band, now)?;
                oracle::accept(vault, &band, now);
            }
            let pricing = Pricing::for_vault(vault, now);
            valuation::nav_for_exit(vault, book, &band, fresh, &pricing)?.nav()
        }
        Err(e) if dead_for_good(vault, &e, now) => {
            dead_feed_nav(vault, vault.risk.stale_haircut_bps)?
        }
        Err(e) => return Err(e),
    };
    let price = share_price(nav, supply).vault_err()?;
    vault.escrowed_shares = vault
        .escrowed_shares
        .checked_add(shares)
        .ok_or(VaultError::MathOverflow)?;
    Ok(RequestTerms {
        price,
        claimable_at: now
            .checked_add(vault.risk.withdraw_delay_s as i64)
            .ok_or(VaultError::MathOverflow)?,
        exit_haircut_bps: vault.risk.stale_haircut_bps,
    })
}

/// What a withdrawal request recorded.
#[derive(Clone, Copy, Debug)]
pub struct PendingWithdrawal {
    pub shares: u64,
    /// The request's terms (see [`RequestTerms`]).
    pub claimable_at: i64,
    pub exit_haircut_bps: u64,
    /// Value per share at request: (NAV + virtual assets, supply + virtual shares).
    pub price_at_request: (u64, u64),
}

/// Pays a ready request at the lower of its recorded and today's value per share
/// (rounded down), from free collateral only; burns the escrowed shares. Returns the
/// quote to pay.
pub fn claim_withdraw(
    vault: &mut Vault,
    book: &OptionBook,
    now: i64,
    supply: u64,
    request: &PendingWithdrawal,
    load_price: impl FnOnce(&Vault) -> Result<(OraclePrice, bool)>,
) -> Result<u64> {
    vault.require_not_paused(pause::CLAIM_WITHDRAW)?;
    require!(vault.unwind == 0, VaultError::VaultInUnwind);
    require!(now >= request.claimable_at, VaultError::WithdrawNotReady);
    let nav = match load_price(vault) {
        Ok((band, fresh)) => {
            require_no_expired_unsettled(vault, book, now)?;
            if fresh {
                oracle::accept(vault, &band, now);
            }
            let pricing = Pricing::for_vault(vault, now);
            // Free collateral is judged on the locks of fresh marks (with a fresh
            // oracle); with a stale one, liabilities are the locks (`nav_for_exit`).
            valuation::nav_for_exit(vault, book, &band, fresh, &pricing)?.nav()
        }
        // (An expired series cannot hold this up: its lock stays out of free quote.)
        Err(e) if dead_for_good(vault, &e, now) => dead_feed_nav(vault, request.exit_haircut_bps)?,
        Err(e) => return Err(e),
    };
    let price = min_fraction(
        request.price_at_request,
        share_price(nav, supply).vault_err()?,
    );
    let payout = quote_for_shares(request.shares, price).vault_err()?;
    require!(
        payout <= vault.free_quote(),
        VaultError::InsufficientFreeCollateral
    );
    vault.quote_assets = vault
        .quote_assets
        .checked_sub(payout)
        .ok_or(VaultError::MathOverflow)?;
    vault.escrowed_shares = vault
        .escrowed_shares
        .checked_sub(request.shares)
        .ok_or(VaultError::MathOverflow)?;
    Ok(payout)
}

/// Returns escrowed shares (never paused: an LP can always take back their shares).
pub fn cancel_withdraw(vault: &mut Vault, shares: u64) -> Result<()> {
    vault.escrowed_shares = vault
        .escrowed_shares
        .checked_sub(shares)
        .ok_or(VaultError::MathOverflow)?;
    Ok(())
}

/// A trade's amounts: what the trader pays (buy) or receives (sell), and the model value.
#[derive(Clone, Copy, Debug)]
pub struct Trade {
    pub amount: u64,
    pub model_value: u64,
}

/// What `set_series_iv` does with a requested IV.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IvChange {
    /// Change the IV now.
    Apply,
    /// Recorded in the vault as pending; the same call applies it from `eta`.
    Proposed { eta: i64 },
}

/// The IV rules: a move of at most `max_iv_step_bps` applies at once if the series'
/// IV has not changed for `min_iv_interval_s` (`IvChangeTooSoon`); a larger move waits
/// for the timelock, like every loosening, so LPs can leave first: the first call
/// proposes it, a call with the same series and IV after `eta` applies it
/// (`IvChangeTimelocked` before). Without this, the risk admin could set IV to 1%, buy,
/// set it to 500% and sell back, in one block.
pub fn iv_change(vault: &mut Vault, series: &Series, iv_ppm: u64, now: i64) -> Result<IvChange> {
    let step_ppm = vault
        .risk
        .max_iv_step_bps
        .checked_mul(100)
        .ok_or(VaultError::MathOverflow)?;
    let pending = vault.pending_iv_eta != 0
        && vault.pending_iv_series == series.series_id
        && vault.pending_iv_ppm == iv_ppm;
    if series.iv_ppm.abs_diff(iv_ppm) <= step_ppm {
        let ready = series
            .iv_changed_at
            .saturating_add(vault.risk.min_iv_interval_s as i64);
        require!(now >= ready, VaultError::IvChangeTooSoon);
    } else if pending {
        require!(now >= vault.pending_iv_eta, VaultError::IvChangeTimelocked);
    } else {
        let eta = now
            .checked_add(vault.risk.timelock_s as i64)
            .ok_or(VaultError::MathOverflow)?;
        vault.pending_iv_series = series.series_id;
        vault.pending_iv_ppm = iv_ppm;
        vault.pending_iv_eta = eta;
        return Ok(IvChange::Proposed { eta });
    }
    if vault.pending_iv_series == series.series_id {
        vault.pending_iv_eta = 0;
        vault.pending_iv_series = 0;
        vault.pending_iv_ppm = 0;
    }
    Ok(IvChange::Apply)
}

/// The IV a trade is priced at: within `min_hold_s` of an IV change, and while a larger
/// change is pending, the worse of the IVs for the trader (higher for a buy, lower for a
/// sale), so knowing of a change first, or making it, buys nothing.
pub fn trade_iv(vault: &Vault, series: &Series, now: i64, buy: bool) -> u64 {
    let mut lo = series.iv_ppm;
    let mut hi = series.iv_ppm;
    if now
        < series
            .iv_changed_at
            .saturating_add(vault.risk.min_hold_s as i64)
    {
        lo = lo.min(series.prev_iv_ppm as u64);
        hi = hi.max(series.prev_iv_ppm as u64);
    }
    // An announced change is public for the whole timelock: without this, everyone
    // could buy at the old IV and sell at the new one once it applies.
    if vault.pending_iv_eta != 0 && vault.pending_iv_series == series.series_id {
        lo = lo.min(vault.pending_iv_ppm);
        hi = hi.max(vault.pending_iv_ppm);
    }
    if buy {
        hi
    } else {
        lo
    }
}

/// The spot a trade is priced at: the worst for the trader among the accepted band and
/// every band the vault accepted within the last `min_hold_s` (highest high for a call
/// bought or a put sold back, lowest low for a put bought or a call sold back). Options
/// of a series are interchangeable across wallets, so a per-position hold alone does not
/// stop buying at one accepted price from one wallet and selling at another from a
/// second; pricing both sides at the range's extremes does.
pub fn trade_spot(
    vault: &Vault,
    series: &Series,
    band: &OraclePrice,
    buy: bool,
) -> Result<DecimalPrice> {
    let (mut low, mut high) = (band.low().mantissa, band.high().mantissa);
    if let Some((range_low, range_high)) = oracle::recent_range(vault) {
        if band.expo == vault.last_expo {
            low = low.min(range_low).max(1);
            high = high.max(range_high);
        }
    }
    let up = matches!(
        (series.kind()?, buy),
        (OptionKind::Call, true) | (OptionKind::Put, false)
    );
    Ok(DecimalPrice::new(if up { high } else { low }, band.expo))
}

/// Trades, deposits and withdrawal requests price at an oracle price no older than
/// `trade_max_price_age_s`: the longer an update may lag, the more a trader can choose
/// between it and a newer one they push themselves (`PriceTooOldToTrade`).
pub fn require_trade_price(vault: &Vault, band: &OraclePrice, now: i64) -> Result<()> {
    require!(
        now.saturating_sub(band.publish_time) <= vault.risk.trade_max_price_age_s as i64,
        VaultError::PriceTooOldToTrade
    );
    Ok(())
}

/// A buy-back inside a position's hold (`min_hold_s` after its last buy): the model
/// value and size of the units bought within it. The sale is paid at most their
/// average value per unit, so a round trip at two chosen prices returns at most what
/// was paid, less the spread and fee both ways.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hold {
    pub value: u64,
    pub size: u64,
}

/// Checks shared by buys and sell-backs: the series is active and not too close to
/// expiry.
fn tradable_slot(vault: &Vault, book: &OptionBook, series_id: u64, now: i64) -> Result<usize> {
    let slot = book.find(series_id)?;
    let s = &book.series[slot];
    require!(
        s.status() == SeriesStatus::Active,
        VaultError::SeriesNotActive
    );
    require!(now < s.expiry, VaultError::SeriesExpired);
    require!(
        now.saturating_add(vault.risk.trade_cutoff_s as i64) < s.expiry,
        VaultError::TooCloseToExpiry
    );
    Ok(slot)
}

/// The vault writes `size` options: premium = model value with spot at the liability
/// side of the band (rounded up) + spread + fee, at least one atom. The sale is applied,
/// then the vault's limits are checked on the result.
pub fn buy_option(
    vault: &mut Vault,
    book: &mut OptionBook,
    now: i64,
    series_id: u64,
    size: u64,
    max_premium: u64,
    load_price: impl FnOnce(&Vault) -> Result<OraclePrice>,
) -> Result<Trade> {
    require!(size > 0, VaultError::ZeroAmount);
    vault.require_not_paused(pause::BUY_OPTION)?;
    require!(vault.unwind == 0, VaultError::VaultInUnwind);
    let slot = tradable_slot(vault, book, series_id, now)?;
    let s = book.series[slot];
    require!(size >= s.min_trade_size, VaultError::TradeBelowMinimum);
    let oi = s
        .open_interest
        .checked_add(size)
        .ok_or(VaultError::OpenInterestCapExceeded)?;
    require!(
        oi <= s.max_open_interest,
        VaultError::OpenInterestCapExceeded
    );
    if s.open_interest == 0 {
        require!(
            (book.summary.open_series as u64) < vault.risk.max_open_series,
            VaultError::OpenSeriesCapReached
        );
    }
    let band = load_price(vault)?;
    require_trade_price(vault, &band, now)?;
    oracle::accept(vault, &band, now);
    let pricing = Pricing::for_vault(vault, now);
    // The trade re-marks its own series (five evaluations); every other open series
    // must already have a fresh mark (checked below, on the sums).
    valuation::remark(vault, book, slot, &band, &pricing)?;

    let unit = valuation::unit_value(
        &s,
        trade_spot(vault, &s, &band, true)?,
        trade_iv(vault, &s, now, true),
        &pricing,
    )?;
    let value = valuation::quote_amount(unit, size, &pricing, Rounding::Up)?;
    // A worthless-looking option still costs one atom: nothing is written for free.
    let premium = value
        .checked_add(valuation::trade_charges(vault, value)?)
        .ok_or(VaultError::MathOverflow)?
        .max(1);
    require!(premium <= max_premium, VaultError::SlippageExceeded);

    valuation::set_open_interest(vault, book, slot, oi)?;
    vault.quote_assets = vault
        .quote_assets
        .checked_add(premium)
        .ok_or(VaultError::MathOverflow)?;
    valuation::require_fresh(vault, book, &band, now)?;

    let total = valuation::total_collateral(vault, &band, &pricing)?;
    require!(
        valuation::within_utilization(vault.locked_quote, total, vault.risk.max_utilization_bps),
        VaultError::UtilizationCapExceeded
    );
    let stressed = valuation::stressed(vault, book, &band, &pricing)?;
    require!(
        valuation::meets_ratio(&stressed, vault.risk.initial_margin_bps),
        VaultError::InitialMarginBreached
    );
    let nav = valuation::nav(vault, book, &band, &pricing)?;
    let vega = valuation::net_vega(book)?;
    require!(
        (vega as u128) * 10_000 <= (nav.nav() as u128) * vault.risk.max_vega_bps as u128,
        VaultError::VegaLimitExceeded
    );
    Ok(Trade {
        amount: premium,
        model_value: value,
    })
}

/// The vault buys back `size` of a holder's `held` options (allowed in every mode: it
/// only reduces risk). Proceeds = model value with spot at the asset side of the band,
/// rounded down, − spread − fee; paid from free collateral after the lock shrinks.
#[allow(clippy::too_many_arguments)]
pub fn sell_option(
    vault: &mut Vault,
    book: &mut OptionBook,
    now: i64,
    series_id: u64,
    size: u64,
    held: u64,
    hold: Option<Hold>,
    min_proceeds: u64,
    load_price: impl FnOnce(&Vault) -> Result<OraclePrice>,
) -> Result<Trade> {
    require!(size > 0, VaultError::ZeroAmount);
    require!(held >= size, VaultError::InsufficientPosition);
    vault.require_not_paused(pause::SELL_OPTION)?;
    let slot = tradable_slot(vault, book, series_id, now)?;
    let s = book.series[slot];
    // A whole position may always be sold back, even below the minimum; a partial sale
    // must be at least the minimum and leave at least the minimum (a dust remainder
    // would keep the series open, and needing marks, at no cost).
    require!(
        size == held || (size >= s.min_trade_size && held - size >= s.min_trade_size),
        VaultError::TradeBelowMinimum
    );
    let band = load_price(vault)?;
    require_trade_price(vault, &band, now)?;
    oracle::accept(vault, &band, now);
    let pricing = Pricing::for_vault(vault, now);
    valuation::remark(vault, book, slot, &band, &pricing)?;

    let iv = trade_iv(vault, &s, now, false);
    let spot = trade_spot(vault, &s, &band, false)?;
    let unit = valuation::unit_value(&s, spot, iv, &pricing)?;
    let mut value = valuation::quote_amount(unit, size, &pricing, Rounding::Down)?;
    if let Some(h) = hold {
        // At most the hold's average value per unit (rounded down, for the vault).
        let cap = mul_div(size, h.value, h.size.max(1), Rounding::Down).vault_err()?;
        value = value.min(cap);
    }
    let proceeds = value.saturating_sub(valuation::trade_charges(vault, value)?);
    require!(proceeds >= min_proceeds, VaultError::SlippageExceeded);

    let oi = s
        .open_interest
        .checked_sub(size)
        .ok_or(VaultError::MathOverflow)?;
    valuation::set_open_interest(vault, book, slot, oi)?;
    // Free collateral counts every series' lock: they must come from fresh marks.
    valuation::require_fresh(vault, book, &band, now)?;
    require!(
        proceeds <= vault.free_quote(),
        VaultError::InsufficientFreeCollateral
    );
    vault.quote_assets = vault
        .quote_assets
        .checked_sub(proceeds)
        .ok_or(VaultError::MathOverflow)?;
    Ok(Trade {
        amount: proceeds,
        model_value: value,
    })
}

/// Settles an expired series at the settlement price (see `settle_series`), returning
/// the price used and the settlement.
pub fn settle_series(
    vault: &mut Vault,
    book: &mut OptionBook,
    now: i64,
    series_id: u64,
    load_price: impl FnOnce(&Vault) -> Result<SettlementPrice>,
) -> Result<(OraclePrice, Settlement)> {
    vault.require_not_paused(pause::SETTLE_SERIES)?;
    let slot = book.find(series_id)?;
    let s = book.series[slot];
    require!(
        s.status() == SeriesStatus::Active,
        VaultError::SeriesNotActive
    );
    require!(now >= s.expiry, VaultError::SeriesNotExpired);
    let reading = load_price(vault)?;
    settlement_price(vault, s.expiry, &reading)?;
    let price = reading.price;
    // The settlement price is not "accepted": it may be older than prices the vault
    // has taken since, or come from another account of the feed than the vault's own.

    let per_unit = valuation::intrinsic_atoms_per_unit(
        s.kind()?,
        price.mid(),
        s.strike_price(),
        vault.quote_decimals,
    )?;
    let pricing = Pricing::for_vault(vault, now);
    // The settlement takes the pinned update whatever its confidence; the inventory
    // that backs the payout is valued with the band trades accept at most.
    let bounded = OraclePrice {
        conf: price.conf.min(
            mul_div(
                price.price as u64,
                vault.risk.max_conf_bps,
                BPS,
                Rounding::Down,
            )
            .vault_err()?,
        ),
        ..price
    };
    let inventory = valuation::inventory_sale_value(vault, &bounded, &pricing)?;
    valuation::retire(vault, book, slot)?;
    let done = book.series[slot].settle(vault, per_unit, price.price, price.expo, inventory)?;
    valuation::refresh_summary(book);
    Ok((price, done))
}

/// The settlement price is the one update that straddles expiry: published at or after
/// it (`SettlementPriceTooEarly`) with its previous update published before it
/// (`SettlementPriceNotFirstAfterExpiry`). Unique per feed, so whoever settles, and
/// whenever, nobody chooses the price. The keeper asks the same question.
///
/// A legacy account shows an update only until the next one (about a slot), so a legacy
/// vault also settles at an update of its own account published within
/// `settle_window_s` of expiry: the settler, who cannot write that account, can only
/// pick among the window's updates. (A pull-oracle vault has no such window: its
/// straddling update can always be posted again.)
pub fn settlement_price(vault: &Vault, expiry: i64, reading: &SettlementPrice) -> Result<()> {
    require!(
        reading.price.publish_time >= expiry,
        VaultError::SettlementPriceTooEarly
    );
    let in_legacy_window = vault.oracle_kind()? == OracleKind::PythLegacy
        && reading.price.publish_time - expiry <= vault.risk.settle_window_s as i64;
    require!(
        reading.prev_publish_time < expiry || in_legacy_window,
        VaultError::SettlementPriceNotFirstAfterExpiry
    );
    Ok(())
}

/// Pays a settled position of `size`: size × payout_per_unit / 10^underlying_decimals,
/// rounded down. Once every holder has exercised, the rounding dust is released to LPs.
pub fn exercise(
    vault: &mut Vault,
    book: &mut OptionBook,
    series_id: u64,
    size: u64,
) -> Result<u64> {
    vault.require_not_paused(pause::EXERCISE)?;
    let slot = book.find(series_id)?;
    let s = &mut book.series[slot];
    require!(
        s.status() == SeriesStatus::Settled,
        VaultError::SeriesNotSettled
    );
    let unit = POW10[vault.underlying_decimals as usize] as u64;
    let payout = mul_div(size, s.payout_per_unit, unit, Rounding::Down).vault_err()?;
    // Owed quote may sit in underlying until `liquidate` sells it.
    require!(
        payout <= vault.quote_assets,
        VaultError::InsufficientFreeCollateral
    );
    s.open_interest = s
        .open_interest
        .checked_sub(size)
        .ok_or(VaultError::MathOverflow)?;
    s.payout_remaining = s
        .payout_remaining
        .checked_sub(payout)
        .ok_or(VaultError::MathOverflow)?;
    let dust = if s.open_interest == 0 {
        core::mem::take(&mut s.payout_remaining)
    } else {
        0
    };
    vault.settled_payouts_owed = vault
        .settled_payouts_owed
        .checked_sub(payout)
        .and_then(|v| v.checked_sub(dust))
        .ok_or(VaultError::MathOverflow)?;
    vault.quote_assets = vault
        .quote_assets
        .checked_sub(payout)
        .ok_or(VaultError::MathOverflow)?;
    Ok(payout)
}

/// The pool as the vault sees it: fee rate (millionths) and reserves net of the
/// protocol and fund fees the pool holds for others.
#[derive(Clone, Copy, Debug)]
pub struct PoolSnapshot {
    pub fee_rate: u64,
    pub reserve_quote: u64,
    pub reserve_underlying: u64,
}

/// A hedge trade decided before the swap.
#[derive(Clone, Copy, Debug)]
pub struct HedgePlan {
    pub price: OraclePrice,
    pub risk: BookRisk,
    pub band: Fx,
    pub is_keeper: bool,
    /// true: buy underlying with quote; false: sell underlying for quote.
    pub buy: bool,
    pub amount_in: u64,
    pub minimum_out: u64,
    /// Worst acceptable fill, quote atoms per underlying unit.
    pub limit: u64,
}

/// Rebalance, first half (steps 1–4 of `rebalance`): price, risk, due, size, limits.
pub fn plan_hedge(
    vault: &mut Vault,
    book: &OptionBook,
    now: i64,
    caller: &Pubkey,
    pool: PoolSnapshot,
    min_out: u64,
    load_price: impl FnOnce(&Vault) -> Result<OraclePrice>,
) -> Result<HedgePlan> {
    vault.require_not_paused(pause::REBALANCE)?;
    let price = load_price(vault)?;
    oracle::accept(vault, &price, now);
    let pricing = Pricing::for_vault(vault, now);
    let risk = hedging::book_risk(vault, book, &price, &pricing)?;
    let band = hedging::band(vault, &risk)?;
    let is_keeper = vault.is_keeper(caller);
    hedging::check_due(vault, &risk, band, &price, now, is_keeper)?;

    let PoolSnapshot {
        fee_rate,
        reserve_quote,
        reserve_underlying,
    } = pool;
    let unit = POW10[vault.underlying_decimals as usize] as u64;
    // |Δ| rounded down to whole atoms (never hedge more than the exposure).
    let want: u64 = risk
        .delta
        .abs()
        .floor_u64()
        .ok_or(VaultError::MathOverflow)?;
    let slip = vault.risk.max_slippage_bps;
    // The pool must sit near the oracle before we trade on it: a pool pushed away
    // (e.g. to sandwich the hedge) is refused instead of traded against.
    require!(
        pool_near_oracle(vault, &price, &pool)?,
        VaultError::FillOutsideSlippage
    );
    let depth = mul_div(
        reserve_underlying,
        vault.risk.max_impact_bps,
        BPS,
        Rounding::Down,
    )
    .vault_err()?;
    let (buy, amount_in, minimum_out, limit) = if risk.delta < Fx::ZERO {
        // Short delta: buy underlying with quote, never in unwind mode (quote is then
        // reserved for holders).
        require!(vault.unwind == 0, VaultError::VaultInUnwind);
        // At most (price + conf)·(1 + slippage) per unit.
        let limit = mul_div(
            atoms_per_unit(price.high(), vault.quote_decimals, true)?,
            BPS + slip,
            BPS,
            Rounding::Up,
        )
        .vault_err()?;
        // The largest size whose exact cost (with the swap's roundings) is within the
        // limit, so the minimum out below never exceeds what the pool delivers.
        let size = dex::max_buy_at_limit(
            want.min(vault.risk.max_hedge_per_call).min(depth),
            limit,
            reserve_quote,
            reserve_underlying,
            fee_rate,
            unit,
        )?;
        require!(size > 0, VaultError::HedgeSizeTooLarge);
        let amount_in = dex::quote_in_for_out(size, reserve_quote, reserve_underlying, fee_rate)?;
        require!(
            amount_in
                <= vault
                    .quote_assets
                    .saturating_sub(vault.settled_payouts_owed),
            VaultError::InsufficientFreeCollateral
        );
        let floor_out = mul_div(amount_in, unit, limit, Rounding::Up).vault_err()?;
        (true, amount_in, floor_out.max(min_out), limit)
    } else {
        // Long delta: sell underlying for quote (the vault cannot short).
        require!(vault.underlying_assets > 0, VaultError::NoInventoryToSell);
        // At least (price − conf)·(1 − slippage) per unit.
        let limit = mul_div(
            atoms_per_unit(price.low(), vault.quote_decimals, false)?,
            BPS - slip.min(BPS),
            BPS,
            Rounding::Down,
        )
        .vault_err()?;
        require!(limit > 0, VaultError::FillOutsideSlippage);
        let size = dex::max_sell_at_limit(
            want.min(vault.risk.max_hedge_per_call)
                .min(depth)
                .min(vault.underlying_assets),
            limit,
            reserve_underlying,
            reserve_quote,
            fee_rate,
            unit,
        )?;
        require!(size > 0, VaultError::HedgeSizeTooLarge);
        let floor_out = mul_div(size, limit, unit, Rounding::Up).vault_err()?;
        (false, size, floor_out.max(min_out), limit)
    };
    Ok(HedgePlan {
        price,
        risk,
        band,
        is_keeper,
        buy,
        amount_in,
        minimum_out,
        limit,
    })
}

/// The pool's mid within `max_slippage_bps` of the oracle's mid (exact, cross-multiplied):
/// the condition for trading on it at all, for hedges and liquidation sales alike.
pub fn pool_near_oracle(vault: &Vault, price: &OraclePrice, pool: &PoolSnapshot) -> Result<bool> {
    let unit = POW10[vault.underlying_decimals as usize] as u64;
    let mid = atoms_per_unit(price.mid(), vault.quote_decimals, false)?;
    let pool_mid = dex::pool_price(pool.reserve_quote, pool.reserve_underlying, unit)?;
    Ok((pool_mid.abs_diff(mid) as u128) * BPS as u128
        <= (mid as u128) * vault.risk.max_slippage_bps as u128)
}

/// A hedge after the swap.
#[derive(Clone, Copy, Debug)]
pub struct HedgeFill {
    /// Quote atoms per underlying unit, rounded against the vault.
    pub fill: u64,
    pub delta_after: Fx,
    pub bounty: u64,
}

/// Rebalance, second half (step 5): books what the swap moved, checks the fill, that
/// |Δ| fell and did not overshoot the band, and sets a fallback caller's bounty.
pub fn apply_hedge_fill(
    vault: &mut Vault,
    plan: &HedgePlan,
    quote_moved: u64,
    underlying_moved: u64,
    now: i64,
) -> Result<HedgeFill> {
    let buy = plan.buy;
    let unit = POW10[vault.underlying_decimals as usize] as u64;
    let fill = mul_div(
        quote_moved,
        unit,
        underlying_moved,
        if buy { Rounding::Up } else { Rounding::Down },
    )
    .vault_err()?;
    require!(
        if buy {
            fill <= plan.limit
        } else {
            fill >= plan.limit
        },
        VaultError::FillOutsideSlippage
    );
    let (quote, underlying) = if buy {
        (
            vault.quote_assets.checked_sub(quote_moved),
            vault.underlying_assets.checked_add(underlying_moved),
        )
    } else {
        (
            vault.quote_assets.checked_add(quote_moved),
            vault.underlying_assets.checked_sub(underlying_moved),
        )
    };
    vault.quote_assets = quote.ok_or(VaultError::MathOverflow)?;
    vault.underlying_assets = underlying.ok_or(VaultError::MathOverflow)?;

    let delta = plan.risk.delta;
    let moved = fx_u64(underlying_moved)?;
    let delta_after = if buy {
        delta.add_(moved).vault_err()?
    } else {
        delta.sub_(moved).vault_err()?
    };
    require!(
        delta_after.abs() < delta.abs(),
        VaultError::HedgeDidNotReduceDelta
    );
    // A buy pays whole quote atoms (two round-ups so the vault gets at least `size`),
    // so it may receive up to about three quote atoms' worth of underlying more than
    // asked, plus the delta's fraction: that dust is tolerated even with a zero band.
    let dust = if buy {
        fx_u64(
            mul_div(3, unit, plan.limit.max(1), Rounding::Up)
                .vault_err()?
                .saturating_add(1),
        )?
    } else {
        Fx::ZERO
    };
    let crossed = (delta_after > Fx::ZERO) != (delta > Fx::ZERO) && delta_after != Fx::ZERO;
    require!(
        !crossed || delta_after.abs() <= plan.band.max(dust),
        VaultError::HedgeOvershoot
    );

    // Bounty for a permissionless caller: min(max_bounty, notional × bounty_bps), and
    // only while the vault has no registered keeper. A keeper operator who withheld
    // hedges to collect it from another wallet would earn nothing; with keepers
    // registered, the fallback is for liveness (LPs, anyone) and the authority can
    // deregister keepers that stopped, which turns the bounty back on.
    let bounty = if plan.is_keeper || vault.has_keepers() {
        0
    } else {
        mul_div(quote_moved, vault.risk.bounty_bps, BPS, Rounding::Down)
            .vault_err()?
            .min(vault.risk.max_bounty)
            .min(vault.free_quote())
    };
    vault.quote_assets = vault
        .quote_assets
        .checked_sub(bounty)
        .ok_or(VaultError::MathOverflow)?;
    vault.last_hedge_time = now;
    vault.last_hedge_price = plan.price.price;
    vault.rebalance_count = vault.rebalance_count.saturating_add(1);
    Ok(HedgeFill {
        fill,
        delta_after,
        bounty,
    })
}

/// A liquidation decided before any swap.
#[derive(Clone, Copy, Debug)]
pub struct LiquidationPlan {
    pub price: OraclePrice,
    pub before: NavBreakdown,
    /// The series force-settled: (id, payout per unit, total owed, haircut).
    pub closed: Option<(u64, u64, u64, bool)>,
    /// Underlying to sell: (size, minimum out, worst fill per unit).
    pub sell: Option<(u64, u64, u64)>,
}

/// Liquidate, first half (steps 1–3 of `liquidate`): health, unwind mode, force-settle
/// the riskiest series, size the underlying sale.
pub fn plan_liquidation(
    vault: &mut Vault,
    book: &mut OptionBook,
    now: i64,
    caller: &Pubkey,
    pool: Option<PoolSnapshot>,
    load_price: impl FnOnce(&Vault) -> Result<OraclePrice>,
) -> Result<LiquidationPlan> {
    vault.require_not_paused(pause::LIQUIDATE)?;
    require!(vault.is_keeper(caller), VaultError::NotKeeper);
    let price = load_price(vault)?;
    oracle::accept(vault, &price, now);
    let pricing = Pricing::for_vault(vault, now);
    // Locks and stressed values come from the marks, which must be fresh (the keeper
    // marks first after a large move).
    let before = valuation::stressed(vault, book, &price, &pricing)?;
    if vault.unwind == 0 {
        require!(
            !valuation::meets_ratio(&before, vault.risk.maintenance_margin_bps),
            VaultError::VaultHealthy
        );
        vault.unwind = 1;
    } else if valuation::meets_ratio(&before, vault.risk.target_margin_bps) {
        // Recovered (e.g. the market moved back): leave unwind mode, close nothing.
        vault.unwind = 0;
    }
    let recovered = vault.unwind == 0;
    let unit = POW10[vault.underlying_decimals as usize] as u64;

    // The unexpired series with the largest stressed liability (its lock). An expired
    // one settles at the update that straddled its expiry (`settle_series`), never at
    // today's price.
    let target = book
        .series
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_open() && s.expiry > now)
        .max_by_key(|(_, s)| s.locked_quote)
        .map(|(i, _)| i);
    let mut closed = None;
    if let (Some(i), false) = (target, recovered) {
        let s = book.series[i];
        let value = valuation::unit_value(&s, price.mid(), s.iv_ppm, &pricing)?;
        let per_unit = valuation::quote_amount(value, unit, &pricing, Rounding::Down)?;
        let inventory = valuation::inventory_sale_value(vault, &price, &pricing)?;
        valuation::retire(vault, book, i)?;
        let done = book.series[i].settle(vault, per_unit, price.price, price.expo, inventory)?;
        valuation::refresh_summary(book);
        closed = Some((s.series_id, done.payout_per_unit, done.owed, done.haircut));
    }

    // Quote short of what is locked and owed: sell underlying, bounded like a hedge
    // (pool near the oracle, depth, per-call cap, a size that lands at the limit). A
    // pool pushed off the oracle only postpones the sale: the settlement above stands.
    let need = vault
        .locked_quote
        .saturating_add(vault.settled_payouts_owed)
        .saturating_sub(vault.quote_assets);
    let mut sell = None;
    let pool = match pool {
        Some(p)
            if need > 0
                && vault.underlying_assets > 0
                && pool_near_oracle(vault, &price, &p).unwrap_or(false) =>
        {
            Some(p)
        }
        _ => None,
    };
    if let Some(pool) = pool {
        let low = atoms_per_unit(price.low(), vault.quote_decimals, false)?.max(1);
        let slip = vault.risk.max_slippage_bps.min(BPS);
        let limit = mul_div(low, BPS - slip, BPS, Rounding::Down)
            .vault_err()?
            .max(1);
        let wanted = mul_div(need, unit, limit, Rounding::Up).vault_err()?;
        let depth = mul_div(
            pool.reserve_underlying,
            vault.risk.max_impact_bps,
            BPS,
            Rounding::Down,
        )
        .vault_err()?;
        let size = dex::max_sell_at_limit(
            wanted
                .min(vault.underlying_assets)
                .min(vault.risk.max_hedge_per_call)
                .min(depth),
            limit,
            pool.reserve_underlying,
            pool.reserve_quote,
            pool.fee_rate,
            unit,
        )?;
        if size > 0 {
            sell = Some((
                size,
                mul_div(size, limit, unit, Rounding::Up).vault_err()?,
                limit,
            ));
        }
    }
    Ok(LiquidationPlan {
        price,
        before,
        closed,
        sell,
    })
}

/// Books an unwind sale of `sold` underlying for `received` quote, checking the fill.
pub fn apply_liquidation_sale(
    vault: &mut Vault,
    limit: u64,
    received: u64,
    sold: u64,
) -> Result<()> {
    let unit = POW10[vault.underlying_decimals as usize] as u64;
    require!(
        mul_div(received, unit, sold, Rounding::Down).vault_err()? >= limit,
        VaultError::FillOutsideSlippage
    );
    vault.underlying_assets = vault
        .underlying_assets
        .checked_sub(sold)
        .ok_or(VaultError::MathOverflow)?;
    vault.quote_assets = vault
        .quote_assets
        .checked_add(received)
        .ok_or(VaultError::MathOverflow)?;
    Ok(())
}

/// Liquidate, last steps: the bounty (min(`max_bounty`, `bounty_bps` × liability
/// closed), from free quote) and leaving unwind mode once healthy or nothing is open.
/// Returns (bounty, stressed health after).
pub fn finish_liquidation(
    vault: &mut Vault,
    book: &OptionBook,
    plan: &LiquidationPlan,
    now: i64,
) -> Result<(u64, NavBreakdown)> {
    let closed_value = plan.closed.map(|c| c.2).unwrap_or(0);
    let bounty = mul_div(closed_value, vault.risk.bounty_bps, BPS, Rounding::Down)
        .vault_err()?
        .min(vault.risk.max_bounty)
        .min(vault.free_quote());
    vault.quote_assets = vault
        .quote_assets
        .checked_sub(bounty)
        .ok_or(VaultError::MathOverflow)?;
    let pricing = Pricing::for_vault(vault, now);
    let after = valuation::stressed(vault, book, &plan.price, &pricing)?;
    // Back above target, or nothing left to unwind (what remains is owed payouts, which
    // no further call can change): leave unwind mode.
    // Expired series are not the unwind's to close (they settle at their own price).
    let open = book.active().any(|s| s.open_interest > 0 && s.expiry > now);
    if valuation::meets_ratio(&after, vault.risk.target_margin_bps) || !open {
        vault.unwind = 0;
    }
    Ok((bounty, after))
}

/// Most series one `mark_series` call re-marks: each costs five option evaluations and
/// two shares of the sums (about 46k CU on SBF, see the README's compute table), so a
/// full batch stays within the 300k-CU budget with the account handling around it, and
/// within it by a margin for the meter's ±20%.
pub const MAX_MARK_BATCH: usize = 4;

/// Most series a call that re-centres the book re-marks: re-centring recomputes every
/// open series' share (about 5.7k CU each, ~180k at 32 series), which leaves room for
/// one mark within the budget.
pub const MAX_RECENTER_BATCH: usize = 1;

/// How many series a `mark_series` call at `price` may re-mark: [`MAX_RECENTER_BATCH`]
/// when it will re-centre a book with open series (the spot is more than half the
/// reference away), else [`MAX_MARK_BATCH`]. Clients call this to size their batches.
pub fn mark_batch_limit(vault: &Vault, book: &OptionBook, price: &OraclePrice) -> Result<usize> {
    let costly = book.summary.open_series > 0 && valuation::needs_recenter(vault, book, price)?;
    Ok(if costly {
        MAX_RECENTER_BATCH
    } else {
        MAX_MARK_BATCH
    })
}

/// Re-marks `series_ids` (1 to `MAX_MARK_BATCH` distinct active series) at the oracle:
/// their values, greeks, bounds and stressed values, and the book's sums and locks in
/// step. Permissionless: it only refreshes valuations. Returns the price used.
pub fn mark_series(
    vault: &mut Vault,
    book: &mut OptionBook,
    now: i64,
    series_ids: &[u64],
    load_price: impl FnOnce(&Vault) -> Result<OraclePrice>,
) -> Result<OraclePrice> {
    require!(
        !series_ids.is_empty() && series_ids.len() <= MAX_MARK_BATCH,
        VaultError::InvalidMarkBatch
    );
    for (i, id) in series_ids.iter().enumerate() {
        require!(!series_ids[..i].contains(id), VaultError::InvalidMarkBatch);
    }
    let price = load_price(vault)?;
    require!(
        series_ids.len() <= mark_batch_limit(vault, book, &price)?,
        VaultError::MarkBatchTooLargeToRecenter
    );
    oracle::accept(vault, &price, now);
    let pricing = Pricing::for_vault(vault, now);
    if valuation::needs_recenter(vault, book, &price)? {
        valuation::recenter(vault, book, &price, now)?;
    }
    for id in series_ids {
        let slot = book.find(*id)?;
        valuation::remark(vault, book, slot, &price, &pricing)?;
    }
    Ok(price)
}
