//! The vault: one pool of LP collateral that writes options on one underlying.

use anchor_lang::prelude::*;
use static_assertions::const_assert_eq;

use super::risk::RiskParams;
use super::seeds;
use crate::error::VaultError;

/// Current layout version, stored in every vault.
pub const VAULT_VERSION: u8 = 1;
/// Most keepers one vault registers.
pub const MAX_KEEPERS: usize = 8;

/// Oracle account formats the adapter reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, AnchorSerialize, AnchorDeserialize)]
#[repr(u8)]
pub enum OracleKind {
    /// Legacy Pyth price account (push oracle), read with `pyth-sdk-solana`.
    PythLegacy = 0,
    /// Pyth `PriceUpdateV2` (pull oracle), read with `pyth-solana-receiver-sdk`.
    PythPullV2 = 1,
}

/// Per-instruction pause bits (`Vault::paused`). The guardian can only set them.
pub mod pause {
    pub const DEPOSIT: u32 = 1 << 0;
    pub const REQUEST_WITHDRAW: u32 = 1 << 1;
    pub const CLAIM_WITHDRAW: u32 = 1 << 2;
    pub const BUY_OPTION: u32 = 1 << 3;
    pub const SELL_OPTION: u32 = 1 << 4;
    pub const SETTLE_SERIES: u32 = 1 << 5;
    pub const EXERCISE: u32 = 1 << 6;
    pub const REBALANCE: u32 = 1 << 7;
    pub const LIQUIDATE: u32 = 1 << 8;
    pub const ALL: u32 = (1 << 9) - 1;
}

/// Owned copy of a vault's signer seeds.
pub struct VaultSeeds {
    creator: Pubkey,
    quote_mint: Pubkey,
    underlying_mint: Pubkey,
    vault_id: [u8; 2],
    bump: [u8; 1],
}

impl VaultSeeds {
    pub fn as_slices(&self) -> [&[u8]; 6] {
        [
            seeds::VAULT,
            self.creator.as_ref(),
            self.quote_mint.as_ref(),
            self.underlying_mint.as_ref(),
            &self.vault_id,
            &self.bump,
        ]
    }
}

#[account(zero_copy)]
#[repr(C)]
pub struct Vault {
    // ABI: clients rely on these offsets (after the 8-byte discriminator).
    /// Admin key: governance instructions need its signature.
    pub authority: Pubkey,
    /// Proposed new authority; becomes `authority` when it signs `accept_authority`.
    pub pending_authority: Pubkey,
    /// May only make things safer: set pause bits, propose tightening parameters.
    pub guardian: Pubkey,
    /// May list series, set IVs and delist (besides the authority).
    pub risk_admin: Pubkey,
    /// Collateral mint (e.g. USDC); deposits, premiums and payouts are in it.
    pub quote_mint: Pubkey,
    /// The asset options are written on; the hedge inventory is in it.
    pub underlying_mint: Pubkey,
    /// LP share mint, mint authority = this vault.
    pub share_mint: Pubkey,
    /// Vault-owned quote token account (PDA).
    pub quote_vault: Pubkey,
    /// Vault-owned underlying token account (PDA).
    pub underlying_vault: Pubkey,
    /// Vault-owned share account holding shares of pending withdrawals (PDA).
    pub share_escrow: Pubkey,
    /// The vault's option book (PDA).
    pub book: Pubkey,
    /// The ring buffer of recent rebalances (created by the client at initialization).
    pub hedge_log: Pubkey,
    /// The configured price account (legacy Pyth or PriceUpdateV2).
    pub oracle: Pubkey,
    /// Pyth feed id; checked for `PythPullV2`.
    pub oracle_feed_id: [u8; 32],
    /// The DEX pool hedges go through (used from the hedging release on).
    pub dex_pool: Pubkey,
    /// Keepers allowed to rebalance and liquidate; `Pubkey::default()` is an empty slot.
    pub keepers: [Pubkey; MAX_KEEPERS],

    /// Quote owned by the vault for its LPs, in quote atoms: deposits + premiums + fees
    /// − withdrawals − payouts. Never read from the token account, so a donation cannot
    /// move the share price.
    pub quote_assets: u64,
    /// Underlying hedge inventory, in underlying atoms.
    pub underlying_assets: u64,
    /// Quote atoms reserved against written options (sum of the series' locks).
    pub locked_quote: u64,
    /// Shares held in escrow for pending withdrawals.
    pub escrowed_shares: u64,
    /// Quote atoms owed to option holders for settled series and not yet exercised.
    pub settled_payouts_owed: u64,
    /// Last accepted oracle price: mantissa, confidence (same exponent) and exponent.
    pub last_price: i64,
    pub last_conf: u64,
    /// Publish time (unix s) of the last accepted price; older updates are refused.
    pub last_publish_time: i64,
    /// Creation time, unix seconds.
    pub created_at: i64,
    /// Series ids are never reused: positions are keyed by them.
    pub next_series_id: u64,
    /// Unix time after which `pending_risk` may be applied; 0 when none is pending.
    pub pending_risk_eta: i64,
    /// Unix time of the last rebalance (0: never).
    pub last_hedge_time: i64,
    /// Oracle price mantissa (at `last_expo`) used by the last rebalance.
    pub last_hedge_price: i64,
    /// Rebalances so far.
    pub rebalance_count: u64,
    /// Bumped whenever the risk parameters change: marks computed under older ones are
    /// stale (`OptionBook` marks carry the epoch they were computed in).
    pub risk_epoch: u64,

    pub risk: RiskParams,
    pub pending_risk: RiskParams,

    /// An IV change larger than `max_iv_step_bps`, waiting for the timelock: the series,
    /// the IV, and the unix time from which `set_series_iv` with the same two applies
    /// it (0: none pending). One at a time; a new large proposal replaces it.
    pub pending_iv_series: u64,
    pub pending_iv_ppm: u64,
    pub pending_iv_eta: i64,

    /// The accepted oracle band's extremes (price ∓ conf mantissas at `last_expo`) in the
    /// current `min_hold_s`-long bucket of Clock time and the one before it: trades
    /// price at the worst of them, so buying at one accepted price and selling at another
    /// (from any wallet) within the hold pays nothing (`ledger::trade_spot`).
    pub range_bucket: i64,
    pub range_low: i64,
    pub range_high: i64,
    pub range_prev_low: i64,
    pub range_prev_high: i64,

    pub last_expo: i32,
    /// Bits of [`pause`].
    pub paused: u32,
    /// Distinguishes vaults on the same mint pair (PDA seed).
    pub vault_id: u16,
    pub quote_decimals: u8,
    pub underlying_decimals: u8,
    /// [`OracleKind`] as u8.
    pub oracle_kind: u8,
    /// Layout version, [`VAULT_VERSION`].
    pub version: u8,
    pub bump: u8,
    pub share_mint_bump: u8,
    pub quote_vault_bump: u8,
    pub underlying_vault_bump: u8,
    pub share_escrow_bump: u8,
    pub book_bump: u8,
    /// 1 while the vault is unwinding (stressed margin fell below maintenance): no new
    /// sales and no withdrawal claims until it is back above the target ratio.
    pub unwind: u8,
    /// Explicit padding to the next 8-byte boundary.
    pub _pad0: [u8; 3],
    /// Who created the vault (its first authority): a PDA seed, never changes.
    pub creator: Pubkey,
    /// A proposed oracle and pool (`propose_venue`), applied by `apply_venue` from
    /// `pending_venue_eta` (0: none pending).
    pub pending_oracle: Pubkey,
    pub pending_dex_pool: Pubkey,
    pub pending_oracle_feed_id: [u8; 32],
    pub pending_venue_eta: i64,
    pub pending_oracle_kind: u8,
    pub _pad1: [u8; 7],
    /// Space for fields added by later versions. Always zero.
    pub reserved: [u8; 680],
}

// 14 keys + feed id + dex pool + 8 keepers + creator; the pending venue (112); 15 u64/i64; two RiskParams; the pending IV
// (3 × 8); the recent price range (5 × 8); i32 + u32; u16 + 11 single bytes + 3
// padding; reserved.
const_assert_eq!(
    core::mem::size_of::<Vault>(),
    32 * 14
        + 32
        + 32 * 8
        + 8 * 15
        + 2 * core::mem::size_of::<RiskParams>()
        + 24
        + 40
        + 8
        + 16
        + 32
        + 112
        + 680
);
// Nothing is deployed yet, so version 1 is this layout (marks added fields in place).
// From the first deployment on, new fields come out of `reserved`, at the end, and the
// size stays fixed; an incompatible change bumps `VAULT_VERSION` with a migration.
const_assert_eq!(core::mem::size_of::<Vault>(), 2_408);
const_assert_eq!(core::mem::size_of::<Vault>() % 8, 0);

impl Vault {
    /// Account size including the discriminator.
    pub const SPACE: usize = 8 + core::mem::size_of::<Vault>();

    /// The vault's PDA seeds, copied out so no borrow of the account is held during a
    /// CPI that the vault signs.
    pub fn seeds(&self) -> VaultSeeds {
        VaultSeeds {
            creator: self.creator,
            quote_mint: self.quote_mint,
            underlying_mint: self.underlying_mint,
            vault_id: self.vault_id.to_le_bytes(),
            bump: [self.bump],
        }
    }

    pub fn oracle_kind(&self) -> Result<OracleKind> {
        match self.oracle_kind {
            0 => Ok(OracleKind::PythLegacy),
            1 => Ok(OracleKind::PythPullV2),
            _ => err!(VaultError::OracleInvalidData),
        }
    }

    /// Fails with `InstructionPaused` when `flag` is set.
    pub fn require_not_paused(&self, flag: u32) -> Result<()> {
        require!(self.paused & flag == 0, VaultError::InstructionPaused);
        Ok(())
    }

    /// True when at least one keeper is registered.
    pub fn has_keepers(&self) -> bool {
        self.keepers.iter().any(|k| *k != Pubkey::default())
    }

    pub fn is_keeper(&self, key: &Pubkey) -> bool {
        *key != Pubkey::default() && self.keepers.contains(key)
    }

    /// Quote not reserved for written options or owed to settled holders: what LP
    /// withdrawals may take.
    pub fn free_quote(&self) -> u64 {
        self.quote_assets
            .saturating_sub(self.locked_quote)
            .saturating_sub(self.settled_payouts_owed)
    }
}
