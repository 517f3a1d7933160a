//! The vault's Raydium CPMM pool as a client sees it: which pool vault holds the quote
//! (pools order their mints by address, not by role), and the reserves snapshot the
//! program computes in `rebalance` (vault balances less accrued fees, the config's trade
//! fee), built from fetched accounts so the program's own `ledger::plan_hedge` and
//! `ledger::plan_liquidation` can run on copies.

use anchor_lang::prelude::Pubkey;
use hedge_vault::dex::{self, PoolView, STATUS_DISABLE_SWAP};
use hedge_vault::ledger::PoolSnapshot;

/// The pool's accounts in the vault's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolSides {
    pub amm_config: Pubkey,
    pub observation: Pubkey,
    pub quote_vault: Pubkey,
    pub underlying_vault: Pubkey,
    /// Fees accrued on each side (not part of the reserves).
    pub fees_quote: u64,
    pub fees_underlying: u64,
    pub swaps_disabled: bool,
    pub creator_fee: bool,
}

/// Why a pool cannot serve the vault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolError {
    /// Not a Raydium CPMM `PoolState`.
    NotAPool,
    /// The pool does not trade the vault's two mints.
    MintsMismatch,
    /// A pool vault or the config could not be read (missing, not a token account).
    Unreadable(&'static str),
    /// The pool's swaps are disabled (`DexSwapDisabled` in the program).
    SwapsDisabled,
    /// Accrued fees above a vault balance: the accounts do not belong together.
    Inconsistent,
}

impl std::fmt::Display for PoolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PoolError::NotAPool => f.write_str("not a Raydium CPMM pool"),
            PoolError::MintsMismatch => f.write_str("the pool does not trade the vault's mints"),
            PoolError::Unreadable(what) => write!(f, "the pool's {what} could not be read"),
            PoolError::SwapsDisabled => f.write_str("the pool's swaps are disabled"),
            PoolError::Inconsistent => f.write_str("pool fees above its balances"),
        }
    }
}

/// Parses the pool and orients it for a vault of `quote_mint`/`underlying_mint`.
pub fn sides(
    pool_data: &[u8],
    quote_mint: &Pubkey,
    underlying_mint: &Pubkey,
) -> Result<PoolSides, PoolError> {
    let p: PoolView = dex::read_pool(pool_data).map_err(|_| PoolError::NotAPool)?;
    let quote_is_0 = if p.mint_0 == *quote_mint && p.mint_1 == *underlying_mint {
        true
    } else if p.mint_1 == *quote_mint && p.mint_0 == *underlying_mint {
        false
    } else {
        return Err(PoolError::MintsMismatch);
    };
    let (quote_vault, underlying_vault, fees_quote, fees_underlying) = if quote_is_0 {
        (p.vault_0, p.vault_1, p.fees_0, p.fees_1)
    } else {
        (p.vault_1, p.vault_0, p.fees_1, p.fees_0)
    };
    Ok(PoolSides {
        amm_config: p.amm_config,
        observation: p.observation,
        quote_vault,
        underlying_vault,
        fees_quote,
        fees_underlying,
        swaps_disabled: p.status & STATUS_DISABLE_SWAP != 0,
        creator_fee: p.creator_fee,
    })
}

/// The amount of a token account of either token program (the base layout's bytes
/// 64..72), if `owner` is a token program and the data is a token account.
pub fn token_amount(owner: &Pubkey, data: &[u8]) -> Option<u64> {
    let token_program = *owner == anchor_spl::token::ID || *owner == anchor_spl::token_2022::ID;
    if !token_program || data.len() < 165 {
        return None;
    }
    Some(u64::from_le_bytes(data[64..72].try_into().ok()?))
}

/// What `rebalance` computes as its `PoolSnapshot`, from fetched copies: the config's
/// bytes and the two pool vaults' (owner, bytes).
pub fn snapshot(
    sides: &PoolSides,
    amm_config_data: &[u8],
    pool_quote_vault: (&Pubkey, &[u8]),
    pool_underlying_vault: (&Pubkey, &[u8]),
) -> Result<PoolSnapshot, PoolError> {
    if sides.swaps_disabled {
        return Err(PoolError::SwapsDisabled);
    }
    let fee_rate =
        dex::read_trade_fee_rate(amm_config_data).map_err(|_| PoolError::Unreadable("config"))?;
    let quote = token_amount(pool_quote_vault.0, pool_quote_vault.1)
        .ok_or(PoolError::Unreadable("quote vault"))?;
    let underlying = token_amount(pool_underlying_vault.0, pool_underlying_vault.1)
        .ok_or(PoolError::Unreadable("underlying vault"))?;
    Ok(PoolSnapshot {
        fee_rate,
        reserve_quote: quote
            .checked_sub(sides.fees_quote)
            .ok_or(PoolError::Inconsistent)?,
        reserve_underlying: underlying
            .checked_sub(sides.fees_underlying)
            .ok_or(PoolError::Inconsistent)?,
    })
}
