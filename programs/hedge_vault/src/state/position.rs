//! Per-user accounts: option positions and withdrawal requests.

use anchor_lang::prelude::*;

/// A trader's long position in one series: `["position", vault, series_id LE, owner]`.
#[account]
#[derive(InitSpace, Debug)]
pub struct Position {
    pub vault: Pubkey,
    pub owner: Pubkey,
    pub series_id: u64,
    /// Long size, underlying atoms.
    pub size: u64,
    pub bump: u8,
}

/// An LP's pending withdrawal: `["withdrawal", vault, owner]`. One at a time per LP.
#[account]
#[derive(InitSpace, Debug)]
pub struct WithdrawRequest {
    pub vault: Pubkey,
    pub owner: Pubkey,
    /// Shares moved into the vault's escrow.
    pub shares: u64,
    /// Value per share at request as a fraction: (NAV + virtual assets) over
    /// (share supply + virtual shares), both at request time.
    pub nav_at_request: u64,
    pub supply_at_request: u64,
    /// Unix time of the request; claimable from `requested_at + withdraw_delay_s`.
    pub requested_at: i64,
    pub bump: u8,
}
