//! The option book: every series a vault has listed, in one zero-copy account, so that
//! NAV, margin and the book's greeks are computed from one account load.

use anchor_lang::prelude::*;
use static_assertions::const_assert_eq;

use crate::error::{MathResultExt, VaultError};
use crate::math::fixed_point::POW10;
use crate::math::money::{mul_div, Rounding};
use crate::math::{DecimalPrice, OptionKind};
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
    /// Quote atoms reserved against this series (stressed liability, rounded up).
    pub locked_quote: u64,
    /// Settlement price mantissa (at `settlement_expo`); 0 until settled.
    pub settlement_price: i64,
    /// Cash owed per underlying unit at settlement, quote atoms (rounded down); the same
    /// for every holder.
    pub payout_per_unit: u64,
    /// Quote atoms still owed to holders of this settled series.
    pub payout_remaining: u64,
    pub strike_expo: i32,
    pub settlement_expo: i32,
    /// [`OptionKind`]: 0 call, 1 put.
    pub kind: u8,
    /// [`SeriesStatus`] as u8.
    pub status: u8,
    pub _pad: [u8; 6],
    pub reserved: [u8; 16],
}

const_assert_eq!(core::mem::size_of::<Series>(), 8 * 10 + 4 * 2 + 8 + 16);

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
}

#[account(zero_copy)]
#[repr(C)]
pub struct OptionBook {
    pub vault: Pubkey,
    pub series: [Series; MAX_SERIES],
    pub reserved: [u8; 512],
}

const_assert_eq!(
    core::mem::size_of::<OptionBook>(),
    32 + MAX_SERIES * core::mem::size_of::<Series>() + 512
);
const_assert_eq!(core::mem::size_of::<OptionBook>() % 8, 0);

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
