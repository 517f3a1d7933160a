//! `hedge-keeper`: `run` (the keeper), `sandbox` (a local endpoint with the whole system),
//! and `backtest` (hedging quality over simulated paths).

use clap::{Parser, Subcommand};
use hedge_keeper::config::{Config, RunArgs};
use hedge_keeper::metrics::Metrics;
use hedge_keeper::run::Keeper;
use hedge_keeper::sandbox::{self, SandboxArgs};
use tokio::sync::watch;

#[derive(Parser)]
#[command(
    name = "hedge-keeper",
    version,
    about = "Keeper, local sandbox and backtest of the hedge vault"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Watch vaults and send rebalance, liquidate and settle.
    Run(RunArgs),
    /// A local JSON-RPC endpoint with a vault, a DEX pool, a moving Pyth feed, a trader
    /// and the keeper.
    Sandbox(SandboxArgs),
    /// Hedging quality of the real program over simulated price paths.
    Backtest(BacktestArgs),
}

#[derive(clap::Args)]
struct BacktestArgs {
    /// The backtest's TOML configuration.
    #[arg(long)]
    config: std::path::PathBuf,
    /// Write per-path results to this CSV.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error,hedge_keeper=info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .init();
}

#[tokio::main]
async fn main() {
    init_tracing();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run(args).await,
        Command::Sandbox(args) => {
            // Program `msg!` lines go to a file; the summary stays on the terminal.
            let log = std::env::temp_dir()
                .join(format!("hedge-sandbox-{}-programs.log", std::process::id()));
            match sandbox::divert_program_output(&log) {
                Ok(()) => {
                    sandbox::say_line(format_args!("program output (msg!) → {}", log.display()))
                }
                Err(e) => eprintln!("program output stays on stdout: {e}"),
            }
            sandbox::run(args, Default::default()).await.map(drop)
        }
        Command::Backtest(args) => backtest(args).await,
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

async fn run(args: RunArgs) -> Result<(), String> {
    let config = Config::resolve(&args).map_err(|e| e.to_string())?;
    println!("{config}");
    let metrics = Metrics::new();
    let metrics_addr = config.metrics_addr;
    let keeper = Keeper::connect(config, metrics.clone())
        .await
        .map_err(|e| e.to_string())?;
    let (tx, rx) = watch::channel(false);
    let bound = hedge_keeper::metrics::serve(metrics, metrics_addr, {
        let mut rx = rx.clone();
        async move {
            let _ = rx.wait_for(|v| *v).await;
        }
    })
    .await
    .map_err(|e| format!("metrics_addr: cannot listen on {metrics_addr}: {e}"))?;
    tracing::info!("metrics on http://{bound}/metrics");
    let loop_task = tokio::spawn(keeper.run(rx));
    shutdown_signal().await;
    tracing::info!("stopping: finishing the transaction in flight");
    let _ = tx.send(true);
    let _ = loop_task.await;
    Ok(())
}

async fn backtest(args: BacktestArgs) -> Result<(), String> {
    use hedge_keeper::backtest;
    let config = backtest::BacktestConfig::load(&args.config).map_err(|e| e.to_string())?;
    if let Some(out) = &args.out {
        // Fail on an unwritable path now, not after the run.
        std::fs::File::create(out).map_err(|e| format!("--out {}: {e}", out.display()))?;
    }
    let (results, summary) = backtest::run(&config).await?;
    if let Some(out) = &args.out {
        backtest::write_csv(out, &results).map_err(|e| format!("--out {}: {e}", out.display()))?;
    }
    println!(
        "{}",
        serde_json::to_string(&summary).expect("plain data serializes")
    );
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
