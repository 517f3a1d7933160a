use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::dex;
use crate::error::VaultError;
use crate::events::VaultInitialized;
use crate::math::money::SHARE_DECIMALS_OFFSET;
use crate::oracle::kind_of_owner;
use crate::state::seeds;
use crate::state::vault::VAULT_VERSION;
use crate::state::{HedgeLog, OptionBook, OracleKind, RiskParams, Vault};
use crate::token;

/// Quote mints with more decimals are refused (shares add three more).
pub const MAX_QUOTE_DECIMALS: u8 = 12;
/// Underlying mints with more decimals are refused. Every underlying quantity (open
/// interest, inventory, delta) is a Q64.64 `Fx` of atoms, so at most 2^63 atoms: with
/// 12 decimals that is 9.2 million units; with 18 it would be 9.2 units, and the delta
/// math of a larger book would overflow and stop hedging.
pub const MAX_UNDERLYING_DECIMALS: u8 = 12;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct InitializeVaultArgs {
    /// Distinguishes several vaults on the same mint pair (PDA seed).
    pub vault_id: u16,
    pub oracle_kind: OracleKind,
    /// Pyth feed id; required (non-zero) for `PythPullV2`.
    pub oracle_feed_id: [u8; 32],
    pub guardian: Pubkey,
    pub risk_admin: Pubkey,
    pub risk: RiskParams,
}

#[event_cpi]
#[derive(Accounts)]
#[instruction(args: InitializeVaultArgs)]
pub struct InitializeVault<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,

    #[account(
        init,
        payer = authority,
        space = Vault::SPACE,
        seeds = [seeds::VAULT, authority.key().as_ref(), quote_mint.key().as_ref(), underlying_mint.key().as_ref(), &args.vault_id.to_le_bytes()],
        bump,
    )]
    pub vault: AccountLoader<'info, Vault>,

    #[account(
        init,
        payer = authority,
        space = OptionBook::SPACE,
        seeds = [seeds::BOOK, vault.key().as_ref()],
        bump,
    )]
    pub book: AccountLoader<'info, OptionBook>,

    /// The rebalance ring buffer. At over 10 KiB it cannot be created by CPI, so the
    /// client creates it (owned by this program, `HedgeLog::SPACE` bytes, zeroed) in the
    /// same transaction; `zero` checks it is fresh.
    #[account(zero)]
    pub hedge_log: AccountLoader<'info, HedgeLog>,

    #[account(
        mint::token_program = quote_token_program,
        constraint = quote_mint.decimals <= MAX_QUOTE_DECIMALS @ VaultError::InvalidMintDecimals,
    )]
    pub quote_mint: Box<InterfaceAccount<'info, Mint>>,

    #[account(
        mint::token_program = underlying_token_program,
        constraint = underlying_mint.key() != quote_mint.key() @ VaultError::SameMint,
        constraint = underlying_mint.decimals <= MAX_UNDERLYING_DECIMALS @ VaultError::InvalidMintDecimals,
    )]
    pub underlying_mint: Box<InterfaceAccount<'info, Mint>>,

    /// LP shares use the quote mint's token program and its decimals plus the
    /// virtual-share offset, so one displayed share starts at one quote unit.
    #[account(
        init,
        payer = authority,
        seeds = [seeds::SHARE_MINT, vault.key().as_ref()],
        bump,
        mint::decimals = quote_mint.decimals + SHARE_DECIMALS_OFFSET,
        mint::authority = vault,
        mint::token_program = quote_token_program,
    )]
    pub share_mint: Box<InterfaceAccount<'info, Mint>>,

    #[account(
        init,
        payer = authority,
        seeds = [seeds::QUOTE_VAULT, vault.key().as_ref()],
        bump,
        token::mint = quote_mint,
        token::authority = vault,
        token::token_program = quote_token_program,
    )]
    pub quote_vault: Box<InterfaceAccount<'info, TokenAccount>>,

    #[account(
        init,
        payer = authority,
        seeds = [seeds::UNDERLYING_VAULT, vault.key().as_ref()],
        bump,
        token::mint = underlying_mint,
        token::authority = vault,
        token::token_program = underlying_token_program,
    )]
    pub underlying_vault: Box<InterfaceAccount<'info, TokenAccount>>,

    #[account(
        init,
        payer = authority,
        seeds = [seeds::SHARE_ESCROW, vault.key().as_ref()],
        bump,
        token::mint = share_mint,
        token::authority = vault,
        token::token_program = quote_token_program,
    )]
    pub share_escrow: Box<InterfaceAccount<'info, TokenAccount>>,

    /// CHECK: only its owner is checked here (a Pyth program of `args.oracle_kind`);
    /// the oracle adapter checks the data on every use.
    pub oracle: UncheckedAccount<'info>,

    /// CHECK: the DEX pool hedges will go through, validated as a Raydium CPMM pool of
    /// the two mints (`dex::require_pool_of`).
    pub dex_pool: UncheckedAccount<'info>,

    pub quote_token_program: Interface<'info, TokenInterface>,
    pub underlying_token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

/// 1. Validate the risk parameters against their hard bounds, both mints' Token-2022
///    extensions (`token::require_supported_mint`) and the oracle's owner against the
///    requested kind.
/// 2. Create the vault PDA, its book, LP share mint, share escrow and two token
///    accounts (CPIs to the mints' token programs, SPL Token or Token-2022).
/// 3. Record everything and emit `VaultInitialized`.
pub fn handler(ctx: Context<InitializeVault>, args: InitializeVaultArgs) -> Result<()> {
    args.risk.validate()?;
    token::require_supported_mint(&ctx.accounts.quote_mint.to_account_info())?;
    token::require_supported_mint(&ctx.accounts.underlying_mint.to_account_info())?;
    dex::require_pool_of(
        &ctx.accounts.dex_pool,
        &ctx.accounts.quote_mint.key(),
        &ctx.accounts.underlying_mint.key(),
    )?;
    require!(
        kind_of_owner(ctx.accounts.oracle.owner)? == args.oracle_kind,
        VaultError::OracleInvalidOwner
    );
    if args.oracle_kind == OracleKind::PythPullV2 {
        require!(
            args.oracle_feed_id != [0u8; 32],
            VaultError::InvalidOracleConfig
        );
    }
    let now = Clock::get()?.unix_timestamp;
    let vault_key = ctx.accounts.vault.key();
    let mut book = ctx.accounts.book.load_init()?;
    book.vault = vault_key;
    drop(book);
    ctx.accounts.hedge_log.load_init()?.vault = vault_key;

    let mut vault = ctx.accounts.vault.load_init()?;
    vault.authority = ctx.accounts.authority.key();
    vault.creator = ctx.accounts.authority.key();
    vault.guardian = args.guardian;
    vault.risk_admin = args.risk_admin;
    vault.quote_mint = ctx.accounts.quote_mint.key();
    vault.underlying_mint = ctx.accounts.underlying_mint.key();
    vault.share_mint = ctx.accounts.share_mint.key();
    vault.quote_vault = ctx.accounts.quote_vault.key();
    vault.underlying_vault = ctx.accounts.underlying_vault.key();
    vault.share_escrow = ctx.accounts.share_escrow.key();
    vault.book = ctx.accounts.book.key();
    vault.hedge_log = ctx.accounts.hedge_log.key();
    vault.oracle = ctx.accounts.oracle.key();
    vault.oracle_kind = args.oracle_kind as u8;
    vault.oracle_feed_id = args.oracle_feed_id;
    vault.dex_pool = ctx.accounts.dex_pool.key();
    vault.risk = args.risk;
    vault.created_at = now;
    vault.next_series_id = 1;
    vault.vault_id = args.vault_id;
    vault.quote_decimals = ctx.accounts.quote_mint.decimals;
    vault.underlying_decimals = ctx.accounts.underlying_mint.decimals;
    vault.version = VAULT_VERSION;
    vault.bump = ctx.bumps.vault;
    vault.share_mint_bump = ctx.bumps.share_mint;
    vault.quote_vault_bump = ctx.bumps.quote_vault;
    vault.underlying_vault_bump = ctx.bumps.underlying_vault;
    vault.share_escrow_bump = ctx.bumps.share_escrow;
    vault.book_bump = ctx.bumps.book;
    let event = VaultInitialized {
        vault: vault_key,
        authority: vault.authority,
        quote_mint: vault.quote_mint,
        underlying_mint: vault.underlying_mint,
        share_mint: vault.share_mint,
        oracle: vault.oracle,
        vault_id: args.vault_id,
    };
    drop(vault);
    emit_cpi!(event);
    Ok(())
}
