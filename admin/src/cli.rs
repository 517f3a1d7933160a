//! The command line: global options (endpoint, vault, signer, print-only) and one
//! subcommand per governance or series-admin instruction.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug, Clone)]
#[command(
    name = "hedge-admin",
    version,
    about = "Govern a hedge vault: show it, propose and apply risk parameters, pause, manage keepers, roles and series. Signs with --keypair, or prints the transaction for a Squads or Realms multisig with --print-only."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options of every command. Precedence: flag, then environment, then `--config`'s TOML.
#[derive(Args, Debug, Clone, Default)]
pub struct Global {
    /// A TOML file with `rpc_url`, `vault` and `keypair`.
    #[arg(long, global = true, env = "HEDGE_ADMIN_CONFIG")]
    pub config: Option<PathBuf>,
    /// The JSON-RPC endpoint (default http://127.0.0.1:8899).
    #[arg(long, global = true, env = "HEDGE_RPC_URL")]
    pub rpc_url: Option<String>,
    /// The vault's address.
    #[arg(long, global = true, env = "HEDGE_VAULT")]
    pub vault: Option<String>,
    /// The signer's keypair file (not needed with --print-only or for `show`).
    #[arg(long, global = true, env = "HEDGE_ADMIN_KEYPAIR")]
    pub keypair: Option<PathBuf>,
    /// Do not sign or send: print the transaction for a multisig (Squads: the base58
    /// message; Realms / SPL Governance: each instruction in base64).
    #[arg(long, global = true)]
    pub print_only: bool,
    /// With --print-only: the multisig's address that will sign (default: the account
    /// holding the role on chain).
    #[arg(long, global = true)]
    pub signer: Option<String>,
}

#[derive(Subcommand, Debug, Clone)]
pub enum Command {
    /// Roles, risk parameters, the pending change and its countdown, pauses, keepers, series.
    Show,
    /// Propose risk parameters from a TOML file of `name = value` (the parameters to
    /// change, in the vault's own units). Prints the diff; tightenings apply at once,
    /// loosenings wait for the timelock.
    ProposeRisk { file: PathBuf },
    /// Apply the pending risk parameters once their timelock has passed (authority).
    ApplyRisk,
    /// Pause instructions (authority or guardian): names, or `all`.
    Pause {
        #[arg(required = true, value_enum)]
        what: Vec<PauseName>,
    },
    /// Unpause instructions (authority only): names, or `all`.
    Unpause {
        #[arg(required = true, value_enum)]
        what: Vec<PauseName>,
    },
    /// Register a keeper, or remove one with --remove (authority).
    SetKeeper {
        keeper: String,
        #[arg(long)]
        remove: bool,
    },
    /// Set the guardian and/or the risk admin (authority); `none` disables a role.
    SetRoles {
        #[arg(long)]
        guardian: Option<String>,
        #[arg(long)]
        risk_admin: Option<String>,
    },
    /// Name a new authority, who must accept (authority); `none` cancels a pending one.
    ProposeAuthority { new_authority: String },
    /// Accept the authority (the pending authority signs).
    AcceptAuthority,
    /// List a new series (authority or risk admin).
    ListSeries(ListSeriesArgs),
    /// Set a series' implied vol, e.g. `85%` or `0.85` (authority or risk admin). A step
    /// within max_iv_step_bps applies at once; a larger one is proposed and applied by
    /// the same command after the timelock.
    SetIv { series: u64, iv: String },
    /// Set a series' open-interest cap and minimum trade, in underlying units.
    SetSeriesLimits {
        series: u64,
        #[arg(long)]
        max_oi: String,
        #[arg(long)]
        min_trade: String,
    },
    /// Delist a series with no open interest and nothing left to pay.
    DelistSeries { series: u64 },
    /// Propose a new oracle and DEX pool (authority); applied after the timelock.
    ProposeVenue {
        #[arg(long)]
        oracle: String,
        #[arg(long)]
        pool: String,
        #[arg(long, value_enum)]
        oracle_kind: OracleKindArg,
        /// The Pyth feed id (64 hex digits; pull oracles only).
        #[arg(long)]
        feed_id: Option<String>,
    },
    /// Apply the pending oracle and pool once their timelock has passed (authority).
    ApplyVenue,
}

#[derive(Args, Debug, Clone)]
pub struct ListSeriesArgs {
    #[arg(long, value_enum)]
    pub kind: KindArg,
    /// Strike in quote units per underlying unit, e.g. 110 or 97.5.
    #[arg(long)]
    pub strike: String,
    /// Expiry: unix seconds, `2027-01-29T08:00:00Z`, or from now: `+7d`, `+12h`, `+90m`, `+600s`.
    #[arg(long)]
    pub expiry: String,
    /// Implied vol, e.g. `80%` or `0.8`.
    #[arg(long)]
    pub iv: String,
    /// Open-interest cap, underlying units.
    #[arg(long)]
    pub max_oi: String,
    /// Smallest trade, underlying units.
    #[arg(long)]
    pub min_trade: String,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindArg {
    Call,
    Put,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OracleKindArg {
    Legacy,
    PullV2,
}

/// The vault's pause bits by name.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PauseName {
    All,
    Deposit,
    RequestWithdraw,
    ClaimWithdraw,
    BuyOption,
    SellOption,
    SettleSeries,
    Exercise,
    Rebalance,
    Liquidate,
}

impl PauseName {
    pub const EACH: [(PauseName, u32, &'static str); 9] = {
        use hedge_vault::state::pause as p;
        [
            (PauseName::Deposit, p::DEPOSIT, "deposit"),
            (
                PauseName::RequestWithdraw,
                p::REQUEST_WITHDRAW,
                "request-withdraw",
            ),
            (
                PauseName::ClaimWithdraw,
                p::CLAIM_WITHDRAW,
                "claim-withdraw",
            ),
            (PauseName::BuyOption, p::BUY_OPTION, "buy-option"),
            (PauseName::SellOption, p::SELL_OPTION, "sell-option"),
            (PauseName::SettleSeries, p::SETTLE_SERIES, "settle-series"),
            (PauseName::Exercise, p::EXERCISE, "exercise"),
            (PauseName::Rebalance, p::REBALANCE, "rebalance"),
            (PauseName::Liquidate, p::LIQUIDATE, "liquidate"),
        ]
    };

    pub fn bits(names: &[PauseName]) -> u32 {
        names.iter().fold(0, |acc, n| {
            acc | match n {
                PauseName::All => hedge_vault::state::pause::ALL,
                other => Self::EACH
                    .iter()
                    .find(|(k, _, _)| k == other)
                    .map_or(0, |(_, b, _)| *b),
            }
        })
    }

    /// The names of the bits set in `flags`.
    pub fn describe(flags: u32) -> String {
        let names: Vec<&str> = Self::EACH
            .iter()
            .filter(|(_, b, _)| flags & b != 0)
            .map(|(_, _, n)| *n)
            .collect();
        if names.is_empty() {
            "nothing".into()
        } else {
            names.join(", ")
        }
    }
}
