//! `hedge-backtest --config FILE.toml [--out paths.csv]`: hedging quality of the real
//! program over simulated price paths, in an in-process bank.

use clap::Parser;
use hedge_sandbox::backtest;

#[derive(Parser)]
#[command(
    name = "hedge-backtest",
    version,
    about = "Hedging quality of the hedge vault program over simulated price paths"
)]
struct Args {
    /// The backtest's TOML configuration.
    #[arg(long)]
    config: std::path::PathBuf,
    /// Write per-path results to this CSV.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .init();
    if let Err(e) = run(Args::parse()).await {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

async fn run(args: Args) -> Result<(), String> {
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
