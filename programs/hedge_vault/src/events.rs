//! Events, one per state change, emitted with `emit_cpi!` so they survive log
//! truncation and show as inner instructions (also under native execution in tests).
//! Amounts are in token atoms; prices are mantissas with the stated exponent.

use anchor_lang::prelude::*;

use crate::state::{RebalanceRecord, RiskParams};

#[event]
pub struct VaultInitialized {
    pub vault: Pubkey,
    pub authority: Pubkey,
    pub quote_mint: Pubkey,
    pub underlying_mint: Pubkey,
    pub share_mint: Pubkey,
    pub oracle: Pubkey,
    pub vault_id: u16,
}

#[event]
pub struct Deposited {
    pub vault: Pubkey,
    pub lp: Pubkey,
    /// Quote atoms received.
    pub amount: u64,
    pub shares: u64,
    pub nav_before: u64,
    pub supply_before: u64,
    pub quote_assets_after: u64,
}

#[event]
pub struct WithdrawRequested {
    pub vault: Pubkey,
    pub lp: Pubkey,
    pub shares: u64,
    /// Value per share at request = nav_plus_virtual / supply_plus_virtual.
    pub nav_plus_virtual: u64,
    pub supply_plus_virtual: u64,
    pub requested_at: i64,
}

#[event]
pub struct WithdrawClaimed {
    pub vault: Pubkey,
    pub lp: Pubkey,
    pub shares: u64,
    /// Quote atoms paid.
    pub paid: u64,
    pub quote_assets_after: u64,
}

#[event]
pub struct WithdrawCancelled {
    pub vault: Pubkey,
    pub lp: Pubkey,
    pub shares: u64,
}

#[event]
pub struct SeriesListed {
    pub vault: Pubkey,
    pub series_id: u64,
    pub kind: u8,
    pub strike: i64,
    pub strike_expo: i32,
    pub expiry: i64,
    pub iv_ppm: u64,
    pub max_open_interest: u64,
    pub min_trade_size: u64,
}

/// A series' open-interest cap and minimum trade changed.
#[event]
pub struct SeriesLimitsSet {
    pub vault: Pubkey,
    pub series_id: u64,
    pub max_open_interest: u64,
    pub min_trade_size: u64,
}

#[event]
pub struct SeriesIvSet {
    pub vault: Pubkey,
    pub series_id: u64,
    pub old_iv_ppm: u64,
    pub new_iv_ppm: u64,
}

/// An IV change larger than `max_iv_step_bps` was proposed: `set_series_iv` with the
/// same series and IV applies it from `eta` (LPs may leave in between).
#[event]
pub struct SeriesIvProposed {
    pub vault: Pubkey,
    pub series_id: u64,
    pub current_iv_ppm: u64,
    pub proposed_iv_ppm: u64,
    pub eta: i64,
}

#[event]
pub struct SeriesDelisted {
    pub vault: Pubkey,
    pub series_id: u64,
}

#[event]
pub struct OptionTraded {
    pub vault: Pubkey,
    pub trader: Pubkey,
    pub series_id: u64,
    /// Underlying atoms.
    pub size: u64,
    /// True for a buy from the vault, false for a sale back to it.
    pub buy: bool,
    /// Model value of `size` in quote atoms (before spread and fee).
    pub model_value: u64,
    /// Premium paid (buy) or proceeds received (sell), quote atoms.
    pub amount: u64,
    pub position_after: u64,
}

/// Series re-marked at one oracle price (their values are in the book).
#[event]
pub struct SeriesMarked {
    pub vault: Pubkey,
    pub series_ids: Vec<u64>,
    pub price: i64,
    pub conf: u64,
    pub expo: i32,
    pub publish_time: i64,
}

#[event]
pub struct SeriesSettled {
    pub vault: Pubkey,
    pub series_id: u64,
    pub settlement_price: i64,
    pub settlement_expo: i32,
    pub publish_time: i64,
    /// Quote atoms per underlying unit.
    pub payout_per_unit: u64,
    pub total_owed: u64,
    /// True when the payout was cut pro rata because the vault could not cover it.
    pub haircut: bool,
}

#[event]
pub struct Exercised {
    pub vault: Pubkey,
    pub holder: Pubkey,
    pub series_id: u64,
    pub size: u64,
    pub paid: u64,
}

#[event]
pub struct RiskParamsChanged {
    pub vault: Pubkey,
    pub by: Pubkey,
    pub params: RiskParams,
    /// True when in force now; false when pending until `eta`.
    pub applied: bool,
    pub eta: i64,
}

#[event]
pub struct KeeperSet {
    pub vault: Pubkey,
    pub keeper: Pubkey,
    pub enabled: bool,
}

#[event]
pub struct PauseSet {
    pub vault: Pubkey,
    pub by: Pubkey,
    pub old: u32,
    pub new: u32,
}

#[event]
pub struct RolesSet {
    pub vault: Pubkey,
    pub guardian: Pubkey,
    pub risk_admin: Pubkey,
}

#[event]
pub struct AuthorityProposed {
    pub vault: Pubkey,
    pub pending_authority: Pubkey,
}

#[event]
pub struct AuthorityAccepted {
    pub vault: Pubkey,
    pub old_authority: Pubkey,
    pub new_authority: Pubkey,
}

#[event]
pub struct Rebalanced {
    pub vault: Pubkey,
    /// The record also stored in the vault's hedge log.
    pub record: RebalanceRecord,
}

#[event]
pub struct Liquidated {
    pub vault: Pubkey,
    pub keeper: Pubkey,
    /// The series force-settled (0 if none was open).
    pub series_id: u64,
    /// Quote atoms per underlying unit paid to its holders (after any haircut).
    pub payout_per_unit: u64,
    pub total_owed: u64,
    /// True when holders were cut pro rata because the vault could not pay model value.
    pub haircut: bool,
    pub underlying_sold: u64,
    pub quote_received: u64,
    pub bounty: u64,
    /// Stressed assets and liabilities, quote atoms, before and after.
    pub stressed_assets_before: u64,
    pub stressed_liabilities_before: u64,
    pub stressed_assets_after: u64,
    pub stressed_liabilities_after: u64,
    /// Still unwinding after this call.
    pub unwind: bool,
}

/// A new oracle and pool were proposed; `apply_venue` may apply them from `eta`.
#[event]
pub struct VenueChangeProposed {
    pub vault: Pubkey,
    pub oracle: Pubkey,
    pub oracle_kind: u8,
    pub oracle_feed_id: [u8; 32],
    pub dex_pool: Pubkey,
    pub eta: i64,
}

/// The vault now prices against `oracle` and hedges on `dex_pool`.
#[event]
pub struct VenueChanged {
    pub vault: Pubkey,
    pub oracle: Pubkey,
    pub oracle_kind: u8,
    pub oracle_feed_id: [u8; 32],
    pub dex_pool: Pubkey,
}
