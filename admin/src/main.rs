use clap::Parser;

fn main() {
    let cli = hedge_admin::cli::Cli::parse();
    let mut out = std::io::stdout();
    if let Err(e) = hedge_admin::run(&cli, &mut out) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
