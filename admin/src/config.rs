//! Where the admin points: endpoint, vault and signer, from flags, environment and an
//! optional TOML file (in that order), each refused by name when malformed.

use std::path::{Path, PathBuf};

use anchor_lang::prelude::Pubkey;
use serde::Deserialize;
use solana_sdk::signature::{read_keypair_file, Keypair};

use crate::cli::Global;
use crate::errors::AdminError;

pub const DEFAULT_RPC_URL: &str = "http://127.0.0.1:8899";

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    rpc_url: Option<String>,
    vault: Option<String>,
    keypair: Option<PathBuf>,
}

/// How the transaction gets its signature.
pub enum Signing {
    /// Sign with this keypair and send.
    Keypair(Keypair),
    /// Print for a multisig; the signer is this address, or the role's holder on chain.
    PrintOnly(Option<Pubkey>),
    /// Read-only commands.
    None,
}

pub struct Config {
    pub rpc_url: String,
    pub vault: Pubkey,
    pub signing: Signing,
}

fn config_err(key: &'static str, problem: impl Into<String>) -> AdminError {
    AdminError::Config {
        key,
        problem: problem.into(),
    }
}

/// A base58 address, or a named error for `key`.
pub fn parse_pubkey(key: &'static str, text: &str) -> Result<Pubkey, AdminError> {
    text.trim()
        .parse()
        .map_err(|_| config_err(key, format!("`{text}` is not a base58 address")))
}

/// An address, or `none` for `Pubkey::default()` (a disabled role).
pub fn parse_pubkey_or_none(key: &'static str, text: &str) -> Result<Pubkey, AdminError> {
    if text.trim().eq_ignore_ascii_case("none") {
        Ok(Pubkey::default())
    } else {
        parse_pubkey(key, text)
    }
}

fn read_file(path: &Path) -> Result<FileConfig, AdminError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| config_err("--config", format!("cannot read {}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| config_err("--config", format!("{}: {e}", path.display())))
}

impl Config {
    /// Resolves the options; `needs_signer` is false for read-only commands.
    pub fn resolve(g: &Global, needs_signer: bool) -> Result<Config, AdminError> {
        let file = match &g.config {
            Some(p) => read_file(p)?,
            None => FileConfig::default(),
        };
        let rpc_url = g
            .rpc_url
            .clone()
            .or(file.rpc_url)
            .unwrap_or_else(|| DEFAULT_RPC_URL.to_string());
        if !(rpc_url.starts_with("http://") || rpc_url.starts_with("https://")) {
            return Err(config_err(
                "--rpc-url",
                format!(
                    "`{}` must start with http:// or https://",
                    hedge_vault_client::url::redact_url(&rpc_url)
                ),
            ));
        }
        let vault_text = g.vault.clone().or(file.vault).ok_or_else(|| {
            config_err(
                "--vault",
                "missing: pass --vault, set HEDGE_VAULT, or `vault` in --config",
            )
        })?;
        let vault = parse_pubkey("--vault", &vault_text)?;
        let signing = if !needs_signer {
            Signing::None
        } else if g.print_only {
            let signer = g
                .signer
                .as_deref()
                .map(|s| parse_pubkey("--signer", s))
                .transpose()?;
            Signing::PrintOnly(signer)
        } else {
            if g.signer.is_some() {
                return Err(config_err(
                    "--signer",
                    "only with --print-only (a keypair signs for itself)",
                ));
            }
            let path = g.keypair.clone().or(file.keypair).ok_or_else(|| {
                config_err(
                    "--keypair",
                    "missing: pass --keypair (or HEDGE_ADMIN_KEYPAIR), or --print-only for a multisig",
                )
            })?;
            let kp = read_keypair_file(&path).map_err(|e| {
                config_err("--keypair", format!("cannot read {}: {e}", path.display()))
            })?;
            Signing::Keypair(kp)
        };
        Ok(Config {
            rpc_url,
            vault,
            signing,
        })
    }
}
