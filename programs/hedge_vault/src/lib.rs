//! Hedge vault: LPs fund a vault that writes European options and delta-hedges them on
//! a DEX. This file only dispatches; each instruction lives in `instructions/`, state in
//! `state/`, the oracle adapter in `oracle.rs`, valuation in `valuation.rs` and the pure
//! option math in `math/`.

#![deny(unused_must_use)]
// Anchor 0.31's `#[program]` expands to `AccountInfo::realloc`, deprecated in Solana 2.x.
#![allow(deprecated)]

use anchor_lang::prelude::*;

pub mod dex;
pub mod error;
pub mod events;
pub mod hedging;
pub mod instructions;
pub mod ledger;
/// The option math (crates/hedge-math), re-exported for the keeper and tests.
pub use hedge_math as math;
pub mod oracle;
pub mod state;
pub mod token;
pub mod valuation;

use instructions::*;
use state::{OracleKind, RiskParams};

declare_id!("CPdvMY94H7DpNoTrNmByJ7m12w7C5hdZE926djWNP8Bd");

// Who to tell about a vulnerability, embedded in the deployed `.so` (read by explorers and
// `query-security-txt`). Not in `no-entrypoint` builds, so crates that link the program
// for CPI or tests do not get a second copy of the symbol.
#[cfg(not(feature = "no-entrypoint"))]
solana_security_txt::security_txt! {
    name: "Hedge Vault",
    project_url: "https://github.com/hedge-vault/hedge-vault",
    contacts: "link:https://github.com/hedge-vault/hedge-vault/security/advisories/new,email:security@hedge-vault.org",
    policy: "https://github.com/hedge-vault/hedge-vault/blob/main/SECURITY.md",
    preferred_languages: "en",
    source_code: "https://github.com/hedge-vault/hedge-vault",
    source_release: env!("CARGO_PKG_VERSION"),
    auditors: "None yet: see SECURITY.md for the automated suite and its findings"
}

#[program]
pub mod hedge_vault {
    use super::*;

    /// Creates a vault, its option book, LP share mint, share escrow and token accounts.
    ///
    /// ### Authority
    /// - `authority`: pays and becomes the vault's admin.
    /// #### Special Errors
    /// - `SameMint`, `RiskParamOutOfBounds`, `OracleInvalidOwner`, `InvalidOracleConfig`.
    pub fn initialize_vault(
        ctx: Context<InitializeVault>,
        args: InitializeVaultArgs,
    ) -> Result<()> {
        instructions::initialize_vault::handler(ctx, args)
    }

    /// LP deposits `amount` quote atoms and receives shares at NAV.
    /// #### Special Errors
    /// - `ZeroAmount`, `DepositTooSmall`, `DepositCapExceeded`, `VaultInsolvent`, oracle errors.
    pub fn deposit(ctx: Context<Deposit>, amount: u64) -> Result<()> {
        instructions::deposit::handler(ctx, amount)
    }

    /// LP escrows `shares` and records their value for a later claim.
    /// #### Special Errors
    /// - `ZeroAmount`, `InsufficientShares`, `OracleStale` (beyond `exit_max_age_s`).
    pub fn request_withdraw(ctx: Context<RequestWithdraw>, shares: u64) -> Result<()> {
        instructions::request_withdraw::handler(ctx, shares)
    }

    /// LP claims a request after the delay, at min(value at request, value now).
    /// #### Special Errors
    /// - `WithdrawNotReady`, `InsufficientFreeCollateral`, `OracleStale`.
    pub fn claim_withdraw(ctx: Context<ClaimWithdraw>) -> Result<()> {
        instructions::claim_withdraw::handler(ctx)
    }

    /// LP takes back the escrowed shares of a pending request.
    pub fn cancel_withdraw(ctx: Context<CancelWithdraw>) -> Result<()> {
        instructions::cancel_withdraw::handler(ctx)
    }

    /// Lists an option series (authority or risk admin).
    /// #### Special Errors
    /// - `InvalidExpiry`, `InvalidStrike`, `IvOutOfRange`, `SeriesTableFull`, `Unauthorized`.
    pub fn list_series(ctx: Context<ManageSeries>, args: ListSeriesArgs) -> Result<()> {
        instructions::list_series::handler(ctx, args)
    }

    /// Sets a series' implied vol (authority or risk admin).
    pub fn set_series_iv(ctx: Context<ManageSeries>, series_id: u64, iv_ppm: u64) -> Result<()> {
        instructions::set_series_iv::handler(ctx, series_id, iv_ppm)
    }

    /// Sets a series' open-interest cap and minimum trade size (1 ≤ minimum ≤ cap).
    ///
    /// ### Authority
    /// - The authority or the risk admin.
    /// #### Special Errors
    /// - `InvalidMinTradeSize`, `ZeroAmount`, `SeriesNotActive`, `Unauthorized`.
    pub fn set_series_limits(
        ctx: Context<ManageSeries>,
        series_id: u64,
        max_open_interest: u64,
        min_trade_size: u64,
    ) -> Result<()> {
        instructions::set_series_limits::handler(ctx, series_id, max_open_interest, min_trade_size)
    }

    /// Frees a series' slot once nothing is open or owed (authority or risk admin).
    pub fn delist_series(ctx: Context<ManageSeries>, series_id: u64) -> Result<()> {
        instructions::delist_series::handler(ctx, series_id)
    }

    /// Trader buys `size` underlying atoms of a series for at most `max_premium`.
    /// #### Special Errors
    /// - `SlippageExceeded`, `InitialMarginBreached`, `UtilizationCapExceeded`,
    ///   `VegaLimitExceeded`, `OpenInterestCapExceeded`, `SeriesExpired`.
    pub fn buy_option(
        ctx: Context<BuyOption>,
        series_id: u64,
        size: u64,
        max_premium: u64,
    ) -> Result<()> {
        instructions::buy_option::handler(ctx, series_id, size, max_premium)
    }

    /// Trader sells `size` back to the vault for at least `min_proceeds`.
    pub fn sell_option(ctx: Context<SellOption>, size: u64, min_proceeds: u64) -> Result<()> {
        instructions::sell_option::handler(ctx, size, min_proceeds)
    }

    /// Re-marks up to `MAX_MARK_BATCH` series at the oracle price: each series' value,
    /// greeks, bounds and stressed values (five option evaluations each), with the
    /// book's sums and locks kept in step. Instructions that read the sums need every
    /// open series' mark fresh.
    ///
    /// ### Authority
    /// - Anyone.
    /// #### Special Errors
    /// - `InvalidMarkBatch` (empty, too many or repeated ids), `SeriesNotFound`,
    ///   `SeriesNotActive`, the oracle's errors.
    pub fn mark_series(ctx: Context<MarkSeries>, series_ids: Vec<u64>) -> Result<()> {
        instructions::mark_series::handler(ctx, series_ids)
    }

    /// Settles an expired series at the update that straddles expiry (anyone, any time).
    /// #### Special Errors
    /// - `SeriesNotExpired`, `SettlementPriceTooEarly`, `SettlementPriceNotFirstAfterExpiry`.
    pub fn settle_series(ctx: Context<SettleSeries>, series_id: u64) -> Result<()> {
        instructions::settle_series::handler(ctx, series_id)
    }

    /// Holder is paid the cash payoff of a settled position.
    pub fn exercise(ctx: Context<Exercise>) -> Result<()> {
        instructions::exercise::handler(ctx)
    }

    /// Hedges the book's net delta on the configured Raydium CPMM pool (registered
    /// keeper, or anyone after `keeper_grace_s` with |Δ| past the hard band, for a bounty).
    /// The program computes delta, band, size and minimum out; `min_out` can only raise it.
    /// #### Special Errors
    /// - `DeltaWithinBand`, `HedgeIntervalNotElapsed`, `NotKeeper`, `FillOutsideSlippage`,
    ///   `HedgeDidNotReduceDelta`, `HedgeOvershoot`, `InvalidDexProgram`, `InvalidDexPool`.
    pub fn rebalance(ctx: Context<Rebalance>, min_out: u64) -> Result<()> {
        instructions::rebalance::handler(ctx, min_out)
    }

    /// Emergency unwind (registered keeper): below maintenance margin, force-settles the
    /// riskiest series at model value and sells underlying if quote is short, until
    /// health is back above the target ratio. Accounts as `rebalance`.
    /// #### Special Errors
    /// - `VaultHealthy`, `NotKeeper`, `FillOutsideSlippage`.
    pub fn liquidate(ctx: Context<Rebalance>) -> Result<()> {
        instructions::liquidate::handler(ctx)
    }

    /// Proposes risk parameters: tightening applies now, loosening after the timelock.
    pub fn propose_risk_params(ctx: Context<Govern>, params: RiskParams) -> Result<()> {
        instructions::propose_risk_params::handler(ctx, params)
    }

    /// Proposes a new oracle (account, kind, feed id) and DEX pool, validated like at
    /// creation; applied by `apply_venue` after `timelock_s` (authority).
    /// #### Special Errors
    /// - `Unauthorized`, `OracleInvalidOwner`, `InvalidOracleConfig`, `InvalidDexPool`,
    ///   `VenueUnchanged`.
    pub fn propose_venue(
        ctx: Context<ProposeVenue>,
        oracle_kind: OracleKind,
        oracle_feed_id: [u8; 32],
    ) -> Result<()> {
        instructions::propose_venue::handler(ctx, oracle_kind, oracle_feed_id)
    }

    /// Applies the pending oracle and pool after their timelock (authority); retires
    /// every mark.
    /// #### Special Errors
    /// - `Unauthorized`, `NoPendingVenue`, `TimelockNotElapsed`, `SeriesAwaitingSettlement`.
    pub fn apply_venue(ctx: Context<ApplyVenue>) -> Result<()> {
        instructions::apply_venue::handler(ctx)
    }

    /// Applies pending risk parameters after their timelock (authority).
    pub fn apply_risk_params(ctx: Context<Govern>) -> Result<()> {
        instructions::apply_risk_params::handler(ctx)
    }

    /// Adds or removes a keeper (authority).
    pub fn set_keeper(ctx: Context<Govern>, keeper: Pubkey, enabled: bool) -> Result<()> {
        instructions::set_keeper::handler(ctx, keeper, enabled)
    }

    /// Sets pause bits (authority: any; guardian: only adds).
    pub fn set_pause(ctx: Context<Govern>, flags: u32) -> Result<()> {
        instructions::set_pause::handler(ctx, flags)
    }

    /// Sets the guardian and the risk admin (authority).
    pub fn set_roles(ctx: Context<Govern>, guardian: Pubkey, risk_admin: Pubkey) -> Result<()> {
        instructions::set_roles::handler(ctx, guardian, risk_admin)
    }

    /// Names a new authority, who must accept (authority).
    pub fn propose_authority(ctx: Context<Govern>, new_authority: Pubkey) -> Result<()> {
        instructions::propose_authority::handler(ctx, new_authority)
    }

    /// The pending authority accepts.
    pub fn accept_authority(ctx: Context<Govern>) -> Result<()> {
        instructions::accept_authority::handler(ctx)
    }
}

#[cfg(all(test, not(feature = "no-entrypoint")))]
mod security_txt_tests {
    /// The embedded security.txt is well formed and names a contact and the policy.
    #[test]
    fn names_contacts_and_policy() {
        let text = super::SECURITY_TXT;
        assert!(text.starts_with("=======BEGIN SECURITY.TXT V1=======\0"));
        assert!(text.ends_with("=======END SECURITY.TXT V1=======\0"));
        let parts: Vec<&str> = text.split('\0').collect();
        let field = |name: &str| {
            let i = parts.iter().position(|p| *p == name).expect(name);
            parts[i + 1]
        };
        assert!(field("contacts").starts_with("link:"));
        assert!(field("policy").ends_with("SECURITY.md"));
        assert_eq!(field("source_release"), env!("CARGO_PKG_VERSION"));
    }
}
