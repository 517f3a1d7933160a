//! Raydium CPMM account layouts, discriminators and seeds, as in the interface facts.

use solana_program::pubkey::Pubkey;

pub const SWAP_BASE_INPUT: [u8; 8] = [143, 190, 90, 218, 196, 30, 51, 222];
pub const SWAP_BASE_OUTPUT: [u8; 8] = [55, 217, 98, 86, 163, 74, 180, 173];
pub const INITIALIZE: [u8; 8] = [175, 175, 109, 31, 13, 152, 155, 237];
pub const DEPOSIT: [u8; 8] = [242, 35, 198, 137, 82, 225, 242, 182];

pub const AMM_CONFIG_DISCRIMINATOR: [u8; 8] = [218, 244, 33, 104, 203, 203, 43, 111];
pub const POOL_STATE_DISCRIMINATOR: [u8; 8] = [247, 237, 227, 245, 215, 195, 222, 70];
pub const OBSERVATION_DISCRIMINATOR: [u8; 8] = [122, 174, 197, 53, 129, 9, 165, 132];

pub const AMM_CONFIG_LEN: usize = 236;
pub const POOL_STATE_LEN: usize = 637;
pub const OBSERVATION_LEN: usize = 4075;

pub const AUTH_SEED: &[u8] = b"vault_and_lp_mint_auth_seed";
pub const AMM_CONFIG_SEED: &[u8] = b"amm_config";
pub const POOL_SEED: &[u8] = b"pool";
pub const POOL_LP_MINT_SEED: &[u8] = b"pool_lp_mint";
pub const POOL_VAULT_SEED: &[u8] = b"pool_vault";
pub const OBSERVATION_SEED: &[u8] = b"observation";

/// Fee rates are parts per `FEE_RATE_DENOMINATOR`.
pub const FEE_RATE_DENOMINATOR: u64 = 1_000_000;

/// Status bits: a set bit disables the operation.
pub const STATUS_DISABLE_DEPOSIT: u8 = 1;
pub const STATUS_DISABLE_WITHDRAW: u8 = 2;
pub const STATUS_DISABLE_SWAP: u8 = 4;

/// `AmmConfig` field offsets.
pub mod amm_config {
    pub const BUMP: usize = 8;
    pub const DISABLE_CREATE_POOL: usize = 9;
    pub const INDEX: usize = 10;
    pub const TRADE_FEE_RATE: usize = 12;
    pub const PROTOCOL_FEE_RATE: usize = 20;
    pub const FUND_FEE_RATE: usize = 28;
    pub const CREATE_POOL_FEE: usize = 36;
    pub const PROTOCOL_OWNER: usize = 44;
    pub const FUND_OWNER: usize = 76;
    pub const CREATOR_FEE_RATE: usize = 108;
}

/// `PoolState` field offsets (`repr(C, packed)`).
pub mod pool {
    pub const AMM_CONFIG: usize = 8;
    pub const POOL_CREATOR: usize = 40;
    pub const TOKEN_0_VAULT: usize = 72;
    pub const TOKEN_1_VAULT: usize = 104;
    pub const LP_MINT: usize = 136;
    pub const TOKEN_0_MINT: usize = 168;
    pub const TOKEN_1_MINT: usize = 200;
    pub const TOKEN_0_PROGRAM: usize = 232;
    pub const TOKEN_1_PROGRAM: usize = 264;
    pub const OBSERVATION_KEY: usize = 296;
    pub const AUTH_BUMP: usize = 328;
    pub const STATUS: usize = 329;
    pub const LP_MINT_DECIMALS: usize = 330;
    pub const MINT_0_DECIMALS: usize = 331;
    pub const MINT_1_DECIMALS: usize = 332;
    pub const LP_SUPPLY: usize = 333;
    pub const PROTOCOL_FEES_TOKEN_0: usize = 341;
    pub const PROTOCOL_FEES_TOKEN_1: usize = 349;
    pub const FUND_FEES_TOKEN_0: usize = 357;
    pub const FUND_FEES_TOKEN_1: usize = 365;
    pub const OPEN_TIME: usize = 373;
    pub const RECENT_EPOCH: usize = 381;
    pub const CREATOR_FEE_ON: usize = 389;
    pub const ENABLE_CREATOR_FEE: usize = 390;
    pub const CREATOR_FEES_TOKEN_0: usize = 397;
    pub const CREATOR_FEES_TOKEN_1: usize = 405;
}

pub fn read_u64(data: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(data[at..at + 8].try_into().unwrap())
}

pub fn write_u64(data: &mut [u8], at: usize, v: u64) {
    data[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

pub fn read_key(data: &[u8], at: usize) -> Pubkey {
    Pubkey::new_from_array(data[at..at + 32].try_into().unwrap())
}

pub fn write_key(data: &mut [u8], at: usize, k: &Pubkey) {
    data[at..at + 32].copy_from_slice(k.as_ref());
}

/// Bytes of an `AmmConfig` account (what Raydium's admin creates with
/// `create_amm_config`); tests and the sandbox write it directly.
pub fn amm_config_data(
    bump: u8,
    index: u16,
    trade_fee_rate: u64,
    protocol_fee_rate: u64,
    fund_fee_rate: u64,
) -> Vec<u8> {
    let mut d = vec![0u8; AMM_CONFIG_LEN];
    d[..8].copy_from_slice(&AMM_CONFIG_DISCRIMINATOR);
    d[amm_config::BUMP] = bump;
    d[amm_config::INDEX..amm_config::INDEX + 2].copy_from_slice(&index.to_le_bytes());
    write_u64(&mut d, amm_config::TRADE_FEE_RATE, trade_fee_rate);
    write_u64(&mut d, amm_config::PROTOCOL_FEE_RATE, protocol_fee_rate);
    write_u64(&mut d, amm_config::FUND_FEE_RATE, fund_fee_rate);
    d
}

pub fn authority_pda(program_id: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[AUTH_SEED], program_id)
}

pub fn amm_config_pda(program_id: &Pubkey, index: u16) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[AMM_CONFIG_SEED, &index.to_be_bytes()], program_id)
}

pub fn pool_pda(
    program_id: &Pubkey,
    config: &Pubkey,
    mint0: &Pubkey,
    mint1: &Pubkey,
) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[POOL_SEED, config.as_ref(), mint0.as_ref(), mint1.as_ref()],
        program_id,
    )
}

pub fn lp_mint_pda(program_id: &Pubkey, pool: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[POOL_LP_MINT_SEED, pool.as_ref()], program_id)
}

pub fn vault_pda(program_id: &Pubkey, pool: &Pubkey, mint: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[POOL_VAULT_SEED, pool.as_ref(), mint.as_ref()], program_id)
}

pub fn observation_pda(program_id: &Pubkey, pool: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[OBSERVATION_SEED, pool.as_ref()], program_id)
}
