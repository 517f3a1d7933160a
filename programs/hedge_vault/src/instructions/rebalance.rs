use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::dex::{self, SwapAccounts, RAYDIUM_CPMM_PROGRAM, STATUS_DISABLE_SWAP};
use crate::error::{MathResultExt, VaultError};
use crate::events::Rebalanced;
use crate::hedging::atoms_per_unit;
use crate::ledger::{self, HedgeFill, HedgePlan, PoolSnapshot};
use crate::math::fixed_point::POW10;
use crate::math::money::{mul_div, Rounding};
use crate::math::Fx;
use crate::state::vault::VaultSeeds;
use crate::state::{HedgeLog, OptionBook, RebalanceRecord, Vault};
use crate::{oracle, token};

/// The accounts of `rebalance` and `liquidate`: the vault, its book and hedge log, the
/// oracle, the vault's token accounts and the configured Raydium CPMM pool.
#[event_cpi]
#[derive(Accounts)]
pub struct Rebalance<'info> {
    /// A registered keeper, or anyone once the fallback conditions hold.
    pub caller: Signer<'info>,
    #[account(
        mut,
        has_one = quote_mint @ VaultError::InvalidQuoteMint,
        has_one = underlying_mint @ VaultError::InvalidUnderlyingMint,
        has_one = quote_vault @ VaultError::InvalidQuoteVault,
        has_one = underlying_vault @ VaultError::InvalidUnderlyingVault,
        has_one = book @ VaultError::InvalidBook,
        has_one = hedge_log @ VaultError::InvalidHedgeLog,
        has_one = dex_pool @ VaultError::InvalidDexPool,
    )]
    pub vault: AccountLoader<'info, Vault>,
    /// Writable for `liquidate` (it force-settles series).
    #[account(mut)]
    pub book: AccountLoader<'info, OptionBook>,
    #[account(mut)]
    pub hedge_log: AccountLoader<'info, HedgeLog>,
    /// CHECK: checked by the oracle adapter (address, owner, data).
    pub oracle: UncheckedAccount<'info>,

    pub quote_mint: Box<InterfaceAccount<'info, Mint>>,
    pub underlying_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub quote_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut)]
    pub underlying_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The caller's quote account, for the fallback bounty (not read for keepers).
    #[account(
        mut,
        constraint = caller_quote.mint == quote_mint.key() && caller_quote.owner == caller.key()
            @ VaultError::InvalidTokenAccount,
    )]
    pub caller_quote: Option<Box<InterfaceAccount<'info, TokenAccount>>>,

    /// CHECK: must be Raydium CPMM.
    #[account(address = RAYDIUM_CPMM_PROGRAM @ VaultError::InvalidDexProgram)]
    pub dex_program: UncheckedAccount<'info>,
    /// CHECK: Raydium's authority PDA, checked in the handler.
    pub dex_authority: UncheckedAccount<'info>,
    /// CHECK: must be the pool's config (handler).
    pub amm_config: UncheckedAccount<'info>,
    /// CHECK: the vault's configured pool (`has_one`), owned by the DEX (handler).
    #[account(mut)]
    pub dex_pool: UncheckedAccount<'info>,
    /// The pool's vaults for the quote and the underlying (handler checks both).
    #[account(mut)]
    pub pool_quote_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut)]
    pub pool_underlying_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// CHECK: must be the pool's observation account (handler).
    #[account(mut)]
    pub observation: UncheckedAccount<'info>,
    #[account(address = *quote_mint.to_account_info().owner)]
    pub quote_token_program: Interface<'info, TokenInterface>,
    #[account(address = *underlying_mint.to_account_info().owner)]
    pub underlying_token_program: Interface<'info, TokenInterface>,
}

impl<'info> Rebalance<'info> {
    /// Checks the DEX accounts against the vault's pool (program, owner, config,
    /// observation, vaults by mint, authority, swap status) and reads its net reserves.
    pub fn pool_snapshot(&self) -> Result<PoolSnapshot> {
        let pool = dex::read_pool(&self.dex_pool.try_borrow_data()?)?;
        require_keys_eq!(
            *self.dex_pool.owner,
            RAYDIUM_CPMM_PROGRAM,
            VaultError::InvalidDexPool
        );
        require_keys_eq!(
            *self.amm_config.owner,
            RAYDIUM_CPMM_PROGRAM,
            VaultError::DexAccountMismatch
        );
        require_keys_eq!(
            self.amm_config.key(),
            pool.amm_config,
            VaultError::DexAccountMismatch
        );
        require_keys_eq!(
            self.observation.key(),
            pool.observation,
            VaultError::DexAccountMismatch
        );
        let quote_mint = self.quote_mint.key();
        let underlying_mint = self.underlying_mint.key();
        require!(
            (pool.mint_0 == quote_mint && pool.mint_1 == underlying_mint)
                || (pool.mint_1 == quote_mint && pool.mint_0 == underlying_mint),
            VaultError::InvalidDexPool
        );
        let quote_is_0 = pool.mint_0 == quote_mint;
        let (pool_quote, pool_underlying, fees_quote, fees_underlying) = if quote_is_0 {
            (pool.vault_0, pool.vault_1, pool.fees_0, pool.fees_1)
        } else {
            (pool.vault_1, pool.vault_0, pool.fees_1, pool.fees_0)
        };
        require_keys_eq!(
            self.pool_quote_vault.key(),
            pool_quote,
            VaultError::DexAccountMismatch
        );
        require_keys_eq!(
            self.pool_underlying_vault.key(),
            pool_underlying,
            VaultError::DexAccountMismatch
        );
        // The pool stores its authority's bump: one hash instead of a bump search.
        let auth = Pubkey::create_program_address(
            &[dex::AUTH_SEED, &[pool.auth_bump]],
            &RAYDIUM_CPMM_PROGRAM,
        )
        .map_err(|_| error!(VaultError::DexAccountMismatch))?;
        require_keys_eq!(
            self.dex_authority.key(),
            auth,
            VaultError::DexAccountMismatch
        );
        require!(
            pool.status & STATUS_DISABLE_SWAP == 0,
            VaultError::DexSwapDisabled
        );
        // The quotes model the trade fee only (pools with a creator fee are refused
        // when configured; a pool cannot turn it on later, this only double-checks).
        require!(!pool.creator_fee, VaultError::DexAccountMismatch);
        Ok(PoolSnapshot {
            fee_rate: dex::read_trade_fee_rate(&self.amm_config.try_borrow_data()?)?,
            reserve_quote: self
                .pool_quote_vault
                .amount
                .checked_sub(fees_quote)
                .ok_or(VaultError::DexAccountMismatch)?,
            reserve_underlying: self
                .pool_underlying_vault
                .amount
                .checked_sub(fees_underlying)
                .ok_or(VaultError::DexAccountMismatch)?,
        })
    }

    /// Swaps through the pool with the vault as payer (`buy`: quote in, underlying out)
    /// and returns what actually moved, measured on the vault's token accounts:
    /// (quote atoms, underlying atoms).
    pub fn swap(
        &mut self,
        buy: bool,
        amount_in: u64,
        minimum_out: u64,
        seeds: &VaultSeeds,
    ) -> Result<(u64, u64)> {
        let quote_before = self.quote_vault.amount;
        let underlying_before = self.underlying_vault.amount;
        let q = self.quote_vault.to_account_info();
        let u = self.underlying_vault.to_account_info();
        let pq = self.pool_quote_vault.to_account_info();
        let pu = self.pool_underlying_vault.to_account_info();
        let qp = self.quote_token_program.to_account_info();
        let up = self.underlying_token_program.to_account_info();
        let qm = self.quote_mint.to_account_info();
        let um = self.underlying_mint.to_account_info();
        let (in_acct, out_acct, in_vault, out_vault, in_prog, out_prog, in_mint, out_mint) = if buy
        {
            (&q, &u, &pq, &pu, &qp, &up, &qm, &um)
        } else {
            (&u, &q, &pu, &pq, &up, &qp, &um, &qm)
        };
        dex::swap_base_input(
            &SwapAccounts {
                payer: &self.vault.to_account_info(),
                authority: &self.dex_authority.to_account_info(),
                amm_config: &self.amm_config.to_account_info(),
                pool_state: &self.dex_pool.to_account_info(),
                input_token_account: in_acct,
                output_token_account: out_acct,
                input_vault: in_vault,
                output_vault: out_vault,
                input_token_program: in_prog,
                output_token_program: out_prog,
                input_mint: in_mint,
                output_mint: out_mint,
                observation: &self.observation.to_account_info(),
                program: &self.dex_program.to_account_info(),
            },
            amount_in,
            minimum_out,
            &seeds.as_slices(),
        )?;
        self.quote_vault.reload()?;
        self.underlying_vault.reload()?;
        let (qa, ua) = (self.quote_vault.amount, self.underlying_vault.amount);
        let moved = if buy {
            (
                quote_before.checked_sub(qa),
                ua.checked_sub(underlying_before),
            )
        } else {
            (
                qa.checked_sub(quote_before),
                underlying_before.checked_sub(ua),
            )
        };
        match moved {
            (Some(q), Some(u)) if q > 0 && u > 0 => Ok((q, u)),
            _ => err!(VaultError::FillOutsideSlippage),
        }
    }

    /// Pays a bounty from the vault's quote to the caller's quote account.
    pub fn pay_bounty(&self, amount: u64, seeds: &VaultSeeds) -> Result<()> {
        if amount == 0 {
            return Ok(());
        }
        let to = self
            .caller_quote
            .as_ref()
            .ok_or(VaultError::InvalidTokenAccount)?;
        token::transfer_from_vault(
            &self.quote_token_program.to_account_info(),
            &self.quote_vault.to_account_info(),
            &self.quote_mint.to_account_info(),
            &to.to_account_info(),
            &self.vault.to_account_info(),
            &seeds.as_slices(),
            amount,
            self.quote_mint.decimals,
        )
    }
}

/// 1. Oracle through the adapter; net delta and gamma of the book on-chain (the keeper
///    passes neither).
/// 2. Due? (`hedging::check_due`: band or price trigger, interval unless past the hard
///    band; non-keepers only after `keeper_grace_s` with |Δ| past the hard band).
/// 3. Size toward Δ = 0, capped by `max_hedge_per_call` and pool depth
///    (`max_impact_bps` of the reserve the trade moves).
/// 4. Minimum out from the conservative oracle side and `max_slippage_bps`; the caller's
///    `min_out` can only raise it.
/// 5. Swap through Raydium CPMM, measure what moved, check the fill against the oracle,
///    |Δ_after| < |Δ_before| and no overshoot past the band. Any failure reverts all.
/// 6. Record in the ring buffer, emit `Rebalanced`, pay a fallback caller's bounty.
pub fn handler(ctx: Context<Rebalance>, min_out: u64) -> Result<()> {
    let now = Clock::get()?;
    let caller = ctx.accounts.caller.key();
    let pool = ctx.accounts.pool_snapshot()?;

    // 1–4: price, risk, due, size, limits.
    let (plan, seeds) = {
        let mut vault = ctx.accounts.vault.load_mut()?;
        let book = ctx.accounts.book.load()?;
        let plan = ledger::plan_hedge(
            &mut vault,
            &book,
            now.unix_timestamp,
            &caller,
            pool,
            min_out,
            |v| oracle::load_checked(&ctx.accounts.oracle, v, now.unix_timestamp),
        )?;
        (plan, vault.seeds())
    };

    // 5: the swap, measured by balance changes, then the checks on what moved.
    let (quote_moved, underlying_moved) =
        ctx.accounts
            .swap(plan.buy, plan.amount_in, plan.minimum_out, &seeds)?;
    let (record, bounty) = {
        let mut vault = ctx.accounts.vault.load_mut()?;
        let done = ledger::apply_hedge_fill(
            &mut vault,
            &plan,
            quote_moved,
            underlying_moved,
            now.unix_timestamp,
        )?;
        let record = hedge_record(
            &vault,
            &plan,
            &done,
            pool.fee_rate,
            (quote_moved, underlying_moved),
            &now,
            caller,
        )?;
        (record, done.bounty)
    };

    // 6: record, pay, tell.
    ctx.accounts.hedge_log.load_mut()?.push(record);
    ctx.accounts.pay_bounty(bounty, &seeds)?;
    emit_cpi!(Rebalanced {
        vault: ctx.accounts.vault.key(),
        record,
    });
    Ok(())
}

/// The hedge log's entry: fill distance from the oracle mid (bps, positive = worse for
/// the vault) and the pool fee paid, in quote atoms.
fn hedge_record(
    vault: &Vault,
    plan: &HedgePlan,
    done: &HedgeFill,
    fee_rate: u64,
    (quote_moved, underlying_moved): (u64, u64),
    now: &Clock,
    caller: Pubkey,
) -> Result<RebalanceRecord> {
    let price = &plan.price;
    let unit = POW10[vault.underlying_decimals as usize] as u64;
    let mid = atoms_per_unit(price.mid(), vault.quote_decimals, false)?.max(1);
    let distance = (done.fill as i128 - mid as i128) * 10_000 / mid as i128;
    let fee_in_input = mul_div(plan.amount_in, fee_rate, 1_000_000, Rounding::Up).vault_err()?;
    let fees_paid = if plan.buy {
        fee_in_input
    } else {
        mul_div(fee_in_input, mid, unit, Rounding::Up).vault_err()?
    };
    let to_i64 = |v: Fx| -> Result<i64> {
        v.round_i64()
            .ok_or_else(|| error!(VaultError::MathOverflow))
    };
    Ok(RebalanceRecord {
        time: now.unix_timestamp,
        slot: now.slot,
        oracle_price: price.price,
        oracle_conf: price.conf,
        delta_before: to_i64(plan.risk.delta)?,
        delta_after: to_i64(done.delta_after)?,
        gamma_before: to_i64(plan.risk.gamma_spot)?,
        gamma_after: to_i64(plan.risk.gamma_spot)?,
        band: to_i64(plan.band)?.max(0) as u64,
        size: underlying_moved,
        quote_amount: quote_moved,
        fill_price: done.fill,
        fill_distance_bps: (if plan.buy { distance } else { -distance }) as i64,
        fees_paid,
        bounty: done.bounty,
        keeper: caller,
        oracle_expo: price.expo,
        side: if plan.buy { 0 } else { 1 },
        fallback: u8::from(!plan.is_keeper),
        _pad: [0; 2],
    })
}
