//! `hedge-sandbox`: a local JSON-RPC and websocket endpoint with a vault, a DEX pool, a
//! moving Pyth feed, a trader and the keeper. Development only: never deploy.

use clap::Parser;
use hedge_sandbox::{self as sandbox, SandboxArgs};

#[derive(Parser)]
#[command(
    name = "hedge-sandbox",
    version,
    about = "Local endpoint with the hedge vault, a DEX pool, a moving Pyth feed, a trader and the keeper"
)]
struct Cli {
    #[command(flatten)]
    args: SandboxArgs,
}

#[tokio::main]
async fn main() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("error,hedge_keeper=info,hedge_sandbox=info")
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .init();
    let cli = Cli::parse();
    // Program `msg!` lines go to a file; the summary stays on the terminal.
    let log =
        std::env::temp_dir().join(format!("hedge-sandbox-{}-programs.log", std::process::id()));
    match sandbox::divert_program_output(&log) {
        Ok(()) => sandbox::say_line(format_args!("program output (msg!) → {}", log.display())),
        Err(e) => eprintln!("program output stays on stdout: {e}"),
    }
    if let Err(e) = sandbox::run(cli.args, Default::default()).await {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}
