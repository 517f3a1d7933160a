//! The sandbox's world: a local Solana JSON-RPC and websocket endpoint over agave's
//! bank (solana-program-test) with the vault program and the CPMM stand-in as native
//! processors, a world in it (mints, pool, vault, series, wallets), a moving Pyth feed,
//! an arbitrageur, a scripted trader, and the keeper, which talks to the endpoint over
//! real RPC exactly as in production.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use anchor_spl::token::spl_token;
use clap::{Args, ValueEnum};
use hedge_vault::state::{OracleKind, RiskParams, Vault};
use hedge_vault_tests::dex::Pool;
use hedge_vault_tests::fixture::{px, OracleState, VaultFixture, ONE_QUOTE, ONE_UNDERLYING};
use hedge_vault_tests::TokenKind;
use jsonrpsee::server::{Server, ServerHandle};
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_sdk::account::AccountSharedData;
use solana_sdk::commitment_config::CommitmentConfig;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{write_keypair_file, Keypair, Signer};
use solana_sdk::transaction::Transaction;
use tokio::sync::watch;
use tracing::{info, warn};

use crate::chain::{self, wall_time, Chain};
use crate::market::{self, legacy_bytes, pull_v2_bytes, Gbm, PriceSource};
use crate::site::{Site, SiteLayer};
use crate::{rpc, trader};
use hedge_keeper::config::{Config, PriorityFeePolicy};
use hedge_keeper::metrics::Metrics;
use hedge_keeper::run::Keeper;

/// Where the sandbox's own lines go: the terminal, even when the process's stdout is
/// diverted to a file (the programs' `msg!` output, see [`divert_program_output`]).
static CONSOLE: std::sync::OnceLock<std::sync::Mutex<std::fs::File>> = std::sync::OnceLock::new();

/// Prints a line to the console (see [`CONSOLE`]), or to stdout.
pub fn say_line(line: std::fmt::Arguments) {
    use std::io::Write;
    match CONSOLE.get() {
        Some(c) => {
            let mut f = c.lock().unwrap_or_else(|p| p.into_inner());
            let _ = writeln!(f, "{line}");
        }
        None => println!("{line}"),
    }
}

macro_rules! say {
    ($($t:tt)*) => { say_line(format_args!($($t)*)) };
}

/// Natively run programs print `msg!` to the process's stdout (they are not SBF, so
/// there is no log collector for it). The CLI sends that to `file` and keeps the
/// sandbox's own lines on the terminal. Unix only; elsewhere nothing changes.
pub fn divert_program_output(file: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::fd::{AsRawFd, FromRawFd};
        let log = std::fs::File::create(file)?;
        // SAFETY: dup/dup2 on valid descriptors; the duplicate is owned by the File.
        let console = unsafe { libc::dup(1) };
        if console < 0 {
            return Err(std::io::Error::last_os_error());
        }
        if unsafe { libc::dup2(log.as_raw_fd(), 1) } < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let _ = CONSOLE.set(std::sync::Mutex::new(unsafe {
            std::fs::File::from_raw_fd(console)
        }));
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// How often the slot advances (a validator's ~400 ms).
pub const SLOT_MS: u64 = 400;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OracleArg {
    /// Legacy Pyth price account (pyth-sdk-solana).
    Legacy,
    /// Pyth pull oracle PriceUpdateV2 (the live mainnet format).
    PullV2,
}

/// `hedge-sandbox` options.
#[derive(Args, Debug, Clone)]
pub struct SandboxArgs {
    /// JSON-RPC port on 127.0.0.1 (websocket on the same port and on port + 1).
    #[arg(long, default_value_t = 8899)]
    pub port: u16,
    /// Annual volatility σ of the price process.
    #[arg(long, default_value_t = 0.8, allow_negative_numbers = true)]
    pub sigma: f64,
    /// Annual drift μ of the price process.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub drift: f64,
    /// Expected jumps per year of market time (0 = none).
    #[arg(long, default_value_t = 0.0)]
    pub jump_intensity: f64,
    /// Standard deviation of a jump's log size.
    #[arg(long, default_value_t = 0.05)]
    pub jump_sigma: f64,
    /// Replay prices from this CSV (one per line, or time,price) instead of GBM.
    #[arg(long)]
    pub price_csv: Option<PathBuf>,
    /// Market seconds per wall second for the price process (σ is per market year).
    #[arg(long, default_value_t = 600.0)]
    pub speed: f64,
    /// Milliseconds between oracle updates.
    #[arg(long, default_value_t = 1_000)]
    pub price_interval_ms: u64,
    /// Starting price, quote per underlying.
    #[arg(long, default_value_t = 100.0)]
    pub start_price: f64,
    /// Which Pyth format the vault reads (both accounts are published); the default is
    /// the live mainnet format.
    #[arg(long, value_enum, default_value_t = OracleArg::PullV2)]
    pub oracle: OracleArg,
    /// Slots by which `confirmed` trails the working slot (as on a cluster).
    #[arg(long, default_value_t = 1)]
    pub confirmed_lag_slots: u64,
    /// Slots by which `finalized` trails the working slot (the lockout depth).
    #[arg(long, default_value_t = 32)]
    pub finalized_lag_slots: u64,
    /// Where keypair files and sandbox.json go (default: a new temporary directory).
    #[arg(long)]
    pub wallet_dir: Option<PathBuf>,
    /// Withdrawal delay of the sandbox vault, seconds.
    #[arg(long, default_value_t = 30)]
    pub withdraw_delay_s: u64,
    /// Milliseconds between the scripted trader's trades.
    #[arg(long, default_value_t = 3_000)]
    pub trade_every_ms: u64,
    /// Do not run the scripted trader.
    #[arg(long)]
    pub no_trader: bool,
    /// Do not run the keeper (run `hedge-keeper run` against the endpoint yourself).
    #[arg(long)]
    pub no_keeper: bool,
    /// Registered keeper keypairs to write (keeper.json, keeper-2.json, …); the embedded
    /// keeper uses the first.
    #[arg(long, default_value_t = 1)]
    pub keepers: u8,
    /// Seconds between summaries.
    #[arg(long, default_value_t = 5)]
    pub summary_every_s: u64,
    /// Stop after this many seconds (default: until Ctrl-C).
    #[arg(long)]
    pub duration_s: Option<u64>,
    /// Seed of the price process and the trader.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The embedded keeper's Prometheus address.
    #[arg(long, default_value = "127.0.0.1:9464")]
    pub metrics_addr: String,
    /// The built dApp to serve on the RPC port (plain GETs; `GET /sandbox.json` is the
    /// world). Default: `app/dist` of this checkout when it exists.
    #[arg(long, env = "HEDGE_APP_DIR")]
    pub app_dir: Option<PathBuf>,
    /// Also list a series expiring this many seconds after start (0 = none): a demo of
    /// expiry, settlement by the keeper and exercise within minutes.
    #[arg(long, default_value_t = 0)]
    pub short_series_s: u64,
    /// The vault's trade cutoff before expiry, seconds (the default is the program's).
    #[arg(long, default_value_t = RiskParams::DEFAULT.trade_cutoff_s)]
    pub trade_cutoff_s: u64,
    /// The vault's governance timelock, seconds (≥ 60 and ≥ --withdraw-delay-s).
    #[arg(long, default_value_t = 600)]
    pub timelock_s: u64,
}

impl SandboxArgs {
    /// Parses sandbox flags as the CLI would (for tests and embedding).
    pub fn from_flags(flags: &[&str]) -> Result<Self, clap::Error> {
        #[derive(clap::Parser)]
        struct Wrapper {
            #[command(flatten)]
            args: SandboxArgs,
        }
        use clap::Parser;
        Wrapper::try_parse_from(std::iter::once("sandbox").chain(flags.iter().copied()))
            .map(|w| w.args)
    }

    /// Named errors for values that cannot work.
    pub fn validate(&self) -> Result<(), String> {
        let bad = |k: &str, why: &str| Err(format!("--{k}: {why}"));
        if self.port == u16::MAX {
            return bad("port", "the websocket needs port + 1");
        }
        if !(self.sigma.is_finite() && (0.0..=5.0).contains(&self.sigma)) {
            return bad("sigma", "must be in [0, 5]");
        }
        if !self.drift.is_finite() || self.drift.abs() > 5.0 {
            return bad("drift", "must be in [-5, 5]");
        }
        if !(self.jump_intensity.is_finite() && self.jump_intensity >= 0.0) {
            return bad("jump-intensity", "must be ≥ 0");
        }
        if !(self.jump_sigma.is_finite() && self.jump_sigma >= 0.0) {
            return bad("jump-sigma", "must be ≥ 0");
        }
        if !(self.speed.is_finite() && self.speed > 0.0) {
            return bad("speed", "must be > 0");
        }
        if self.price_interval_ms < 100 {
            return bad("price-interval-ms", "must be ≥ 100");
        }
        if !(self.start_price.is_finite() && (0.01..=1_000_000.0).contains(&self.start_price)) {
            return bad("start-price", "must be in [0.01, 1,000,000]");
        }
        if self.trade_every_ms < 100 {
            return bad("trade-every-ms", "must be ≥ 100");
        }
        if !(1..=8).contains(&self.keepers) {
            return bad("keepers", "must be 1 to 8 (the vault's keeper slots)");
        }
        if self.confirmed_lag_slots > self.finalized_lag_slots || self.finalized_lag_slots > 64 {
            return bad(
                "finalized-lag-slots",
                "the lags must satisfy confirmed ≤ finalized ≤ 64",
            );
        }
        if self.short_series_s != 0 && self.short_series_s <= self.trade_cutoff_s.saturating_add(10)
        {
            return bad(
                "short-series-s",
                "must leave time to trade: more than --trade-cutoff-s + 10",
            );
        }
        if let Some(v) = sandbox_risk(self).first_violation() {
            use hedge_vault::state::RiskViolation;
            return Err(match v {
                RiskViolation::OutOfBounds(name) => {
                    let spec = RiskParams::SPECS.iter().find(|s| s.name == name);
                    let flag = name.trim_end_matches("_s").replace('_', "-");
                    match spec {
                        Some(s) => format!("--{flag}-s: must be in [{}, {}]", s.min, s.max),
                        None => format!("--{flag}-s: out of bounds"),
                    }
                }
                RiskViolation::WithdrawDelay => {
                    "--withdraw-delay-s: must be ≤ --timelock-s (a loosening waits at least as long as an LP's exit)".into()
                }
                other => format!("the sandbox vault's risk parameters: {}", other.describe()),
            });
        }
        if self.summary_every_s == 0 {
            return bad("summary-every-s", "must be ≥ 1");
        }
        self.metrics_addr
            .parse::<SocketAddr>()
            .map_err(|_| format!("--metrics-addr: `{}` is not ip:port", self.metrics_addr))?;
        Ok(())
    }
}

/// Everything the sandbox put in the bank, as clients need it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct WorldInfo {
    pub rpc_url: String,
    pub ws_url: String,
    pub program_id: String,
    pub vault: String,
    pub book: String,
    pub hedge_log: String,
    pub quote_mint: String,
    pub underlying_mint: String,
    pub share_mint: String,
    pub oracle: String,
    pub oracle_kind: String,
    pub oracle_legacy: String,
    pub oracle_pull_v2: String,
    pub pool: String,
    pub series: Vec<u64>,
    pub wallet_dir: String,
    pub keeper: String,
    pub lp: String,
    pub trader: String,
    /// A second funded trader without positions.
    pub trader_2: String,
    /// Governance roles (their keypair files are in `wallet_dir`).
    pub authority: String,
    pub guardian: String,
    /// The series listed by `--short-series-s`, if any.
    pub short_series: Option<u64>,
    /// Where the dApp is served (when it is).
    pub app_url: Option<String>,
}

/// What a sandbox run did (returned for tests and printed at the end).
#[derive(Clone, Debug, Default)]
pub struct SandboxReport {
    pub slots: u64,
    pub oracle_updates: u64,
    pub rebalances: u64,
    pub keeper_landed: u64,
    pub keeper_failed: u64,
    pub trades: u64,
    pub reaction_slots_p50_p99: Option<(u64, u64)>,
}

struct World {
    info: WorldInfo,
    chain: Arc<Chain>,
    vault: Pubkey,
    pool: Pool,
    quote_mint: Pubkey,
    underlying_mint: Pubkey,
    oracle_state: OracleState,
    oracle_kind: OracleKind,
    oracle: Pubkey,
    oracle_other: Pubkey,
    pool_fee_rate: u64,
    whale_quote: Pubkey,
    whale_underlying: Pubkey,
    keeper: Keypair,
    trader: Keypair,
    trader_quote: Pubkey,
    market: trader::Market,
}

/// The risk parameters of the sandbox vault: the defaults, with a short withdrawal
/// delay and a band small enough that hedges show up within seconds.
fn sandbox_risk(args: &SandboxArgs) -> RiskParams {
    RiskParams {
        withdraw_delay_s: args.withdraw_delay_s,
        trade_cutoff_s: args.trade_cutoff_s,
        timelock_s: args.timelock_s,
        min_interval_s: 2,
        delta_band_min: ONE_UNDERLYING / 5,
        price_trigger_bps: 100,
        ..RiskParams::DEFAULT
    }
}

fn check_port(port: u16) -> Result<(), String> {
    TcpListener::bind(("127.0.0.1", port))
        .map(drop)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AddrInUse {
                format!(
                "port {port} is busy (another sandbox or a validator?): choose another with --port"
            )
            } else {
                format!("cannot listen on 127.0.0.1:{port}: {e}")
            }
        })
}

async fn build_world(args: &SandboxArgs) -> Result<World, String> {
    let oracle_kind = match args.oracle {
        OracleArg::Legacy => OracleKind::PythLegacy,
        OracleArg::PullV2 => OracleKind::PythPullV2,
    };
    let mut f = VaultFixture::uninitialized(oracle_kind, TokenKind::Spl).await;
    let now = wall_time();
    f.set_time(now).await;
    f.oracle_state.publish_at(now);
    f.write_oracle().await;
    if (args.start_price - 100.0).abs() > 1e-9 {
        f.arb_pool_to(args.start_price).await;
        f.set_price(px(args.start_price)).await;
    }
    f.initialize(0, sandbox_risk(args))
        .await
        .map_err(|e| format!("initialize_vault: {e}"))?;

    let keeper = Keypair::new();
    let mut extra_keepers = Vec::new();
    for i in 0..args.keepers {
        let kp = if i == 0 {
            keeper.insecure_clone()
        } else {
            Keypair::new()
        };
        f.add_keeper(&kp.pubkey()).await;
        f.env.airdrop(&kp.pubkey(), 100_000_000_000).await;
        if i > 0 {
            extra_keepers.push(kp);
        }
    }
    let lp = f.user(2_000_000 * ONE_QUOTE).await;
    f.deposit(&lp, 1_000_000 * ONE_QUOTE)
        .await
        .map_err(|e| format!("seed deposit: {e}"))?;
    let trader = f.user(500_000 * ONE_QUOTE).await;
    let trader_2 = f.user(500_000 * ONE_QUOTE).await;
    let spot = args.start_price;
    let mut series = Vec::new();
    for (call, k, days) in [
        (true, 1.0, 7),
        (false, 1.0, 7),
        (true, 1.1, 30),
        (false, 0.9, 30),
    ] {
        series.push(f.list_series(call, (spot * k).round(), days, 800_000).await);
    }
    // A call struck below spot that expires within minutes: it settles in the money.
    let short_series = if args.short_series_s > 0 {
        let id = f.vault_state().await.next_series_id;
        let authority = f.authority.insecure_clone();
        let listing = hedge_vault::instructions::list_series::ListSeriesArgs {
            kind: 0,
            strike: px((spot * 0.9).round()),
            strike_expo: hedge_vault_tests::fixture::EXPO,
            expiry: now + args.short_series_s as i64,
            iv_ppm: 800_000,
            max_open_interest: 1_000 * ONE_UNDERLYING,
            min_trade_size: 1,
        };
        f.list_series_as(&authority, listing)
            .await
            .map_err(|e| format!("listing the short series: {e}"))?;
        series.push(id);
        Some(id)
    } else {
        None
    };
    // The trader opens a book so the vault starts short delta (the first hedge comes at once).
    let cost_cap = 100_000 * ONE_QUOTE;
    f.buy(&trader, series[0], 20 * ONE_UNDERLYING, cost_cap)
        .await
        .map_err(|e| format!("opening trade: {e}"))?;

    // The arbitrageur (the faucet, mint authority of both mints) holds accounts of both.
    let payer = f.env.payer();
    let whale_quote = f
        .env
        .create_token_account(f.quote_mint, payer.pubkey(), TokenKind::Spl)
        .await;
    let whale_underlying = f
        .env
        .create_token_account(f.underlying_mint, payer.pubkey(), TokenKind::Spl)
        .await;

    // The other Pyth format, published beside the vault's.
    let oracle_other = Pubkey::new_unique();
    let dir = match &args.wallet_dir {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("hedge-sandbox-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).map_err(|e| format!("--wallet-dir {}: {e}", dir.display()))?;
    let mut files: Vec<(String, &Keypair)> = vec![
        ("keeper".into(), &keeper),
        ("lp".into(), &lp.kp),
        ("trader".into(), &trader.kp),
        ("trader-2".into(), &trader_2.kp),
        ("authority".into(), &f.authority),
        ("guardian".into(), &f.guardian),
    ];
    for (i, kp) in extra_keepers.iter().enumerate() {
        files.push((format!("keeper-{}", i + 2), kp));
    }
    for (name, kp) in files {
        write_keypair_file(kp, dir.join(format!("{name}.json")))
            .map_err(|e| format!("writing {name}.json: {e}"))?;
    }
    let (legacy, pull) = match oracle_kind {
        OracleKind::PythLegacy => (f.oracle, oracle_other),
        OracleKind::PythPullV2 => (oracle_other, f.oracle),
    };
    let vault_state: Vault = f.vault_state().await;
    let info = WorldInfo {
        rpc_url: format!("http://127.0.0.1:{}", args.port),
        ws_url: format!("ws://127.0.0.1:{}", args.port + 1),
        program_id: hedge_vault::ID.to_string(),
        vault: f.vault.to_string(),
        book: f.book.to_string(),
        hedge_log: vault_state.hedge_log.to_string(),
        quote_mint: f.quote_mint.to_string(),
        underlying_mint: f.underlying_mint.to_string(),
        share_mint: f.share_mint.to_string(),
        oracle: f.oracle.to_string(),
        oracle_kind: format!("{:?}", args.oracle),
        oracle_legacy: legacy.to_string(),
        oracle_pull_v2: pull.to_string(),
        pool: f.pool.state.to_string(),
        series: series.clone(),
        wallet_dir: dir.display().to_string(),
        keeper: keeper.pubkey().to_string(),
        lp: lp.key().to_string(),
        trader: trader.key().to_string(),
        trader_2: trader_2.key().to_string(),
        authority: f.authority.pubkey().to_string(),
        guardian: f.guardian.pubkey().to_string(),
        short_series,
        app_url: app_dir(args).map(|_| format!("http://127.0.0.1:{}/", args.port)),
    };
    std::fs::write(
        dir.join("sandbox.json"),
        serde_json::to_string_pretty(&info).expect("plain data serializes"),
    )
    .map_err(|e| format!("writing sandbox.json: {e}"))?;
    let market = trader::Market {
        vault: f.vault,
        book: f.book,
        oracle: f.oracle,
        quote_mint: f.quote_mint,
        quote_vault: f.quote_vault,
        quote_program: spl_token::ID,
        series,
    };
    let out = World {
        info,
        vault: f.vault,
        pool: f.pool,
        quote_mint: f.quote_mint,
        underlying_mint: f.underlying_mint,
        oracle_state: f.oracle_state,
        oracle_kind,
        oracle: f.oracle,
        oracle_other,
        pool_fee_rate: f.pool_fee_rate,
        whale_quote,
        whale_underlying,
        keeper,
        trader: trader.kp.insecure_clone(),
        trader_quote: trader.quote,
        market,
        chain: {
            let env = f.env;
            Arc::new(Chain::with_lags(
                env.ctx,
                env.touched,
                chain::Lags {
                    confirmed: args.confirmed_lag_slots,
                    finalized: args.finalized_lag_slots,
                },
            ))
        },
    };
    Ok(out)
}

/// The dApp to serve: `--app-dir`, or this checkout's `app/dist` when it was built.
fn app_dir(args: &SandboxArgs) -> Option<PathBuf> {
    match &args.app_dir {
        Some(d) => Some(d.clone()),
        None => {
            let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/dist");
            built.join("index.html").is_file().then_some(built)
        }
    }
}

async fn serve(chain: Arc<Chain>, port: u16, site: Arc<Site>) -> Result<ServerHandle, String> {
    let cors = tower_http::cors::CorsLayer::permissive();
    let server = Server::builder()
        .set_id_provider(rpc::SequentialIds::default())
        .set_http_middleware(
            tower::ServiceBuilder::new()
                .layer(cors)
                .layer(SiteLayer(site))
                .layer(rpc::RateLimitLayer(chain.clone())),
        )
        .build(SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AddrInUse {
                format!("port {port} is busy: choose another with --port")
            } else {
                format!("cannot listen on 127.0.0.1:{port}: {e}")
            }
        })?;
    Ok(server.start(rpc::module(chain)))
}

/// How an embedding program (a test) controls a sandbox run.
#[derive(Default)]
pub struct Control {
    /// Stops the sandbox when it turns true.
    pub stop: Option<watch::Receiver<bool>>,
    /// Receives the world once the endpoint serves.
    pub ready: Option<tokio::sync::oneshot::Sender<WorldInfo>>,
}

/// Runs the sandbox until Ctrl-C, SIGTERM, `--duration-s`, or `control.stop` turns true.
pub async fn run(args: SandboxArgs, control: Control) -> Result<SandboxReport, String> {
    let Control { stop, ready } = control;
    args.validate()?;
    check_port(args.port)?;
    check_port(args.port + 1)?;
    let source = match &args.price_csv {
        Some(p) => PriceSource::Replay {
            prices: market::read_price_csv(p).map_err(|e| format!("--price-csv: {e}"))?,
            next: 0,
        },
        None => PriceSource::Gbm(Box::new(Gbm::new(
            args.sigma,
            args.drift,
            args.jump_intensity,
            args.jump_sigma,
            args.seed,
        ))),
    };
    info!("building the sandbox world");
    // The bank runs on its own runtime, its clock held (see `BankRuntime`).
    let setup_args = args.clone();
    let (world, _bank) =
        chain::BankRuntime::start(move || Box::pin(async move { build_world(&setup_args).await }))
            .await?;
    let world = world?;
    let chain = world.chain.clone();
    chain.sync_clock().await?;
    // The block engine's tip accounts exist (rent-exempt), as on mainnet.
    let rent = chain.rent().await?;
    for k in crate::rpc::tip_accounts() {
        chain
            .write_account(
                k,
                solana_sdk::account::AccountSharedData::new(
                    rent.minimum_balance(0),
                    0,
                    &solana_sdk::system_program::ID,
                ),
            )
            .await;
    }
    let site = Arc::new(Site {
        dir: app_dir(&args),
        world_json: serde_json::to_string_pretty(&world.info).expect("plain data serializes"),
    });
    if let Some(d) = &site.dir {
        if !d.join("index.html").is_file() {
            return Err(format!(
                "--app-dir {}: no index.html there (build the dApp: npm --prefix app run build)",
                d.display()
            ));
        }
    }
    let http = serve(chain.clone(), args.port, site.clone()).await?;
    let ws = serve(chain.clone(), args.port + 1, site).await?;

    let (shutdown_tx, shutdown) = watch::channel(false);
    let mut tasks = Vec::new();
    tasks.push(tokio::spawn(ticker(chain.clone(), shutdown.clone())));
    let oracle_updates = Arc::new(std::sync::atomic::AtomicU64::new(0));
    tasks.push(tokio::spawn(market_loop(
        chain.clone(),
        MarketState::from(&world),
        source,
        args.clone(),
        oracle_updates.clone(),
        shutdown.clone(),
    )));
    let rpc = Arc::new(RpcClient::new_with_commitment(
        world.info.rpc_url.clone(),
        CommitmentConfig::confirmed(),
    ));
    let trader_stats = Arc::new(trader::TraderStats::default());
    if !args.no_trader {
        tasks.push(tokio::spawn(trader::run(
            trader::Trader {
                rpc: rpc.clone(),
                market: world.market.clone(),
                keypair: world.trader.insecure_clone(),
                quote_account: world.trader_quote,
                every: Duration::from_millis(args.trade_every_ms),
                seed: args.seed.wrapping_add(1),
                stats: trader_stats.clone(),
            },
            shutdown.clone(),
        )));
    }
    let metrics = Metrics::new();
    if !args.no_keeper {
        let config = Config {
            rpc_url: world.info.rpc_url.clone(),
            rpc_fallback_urls: vec![],
            ws_url: world.info.ws_url.clone(),
            keypair_path: PathBuf::from(&world.info.wallet_dir).join("keeper.json"),
            keypair: world.keeper.insecure_clone(),
            vaults: vec![world.vault],
            poll_interval: Duration::from_millis(SLOT_MS),
            priority_fee: PriorityFeePolicy {
                max_micro_lamports: 10_000,
                percentile: 75,
                budget_lamports_per_hour:
                    hedge_keeper::config::DEFAULT_PRIORITY_FEE_BUDGET_LAMPORTS_PER_HOUR,
            },
            metrics_addr: args.metrics_addr.parse().expect("validated"),
            dry_run: false,
            rpc_timeout: std::time::Duration::from_secs(10),
            min_out_tolerance_bps: hedge_keeper::config::DEFAULT_MIN_OUT_TOLERANCE_BPS,
            max_concurrent_sends: hedge_keeper::config::DEFAULT_MAX_CONCURRENT_SENDS,
            send_path: hedge_keeper::config::SendPath::Rpc,
        };
        let metrics_addr = config.metrics_addr;
        let keeper = Keeper::connect(config, metrics.clone())
            .await
            .map_err(|e| format!("keeper: {e}"))?;
        match hedge_keeper::metrics::serve(
            metrics.clone(),
            metrics_addr,
            wait_for(shutdown.clone()),
        )
        .await
        {
            Ok(a) => info!("keeper metrics on http://{a}/metrics"),
            Err(e) => warn!("metrics endpoint {metrics_addr} unavailable: {e}"),
        }
        tasks.push(tokio::spawn(keeper.run(shutdown.clone())));
    }

    print_banner(&world.info, &args);
    if let Some(r) = ready {
        let _ = r.send(world.info.clone());
    }
    let report = |slots| SandboxReport {
        slots,
        oracle_updates: oracle_updates.load(Ordering::Relaxed),
        rebalances: 0,
        keeper_landed: Metrics::total(&metrics.landed, "rebalance")
            + Metrics::total(&metrics.landed, "settle")
            + Metrics::total(&metrics.landed, "liquidate"),
        keeper_failed: metrics.failed_total(),
        trades: trader_stats.trades.load(Ordering::Relaxed),
        reaction_slots_p50_p99: metrics.reaction_slot_percentiles(),
    };

    let deadline = args
        .duration_s
        .map(|s| tokio::time::Instant::now() + Duration::from_secs(s));
    let mut stop = stop;
    let mut summary = tokio::time::interval(Duration::from_secs(args.summary_every_s));
    summary.tick().await;
    loop {
        tokio::select! {
            _ = summary.tick() => {
                let vault = read_vault(&chain, &world.vault).await;
                let r = report(chain.slot());
                print_summary(&chain, &world, vault.as_ref(), &metrics, &r).await;
            }
            _ = tokio::signal::ctrl_c() => { info!("Ctrl-C: stopping"); break; }
            _ = sigterm() => { info!("SIGTERM: stopping"); break; }
            _ = async { match deadline { Some(d) => tokio::time::sleep_until(d).await, None => std::future::pending().await } } => break,
            _ = async { match stop.as_mut() { Some(s) => { let _ = s.wait_for(|v| *v).await; } None => std::future::pending().await } } => break,
        }
    }
    let _ = shutdown_tx.send(true);
    for t in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(40), t).await;
    }
    let _ = http.stop();
    let _ = ws.stop();
    http.stopped().await;
    ws.stopped().await;
    let vault = read_vault(&chain, &world.vault).await;
    let mut r = report(chain.slot());
    r.rebalances = vault.map(|v| v.rebalance_count).unwrap_or(0);
    say!(
        "sandbox stopped: {} slots, {} oracle updates, {} rebalances on chain, keeper landed {} / failed {}, {} trades",
        r.slots, r.oracle_updates, r.rebalances, r.keeper_landed, r.keeper_failed, r.trades
    );
    if let Some((p50, p99)) = r.reaction_slots_p50_p99 {
        say!("reaction latency (oracle publish slot → hedge landed): p50 {p50} slots, p99 {p99} slots");
    }
    Ok(r)
}

async fn wait_for(mut rx: watch::Receiver<bool>) {
    let _ = rx.wait_for(|v| *v).await;
}

#[cfg(unix)]
async fn sigterm() {
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut s) => {
            s.recv().await;
        }
        Err(_) => std::future::pending().await,
    }
}

#[cfg(not(unix))]
async fn sigterm() {
    std::future::pending().await
}

async fn read_vault(chain: &Chain, key: &Pubkey) -> Option<Vault> {
    let a = chain.account(key).await.ok()??;
    hedge_keeper::decision::decode_vault(&hedge_keeper::decision::Fetched {
        key,
        owner: &a.owner,
        data: &a.data,
    })
    .ok()
}

fn print_banner(info: &WorldInfo, args: &SandboxArgs) {
    say!(
        "hedge vault sandbox: a local Solana JSON-RPC endpoint over agave's bank (not a validator)"
    );
    say!("  rpc        {}", info.rpc_url);
    say!(
        "  websocket  {} (and ws://127.0.0.1:{})",
        info.ws_url,
        args.port
    );
    say!("  program    {}", info.program_id);
    say!("  vault      {}", info.vault);
    say!("  oracle     {} ({})", info.oracle, info.oracle_kind);
    say!("  pool       {}", info.pool);
    say!(
        "  wallets    {} (keeper, lp, trader, trader-2, authority, guardian .json; sandbox.json)",
        info.wallet_dir
    );
    if let Some(id) = info.short_series {
        say!(
            "  short      series {id} expires {}s after start",
            args.short_series_s
        );
    }
    match &info.app_url {
        Some(url) => say!("  dApp       {url}  (LP, Trade, keeper and hedge history)"),
        None => say!("  dApp       not built: `bash scripts/demo.sh` builds and serves it here"),
    }
    say!("Ctrl-C stops everything.");
}

async fn print_summary(
    chain: &Chain,
    world: &World,
    vault: Option<&Vault>,
    metrics: &Metrics,
    r: &SandboxReport,
) {
    let Some(v) = vault else {
        say!("[slot {}] vault unreadable", r.slots);
        return;
    };
    let price = v.last_price as f64 * 10f64.powi(v.last_expo);
    let labels = hedge_keeper::metrics::VaultLabels {
        vault: world.vault.to_string(),
    };
    let delta = metrics.delta.get_or_create(&labels).get() / ONE_UNDERLYING as f64;
    let band = metrics.band.get_or_create(&labels).get() / ONE_UNDERLYING as f64;
    let health = metrics.health.get_or_create(&labels).get();
    let supply = chain
        .account(&v.share_mint)
        .await
        .ok()
        .flatten()
        .and_then(|a| spl_token::state::Mint::unpack_from_slice(&a.data).ok())
        .map(|m| m.supply)
        .unwrap_or(0);
    let nav = v.quote_assets as f64
        + v.underlying_assets as f64 / ONE_UNDERLYING as f64 * price * ONE_QUOTE as f64;
    let nav_per_share = if supply == 0 {
        0.0
    } else {
        nav / supply as f64 * 1_000.0
    };
    let since = if v.last_hedge_time > 0 {
        format!("{}s ago", chain.now() - v.last_hedge_time)
    } else {
        "none yet".into()
    };
    say!(
        "[slot {}] price {:.4}  Δ {:+.3} (band ±{:.3})  hedges {} (last {})  gross NAV/share {:.6}  health {:.2}  keeper: cycles {} landed {} failed {}  trades {}",
        r.slots,
        price,
        delta,
        band,
        v.rebalance_count,
        since,
        nav_per_share,
        health,
        metrics.cycles.get(),
        r.keeper_landed,
        r.keeper_failed,
        r.trades,
    );
}

use solana_sdk::program_pack::Pack;

/// What the market loop moves.
struct MarketState {
    chain: Arc<Chain>,
    oracle_state: OracleState,
    oracle_kind: OracleKind,
    oracle: Pubkey,
    oracle_other: Pubkey,
    arb: market::Arbitrageur,
}

impl From<&World> for MarketState {
    fn from(w: &World) -> Self {
        Self {
            chain: w.chain.clone(),
            oracle_state: w.oracle_state,
            oracle_kind: w.oracle_kind,
            oracle: w.oracle,
            oracle_other: w.oracle_other,
            arb: market::Arbitrageur {
                pool: w.pool,
                quote_mint: w.quote_mint,
                underlying_mint: w.underlying_mint,
                authority: w.chain.faucet().pubkey(),
                quote_account: w.whale_quote,
                underlying_account: w.whale_underlying,
                fee_rate: w.pool_fee_rate,
            },
        }
    }
}

async fn ticker(chain: Arc<Chain>, mut shutdown: watch::Receiver<bool>) {
    let mut every = tokio::time::interval(Duration::from_millis(SLOT_MS));
    loop {
        tokio::select! {
            _ = every.tick() => {
                if let Err(e) = chain.tick().await {
                    warn!(error = %e, "slot tick failed");
                }
                chain.release_delayed().await;
            }
            _ = shutdown.changed() => return,
        }
    }
}

async fn market_loop(
    chain: Arc<Chain>,
    mut m: MarketState,
    mut source: PriceSource,
    args: SandboxArgs,
    updates: Arc<std::sync::atomic::AtomicU64>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut every = tokio::time::interval(Duration::from_millis(args.price_interval_ms));
    let dt_years = args.price_interval_ms as f64 / 1_000.0 * args.speed / market::YEAR_S;
    let scale = 10f64.powi(-m.oracle_state.expo);
    let mut price = args.start_price;
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = shutdown.changed() => return,
        }
        price = source.next(price, dt_years).clamp(0.01, 1e9);
        m.oracle_state.price = (price * scale).round() as i64;
        m.oracle_state.conf = (price * scale * 0.0005).round() as u64;
        m.oracle_state.publish_at(chain.now());
        let slot = chain.slot();
        let (own, other) = match m.oracle_kind {
            OracleKind::PythLegacy => (
                (
                    legacy_bytes(&m.oracle_state, slot),
                    hedge_vault::oracle::PYTH_LEGACY_PROGRAM_MAINNET,
                ),
                (
                    pull_v2_bytes(&m.oracle_state, slot),
                    hedge_vault::oracle::PYTH_RECEIVER_PROGRAM,
                ),
            ),
            OracleKind::PythPullV2 => (
                (
                    pull_v2_bytes(&m.oracle_state, slot),
                    hedge_vault::oracle::PYTH_RECEIVER_PROGRAM,
                ),
                (
                    legacy_bytes(&m.oracle_state, slot),
                    hedge_vault::oracle::PYTH_LEGACY_PROGRAM_MAINNET,
                ),
            ),
        };
        for (key, (data, owner)) in [(m.oracle, own), (m.oracle_other, other)] {
            let mut acc = AccountSharedData::new(1_000_000_000, data.len(), &owner);
            acc.set_data_from_slice(&data);
            chain.write_account(key, acc).await;
        }
        updates.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = arbitrage_pool(&m, price).await {
            warn!(error = %e, "arbitrage swap failed");
        }
    }
}

/// Swaps the pool to `price` (quote per underlying unit) from the faucet's accounts,
/// minting what it pays with (the faucet is both mints' authority).
async fn arbitrage_pool(m: &MarketState, price: f64) -> Result<(), String> {
    let (qv, uv) = m.arb.vaults();
    let balances = (
        token_amount(&m.chain, qv).await?,
        token_amount(&m.chain, uv).await?,
    );
    let pool = m
        .chain
        .account(&m.arb.pool.state)
        .await?
        .ok_or("pool state missing")?;
    let (x, y) = m.arb.reserves(&pool.data, balances)?;
    let held = (
        token_amount(&m.chain, m.arb.quote_account).await?,
        token_amount(&m.chain, m.arb.underlying_account).await?,
    );
    let ixs = m.arb.instructions((x, y), price, held);
    if ixs.is_empty() {
        return Ok(());
    }
    let faucet = m.chain.faucet();
    let (hash, _) = m.chain.latest_blockhash().await?;
    let tx = Transaction::new_signed_with_payer(&ixs, Some(&faucet.pubkey()), &[faucet], hash);
    m.chain
        .send(tx.into(), true)
        .await
        .map(drop)
        .map_err(|e| format!("{e:?}"))
}

async fn token_amount(chain: &Chain, key: Pubkey) -> Result<u64, String> {
    chain
        .account(&key)
        .await
        .ok()
        .flatten()
        .and_then(|a| chain::token_account_fields(&a))
        .map(|(_, _, amount)| amount)
        .ok_or_else(|| format!("token account {key} unreadable"))
}
