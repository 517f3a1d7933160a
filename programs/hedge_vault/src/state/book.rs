//! The option book: every series a vault has listed with its cached mark, and the sums
//! over them (`BookSummary`), in one zero-copy account, so that NAV, margin and the
//! book's greeks come from one account load without pricing every series.

use anchor_lang::prelude::*;
use static_assertions::{const_assert, const_assert_eq};

use crate::error::{MathResultExt, VaultError};
use crate::math::fixed_point::POW10;
use crate::math::marks::{price_qpu, Aggregates, MarkValues, Reference};
use crate::math::money::{mul_div, Rounding};
use crate::math::{DecimalPrice, Fx, OptionKind};
use crate::state::Vault;

/// Series slots per vault.
pub const MAX_SERIES: usize = 32;

/// Lifecycle of a series slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, AnchorSerialize, AnchorDeserialize)]
#[repr(u8)]
pub enum SeriesStatus {
    /// Free slot.
    Empty = 0,
    /// Tradable until expiry.
    Active = 1,
    /// Settled: `settlement_price` is final, holders exercise for cash.
    Settled = 2,
}

/// A Q64.64 fixed-point value (`hedge_math::Fx`) as stored: its two's-complement bits
/// in two little-endian words, so accounts keep 8-byte alignment and plain integers.
#[zero_copy]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct StoredFx {
    pub lo: u64,
    pub hi: u64,
}

impl StoredFx {
    pub fn get(&self) -> Fx {
        Fx::from_bits(((self.hi as u128) << 64 | self.lo as u128) as i128)
    }

    pub fn set(&mut self, v: Fx) {
        let bits = v.to_bits() as u128;
        self.lo = bits as u64;
        self.hi = (bits >> 64) as u64;
    }

    pub fn of(v: Fx) -> StoredFx {
        let mut s = StoredFx::default();
        s.set(v);
        s
    }
}

/// A series' mark: its values at one oracle price, cached so that instructions need not
/// price the whole book (see `hedge_math::marks` for what each value bounds, and
/// `valuation` for how they are used). Values are per underlying unit in quote atoms
/// (QPU), except delta and Γ·S.
#[zero_copy]
#[derive(Debug, PartialEq, Eq)]
pub struct Mark {
    /// Oracle mid mantissa (at `expo`) the mark was computed at; 0: no mark yet.
    pub price: i64,
    /// Clock time (unix s) of the mark.
    pub time: i64,
    /// Publish time of the oracle price it used.
    pub publish_time: i64,
    /// Unix time after which the mark is stale: `time` + min(`max_mark_age_s`, a quarter
    /// of the time to expiry).
    pub valid_until: i64,
    /// The vault's `risk_epoch` at marking; a change of risk parameters (or of the
    /// series' IV, which sets it to `u64::MAX`) retires the mark.
    pub epoch: u64,
    pub expo: i32,
    /// m: the spot window (± bps of `price`) the bounds hold in.
    pub window_bps: u32,
    pub value: StoredFx,
    pub delta: StoredFx,
    pub gamma_spot: StoredFx,
    pub vega: StoredFx,
    pub theta: StoredFx,
    pub bound_up: StoredFx,
    pub bound_down: StoredFx,
    pub stress_down: StoredFx,
    pub stress_up: StoredFx,
}

const_assert_eq!(core::mem::size_of::<Mark>(), 8 * 5 + 4 * 2 + 16 * 9);

#[zero_copy]
#[derive(Debug, PartialEq, Eq)]
pub struct Series {
    /// Never reused within a vault; positions are keyed by it.
    pub series_id: u64,
    /// Strike mantissa; value = strike × 10^strike_expo (quote units per underlying unit).
    pub strike: i64,
    /// Expiry, unix seconds.
    pub expiry: i64,
    /// Implied vol used for pricing, parts per million (1,000,000 = 100%).
    pub iv_ppm: u64,
    /// The vault's net short open interest, underlying atoms (sum of holders' sizes).
    pub open_interest: u64,
    /// Cap on `open_interest`, underlying atoms.
    pub max_open_interest: u64,
    /// Quote atoms reserved against this series: its larger stressed liability (from
    /// its mark), rounded up.
    pub locked_quote: u64,
    /// Settlement price mantissa (at `settlement_expo`); 0 until settled.
    pub settlement_price: i64,
    /// Cash owed per underlying unit at settlement, quote atoms (rounded down); the same
    /// for every holder.
    pub payout_per_unit: u64,
    /// Quote atoms still owed to holders of this settled series.
    pub payout_remaining: u64,
    /// Smallest trade, underlying atoms (a sell-back of a whole smaller position is
    /// allowed), so dust cannot spread the book over many series.
    pub min_trade_size: u64,
    pub strike_expo: i32,
    pub settlement_expo: i32,
    /// [`OptionKind`]: 0 call, 1 put.
    pub kind: u8,
    /// [`SeriesStatus`] as u8.
    pub status: u8,
    pub _pad: [u8; 2],
    /// The IV before the last change (`iv_ppm` at listing): trades within `min_hold_s`
    /// of a change use the worse of the two, so no one profits from knowing it first.
    pub prev_iv_ppm: u32,
    /// Unix time of the last IV change (the listing time at first).
    pub iv_changed_at: i64,
    pub mark: Mark,
}

const_assert_eq!(
    core::mem::size_of::<Series>(),
    8 * 12 + 4 * 2 + 8 + core::mem::size_of::<Mark>()
);

impl Series {
    pub fn kind(&self) -> Result<OptionKind> {
        match self.kind {
            0 => Ok(OptionKind::Call),
            1 => Ok(OptionKind::Put),
            _ => err!(VaultError::InvalidSeries),
        }
    }

    pub fn status(&self) -> SeriesStatus {
        match self.status {
            1 => SeriesStatus::Active,
            2 => SeriesStatus::Settled,
            _ => SeriesStatus::Empty,
        }
    }

    pub fn strike_price(&self) -> DecimalPrice {
        DecimalPrice::new(self.strike, self.strike_expo)
    }

    /// Active with open interest: the series the aggregates and freshness cover.
    pub fn is_open(&self) -> bool {
        self.status() == SeriesStatus::Active && self.open_interest > 0
    }

    /// The mark as the math crate's values (the spot from the mark's oracle price).
    pub fn mark_values(&self, quote_decimals: u8) -> Result<MarkValues> {
        let m = &self.mark;
        Ok(MarkValues {
            spot: price_qpu(DecimalPrice::new(m.price, m.expo), quote_decimals).vault_err()?,
            value: m.value.get(),
            delta: m.delta.get(),
            gamma_spot: m.gamma_spot.get(),
            vega: m.vega.get(),
            theta: m.theta.get(),
            bound_up: m.bound_up.get(),
            bound_down: m.bound_down.get(),
            stress_down: m.stress_down.get(),
            stress_up: m.stress_up.get(),
        })
    }
}

/// The book's sums over its open series and what they need to be trusted: kept in step
/// with every mark and open-interest change (`valuation`), so instructions read them
/// instead of pricing every series.
#[zero_copy]
#[derive(Debug, PartialEq, Eq)]
pub struct BookSummary {
    /// The spot (QPU) and time the aggregates are expanded around.
    pub ref_spot: StoredFx,
    pub ref_time: i64,
    /// Earliest `valid_until` over the open series' marks.
    pub fresh_until: i64,
    /// The open marks' windows intersected, as oracle mantissas at `expo`: any price in
    /// [window_low, window_high] is inside every open series' window.
    pub window_low: i64,
    pub window_high: i64,
    /// The open marks' common epoch; `u64::MAX` when they differ or one is missing.
    pub epoch: u64,
    /// The open marks' common oracle exponent (`i32::MIN` when they differ).
    pub expo: i32,
    /// Series with open interest.
    pub open_series: u32,
    pub agg: StoredAggregates,
}

/// `hedge_math::marks::Aggregates` as stored.
#[zero_copy]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct StoredAggregates {
    pub p: StoredFx,
    pub q: StoredFx,
    pub c: StoredFx,
    pub bound_up: StoredFx,
    pub bound_down: StoredFx,
    pub theta: StoredFx,
    pub theta_t: StoredFx,
    pub theta_abs: StoredFx,
    pub theta_abs_t: StoredFx,
    pub delta0: StoredFx,
    pub delta1: StoredFx,
    pub gamma_spot: StoredFx,
    pub gamma_vol: StoredFx,
    pub vega: StoredFx,
    pub stress_down: StoredFx,
    pub stress_up: StoredFx,
}

const_assert_eq!(core::mem::size_of::<StoredAggregates>(), 16 * 16);
const_assert_eq!(
    core::mem::size_of::<BookSummary>(),
    16 + 8 * 5 + 4 * 2 + core::mem::size_of::<StoredAggregates>()
);

impl StoredAggregates {
    pub fn get(&self) -> Aggregates {
        Aggregates {
            p: self.p.get(),
            q: self.q.get(),
            c: self.c.get(),
            bound_up: self.bound_up.get(),
            bound_down: self.bound_down.get(),
            theta: self.theta.get(),
            theta_t: self.theta_t.get(),
            theta_abs: self.theta_abs.get(),
            theta_abs_t: self.theta_abs_t.get(),
            delta0: self.delta0.get(),
            delta1: self.delta1.get(),
            gamma_spot: self.gamma_spot.get(),
            gamma_vol: self.gamma_vol.get(),
            vega: self.vega.get(),
            stress_down: self.stress_down.get(),
            stress_up: self.stress_up.get(),
        }
    }

    pub fn set(&mut self, a: &Aggregates) {
        *self = StoredAggregates {
            p: StoredFx::of(a.p),
            q: StoredFx::of(a.q),
            c: StoredFx::of(a.c),
            bound_up: StoredFx::of(a.bound_up),
            bound_down: StoredFx::of(a.bound_down),
            theta: StoredFx::of(a.theta),
            theta_t: StoredFx::of(a.theta_t),
            theta_abs: StoredFx::of(a.theta_abs),
            theta_abs_t: StoredFx::of(a.theta_abs_t),
            delta0: StoredFx::of(a.delta0),
            delta1: StoredFx::of(a.delta1),
            gamma_spot: StoredFx::of(a.gamma_spot),
            gamma_vol: StoredFx::of(a.gamma_vol),
            vega: StoredFx::of(a.vega),
            stress_down: StoredFx::of(a.stress_down),
            stress_up: StoredFx::of(a.stress_up),
        };
    }
}

impl BookSummary {
    pub fn reference(&self) -> Reference {
        Reference {
            spot: self.ref_spot.get(),
            time: self.ref_time,
        }
    }
}

#[account(zero_copy)]
#[repr(C)]
pub struct OptionBook {
    pub vault: Pubkey,
    pub series: [Series; MAX_SERIES],
    pub summary: BookSummary,
    /// Space for fields added by later versions. Always zero.
    pub reserved: [u8; 128],
}

const_assert_eq!(
    core::mem::size_of::<OptionBook>(),
    32 + MAX_SERIES * core::mem::size_of::<Series>() + core::mem::size_of::<BookSummary>() + 128
);
const_assert_eq!(core::mem::size_of::<OptionBook>() % 8, 0);
// The book is created by CPI (`init`), which cannot allocate more than 10 KiB.
const_assert!(OptionBook::SPACE <= 10_240);

impl OptionBook {
    pub const SPACE: usize = 8 + core::mem::size_of::<OptionBook>();

    /// The slot holding `series_id`, which must be listed (active or settled).
    pub fn find(&self, series_id: u64) -> Result<usize> {
        self.series
            .iter()
            .position(|s| s.status() != SeriesStatus::Empty && s.series_id == series_id)
            .ok_or_else(|| error!(VaultError::SeriesNotFound))
    }

    pub fn active(&self) -> impl Iterator<Item = &Series> {
        self.series
            .iter()
            .filter(|s| s.status() == SeriesStatus::Active)
    }
}

/// The outcome of settling a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settlement {
    /// Quote atoms per underlying unit, after any haircut.
    pub payout_per_unit: u64,
    /// Total owed to the series' holders.
    pub owed: u64,
    /// True when the vault could not pay `per_unit` and cut it pro rata.
    pub haircut: bool,
}

impl Series {
    /// Settles at `per_unit` quote atoms per underlying unit (expiry or forced). The total
    /// owed is open interest × rate, rounded down, which covers every holder's own
    /// rounded-down payout. If quote not already owed cannot cover it, the rate is cut pro
    /// rata so holders of one series are always paid alike. The series' lock is released
    /// and the payout becomes owed.
    ///
    /// `underlying_value` is what the vault's underlying inventory is sure to fetch
    /// (`valuation::inventory_sale_value`, quote atoms): it counts toward what holders
    /// can be paid (`liquidate` sells it when needed).
    pub fn settle(
        &mut self,
        vault: &mut Vault,
        per_unit: u64,
        price: i64,
        expo: i32,
        underlying_value: u64,
    ) -> Result<Settlement> {
        let unit = POW10[vault.underlying_decimals as usize] as u64;
        let mut per_unit = per_unit;
        let mut owed = mul_div(self.open_interest, per_unit, unit, Rounding::Down).vault_err()?;
        let available = vault
            .quote_assets
            .saturating_add(underlying_value)
            .saturating_sub(vault.settled_payouts_owed);
        let haircut = owed > available;
        if haircut {
            per_unit = mul_div(available, unit, self.open_interest, Rounding::Down).vault_err()?;
            owed = mul_div(self.open_interest, per_unit, unit, Rounding::Down).vault_err()?;
        }
        vault.locked_quote = vault
            .locked_quote
            .checked_sub(self.locked_quote)
            .ok_or(VaultError::MathOverflow)?;
        vault.settled_payouts_owed = vault
            .settled_payouts_owed
            .checked_add(owed)
            .ok_or(VaultError::MathOverflow)?;
        self.locked_quote = 0;
        self.status = SeriesStatus::Settled as u8;
        self.settlement_price = price;
        self.settlement_expo = expo;
        self.payout_per_unit = per_unit;
        self.payout_remaining = owed;
        Ok(Settlement {
            payout_per_unit: per_unit,
            owed,
            haircut,
        })
    }
}
