//! Governance and series-admin instructions (the `hedge-admin` CLI, multisig proposals).
//! The signer is whoever holds the role; the program checks it, the CLI checks it first.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use hedge_vault::instructions::list_series::ListSeriesArgs;
use hedge_vault::state::{OracleKind, RiskParams};
use hedge_vault::{accounts as ha, instruction as hi};

use super::ix;
use crate::pda::event_authority;

/// The accounts of every `Govern` instruction (the signer's role is the handler's check).
pub fn govern(signer: Pubkey, vault: Pubkey) -> ha::Govern {
    ha::Govern {
        signer,
        vault,
        event_authority: event_authority(),
        program: hedge_vault::ID,
    }
}

/// The accounts of every `ManageSeries` instruction.
pub fn manage(admin: Pubkey, vault: Pubkey, book: Pubkey) -> ha::ManageSeries {
    ha::ManageSeries {
        admin,
        vault,
        book,
        event_authority: event_authority(),
        program: hedge_vault::ID,
    }
}

/// `propose_risk_params` (authority, or the guardian for a pure tightening).
pub fn propose_risk(signer: Pubkey, vault: Pubkey, params: RiskParams) -> Instruction {
    ix(govern(signer, vault), hi::ProposeRiskParams { params })
}

/// `apply_risk_params` (authority, after the timelock).
pub fn apply_risk(signer: Pubkey, vault: Pubkey) -> Instruction {
    ix(govern(signer, vault), hi::ApplyRiskParams {})
}

/// `set_pause` (authority: any bits; guardian: only adds bits).
pub fn set_pause(signer: Pubkey, vault: Pubkey, flags: u32) -> Instruction {
    ix(govern(signer, vault), hi::SetPause { flags })
}

/// `set_keeper` (authority): adds or removes a keeper.
pub fn set_keeper(signer: Pubkey, vault: Pubkey, keeper: Pubkey, enabled: bool) -> Instruction {
    ix(govern(signer, vault), hi::SetKeeper { keeper, enabled })
}

/// `set_roles` (authority): guardian and risk admin (`Pubkey::default()` disables one).
pub fn set_roles(
    signer: Pubkey,
    vault: Pubkey,
    guardian: Pubkey,
    risk_admin: Pubkey,
) -> Instruction {
    ix(
        govern(signer, vault),
        hi::SetRoles {
            guardian,
            risk_admin,
        },
    )
}

/// `propose_authority` (authority; `Pubkey::default()` cancels a pending transfer).
pub fn propose_authority(signer: Pubkey, vault: Pubkey, new_authority: Pubkey) -> Instruction {
    ix(
        govern(signer, vault),
        hi::ProposeAuthority { new_authority },
    )
}

/// `accept_authority` (the pending authority).
pub fn accept_authority(signer: Pubkey, vault: Pubkey) -> Instruction {
    ix(govern(signer, vault), hi::AcceptAuthority {})
}

/// `propose_venue` (authority): a new oracle and pool, applied after the timelock.
pub fn propose_venue(
    authority: Pubkey,
    vault: Pubkey,
    oracle: Pubkey,
    dex_pool: Pubkey,
    oracle_kind: OracleKind,
    oracle_feed_id: [u8; 32],
) -> Instruction {
    ix(
        ha::ProposeVenue {
            authority,
            vault,
            oracle,
            dex_pool,
            event_authority: event_authority(),
            program: hedge_vault::ID,
        },
        hi::ProposeVenue {
            oracle_kind,
            oracle_feed_id,
        },
    )
}

/// `apply_venue` (authority, after the timelock).
pub fn apply_venue(authority: Pubkey, vault: Pubkey, book: Pubkey) -> Instruction {
    ix(
        ha::ApplyVenue {
            authority,
            vault,
            book,
            event_authority: event_authority(),
            program: hedge_vault::ID,
        },
        hi::ApplyVenue {},
    )
}

/// `list_series` (authority or risk admin).
pub fn list_series(
    admin: Pubkey,
    vault: Pubkey,
    book: Pubkey,
    args: ListSeriesArgs,
) -> Instruction {
    ix(manage(admin, vault, book), hi::ListSeries { args })
}

/// `set_series_iv` (authority or risk admin): applies a small step, proposes a large one.
pub fn set_series_iv(
    admin: Pubkey,
    vault: Pubkey,
    book: Pubkey,
    series_id: u64,
    iv_ppm: u64,
) -> Instruction {
    ix(
        manage(admin, vault, book),
        hi::SetSeriesIv { series_id, iv_ppm },
    )
}

/// `set_series_limits` (authority or risk admin).
pub fn set_series_limits(
    admin: Pubkey,
    vault: Pubkey,
    book: Pubkey,
    series_id: u64,
    max_open_interest: u64,
    min_trade_size: u64,
) -> Instruction {
    ix(
        manage(admin, vault, book),
        hi::SetSeriesLimits {
            series_id,
            max_open_interest,
            min_trade_size,
        },
    )
}

/// `delist_series` (authority or risk admin; zero open interest, nothing left to pay).
pub fn delist_series(admin: Pubkey, vault: Pubkey, book: Pubkey, series_id: u64) -> Instruction {
    ix(manage(admin, vault, book), hi::DelistSeries { series_id })
}
