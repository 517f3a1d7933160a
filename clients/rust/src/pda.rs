//! Every program-derived address of the vault program (seeds in
//! `hedge_vault::state::seeds`), and Raydium's pool authority.

use anchor_lang::prelude::Pubkey;
use hedge_vault::dex::{AUTH_SEED, RAYDIUM_CPMM_PROGRAM};
use hedge_vault::state::seeds;

fn find(seeds: &[&[u8]]) -> Pubkey {
    Pubkey::find_program_address(seeds, &hedge_vault::ID).0
}

/// `["vault", creator, quote_mint, underlying_mint, vault_id LE]`.
pub fn vault(creator: &Pubkey, quote_mint: &Pubkey, underlying_mint: &Pubkey, id: u16) -> Pubkey {
    find(&[
        seeds::VAULT,
        creator.as_ref(),
        quote_mint.as_ref(),
        underlying_mint.as_ref(),
        &id.to_le_bytes(),
    ])
}

pub fn book(vault: &Pubkey) -> Pubkey {
    find(&[seeds::BOOK, vault.as_ref()])
}

pub fn share_mint(vault: &Pubkey) -> Pubkey {
    find(&[seeds::SHARE_MINT, vault.as_ref()])
}

pub fn quote_vault(vault: &Pubkey) -> Pubkey {
    find(&[seeds::QUOTE_VAULT, vault.as_ref()])
}

pub fn underlying_vault(vault: &Pubkey) -> Pubkey {
    find(&[seeds::UNDERLYING_VAULT, vault.as_ref()])
}

pub fn share_escrow(vault: &Pubkey) -> Pubkey {
    find(&[seeds::SHARE_ESCROW, vault.as_ref()])
}

/// A trader's position in one series.
pub fn position(vault: &Pubkey, series_id: u64, owner: &Pubkey) -> Pubkey {
    find(&[
        seeds::POSITION,
        vault.as_ref(),
        &series_id.to_le_bytes(),
        owner.as_ref(),
    ])
}

/// An LP's withdrawal request.
pub fn withdrawal(vault: &Pubkey, owner: &Pubkey) -> Pubkey {
    find(&[seeds::WITHDRAWAL, vault.as_ref(), owner.as_ref()])
}

/// Anchor's event-CPI authority of the vault program.
pub fn event_authority() -> Pubkey {
    find(&[b"__event_authority"])
}

/// Raydium CPMM's vault-and-LP-mint authority.
pub fn raydium_authority() -> Pubkey {
    Pubkey::find_program_address(&[AUTH_SEED], &RAYDIUM_CPMM_PROGRAM).0
}
