//! The last 64 rebalances of a vault, as a ring buffer the dApp reads directly.

use anchor_lang::prelude::*;
use static_assertions::const_assert_eq;

pub const HEDGE_LOG_LEN: usize = 64;

/// One rebalance. Deltas and gammas are in underlying atoms; prices in quote atoms per
/// underlying unit unless noted.
/// No implicit padding, so the Borsh encoding (the `Rebalanced` event) is byte for byte
/// the in-account layout.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    AnchorSerialize,
    AnchorDeserialize,
    bytemuck::Pod,
    bytemuck::Zeroable,
)]
#[repr(C)]
pub struct RebalanceRecord {
    /// Unix time and slot of the hedge.
    pub time: i64,
    pub slot: u64,
    /// Oracle price and confidence mantissas (at `oracle_expo`).
    pub oracle_price: i64,
    pub oracle_conf: u64,
    /// Net delta before and after, underlying atoms (signed; the vault is short options).
    pub delta_before: i64,
    pub delta_after: i64,
    /// Book gamma × spot (delta change per 100% spot move), underlying atoms, before and
    /// after (the trade leaves it unchanged: only options carry gamma).
    pub gamma_before: i64,
    pub gamma_after: i64,
    /// The band |delta| had to exceed, underlying atoms.
    pub band: u64,
    /// Underlying atoms bought (side 0) or sold (side 1).
    pub size: u64,
    /// Quote atoms paid or received.
    pub quote_amount: u64,
    /// Fill price, quote atoms per underlying unit.
    pub fill_price: u64,
    /// Fill vs oracle, bps; positive = worse for the vault.
    pub fill_distance_bps: i64,
    /// DEX trade fee, quote atoms (converted at the oracle for underlying-side fees).
    pub fees_paid: u64,
    /// Bounty paid to a permissionless caller, quote atoms.
    pub bounty: u64,
    pub keeper: Pubkey,
    pub oracle_expo: i32,
    /// 0 = bought underlying, 1 = sold underlying.
    pub side: u8,
    /// 1 when the caller was not a registered keeper (the fallback).
    pub fallback: u8,
    pub _pad: [u8; 2],
}

const_assert_eq!(core::mem::size_of::<RebalanceRecord>(), 15 * 8 + 32 + 8);

#[account(zero_copy)]
#[repr(C)]
pub struct HedgeLog {
    pub vault: Pubkey,
    /// Total rebalances recorded; the next slot is `count % 64`.
    pub count: u64,
    pub records: [RebalanceRecord; HEDGE_LOG_LEN],
    pub reserved: [u8; 128],
}

const_assert_eq!(
    core::mem::size_of::<HedgeLog>(),
    32 + 8 + HEDGE_LOG_LEN * core::mem::size_of::<RebalanceRecord>() + 128
);

impl HedgeLog {
    pub const SPACE: usize = 8 + core::mem::size_of::<HedgeLog>();

    pub fn push(&mut self, record: RebalanceRecord) {
        let slot = (self.count % HEDGE_LOG_LEN as u64) as usize;
        self.records[slot] = record;
        self.count = self.count.saturating_add(1);
    }
}
