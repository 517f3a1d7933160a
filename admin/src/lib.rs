//! `hedge-admin`: every governance and series-admin instruction of the hedge vault, for
//! the people who govern it. Each command reads the vault, checks what the program will
//! check (bounds, rules, roles, timelocks) and says why it refuses before anything is
//! sent; then it signs and sends, or prints the transaction for a multisig.
//!
//! - [`cli`]: the command line.
//! - [`config`]: endpoint, vault and signer from flags, environment and TOML.
//! - [`risk_file`]: a risk proposal from TOML, its bounds and its diff against the chain.
//! - [`commands`]: each command's checks, role and instructions.
//! - [`show`]: the vault as governors read it.
//! - [`multisig`]: the Squads message and the Realms instructions.
//! - [`errors`]: every refusal, named.

pub mod cli;
pub mod commands;
pub mod config;
pub mod errors;
pub mod multisig;
pub mod risk_file;
pub mod show;
pub mod units;

use std::io::Write;
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::{Instruction, InstructionError};
use hedge_vault::state::{OptionBook, Vault};
use hedge_vault_client::decode::{self, Fetched};
use hedge_vault_client::url::{redact_url, scrub};
use solana_rpc_client::rpc_client::RpcClient;
use solana_sdk::commitment_config::CommitmentConfig;
use solana_sdk::signature::{Signature, Signer};
use solana_sdk::transaction::{Transaction, TransactionError};

use crate::cli::{Cli, Command};
use crate::commands::Plan;
use crate::config::{Config, Signing};
use crate::errors::{vault_error_name, AdminError};

/// The vault as read from the chain, with the chain's clock.
pub struct Chain {
    pub rpc: RpcClient,
    /// The endpoint as errors may show it (no API key).
    pub url: String,
    full_url: String,
    pub vault_key: Pubkey,
    pub vault: Vault,
    pub book: OptionBook,
    /// The Clock sysvar's unix time: what the program compares timelocks with.
    pub now: i64,
}

impl Chain {
    /// Reads the vault, its book and the clock; refuses an account that is not a vault.
    pub fn connect(rpc_url: &str, vault_key: Pubkey) -> Result<Chain, AdminError> {
        let rpc = RpcClient::new_with_timeout_and_commitment(
            rpc_url.to_string(),
            Duration::from_secs(15),
            CommitmentConfig::confirmed(),
        );
        let url = redact_url(rpc_url);
        let rpc_err = |e: &dyn std::fmt::Display| AdminError::Rpc {
            url: url.clone(),
            problem: scrub(&e.to_string(), rpc_url),
        };
        let accounts = rpc
            .get_multiple_accounts(&[vault_key, solana_sdk::sysvar::clock::ID])
            .map_err(|e| rpc_err(&e))?;
        let not_vault = |why: String| AdminError::NotAHedgeVault {
            address: vault_key,
            why,
        };
        let acc = accounts[0]
            .as_ref()
            .ok_or_else(|| not_vault("no account at this address on this cluster".into()))?;
        let vault = decode::vault(&Fetched {
            key: &vault_key,
            owner: &acc.owner,
            data: &acc.data,
        })
        .map_err(|e| not_vault(format!("{e} (owner {})", acc.owner)))?;
        let clock: solana_sdk::clock::Clock = accounts[1]
            .as_ref()
            .and_then(|a| bincode::deserialize(&a.data).ok())
            .ok_or_else(|| AdminError::Rpc {
                url: url.clone(),
                problem: "the Clock sysvar is missing".into(),
            })?;
        let book_acc = rpc
            .get_account_with_commitment(&vault.book, CommitmentConfig::confirmed())
            .map_err(|e| rpc_err(&e))?
            .value
            .ok_or_else(|| not_vault(format!("its book {} does not exist", vault.book)))?;
        let book = decode::book(&Fetched {
            key: &vault.book,
            owner: &book_acc.owner,
            data: &book_acc.data,
        })
        .map_err(|e| not_vault(format!("its book: {e}")))?;
        Ok(Chain {
            rpc,
            url,
            full_url: rpc_url.to_string(),
            vault_key,
            vault,
            book,
            now: clock.unix_timestamp,
        })
    }

    fn rpc_err(&self, e: &dyn std::fmt::Display) -> AdminError {
        AdminError::Rpc {
            url: self.url.clone(),
            problem: scrub(&e.to_string(), &self.full_url),
        }
    }
}

/// What a command did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The transaction's signature, when it was sent.
    pub signature: Option<Signature>,
    /// The instructions built (sent or printed).
    pub instructions: Vec<Instruction>,
    /// The signer the instructions name.
    pub signer: Option<Pubkey>,
}

/// Runs one command, writing what it reads, checks and does to `out`.
pub fn run(cli: &Cli, out: &mut dyn Write) -> Result<Outcome, AdminError> {
    let read_only = matches!(cli.command, Command::Show);
    let cfg = Config::resolve(&cli.global, !read_only)?;
    let chain = Chain::connect(&cfg.rpc_url, cfg.vault)?;
    if read_only {
        show::print(&chain, out).map_err(io_err)?;
        return Ok(Outcome::default());
    }
    let print_only = matches!(cfg.signing, Signing::PrintOnly(_));
    let plan = commands::plan(&cli.command, &chain, print_only, out)?;
    let signer = pick_signer(&cfg, &plan, &chain.vault)?;
    let ixs = (plan.build)(signer);
    match &cfg.signing {
        Signing::PrintOnly(_) => {
            let blockhash = chain
                .rpc
                .get_latest_blockhash()
                .map_err(|e| chain.rpc_err(&e))?;
            writeln!(
                out,
                "signer: {signer} ({}); nothing was sent. For a multisig:",
                plan.role.name()
            )
            .map_err(io_err)?;
            writeln!(
                out,
                "{}{}",
                multisig::SQUADS_PREFIX,
                multisig::squads_message(&ixs, &signer, blockhash)
            )
            .map_err(io_err)?;
            for ix in &ixs {
                writeln!(
                    out,
                    "{}{}",
                    multisig::REALMS_PREFIX,
                    multisig::realms_instruction(ix)
                )
                .map_err(io_err)?;
            }
            Ok(Outcome {
                signature: None,
                instructions: ixs,
                signer: Some(signer),
            })
        }
        Signing::Keypair(kp) => {
            let blockhash = chain
                .rpc
                .get_latest_blockhash()
                .map_err(|e| chain.rpc_err(&e))?;
            let tx = Transaction::new_signed_with_payer(&ixs, Some(&signer), &[kp], blockhash);
            let sig = chain.rpc.send_and_confirm_transaction(&tx).map_err(|e| {
                match e.get_transaction_error() {
                    Some(TransactionError::InstructionError(_, InstructionError::Custom(code))) => {
                        AdminError::Program {
                            code,
                            name: vault_error_name(code),
                        }
                    }
                    _ => chain.rpc_err(&e),
                }
            })?;
            writeln!(out, "sent: {sig}").map_err(io_err)?;
            if let Some(after) = plan.after {
                let now = Chain::connect(&chain.full_url, chain.vault_key)?;
                after(&now, out).map_err(io_err)?;
            }
            Ok(Outcome {
                signature: Some(sig),
                instructions: ixs,
                signer: Some(signer),
            })
        }
        Signing::None => unreachable!("only `show` reads without a signer"),
    }
}

fn io_err(e: std::io::Error) -> AdminError {
    AdminError::Config {
        key: "output",
        problem: e.to_string(),
    }
}

/// The signer: the keypair's, `--signer`, or the role's holder on chain; refused by name
/// when it does not hold the role.
fn pick_signer(cfg: &Config, plan: &Plan, vault: &Vault) -> Result<Pubkey, AdminError> {
    let holders = plan.role.holders(vault);
    let wrong = |signer| AdminError::WrongSigner {
        command: plan.command,
        role: plan.role.name(),
        expected: holders.clone(),
        signer,
    };
    let signer = match &cfg.signing {
        Signing::Keypair(kp) => kp.pubkey(),
        Signing::PrintOnly(Some(k)) => *k,
        Signing::PrintOnly(None) => *holders.first().ok_or_else(|| wrong(Pubkey::default()))?,
        Signing::None => unreachable!("only `show` reads without a signer"),
    };
    if holders.contains(&signer) {
        Ok(signer)
    } else {
        Err(wrong(signer))
    }
}
