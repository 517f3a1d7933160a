//! The DEX adapter: Raydium CPMM (CP-Swap) `swap_base_input`, built byte for byte as the
//! real program expects it (13 accounts, discriminator ‖ amount_in ‖ minimum_amount_out),
//! plus a reader of the real `PoolState` layout and the pool's constant-product quote.
//! Nothing here is test-only: on mainnet the same CPI hits the real pool.

use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::solana_program::program::invoke_signed;
use anchor_lang::solana_program::pubkey;

use crate::error::VaultError;
use crate::math::cpmm::{self, PoolError};

/// Raydium CPMM program (mainnet build).
pub const RAYDIUM_CPMM_PROGRAM: Pubkey = pubkey!("CPMMoo8L3F4NbTegBCKVNunggL7H1ZpdTHKxQB5qKP1C");
/// sha256("global:swap_base_input")[..8]
pub const SWAP_BASE_INPUT: [u8; 8] = [143, 190, 90, 218, 196, 30, 51, 222];
/// sha256("account:PoolState")[..8] and sha256("account:AmmConfig")[..8]
pub const POOL_STATE_DISCRIMINATOR: [u8; 8] = [247, 237, 227, 245, 215, 195, 222, 70];
pub const AMM_CONFIG_DISCRIMINATOR: [u8; 8] = [218, 244, 33, 104, 203, 203, 43, 111];
/// Raydium's authority PDA seed.
pub const AUTH_SEED: &[u8] = b"vault_and_lp_mint_auth_seed";
/// Fee rates are parts per million.
pub use crate::math::cpmm::FEE_RATE_DENOMINATOR;
/// Pool status bit that disables swaps.
pub const STATUS_DISABLE_SWAP: u8 = 4;

/// What the vault needs from a `PoolState` (packed layout, offsets from Raydium).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolView {
    pub amm_config: Pubkey,
    pub vault_0: Pubkey,
    pub vault_1: Pubkey,
    pub mint_0: Pubkey,
    pub mint_1: Pubkey,
    pub observation: Pubkey,
    /// Bump of Raydium's authority PDA (so the address is checked without a search).
    pub auth_bump: u8,
    pub status: u8,
    /// Fees accrued per side (protocol + fund + creator): not part of the reserves.
    pub fees_0: u64,
    pub fees_1: u64,
    /// `enable_creator_fee`: a pool made by `initialize_with_permission` may charge a
    /// creator fee on top of the trade fee, which the vault's quotes do not model.
    pub creator_fee: bool,
}

fn key_at(d: &[u8], at: usize) -> Pubkey {
    let mut k = [0u8; 32];
    k.copy_from_slice(&d[at..at + 32]);
    Pubkey::new_from_array(k)
}

fn u64_at(d: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[at..at + 8]);
    u64::from_le_bytes(b)
}

/// Parses a `PoolState` (637 bytes). Errors, never panics, on other data.
pub fn read_pool(data: &[u8]) -> Result<PoolView> {
    require!(
        data.len() >= 637 && data[..8] == POOL_STATE_DISCRIMINATOR,
        VaultError::InvalidDexPool
    );
    let fee = |a: usize, b: usize, c: usize| {
        u64_at(data, a)
            .checked_add(u64_at(data, b))
            .and_then(|v| v.checked_add(u64_at(data, c)))
            .ok_or_else(|| error!(VaultError::MathOverflow))
    };
    Ok(PoolView {
        amm_config: key_at(data, 8),
        vault_0: key_at(data, 72),
        vault_1: key_at(data, 104),
        mint_0: key_at(data, 168),
        mint_1: key_at(data, 200),
        observation: key_at(data, 296),
        auth_bump: data[328],
        status: data[329],
        fees_0: fee(341, 357, 397)?,
        fees_1: fee(349, 365, 405)?,
        creator_fee: data[390] != 0,
    })
}

/// A Raydium CPMM pool of the vault's two mints (either order), owned by Raydium, with
/// no creator fee: `InvalidDexPool` otherwise. What `initialize_vault` and `propose_venue` accept.
pub fn require_pool_of(
    pool: &AccountInfo,
    quote_mint: &Pubkey,
    underlying_mint: &Pubkey,
) -> Result<()> {
    require_keys_eq!(
        *pool.owner,
        RAYDIUM_CPMM_PROGRAM,
        VaultError::InvalidDexPool
    );
    let p = read_pool(&pool.try_borrow_data()?)?;
    require!(
        (p.mint_0 == *quote_mint && p.mint_1 == *underlying_mint)
            || (p.mint_1 == *quote_mint && p.mint_0 == *underlying_mint),
        VaultError::InvalidDexPool
    );
    // The sizes that land at the slippage limit model the trade fee only.
    require!(!p.creator_fee, VaultError::InvalidDexPool);
    Ok(())
}

/// Trade fee rate (ppm) from an `AmmConfig` (236 bytes); below 100%, as Raydium
/// enforces when it creates the config.
pub fn read_trade_fee_rate(data: &[u8]) -> Result<u64> {
    require!(
        data.len() >= 236 && data[..8] == AMM_CONFIG_DISCRIMINATOR,
        VaultError::DexAccountMismatch
    );
    let rate = u64_at(data, 12);
    require!(
        (rate as u128) < FEE_RATE_DENOMINATOR,
        VaultError::DexAccountMismatch
    );
    Ok(rate)
}

/// The pool math's errors as the vault names them.
fn pool_err(e: PoolError) -> Error {
    match e {
        PoolError::Overflow => error!(VaultError::MathOverflow),
        PoolError::InvalidPool => error!(VaultError::DexAccountMismatch),
        PoolError::OutExceedsReserve => error!(VaultError::HedgeSizeTooLarge),
    }
}

/// [`cpmm::quote_out`]: the pool's output for `amount_in` (x in, y out).
pub fn quote_out(amount_in: u64, x: u64, y: u64, fee_rate: u64) -> Result<u64> {
    cpmm::quote_out(amount_in, x, y, fee_rate).map_err(pool_err)
}

/// [`cpmm::quote_in_for_out`]: the smallest input that buys `out`.
pub fn quote_in_for_out(out: u64, x: u64, y: u64, fee_rate: u64) -> Result<u64> {
    cpmm::quote_in_for_out(out, x, y, fee_rate).map_err(pool_err)
}

/// [`cpmm::max_buy_within`]: the continuous bound of a buy at `limit`.
pub fn max_buy_within(limit: u64, x: u64, y: u64, fee_rate: u64, unit: u64) -> Result<u64> {
    cpmm::max_buy_within(limit, x, y, fee_rate, unit).map_err(pool_err)
}

/// [`cpmm::max_sell_within`]: the continuous bound of a sale at `limit`.
pub fn max_sell_within(limit: u64, x: u64, y: u64, fee_rate: u64, unit: u64) -> Result<u64> {
    cpmm::max_sell_within(limit, x, y, fee_rate, unit).map_err(pool_err)
}

/// [`cpmm::max_buy_at_limit`]: the largest buy ≤ `cap` that lands within `limit`.
pub fn max_buy_at_limit(
    cap: u64,
    limit: u64,
    x_quote: u64,
    y_underlying: u64,
    fee_rate: u64,
    unit: u64,
) -> Result<u64> {
    cpmm::max_buy_at_limit(cap, limit, x_quote, y_underlying, fee_rate, unit).map_err(pool_err)
}

/// [`cpmm::max_sell_at_limit`]: the largest sale ≤ `cap` that lands at `limit` or better.
pub fn max_sell_at_limit(
    cap: u64,
    limit: u64,
    x_underlying: u64,
    y_quote: u64,
    fee_rate: u64,
    unit: u64,
) -> Result<u64> {
    cpmm::max_sell_at_limit(cap, limit, x_underlying, y_quote, fee_rate, unit).map_err(pool_err)
}

/// [`cpmm::pool_price`]: the pool's mid, quote atoms per underlying unit, rounded down.
pub fn pool_price(x_quote: u64, y_underlying: u64, unit: u64) -> Result<u64> {
    cpmm::pool_price(x_quote, y_underlying, unit).map_err(pool_err)
}

/// The accounts of one `swap_base_input`, in Raydium's order.
pub struct SwapAccounts<'a, 'info> {
    pub payer: &'a AccountInfo<'info>,
    pub authority: &'a AccountInfo<'info>,
    pub amm_config: &'a AccountInfo<'info>,
    pub pool_state: &'a AccountInfo<'info>,
    pub input_token_account: &'a AccountInfo<'info>,
    pub output_token_account: &'a AccountInfo<'info>,
    pub input_vault: &'a AccountInfo<'info>,
    pub output_vault: &'a AccountInfo<'info>,
    pub input_token_program: &'a AccountInfo<'info>,
    pub output_token_program: &'a AccountInfo<'info>,
    pub input_mint: &'a AccountInfo<'info>,
    pub output_mint: &'a AccountInfo<'info>,
    pub observation: &'a AccountInfo<'info>,
    pub program: &'a AccountInfo<'info>,
}

/// The real instruction: 13 metas and 24 bytes of data.
pub fn swap_base_input_ix(
    a: &SwapAccounts,
    amount_in: u64,
    minimum_amount_out: u64,
) -> Instruction {
    let mut data = Vec::with_capacity(24);
    data.extend_from_slice(&SWAP_BASE_INPUT);
    data.extend_from_slice(&amount_in.to_le_bytes());
    data.extend_from_slice(&minimum_amount_out.to_le_bytes());
    Instruction {
        program_id: *a.program.key,
        accounts: vec![
            AccountMeta::new_readonly(*a.payer.key, true),
            AccountMeta::new_readonly(*a.authority.key, false),
            AccountMeta::new_readonly(*a.amm_config.key, false),
            AccountMeta::new(*a.pool_state.key, false),
            AccountMeta::new(*a.input_token_account.key, false),
            AccountMeta::new(*a.output_token_account.key, false),
            AccountMeta::new(*a.input_vault.key, false),
            AccountMeta::new(*a.output_vault.key, false),
            AccountMeta::new_readonly(*a.input_token_program.key, false),
            AccountMeta::new_readonly(*a.output_token_program.key, false),
            AccountMeta::new_readonly(*a.input_mint.key, false),
            AccountMeta::new_readonly(*a.output_mint.key, false),
            AccountMeta::new(*a.observation.key, false),
        ],
        data,
    }
}

/// CPI into the pool with the vault PDA as payer.
pub fn swap_base_input(
    a: &SwapAccounts,
    amount_in: u64,
    minimum_amount_out: u64,
    signer_seeds: &[&[u8]],
) -> Result<()> {
    let ix = swap_base_input_ix(a, amount_in, minimum_amount_out);
    invoke_signed(
        &ix,
        &[
            a.payer.clone(),
            a.authority.clone(),
            a.amm_config.clone(),
            a.pool_state.clone(),
            a.input_token_account.clone(),
            a.output_token_account.clone(),
            a.input_vault.clone(),
            a.output_vault.clone(),
            a.input_token_program.clone(),
            a.output_token_program.clone(),
            a.input_mint.clone(),
            a.output_mint.clone(),
            a.observation.clone(),
            a.program.clone(),
        ],
        &[signer_seeds],
    )?;
    Ok(())
}
