//! `hedge-keeper`: `run` (the keeper) and `status` (one vault as the keeper sees it).
//! The local sandbox and the backtest are development tools in the `hedge-sandbox`
//! crate; this binary links no test code.

use clap::{Parser, Subcommand};
use hedge_keeper::config::{Config, RunArgs};
use hedge_keeper::metrics::Metrics;
use hedge_keeper::run::Keeper;
use tokio::sync::watch;

#[derive(Parser)]
#[command(
    name = "hedge-keeper",
    version,
    about = "The hedge vault's keeper: rebalance, liquidate, settle and mark"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Watch vaults and send rebalance, liquidate, settle and mark.
    Run(RunArgs),
    /// One vault as the keeper sees it: delta, band, health, oracle age, last hedge,
    /// pause bits, unwind, registration, bounty account, and what it would do (or the
    /// named reason it would do nothing). Sends nothing.
    Status(StatusArgs),
}

#[derive(clap::Args)]
struct StatusArgs {
    /// The vault to show (the other keys as for `run`; `vaults` is not needed).
    #[arg(long)]
    vault: String,
    #[command(flatten)]
    run: RunArgs,
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
        Command::Status(args) => status(args).await,
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

async fn status(args: StatusArgs) -> Result<(), String> {
    let mut run = args.run;
    run.vaults = Some(vec![args.vault.clone()]);
    // Never sends: not even the bounty account's creation.
    run.dry_run = Some(true);
    let config = Config::resolve(&run).map_err(|e| e.to_string())?;
    let vault = config.vaults[0];
    let mut keeper = Keeper::connect(config, Metrics::new())
        .await
        .map_err(|e| e.to_string())?;
    let report = keeper.status(&vault).await?;
    println!("{report}");
    Ok(())
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
    tracing::info!("metrics on http://{bound}/metrics, health on http://{bound}/health");
    let mut loop_task = tokio::spawn(keeper.run(rx));
    // The loop is watched: if it ends on its own (a panic), the process exits non-zero
    // instead of serving /metrics with no keeper behind it.
    tokio::select! {
        _ = shutdown_signal() => {
            tracing::info!("stopping: finishing the cycle in progress");
            let _ = tx.send(true);
            let _ = loop_task.await;
            Ok(())
        }
        ended = &mut loop_task => {
            let _ = tx.send(true);
            Err(match ended {
                Err(e) if e.is_panic() => "the keeper loop panicked; exiting so a supervisor restarts it".to_string(),
                _ => "the keeper loop ended unexpectedly".to_string(),
            })
        }
    }
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
