//! Per-user accounts: option positions and withdrawal requests.

use anchor_lang::prelude::*;

use crate::error::VaultError;
use crate::ledger::Hold;
use crate::math::money::{mul_div, Rounding};

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
    /// Until this unix time a buy-back is paid at most `hold_value / hold_size` per
    /// atom: the model value of the units bought in the last `min_hold_s`.
    pub hold_until: i64,
    pub hold_value: u64,
    pub hold_size: u64,
}

impl Position {
    /// Records a buy of `size` at model value `value` (before spread and fee): it joins
    /// the current hold, or starts one, which now runs `hold_s` from `now`.
    pub fn record_buy(&mut self, now: i64, hold_s: u64, value: u64, size: u64) -> Result<()> {
        if now >= self.hold_until {
            self.hold_value = 0;
            self.hold_size = 0;
        }
        self.hold_value = self
            .hold_value
            .checked_add(value)
            .ok_or(VaultError::MathOverflow)?;
        self.hold_size = self
            .hold_size
            .checked_add(size)
            .ok_or(VaultError::MathOverflow)?;
        self.hold_until = now
            .checked_add(hold_s as i64)
            .ok_or(VaultError::MathOverflow)?;
        Ok(())
    }

    /// The hold a sale at `now` is capped by, if one is running.
    pub fn hold(&self, now: i64) -> Option<Hold> {
        (now < self.hold_until && self.hold_size > 0).then_some(Hold {
            value: self.hold_value,
            size: self.hold_size,
        })
    }

    /// After a sale of `size` inside the hold: fewer units held, the same value per unit
    /// (rounded down: a lower cap, for the vault).
    pub fn record_sale(&mut self, now: i64, size: u64) -> Result<()> {
        if now >= self.hold_until || self.hold_size == 0 {
            return Ok(());
        }
        let left = self.hold_size.saturating_sub(size);
        self.hold_value = mul_div(self.hold_value, left, self.hold_size, Rounding::Down)
            .map_err(|_| VaultError::MathOverflow)?;
        self.hold_size = left;
        Ok(())
    }
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
    /// Unix time of the request.
    pub requested_at: i64,
    pub bump: u8,
    /// The exit's terms, fixed at request so a later governance change (even a
    /// "tightening" such as a longer delay or a larger haircut) never reaches it:
    /// claimable from this time (`requested_at + withdraw_delay_s` then) ...
    pub claimable_at: i64,
    /// ... and with this stale-price haircut (`stale_haircut_bps` then).
    pub exit_haircut_bps: u64,
}
