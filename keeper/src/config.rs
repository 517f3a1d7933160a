//! Keeper configuration: a TOML file, every key overridable by a flag and an environment
//! variable (flag > env > file > default). Bad values fail at start with the key and the
//! problem, never later in the loop.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use clap::Args;
use serde::Deserialize;
use solana_sdk::signature::{read_keypair_file, Keypair};

/// `hedge-keeper run` options; each also reads `HEDGE_KEEPER_<KEY>`.
#[derive(Args, Debug, Clone, Default)]
pub struct RunArgs {
    /// TOML file with any of the keys below.
    #[arg(long, env = "HEDGE_KEEPER_CONFIG")]
    pub config: Option<PathBuf>,
    /// JSON-RPC endpoint (http or https).
    #[arg(long, env = "HEDGE_KEEPER_RPC_URL")]
    pub rpc_url: Option<String>,
    /// Further JSON-RPC endpoints, comma-separated: used in order when the one in use
    /// fails (transport error, timeout, 429, a node behind); transactions are broadcast
    /// through all of them.
    #[arg(long, env = "HEDGE_KEEPER_RPC_FALLBACK_URLS", value_delimiter = ',')]
    pub rpc_fallback_urls: Option<Vec<String>>,
    /// Websocket endpoint (ws or wss); defaults to the RPC URL's websocket twin.
    #[arg(long, env = "HEDGE_KEEPER_WS_URL")]
    pub ws_url: Option<String>,
    /// Keypair file (Solana CLI JSON format).
    #[arg(long, env = "HEDGE_KEEPER_KEYPAIR")]
    pub keypair: Option<PathBuf>,
    /// Vault addresses, comma-separated.
    #[arg(long, env = "HEDGE_KEEPER_VAULTS", value_delimiter = ',')]
    pub vaults: Option<Vec<String>>,
    /// Milliseconds between cycles.
    #[arg(long, env = "HEDGE_KEEPER_POLL_INTERVAL_MS")]
    pub poll_interval_ms: Option<u64>,
    /// Highest priority fee, micro-lamports per compute unit.
    #[arg(long, env = "HEDGE_KEEPER_PRIORITY_FEE_MAX")]
    pub priority_fee_max: Option<u64>,
    /// Percentile of recent prioritization fees to pay (0–100).
    #[arg(long, env = "HEDGE_KEEPER_PRIORITY_FEE_PERCENTILE")]
    pub priority_fee_percentile: Option<u8>,
    /// Most lamports of priority fees signed per rolling hour (all vaults together);
    /// beyond it the keeper bids only what is left.
    #[arg(long, env = "HEDGE_KEEPER_PRIORITY_FEE_BUDGET_LAMPORTS_PER_HOUR")]
    pub priority_fee_budget_lamports_per_hour: Option<u64>,
    /// How many vaults' transactions are sent and confirmed at once.
    #[arg(long, env = "HEDGE_KEEPER_MAX_CONCURRENT_SENDS")]
    pub max_concurrent_sends: Option<usize>,
    /// Where transactions go: `rpc` (sendTransaction through every RPC endpoint, the
    /// default) or `bundle` (a block engine's `sendBundle`, e.g. Jito's, with a tip).
    #[arg(long, env = "HEDGE_KEEPER_SEND_PATH")]
    pub send_path: Option<String>,
    /// The block engine's bundle endpoint (`send_path = "bundle"`), e.g.
    /// https://mainnet.block-engine.jito.wtf/api/v1/bundles.
    #[arg(long, env = "HEDGE_KEEPER_BUNDLE_URL")]
    pub bundle_url: Option<String>,
    /// Lamports tipped per bundle.
    #[arg(long, env = "HEDGE_KEEPER_BUNDLE_TIP_LAMPORTS")]
    pub bundle_tip_lamports: Option<u64>,
    /// Address of the Prometheus `/metrics` endpoint.
    #[arg(long, env = "HEDGE_KEEPER_METRICS_ADDR")]
    pub metrics_addr: Option<String>,
    /// Decide and simulate, never send (`--dry-run` alone means true).
    #[arg(long, env = "HEDGE_KEEPER_DRY_RUN", num_args = 0..=1, default_missing_value = "true")]
    pub dry_run: Option<bool>,
    /// Deadline of every RPC call, milliseconds.
    #[arg(long, env = "HEDGE_KEEPER_RPC_TIMEOUT_MS")]
    pub rpc_timeout_ms: Option<u64>,
    /// How far below the pool's quote at the fetched reserves a hedge may fill, bps
    /// (the keeper's `min_out`; the program's own limit comes from the oracle).
    #[arg(long, env = "HEDGE_KEEPER_MIN_OUT_TOLERANCE_BPS")]
    pub min_out_tolerance_bps: Option<u64>,
}

/// The same keys in the TOML file.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    rpc_url: Option<String>,
    rpc_fallback_urls: Option<Vec<String>>,
    priority_fee_budget_lamports_per_hour: Option<u64>,
    max_concurrent_sends: Option<usize>,
    send_path: Option<String>,
    bundle_url: Option<String>,
    bundle_tip_lamports: Option<u64>,
    ws_url: Option<String>,
    keypair: Option<PathBuf>,
    vaults: Option<Vec<String>>,
    poll_interval_ms: Option<u64>,
    priority_fee_max: Option<u64>,
    priority_fee_percentile: Option<u8>,
    metrics_addr: Option<String>,
    dry_run: Option<bool>,
    rpc_timeout_ms: Option<u64>,
    min_out_tolerance_bps: Option<u64>,
}

/// How much to bid for priority.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriorityFeePolicy {
    pub max_micro_lamports: u64,
    pub percentile: u8,
    /// Lamports of priority fees the keeper may sign per rolling hour.
    pub budget_lamports_per_hour: u64,
}

/// Where transactions are sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendPath {
    /// `sendTransaction` through every RPC endpoint: the public path.
    Rpc,
    /// A block engine's `sendBundle` (Jito's API): the transaction carries a transfer of
    /// `tip_lamports` to one of the engine's tip accounts (`getTipAccounts`), pays no
    /// compute-unit price, and stays out of the public mempool until it lands.
    Bundle { url: String, tip_lamports: u64 },
}

/// The validated configuration. Its `Debug` and `Display` never show the key material.
pub struct Config {
    pub rpc_url: String,
    /// Tried in order after `rpc_url` (see [`crate::endpoints`]).
    pub rpc_fallback_urls: Vec<String>,
    pub ws_url: String,
    pub keypair_path: PathBuf,
    pub keypair: Keypair,
    pub vaults: Vec<Pubkey>,
    pub poll_interval: Duration,
    pub priority_fee: PriorityFeePolicy,
    pub metrics_addr: SocketAddr,
    pub dry_run: bool,
    pub rpc_timeout: Duration,
    pub min_out_tolerance_bps: u64,
    pub max_concurrent_sends: usize,
    pub send_path: SendPath,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use solana_sdk::signature::Signer;
        f.debug_struct("Config")
            .field("rpc_url", &redact_url(&self.rpc_url))
            .field(
                "rpc_fallback_urls",
                &self
                    .rpc_fallback_urls
                    .iter()
                    .map(|u| redact_url(u))
                    .collect::<Vec<_>>(),
            )
            .field("ws_url", &redact_url(&self.ws_url))
            .field("keypair_path", &self.keypair_path)
            .field(
                "keypair",
                &format_args!("<secret of {}>", self.keypair.pubkey()),
            )
            .field("vaults", &self.vaults)
            .field("poll_interval", &self.poll_interval)
            .field("priority_fee", &self.priority_fee)
            .field("metrics_addr", &self.metrics_addr)
            .field("dry_run", &self.dry_run)
            .field("rpc_timeout", &self.rpc_timeout)
            .field("min_out_tolerance_bps", &self.min_out_tolerance_bps)
            .field("max_concurrent_sends", &self.max_concurrent_sends)
            .field(
                "send_path",
                &match &self.send_path {
                    SendPath::Rpc => "rpc".to_string(),
                    SendPath::Bundle { url, tip_lamports } => {
                        format!("bundle via {} (tip {tip_lamports})", redact_url(url))
                    }
                },
            )
            .finish()
    }
}

/// A configuration problem: which key, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub key: &'static str,
    pub problem: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "config key `{}`: {}", self.key, self.problem)
    }
}

impl std::error::Error for ConfigError {}

fn err(key: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        key,
        problem: problem.into(),
    }
}

pub const DEFAULT_RPC_URL: &str = "http://127.0.0.1:8899";
pub const DEFAULT_POLL_INTERVAL_MS: u64 = 1_000;
pub const MIN_POLL_INTERVAL_MS: u64 = 100;
pub const DEFAULT_PRIORITY_FEE_MAX: u64 = 100_000;
pub const DEFAULT_PRIORITY_FEE_PERCENTILE: u8 = 75;
pub const DEFAULT_METRICS_ADDR: &str = "127.0.0.1:9464";
pub const DEFAULT_RPC_TIMEOUT_MS: u64 = 10_000;
/// 0.005 SOL an hour: at the default cap (100,000 micro-lamports/CU) a 400k-CU hedge
/// bids 40,000 lamports, so about 125 such bids an hour.
pub const DEFAULT_PRIORITY_FEE_BUDGET_LAMPORTS_PER_HOUR: u64 = 5_000_000;
pub const DEFAULT_MAX_CONCURRENT_SENDS: usize = 4;
/// Jito's block engine refuses bundles tipping less than 1,000 lamports.
pub const MIN_BUNDLE_TIP_LAMPORTS: u64 = 1_000;
pub const DEFAULT_BUNDLE_TIP_LAMPORTS: u64 = 10_000;
/// A tip above 0.01 SOL per hedge is a typo, not a bid.
pub const MAX_BUNDLE_TIP_LAMPORTS: u64 = 10_000_000;
pub const MAX_CONCURRENT_SENDS: usize = 32;
/// More endpoints than this is a list nobody watches.
pub const MAX_RPC_FALLBACK_URLS: usize = 8;
pub const DEFAULT_MIN_OUT_TOLERANCE_BPS: u64 = 50;
/// A keeper `min_out` looser than 10% protects nothing the program's limit does not.
pub const MAX_MIN_OUT_TOLERANCE_BPS: u64 = 1_000;

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| err("config", format!("cannot read {}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| err("config", format!("{}: {e}", path.display())))
}

// One redaction for every binary (the admin CLI prints endpoint errors too).
pub use hedge_vault_client::url::{redact_url, scrub};

/// The websocket URL that pairs with an RPC URL. An https endpoint (a provider behind
/// TLS) serves its websocket on the same host, port and path: wss. A plain http URL with
/// a port is a validator's own RPC, whose pubsub listens on port + 1.
pub fn default_ws_url(rpc_url: &str) -> String {
    if let Some(r) = rpc_url.strip_prefix("https://") {
        return format!("wss://{r}");
    }
    let (scheme, rest) = ("ws://", rpc_url.strip_prefix("http://").unwrap_or(rpc_url));
    let (host, path) = match rest.split_once('/') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    let host = match host
        .rsplit_once(':')
        .and_then(|(h, p)| p.parse::<u16>().ok().map(|p| (h, p)))
    {
        Some((h, port)) => format!("{h}:{}", port.saturating_add(1)),
        None => host.to_string(),
    };
    match path {
        None => format!("{scheme}{host}"),
        Some(p) => format!("{scheme}{host}/{p}"),
    }
}

impl Config {
    /// Merges flags/env over the file over defaults and validates every key.
    pub fn resolve(args: &RunArgs) -> Result<Config, ConfigError> {
        let file = match &args.config {
            Some(p) => read_file(p)?,
            None => FileConfig::default(),
        };
        let rpc_url = args
            .rpc_url
            .clone()
            .or(file.rpc_url)
            .unwrap_or_else(|| DEFAULT_RPC_URL.into());
        if !(rpc_url.starts_with("http://") || rpc_url.starts_with("https://")) {
            let shown = redact_url(&rpc_url);
            return Err(err("rpc_url", format!("`{shown}` is not an http(s) URL")));
        }
        let rpc_fallback_urls = args
            .rpc_fallback_urls
            .clone()
            .or(file.rpc_fallback_urls)
            .unwrap_or_default();
        if rpc_fallback_urls.len() > MAX_RPC_FALLBACK_URLS {
            return Err(err(
                "rpc_fallback_urls",
                format!(
                    "{} endpoints; at most {MAX_RPC_FALLBACK_URLS}",
                    rpc_fallback_urls.len()
                ),
            ));
        }
        for (i, u) in rpc_fallback_urls.iter().enumerate() {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                let shown = redact_url(u);
                return Err(err(
                    "rpc_fallback_urls",
                    format!("`{shown}` is not an http(s) URL"),
                ));
            }
            if *u == rpc_url || rpc_fallback_urls[..i].contains(u) {
                let shown = redact_url(u);
                return Err(err(
                    "rpc_fallback_urls",
                    format!("`{shown}` is listed twice"),
                ));
            }
        }
        let ws_url = args
            .ws_url
            .clone()
            .or(file.ws_url)
            .unwrap_or_else(|| default_ws_url(&rpc_url));
        if !(ws_url.starts_with("ws://") || ws_url.starts_with("wss://")) {
            let shown = redact_url(&ws_url);
            return Err(err("ws_url", format!("`{shown}` is not a ws(s) URL")));
        }
        let keypair_path = args.keypair.clone().or(file.keypair).ok_or_else(|| {
            err(
                "keypair",
                "missing: give --keypair, HEDGE_KEEPER_KEYPAIR or `keypair`",
            )
        })?;
        let keypair = read_keypair_file(&keypair_path).map_err(|e| {
            err(
                "keypair",
                format!("cannot read a keypair from {}: {e}", keypair_path.display()),
            )
        })?;
        let raw_vaults = args.vaults.clone().or(file.vaults).unwrap_or_default();
        if raw_vaults.is_empty() {
            return Err(err("vaults", "no vault addresses given"));
        }
        let vaults = raw_vaults
            .iter()
            .map(|v| {
                Pubkey::from_str(v.trim())
                    .map_err(|_| err("vaults", format!("`{v}` is not a base58 address")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        for (i, v) in vaults.iter().enumerate() {
            if vaults[..i].contains(v) {
                return Err(err("vaults", format!("{v} is listed twice")));
            }
        }
        let poll_ms = args
            .poll_interval_ms
            .or(file.poll_interval_ms)
            .unwrap_or(DEFAULT_POLL_INTERVAL_MS);
        if poll_ms < MIN_POLL_INTERVAL_MS {
            return Err(err(
                "poll_interval_ms",
                format!("{poll_ms} ms is below the {MIN_POLL_INTERVAL_MS} ms minimum"),
            ));
        }
        let percentile = args
            .priority_fee_percentile
            .or(file.priority_fee_percentile)
            .unwrap_or(DEFAULT_PRIORITY_FEE_PERCENTILE);
        if percentile > 100 {
            return Err(err(
                "priority_fee_percentile",
                format!("{percentile} is not a percentile (0–100)"),
            ));
        }
        let metrics = args
            .metrics_addr
            .clone()
            .or(file.metrics_addr)
            .unwrap_or_else(|| DEFAULT_METRICS_ADDR.into());
        let metrics_addr = metrics.parse::<SocketAddr>().map_err(|_| {
            err(
                "metrics_addr",
                format!("`{metrics}` is not an ip:port address"),
            )
        })?;
        let timeout_ms = args
            .rpc_timeout_ms
            .or(file.rpc_timeout_ms)
            .unwrap_or(DEFAULT_RPC_TIMEOUT_MS);
        if !(100..=120_000).contains(&timeout_ms) {
            return Err(err(
                "rpc_timeout_ms",
                format!("{timeout_ms} ms is outside 100–120,000 ms"),
            ));
        }
        let tolerance = args
            .min_out_tolerance_bps
            .or(file.min_out_tolerance_bps)
            .unwrap_or(DEFAULT_MIN_OUT_TOLERANCE_BPS);
        if tolerance > MAX_MIN_OUT_TOLERANCE_BPS {
            return Err(err(
                "min_out_tolerance_bps",
                format!("{tolerance} bps is above the {MAX_MIN_OUT_TOLERANCE_BPS} bps maximum"),
            ));
        }
        let concurrent = args
            .max_concurrent_sends
            .or(file.max_concurrent_sends)
            .unwrap_or(DEFAULT_MAX_CONCURRENT_SENDS);
        if !(1..=MAX_CONCURRENT_SENDS).contains(&concurrent) {
            return Err(err(
                "max_concurrent_sends",
                format!("{concurrent} is outside 1–{MAX_CONCURRENT_SENDS}"),
            ));
        }
        let send_path = match args
            .send_path
            .clone()
            .or(file.send_path)
            .as_deref()
            .unwrap_or("rpc")
        {
            "rpc" => SendPath::Rpc,
            "bundle" => {
                let url = args.bundle_url.clone().or(file.bundle_url).ok_or_else(|| {
                    err(
                        "bundle_url",
                        "missing: `send_path = \"bundle\"` needs the block engine's URL",
                    )
                })?;
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    let shown = redact_url(&url);
                    return Err(err(
                        "bundle_url",
                        format!("`{shown}` is not an http(s) URL"),
                    ));
                }
                let tip = args
                    .bundle_tip_lamports
                    .or(file.bundle_tip_lamports)
                    .unwrap_or(DEFAULT_BUNDLE_TIP_LAMPORTS);
                if !(MIN_BUNDLE_TIP_LAMPORTS..=MAX_BUNDLE_TIP_LAMPORTS).contains(&tip) {
                    return Err(err(
                        "bundle_tip_lamports",
                        format!(
                            "{tip} is outside {MIN_BUNDLE_TIP_LAMPORTS}–{MAX_BUNDLE_TIP_LAMPORTS} lamports"
                        ),
                    ));
                }
                SendPath::Bundle {
                    url,
                    tip_lamports: tip,
                }
            }
            other => {
                return Err(err(
                    "send_path",
                    format!("`{other}` is not `rpc` or `bundle`"),
                ))
            }
        };
        Ok(Config {
            send_path,
            rpc_url,
            rpc_fallback_urls,
            ws_url,
            keypair_path,
            keypair,
            vaults,
            poll_interval: Duration::from_millis(poll_ms),
            priority_fee: PriorityFeePolicy {
                max_micro_lamports: args
                    .priority_fee_max
                    .or(file.priority_fee_max)
                    .unwrap_or(DEFAULT_PRIORITY_FEE_MAX),
                percentile,
                budget_lamports_per_hour: args
                    .priority_fee_budget_lamports_per_hour
                    .or(file.priority_fee_budget_lamports_per_hour)
                    .unwrap_or(DEFAULT_PRIORITY_FEE_BUDGET_LAMPORTS_PER_HOUR),
            },
            metrics_addr,
            dry_run: args.dry_run.or(file.dry_run).unwrap_or(false),
            rpc_timeout: Duration::from_millis(timeout_ms),
            min_out_tolerance_bps: tolerance,
            max_concurrent_sends: concurrent,
        })
    }
}

impl std::fmt::Display for Config {
    /// The effective configuration, printed at start. Never the key material.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use solana_sdk::signature::Signer;
        writeln!(f, "rpc_url = {}", redact_url(&self.rpc_url))?;
        for u in &self.rpc_fallback_urls {
            writeln!(f, "rpc_fallback_url = {}", redact_url(u))?;
        }
        writeln!(f, "ws_url = {}", redact_url(&self.ws_url))?;
        writeln!(
            f,
            "keypair = {} ({})",
            self.keypair_path.display(),
            self.keypair.pubkey()
        )?;
        let vaults: Vec<String> = self.vaults.iter().map(|v| v.to_string()).collect();
        writeln!(f, "vaults = [{}]", vaults.join(", "))?;
        writeln!(f, "poll_interval_ms = {}", self.poll_interval.as_millis())?;
        writeln!(
            f,
            "priority_fee = p{} of fees paid, capped at {} micro-lamports/CU and {} lamports/hour",
            self.priority_fee.percentile,
            self.priority_fee.max_micro_lamports,
            self.priority_fee.budget_lamports_per_hour
        )?;
        writeln!(f, "metrics_addr = {}", self.metrics_addr)?;
        writeln!(f, "rpc_timeout_ms = {}", self.rpc_timeout.as_millis())?;
        writeln!(f, "min_out_tolerance_bps = {}", self.min_out_tolerance_bps)?;
        writeln!(f, "max_concurrent_sends = {}", self.max_concurrent_sends)?;
        match &self.send_path {
            SendPath::Rpc => writeln!(f, "send_path = rpc")?,
            SendPath::Bundle { url, tip_lamports } => writeln!(
                f,
                "send_path = bundle via {} (tip {tip_lamports} lamports)",
                redact_url(url)
            )?,
        }
        write!(f, "dry_run = {}", self.dry_run)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use solana_sdk::signature::{write_keypair_file, Signer};

    fn dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("hedge-keeper-cfg-{}", Pubkey::new_unique()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn keypair_in(d: &Path) -> (PathBuf, Pubkey) {
        let kp = Keypair::new();
        let p = d.join("id.json");
        write_keypair_file(&kp, &p).unwrap();
        (p, kp.pubkey())
    }

    #[test]
    fn file_then_env_and_flags_override() {
        let d = dir();
        let (kp, who) = keypair_in(&d);
        let vault = Pubkey::new_unique();
        let file = d.join("keeper.toml");
        std::fs::write(
            &file,
            format!(
                "rpc_url = \"https://rpc.example:8899\"\nkeypair = \"{}\"\nvaults = [\"{vault}\"]\npoll_interval_ms = 2500\n",
                kp.display()
            ),
        )
        .unwrap();
        let args = RunArgs {
            config: Some(file),
            poll_interval_ms: Some(500),
            ..RunArgs::default()
        };
        let c = Config::resolve(&args).unwrap();
        assert_eq!(c.rpc_url, "https://rpc.example:8899");
        // An https provider serves its websocket on the same port.
        assert_eq!(c.ws_url, "wss://rpc.example:8899");
        assert_eq!(c.keypair.pubkey(), who);
        assert_eq!(c.vaults, vec![vault]);
        assert_eq!(c.poll_interval, Duration::from_millis(500));
        assert_eq!(c.priority_fee.percentile, DEFAULT_PRIORITY_FEE_PERCENTILE);
        assert!(!c.dry_run);
        // The printed configuration names the key file and address, not the secret.
        let shown = c.to_string();
        assert!(shown.contains(&who.to_string()));
        assert!(!shown.contains(&format!("{:?}", c.keypair.to_bytes())));
        // Nor does `Debug` (a `{:?}` in a log line must not leak the secret).
        let debug = format!("{c:?}");
        assert!(debug.contains(&who.to_string()), "{debug}");
        assert!(!debug.contains(&c.keypair.to_base58_string()), "{debug}");
        assert!(!debug.contains(&format!("{:?}", c.keypair.to_bytes())));
    }

    #[test]
    fn bad_values_name_the_key() {
        let d = dir();
        let (kp, _) = keypair_in(&d);
        let base = RunArgs {
            keypair: Some(kp.clone()),
            vaults: Some(vec![Pubkey::new_unique().to_string()]),
            ..RunArgs::default()
        };
        let key_of = |args: RunArgs| Config::resolve(&args).unwrap_err().key;
        assert_eq!(
            key_of(RunArgs {
                vaults: Some(vec!["not-an-address".into()]),
                ..base.clone()
            }),
            "vaults"
        );
        let twice = Pubkey::new_unique().to_string();
        assert_eq!(
            key_of(RunArgs {
                vaults: Some(vec![twice.clone(), twice]),
                ..base.clone()
            }),
            "vaults"
        );
        assert_eq!(
            key_of(RunArgs {
                rpc_timeout_ms: Some(5),
                ..base.clone()
            }),
            "rpc_timeout_ms"
        );
        assert_eq!(
            key_of(RunArgs {
                min_out_tolerance_bps: Some(5_000),
                ..base.clone()
            }),
            "min_out_tolerance_bps"
        );
        assert_eq!(
            key_of(RunArgs {
                vaults: Some(vec![]),
                ..base.clone()
            }),
            "vaults"
        );
        assert_eq!(
            key_of(RunArgs {
                keypair: Some(d.join("missing.json")),
                ..base.clone()
            }),
            "keypair"
        );
        let garbage = d.join("garbage.json");
        std::fs::write(&garbage, "[1,2,3]").unwrap();
        assert_eq!(
            key_of(RunArgs {
                keypair: Some(garbage),
                ..base.clone()
            }),
            "keypair"
        );
        assert_eq!(
            key_of(RunArgs {
                keypair: None,
                ..base.clone()
            }),
            "keypair"
        );
        assert_eq!(
            key_of(RunArgs {
                rpc_url: Some("ftp://x".into()),
                ..base.clone()
            }),
            "rpc_url"
        );
        assert_eq!(
            key_of(RunArgs {
                ws_url: Some("http://x".into()),
                ..base.clone()
            }),
            "ws_url"
        );
        assert_eq!(
            key_of(RunArgs {
                poll_interval_ms: Some(5),
                ..base.clone()
            }),
            "poll_interval_ms"
        );
        assert_eq!(
            key_of(RunArgs {
                priority_fee_percentile: Some(101),
                ..base.clone()
            }),
            "priority_fee_percentile"
        );
        assert_eq!(
            key_of(RunArgs {
                metrics_addr: Some("localhost".into()),
                ..base.clone()
            }),
            "metrics_addr"
        );
        assert_eq!(
            key_of(RunArgs {
                rpc_fallback_urls: Some(vec!["ws://backup:8900".into()]),
                ..base.clone()
            }),
            "rpc_fallback_urls"
        );
        // The primary again, or one endpoint twice, is not a fallback.
        assert_eq!(
            key_of(RunArgs {
                rpc_fallback_urls: Some(vec![DEFAULT_RPC_URL.into()]),
                ..base.clone()
            }),
            "rpc_fallback_urls"
        );
        assert_eq!(
            key_of(RunArgs {
                rpc_fallback_urls: Some(vec![
                    "https://b.example".into(),
                    "https://b.example".into()
                ]),
                ..base.clone()
            }),
            "rpc_fallback_urls"
        );
        assert_eq!(
            key_of(RunArgs {
                rpc_fallback_urls: Some(
                    (0..=MAX_RPC_FALLBACK_URLS)
                        .map(|i| format!("https://b{i}.example"))
                        .collect()
                ),
                ..base.clone()
            }),
            "rpc_fallback_urls"
        );
        for n in [0, MAX_CONCURRENT_SENDS + 1] {
            assert_eq!(
                key_of(RunArgs {
                    max_concurrent_sends: Some(n),
                    ..base.clone()
                }),
                "max_concurrent_sends"
            );
        }
        // A fallback URL's key stays out of the error too.
        let e = Config::resolve(&RunArgs {
            rpc_fallback_urls: Some(vec!["ftp://h.example/SECRET".into()]),
            ..base.clone()
        })
        .unwrap_err();
        assert!(!e.problem.contains("SECRET"), "{e}");
        let ok = Config::resolve(&RunArgs {
            rpc_fallback_urls: Some(vec!["https://b.example/KEY".into()]),
            max_concurrent_sends: Some(2),
            priority_fee_budget_lamports_per_hour: Some(7),
            ..base.clone()
        })
        .unwrap();
        assert_eq!(ok.rpc_fallback_urls, vec!["https://b.example/KEY"]);
        assert_eq!(ok.max_concurrent_sends, 2);
        assert_eq!(ok.priority_fee.budget_lamports_per_hour, 7);
        assert!(!ok.to_string().contains("KEY") && !format!("{ok:?}").contains("KEY"));
        assert_eq!(
            key_of(RunArgs {
                send_path: Some("jito".into()),
                ..base.clone()
            }),
            "send_path"
        );
        assert_eq!(
            key_of(RunArgs {
                send_path: Some("bundle".into()),
                ..base.clone()
            }),
            "bundle_url"
        );
        assert_eq!(
            key_of(RunArgs {
                send_path: Some("bundle".into()),
                bundle_url: Some("block-engine.example".into()),
                ..base.clone()
            }),
            "bundle_url"
        );
        for tip in [MIN_BUNDLE_TIP_LAMPORTS - 1, MAX_BUNDLE_TIP_LAMPORTS + 1] {
            assert_eq!(
                key_of(RunArgs {
                    send_path: Some("bundle".into()),
                    bundle_url: Some("https://be.example/api/v1/bundles".into()),
                    bundle_tip_lamports: Some(tip),
                    ..base.clone()
                }),
                "bundle_tip_lamports"
            );
        }
        let b = Config::resolve(&RunArgs {
            send_path: Some("bundle".into()),
            bundle_url: Some("https://be.example/api/v1/bundles?uuid=SECRET".into()),
            ..base.clone()
        })
        .unwrap();
        assert_eq!(
            b.send_path,
            SendPath::Bundle {
                url: "https://be.example/api/v1/bundles?uuid=SECRET".into(),
                tip_lamports: DEFAULT_BUNDLE_TIP_LAMPORTS
            }
        );
        assert!(!b.to_string().contains("SECRET") && !format!("{b:?}").contains("SECRET"));
        // The public path is the default.
        assert_eq!(Config::resolve(&base).unwrap().send_path, SendPath::Rpc);
        let unknown = d.join("bad.toml");
        std::fs::write(&unknown, "rpc_ur = \"http://x\"\n").unwrap();
        let e = Config::resolve(&RunArgs {
            config: Some(unknown),
            ..base.clone()
        })
        .unwrap_err();
        assert_eq!(e.key, "config");
        assert!(e.problem.contains("rpc_ur"), "{e}");
        assert_eq!(
            Config::resolve(&RunArgs {
                config: Some(d.join("nope.toml")),
                ..base
            })
            .unwrap_err()
            .key,
            "config"
        );
    }

    #[test]
    fn the_example_file_is_a_valid_config() {
        let d = dir();
        let (kp, _) = keypair_in(&d);
        let c = Config::resolve(&RunArgs {
            config: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("keeper.example.toml")),
            keypair: Some(kp),
            vaults: Some(vec![Pubkey::new_unique().to_string()]),
            ..RunArgs::default()
        })
        .unwrap();
        assert_eq!(c.send_path, SendPath::Rpc);
        assert_eq!(
            c.priority_fee.budget_lamports_per_hour,
            DEFAULT_PRIORITY_FEE_BUDGET_LAMPORTS_PER_HOUR
        );
    }

    #[test]
    fn websocket_twin_of_an_rpc_url() {
        assert_eq!(
            default_ws_url("http://127.0.0.1:8899"),
            "ws://127.0.0.1:8900"
        );
        assert_eq!(
            default_ws_url("https://api.example.com"),
            "wss://api.example.com"
        );
        // A provider URL with a port, path and key: the same, over wss.
        assert_eq!(
            default_ws_url("https://h.example:443/v1/KEY"),
            "wss://h.example:443/v1/KEY"
        );
        assert_eq!(
            default_ws_url("http://10.0.0.5:8899/"),
            "ws://10.0.0.5:8900/"
        );
    }

    #[test]
    fn endpoint_keys_stay_out_of_logs() {
        assert_eq!(redact_url("http://127.0.0.1:8899"), "http://127.0.0.1:8899");
        assert_eq!(
            redact_url("http://127.0.0.1:8899/"),
            "http://127.0.0.1:8899"
        );
        assert_eq!(
            redact_url("https://mainnet.helius-rpc.com/?api-key=SECRET"),
            "https://mainnet.helius-rpc.com/…"
        );
        assert_eq!(
            redact_url("https://x.solana-mainnet.quiknode.pro/SECRET/"),
            "https://x.solana-mainnet.quiknode.pro/…"
        );
        assert_eq!(
            redact_url("https://user:SECRET@h.example:443"),
            "https://h.example:443/…"
        );
        // An HTTP client's error quotes the (normalised) URL.
        let url = "https://Rpc.Example.com/v1/SECRET";
        let e = "error sending request for url (https://rpc.example.com/v1/SECRET): timed out";
        let s = scrub(e, url);
        assert!(!s.contains("SECRET"), "{s}");
        assert_eq!(
            s,
            "error sending request for url (https://rpc.example.com/…): timed out"
        );
        // Other URLs are left alone.
        assert_eq!(
            scrub("see https://docs.example/x", url),
            "see https://docs.example/x"
        );
        // The printed config shows neither.
        let kp = Keypair::new();
        let cfg = Config {
            rpc_url: url.into(),
            rpc_fallback_urls: vec!["https://backup.example/SECRET".into()],
            ws_url: "wss://rpc.example.com/v1/SECRET".into(),
            keypair: kp,
            keypair_path: "k.json".into(),
            vaults: vec![],
            poll_interval: Duration::from_secs(1),
            priority_fee: PriorityFeePolicy {
                max_micro_lamports: 1,
                percentile: 50,
                budget_lamports_per_hour: 1,
            },
            metrics_addr: "127.0.0.1:0".parse().unwrap(),
            dry_run: false,
            rpc_timeout: Duration::from_secs(1),
            min_out_tolerance_bps: 50,
            max_concurrent_sends: 1,
            send_path: SendPath::Bundle {
                url: "https://be.example/api/v1/bundles?uuid=SECRET".into(),
                tip_lamports: 1_000,
            },
        };
        assert!(!cfg.to_string().contains("SECRET"), "{cfg}");
        assert!(!format!("{cfg:?}").contains("SECRET"), "{cfg:?}");
    }
}
