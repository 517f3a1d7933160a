//! TEST-ONLY stand-in for Raydium CPMM. Never deploy: see README.md.
//!
//! Same program id, discriminators, argument bytes, account order, PDA seeds, account
//! layouts, fee and constant-product math, status bits and error codes as Raydium's
//! CP-Swap, so that the vault's CPI (built for the real pool) runs unchanged in tests.

use solana_program::account_info::{next_account_info, AccountInfo};
use solana_program::entrypoint::ProgramResult;
use solana_program::msg;
use solana_program::program::{invoke, invoke_signed};
use solana_program::program_error::ProgramError;
use solana_program::program_pack::Pack;
use solana_program::pubkey::Pubkey;
use solana_program::sysvar::{clock::Clock, rent::Rent, Sysvar};
use solana_system_interface::instruction as system_instruction;
use solana_system_interface::program as system_program;

pub mod curve;
pub mod layout;

use layout::*;

solana_program::declare_id!("CPMMoo8L3F4NbTegBCKVNunggL7H1ZpdTHKxQB5qKP1C");

#[cfg(not(feature = "no-entrypoint"))]
solana_program::entrypoint!(process_instruction);

/// Raydium's custom errors (6000+) and the Anchor codes its constraints produce.
pub mod error {
    pub const NOT_APPROVED: u32 = 6000;
    pub const EXCEEDED_SLIPPAGE: u32 = 6005;
    pub const ZERO_TRADING_TOKENS: u32 = 6006;
    pub const INVALID_VAULT: u32 = 6008;
    pub const INIT_LP_AMOUNT_TOO_LESS: u32 = 6009;
    pub const MATH_OVERFLOW: u32 = 6011;
    pub const INSUFFICIENT_VAULT: u32 = 6012;
    pub const CONSTRAINT_MUT: u32 = 2000;
    pub const CONSTRAINT_RAW: u32 = 2003;
    pub const CONSTRAINT_SEEDS: u32 = 2006;
    pub const CONSTRAINT_ADDRESS: u32 = 2012;
    pub const REQUIRE_GT_VIOLATED: u32 = 2505;
    pub const REQUIRE_GTE_VIOLATED: u32 = 2506;
    pub const DISCRIMINATOR_MISMATCH: u32 = 3002;
    pub const ACCOUNT_OWNED_BY_WRONG_PROGRAM: u32 = 3007;
    pub const INVALID_PROGRAM_ID: u32 = 3008;
}

fn fail(code: u32) -> ProgramError {
    ProgramError::Custom(code)
}

fn require(cond: bool, code: u32) -> ProgramResult {
    if cond {
        Ok(())
    } else {
        Err(fail(code))
    }
}

pub fn process_instruction(
    program_id: &Pubkey,
    accounts: &[AccountInfo],
    data: &[u8],
) -> ProgramResult {
    if data.len() < 8 {
        return Err(ProgramError::InvalidInstructionData);
    }
    let (disc, args) = data.split_at(8);
    let arg = |i: usize| -> Result<u64, ProgramError> {
        args.get(i * 8..i * 8 + 8)
            .map(|b| u64::from_le_bytes(b.try_into().unwrap()))
            .ok_or(ProgramError::InvalidInstructionData)
    };
    match <[u8; 8]>::try_from(disc).unwrap() {
        SWAP_BASE_INPUT => swap_base_input(program_id, accounts, arg(0)?, arg(1)?),
        INITIALIZE => initialize(program_id, accounts, arg(0)?, arg(1)?, arg(2)?),
        DEPOSIT => deposit(program_id, accounts, arg(0)?, arg(1)?, arg(2)?),
        _ => {
            msg!("stand-in: instruction not implemented");
            Err(ProgramError::InvalidInstructionData)
        }
    }
}

fn is_token_program(key: &Pubkey) -> bool {
    *key == spl_token::ID || *key == spl_token_2022::ID
}

/// Amount of a token account (SPL Token or Token-2022 base layout).
fn token_amount(acc: &AccountInfo) -> Result<u64, ProgramError> {
    let d = acc.try_borrow_data()?;
    if d.len() < 72 {
        return Err(ProgramError::InvalidAccountData);
    }
    Ok(read_u64(&d, 64))
}

fn token_mint(acc: &AccountInfo) -> Result<Pubkey, ProgramError> {
    let d = acc.try_borrow_data()?;
    if d.len() < 72 {
        return Err(ProgramError::InvalidAccountData);
    }
    Ok(read_key(&d, 0))
}

fn mint_decimals(mint: &AccountInfo) -> Result<u8, ProgramError> {
    let d = mint.try_borrow_data()?;
    d.get(44).copied().ok_or(ProgramError::InvalidAccountData)
}

#[allow(clippy::too_many_arguments)]
fn transfer<'a>(
    token_program: &AccountInfo<'a>,
    from: &AccountInfo<'a>,
    mint: &AccountInfo<'a>,
    to: &AccountInfo<'a>,
    authority: &AccountInfo<'a>,
    amount: u64,
    decimals: u8,
    signer_seeds: &[&[&[u8]]],
) -> ProgramResult {
    if amount == 0 {
        return Ok(());
    }
    let ix = spl_token_2022::instruction::transfer_checked(
        token_program.key,
        from.key,
        mint.key,
        to.key,
        authority.key,
        &[],
        amount,
        decimals,
    )?;
    invoke_signed(
        &ix,
        &[
            from.clone(),
            mint.clone(),
            to.clone(),
            authority.clone(),
            token_program.clone(),
        ],
        signer_seeds,
    )
}

fn check_program_account(acc: &AccountInfo, program_id: &Pubkey, disc: &[u8; 8]) -> ProgramResult {
    require(
        acc.owner == program_id,
        error::ACCOUNT_OWNED_BY_WRONG_PROGRAM,
    )?;
    let d = acc.try_borrow_data()?;
    require(
        d.len() >= 8 && d[..8] == disc[..],
        error::DISCRIMINATOR_MISMATCH,
    )
}

/// Net reserves: vault balance minus the fees accrued to protocol, fund and creator.
fn reserves(pool: &[u8], v0: u64, v1: u64) -> Result<(u64, u64), ProgramError> {
    let f0 = read_u64(pool, pool::PROTOCOL_FEES_TOKEN_0)
        .checked_add(read_u64(pool, pool::FUND_FEES_TOKEN_0))
        .and_then(|v| v.checked_add(read_u64(pool, pool::CREATOR_FEES_TOKEN_0)))
        .ok_or(fail(error::MATH_OVERFLOW))?;
    let f1 = read_u64(pool, pool::PROTOCOL_FEES_TOKEN_1)
        .checked_add(read_u64(pool, pool::FUND_FEES_TOKEN_1))
        .and_then(|v| v.checked_add(read_u64(pool, pool::CREATOR_FEES_TOKEN_1)))
        .ok_or(fail(error::MATH_OVERFLOW))?;
    Ok((
        v0.checked_sub(f0).ok_or(fail(error::INSUFFICIENT_VAULT))?,
        v1.checked_sub(f1).ok_or(fail(error::INSUFFICIENT_VAULT))?,
    ))
}

/// `swap_base_input(amount_in, minimum_amount_out)`: 13 accounts in Raydium's order.
fn swap_base_input(
    program_id: &Pubkey,
    accounts: &[AccountInfo],
    amount_in: u64,
    minimum_amount_out: u64,
) -> ProgramResult {
    let it = &mut accounts.iter();
    let payer = next_account_info(it)?;
    let authority = next_account_info(it)?;
    let amm_config = next_account_info(it)?;
    let pool_state = next_account_info(it)?;
    let input_account = next_account_info(it)?;
    let output_account = next_account_info(it)?;
    let input_vault = next_account_info(it)?;
    let output_vault = next_account_info(it)?;
    let input_program = next_account_info(it)?;
    let output_program = next_account_info(it)?;
    let input_mint = next_account_info(it)?;
    let output_mint = next_account_info(it)?;
    let observation = next_account_info(it)?;

    if !payer.is_signer {
        return Err(ProgramError::MissingRequiredSignature);
    }
    check_program_account(amm_config, program_id, &AMM_CONFIG_DISCRIMINATOR)?;
    check_program_account(pool_state, program_id, &POOL_STATE_DISCRIMINATOR)?;
    require(pool_state.is_writable, error::CONSTRAINT_MUT)?;
    require(observation.is_writable, error::CONSTRAINT_MUT)?;
    require(
        is_token_program(input_program.key) && is_token_program(output_program.key),
        error::INVALID_PROGRAM_ID,
    )?;

    let (rates, auth_bump, zero_for_one, x, y) = {
        let pool = pool_state.try_borrow_data()?;
        let config = amm_config.try_borrow_data()?;
        let (auth, _) = Pubkey::find_program_address(&[AUTH_SEED], program_id);
        require(*authority.key == auth, error::CONSTRAINT_SEEDS)?;
        require(
            read_key(&pool, pool::AMM_CONFIG) == *amm_config.key,
            error::CONSTRAINT_ADDRESS,
        )?;
        require(
            read_key(&pool, pool::OBSERVATION_KEY) == *observation.key,
            error::CONSTRAINT_ADDRESS,
        )?;
        let v0 = read_key(&pool, pool::TOKEN_0_VAULT);
        let v1 = read_key(&pool, pool::TOKEN_1_VAULT);
        require(
            *input_vault.key == v0 || *input_vault.key == v1,
            error::CONSTRAINT_RAW,
        )?;
        require(
            *output_vault.key == v0 || *output_vault.key == v1,
            error::CONSTRAINT_RAW,
        )?;
        let zero_for_one = if (*input_vault.key, *output_vault.key) == (v0, v1) {
            true
        } else if (*input_vault.key, *output_vault.key) == (v1, v0) {
            false
        } else {
            return Err(fail(error::INVALID_VAULT));
        };
        require(
            token_mint(input_vault)? == *input_mint.key,
            error::CONSTRAINT_ADDRESS,
        )?;
        require(
            token_mint(output_vault)? == *output_mint.key,
            error::CONSTRAINT_ADDRESS,
        )?;
        let now = Clock::get()?.unix_timestamp;
        let status = pool[pool::STATUS];
        let open_time = read_u64(&pool, pool::OPEN_TIME);
        require(
            status & STATUS_DISABLE_SWAP == 0 && now >= 0 && now as u64 >= open_time,
            error::NOT_APPROVED,
        )?;
        let (bal0, bal1) = if zero_for_one {
            (token_amount(input_vault)?, token_amount(output_vault)?)
        } else {
            (token_amount(output_vault)?, token_amount(input_vault)?)
        };
        let (n0, n1) = reserves(&pool, bal0, bal1)?;
        let (x, y) = if zero_for_one { (n0, n1) } else { (n1, n0) };
        let rates = (
            read_u64(&config, amm_config::TRADE_FEE_RATE),
            read_u64(&config, amm_config::PROTOCOL_FEE_RATE),
            read_u64(&config, amm_config::FUND_FEE_RATE),
        );
        (rates, pool[pool::AUTH_BUMP], zero_for_one, x, y)
    };

    require(amount_in > 0, error::REQUIRE_GT_VIOLATED)?;
    let r = curve::swap_base_input(amount_in, x, y, rates.0, rates.1, rates.2).map_err(
        |e| match e {
            curve::CurveError::ZeroTradingTokens => fail(error::ZERO_TRADING_TOKENS),
            curve::CurveError::Overflow => fail(error::MATH_OVERFLOW),
            curve::CurveError::ZeroOutput => fail(error::REQUIRE_GT_VIOLATED),
            curve::CurveError::Invariant => fail(error::REQUIRE_GTE_VIOLATED),
        },
    )?;
    if r.amount_out < minimum_amount_out {
        msg!(
            "stand-in: ExceededSlippage: out {} < min {}",
            r.amount_out,
            minimum_amount_out
        );
        return Err(fail(error::EXCEEDED_SLIPPAGE));
    }

    transfer(
        input_program,
        input_account,
        input_mint,
        input_vault,
        payer,
        amount_in,
        mint_decimals(input_mint)?,
        &[],
    )?;
    transfer(
        output_program,
        output_vault,
        output_mint,
        output_account,
        authority,
        r.amount_out,
        mint_decimals(output_mint)?,
        &[&[AUTH_SEED, &[auth_bump]]],
    )?;

    let mut pool = pool_state.try_borrow_mut_data()?;
    let (pf, ff) = if zero_for_one {
        (pool::PROTOCOL_FEES_TOKEN_0, pool::FUND_FEES_TOKEN_0)
    } else {
        (pool::PROTOCOL_FEES_TOKEN_1, pool::FUND_FEES_TOKEN_1)
    };
    let p = read_u64(&pool, pf)
        .checked_add(r.protocol_fee)
        .ok_or(fail(error::MATH_OVERFLOW))?;
    let f = read_u64(&pool, ff)
        .checked_add(r.fund_fee)
        .ok_or(fail(error::MATH_OVERFLOW))?;
    write_u64(&mut pool, pf, p);
    write_u64(&mut pool, ff, f);
    write_u64(&mut pool, pool::RECENT_EPOCH, Clock::get()?.epoch);
    Ok(())
}

fn create_pda_account<'a>(
    payer: &AccountInfo<'a>,
    target: &AccountInfo<'a>,
    system: &AccountInfo<'a>,
    owner: &Pubkey,
    space: usize,
    seeds: &[&[u8]],
) -> ProgramResult {
    let lamports = Rent::get()?.minimum_balance(space);
    let ix =
        system_instruction::create_account(payer.key, target.key, lamports, space as u64, owner);
    invoke_signed(
        &ix,
        &[payer.clone(), target.clone(), system.clone()],
        &[seeds],
    )
}

/// Integer square root, rounded down (Newton's method; at most ~70 steps for u128).
fn isqrt(n: u128) -> u128 {
    if n < 2 {
        return n;
    }
    let mut x = n;
    let mut y = x.div_ceil(2);
    while y < x {
        x = y;
        y = (x + n / x) / 2;
    }
    x
}

/// `initialize(init_amount_0, init_amount_1, open_time)`: 20 accounts in Raydium's order.
fn initialize(
    program_id: &Pubkey,
    accounts: &[AccountInfo],
    init_0: u64,
    init_1: u64,
    open_time: u64,
) -> ProgramResult {
    let it = &mut accounts.iter();
    let creator = next_account_info(it)?;
    let amm_config = next_account_info(it)?;
    let authority = next_account_info(it)?;
    let pool_state = next_account_info(it)?;
    let mint_0 = next_account_info(it)?;
    let mint_1 = next_account_info(it)?;
    let lp_mint = next_account_info(it)?;
    let creator_token_0 = next_account_info(it)?;
    let creator_token_1 = next_account_info(it)?;
    let creator_lp = next_account_info(it)?;
    let vault_0 = next_account_info(it)?;
    let vault_1 = next_account_info(it)?;
    let _create_pool_fee = next_account_info(it)?;
    let observation = next_account_info(it)?;
    let token_program = next_account_info(it)?;
    let token_0_program = next_account_info(it)?;
    let token_1_program = next_account_info(it)?;
    let ata_program = next_account_info(it)?;
    let system = next_account_info(it)?;
    let _rent = next_account_info(it)?;

    if !creator.is_signer {
        return Err(ProgramError::MissingRequiredSignature);
    }
    check_program_account(amm_config, program_id, &AMM_CONFIG_DISCRIMINATOR)?;
    require(
        amm_config.try_borrow_data()?[amm_config::DISABLE_CREATE_POOL] == 0,
        error::NOT_APPROVED,
    )?;
    require(
        mint_0.key.to_bytes() < mint_1.key.to_bytes(),
        error::CONSTRAINT_RAW,
    )?;
    require(pool_state.owner == &system_program::ID, error::NOT_APPROVED)?;
    let (auth, auth_bump) = authority_pda(program_id);
    require(*authority.key == auth, error::CONSTRAINT_SEEDS)?;

    // Pool: the canonical PDA, or any other address that signs.
    let (pool_key, pool_bump) = pool_pda(program_id, amm_config.key, mint_0.key, mint_1.key);
    if *pool_state.key == pool_key {
        create_pda_account(
            creator,
            pool_state,
            system,
            program_id,
            POOL_STATE_LEN,
            &[
                POOL_SEED,
                amm_config.key.as_ref(),
                mint_0.key.as_ref(),
                mint_1.key.as_ref(),
                &[pool_bump],
            ],
        )?;
    } else {
        require(pool_state.is_signer, error::CONSTRAINT_SEEDS)?;
        let lamports = Rent::get()?.minimum_balance(POOL_STATE_LEN);
        invoke(
            &system_instruction::create_account(
                creator.key,
                pool_state.key,
                lamports,
                POOL_STATE_LEN as u64,
                program_id,
            ),
            &[creator.clone(), pool_state.clone(), system.clone()],
        )?;
    }
    let pool = *pool_state.key;

    // LP mint (9 decimals, SPL Token) and the two vaults, all PDAs owned by the authority.
    let (lp_key, lp_bump) = lp_mint_pda(program_id, &pool);
    require(*lp_mint.key == lp_key, error::CONSTRAINT_SEEDS)?;
    create_pda_account(
        creator,
        lp_mint,
        system,
        &spl_token::ID,
        spl_token::state::Mint::LEN,
        &[POOL_LP_MINT_SEED, pool.as_ref(), &[lp_bump]],
    )?;
    invoke(
        &spl_token::instruction::initialize_mint2(&spl_token::ID, lp_mint.key, &auth, None, 9)?,
        &[lp_mint.clone(), token_program.clone()],
    )?;
    for (vault, mint, program) in [
        (vault_0, mint_0, token_0_program),
        (vault_1, mint_1, token_1_program),
    ] {
        require(
            is_token_program(program.key) && mint.owner == program.key,
            error::INVALID_PROGRAM_ID,
        )?;
        let (key, bump) = vault_pda(program_id, &pool, mint.key);
        require(*vault.key == key, error::CONSTRAINT_SEEDS)?;
        create_pda_account(
            creator,
            vault,
            system,
            program.key,
            spl_token::state::Account::LEN,
            &[POOL_VAULT_SEED, pool.as_ref(), mint.key.as_ref(), &[bump]],
        )?;
        invoke(
            &spl_token_2022::instruction::initialize_account3(
                program.key,
                vault.key,
                mint.key,
                &auth,
            )?,
            &[vault.clone(), mint.clone(), program.clone()],
        )?;
    }
    let (obs_key, obs_bump) = observation_pda(program_id, &pool);
    require(*observation.key == obs_key, error::CONSTRAINT_SEEDS)?;
    create_pda_account(
        creator,
        observation,
        system,
        program_id,
        OBSERVATION_LEN,
        &[OBSERVATION_SEED, pool.as_ref(), &[obs_bump]],
    )?;
    observation.try_borrow_mut_data()?[..8].copy_from_slice(&OBSERVATION_DISCRIMINATOR);

    // Fund the vaults and mint √(v0·v1) − 100 LP to the creator's ATA (created here).
    transfer(
        token_0_program,
        creator_token_0,
        mint_0,
        vault_0,
        creator,
        init_0,
        mint_decimals(mint_0)?,
        &[],
    )?;
    transfer(
        token_1_program,
        creator_token_1,
        mint_1,
        vault_1,
        creator,
        init_1,
        mint_decimals(mint_1)?,
        &[],
    )?;
    let (v0, v1) = (token_amount(vault_0)?, token_amount(vault_1)?);
    let liquidity = isqrt(v0 as u128 * v1 as u128) as u64;
    require(liquidity > 100, error::INIT_LP_AMOUNT_TOO_LESS)?;
    invoke(
        &spl_associated_token_account::instruction::create_associated_token_account(
            creator.key,
            creator.key,
            lp_mint.key,
            &spl_token::ID,
        ),
        &[
            creator.clone(),
            creator_lp.clone(),
            creator.clone(),
            lp_mint.clone(),
            system.clone(),
            token_program.clone(),
            ata_program.clone(),
        ],
    )?;
    invoke_signed(
        &spl_token::instruction::mint_to(
            &spl_token::ID,
            lp_mint.key,
            creator_lp.key,
            &auth,
            &[],
            liquidity - 100,
        )?,
        &[
            lp_mint.clone(),
            creator_lp.clone(),
            authority.clone(),
            token_program.clone(),
        ],
        &[&[AUTH_SEED, &[auth_bump]]],
    )?;

    let now = Clock::get()?.unix_timestamp.max(0) as u64;
    let mut d = pool_state.try_borrow_mut_data()?;
    d[..8].copy_from_slice(&POOL_STATE_DISCRIMINATOR);
    write_key(&mut d, pool::AMM_CONFIG, amm_config.key);
    write_key(&mut d, pool::POOL_CREATOR, creator.key);
    write_key(&mut d, pool::TOKEN_0_VAULT, vault_0.key);
    write_key(&mut d, pool::TOKEN_1_VAULT, vault_1.key);
    write_key(&mut d, pool::LP_MINT, lp_mint.key);
    write_key(&mut d, pool::TOKEN_0_MINT, mint_0.key);
    write_key(&mut d, pool::TOKEN_1_MINT, mint_1.key);
    write_key(&mut d, pool::TOKEN_0_PROGRAM, token_0_program.key);
    write_key(&mut d, pool::TOKEN_1_PROGRAM, token_1_program.key);
    write_key(&mut d, pool::OBSERVATION_KEY, observation.key);
    d[pool::AUTH_BUMP] = auth_bump;
    d[pool::STATUS] = 0;
    d[pool::LP_MINT_DECIMALS] = 9;
    d[pool::MINT_0_DECIMALS] = mint_decimals(mint_0)?;
    d[pool::MINT_1_DECIMALS] = mint_decimals(mint_1)?;
    write_u64(&mut d, pool::LP_SUPPLY, liquidity);
    // An open time at or before now becomes now + 1, as in Raydium.
    write_u64(
        &mut d,
        pool::OPEN_TIME,
        if open_time <= now { now + 1 } else { open_time },
    );
    write_u64(&mut d, pool::RECENT_EPOCH, Clock::get()?.epoch);
    Ok(())
}

/// `deposit(lp_token_amount, maximum_token_0_amount, maximum_token_1_amount)`.
fn deposit(
    program_id: &Pubkey,
    accounts: &[AccountInfo],
    lp_amount: u64,
    max_0: u64,
    max_1: u64,
) -> ProgramResult {
    let it = &mut accounts.iter();
    let owner = next_account_info(it)?;
    let authority = next_account_info(it)?;
    let pool_state = next_account_info(it)?;
    let owner_lp = next_account_info(it)?;
    let token_0_account = next_account_info(it)?;
    let token_1_account = next_account_info(it)?;
    let vault_0 = next_account_info(it)?;
    let vault_1 = next_account_info(it)?;
    let token_program = next_account_info(it)?;
    let token_program_2022 = next_account_info(it)?;
    let mint_0 = next_account_info(it)?;
    let mint_1 = next_account_info(it)?;
    let lp_mint = next_account_info(it)?;

    if !owner.is_signer {
        return Err(ProgramError::MissingRequiredSignature);
    }
    check_program_account(pool_state, program_id, &POOL_STATE_DISCRIMINATOR)?;
    let (amount_0, amount_1, auth_bump) = {
        let pool = pool_state.try_borrow_data()?;
        require(
            pool[pool::STATUS] & STATUS_DISABLE_DEPOSIT == 0,
            error::NOT_APPROVED,
        )?;
        require(
            read_key(&pool, pool::TOKEN_0_VAULT) == *vault_0.key,
            error::CONSTRAINT_RAW,
        )?;
        require(
            read_key(&pool, pool::TOKEN_1_VAULT) == *vault_1.key,
            error::CONSTRAINT_RAW,
        )?;
        require(read_key(&pool, pool::LP_MINT) == *lp_mint.key, 6004)?;
        let (auth, _) = authority_pda(program_id);
        require(*authority.key == auth, error::CONSTRAINT_SEEDS)?;
        let supply = read_u64(&pool, pool::LP_SUPPLY) as u128;
        require(supply > 0, error::REQUIRE_GT_VIOLATED)?;
        let (t0, t1) = reserves(&pool, token_amount(vault_0)?, token_amount(vault_1)?)?;
        // Tokens for `lp_amount`, rounded up (the depositor pays the remainder).
        let ceil = |total: u64| (lp_amount as u128 * total as u128).div_ceil(supply);
        let (a0, a1) = (ceil(t0), ceil(t1));
        require(a0 > 0 && a1 > 0, error::ZERO_TRADING_TOKENS)?;
        (
            u64::try_from(a0).map_err(|_| fail(error::MATH_OVERFLOW))?,
            u64::try_from(a1).map_err(|_| fail(error::MATH_OVERFLOW))?,
            pool[pool::AUTH_BUMP],
        )
    };
    if amount_0 > max_0 || amount_1 > max_1 {
        return Err(fail(error::EXCEEDED_SLIPPAGE));
    }
    let program_for = |mint: &AccountInfo| {
        if mint.owner == token_program.key {
            token_program
        } else {
            token_program_2022
        }
    };
    let p0 = program_for(mint_0).clone();
    let p1 = program_for(mint_1).clone();
    transfer(
        &p0,
        token_0_account,
        mint_0,
        vault_0,
        owner,
        amount_0,
        mint_decimals(mint_0)?,
        &[],
    )?;
    transfer(
        &p1,
        token_1_account,
        mint_1,
        vault_1,
        owner,
        amount_1,
        mint_decimals(mint_1)?,
        &[],
    )?;
    {
        let mut pool = pool_state.try_borrow_mut_data()?;
        let supply = read_u64(&pool, pool::LP_SUPPLY)
            .checked_add(lp_amount)
            .ok_or(fail(error::MATH_OVERFLOW))?;
        write_u64(&mut pool, pool::LP_SUPPLY, supply);
    }
    invoke_signed(
        &spl_token::instruction::mint_to(
            token_program.key,
            lp_mint.key,
            owner_lp.key,
            authority.key,
            &[],
            lp_amount,
        )?,
        &[
            lp_mint.clone(),
            owner_lp.clone(),
            authority.clone(),
            token_program.clone(),
        ],
        &[&[AUTH_SEED, &[auth_bump]]],
    )
}
