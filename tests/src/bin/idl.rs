//! Generates the program's Anchor IDL from the code (anchor's `idl-build`) and writes it
//! to, or checks it against, the committed `programs/hedge_vault/idl/hedge_vault.json`.
//!
//! `idl write`: regenerate the committed file.
//! `idl check`: exit 1 when the committed file differs from the code.
//!
//! Run the built binary directly (`$CARGO_TARGET_DIR/debug/idl`), not through
//! `cargo run`: it invokes cargo itself.

use std::path::PathBuf;
use std::process::ExitCode;

use anchor_lang_idl::build::IdlBuilder;

const REGENERATE: &str = "bash scripts/idl.sh write";

fn main() -> ExitCode {
    let mode = std::env::args().nth(1).unwrap_or_default();
    if mode != "write" && mode != "check" {
        eprintln!("usage: idl <write|check>");
        return ExitCode::from(2);
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace root")
        .to_path_buf();
    let program = root.join("programs/hedge_vault");
    let committed = program.join("idl/hedge_vault.json");

    // anchor-lang-idl runs `cargo test __anchor_private_print_idl --features idl-build`
    // with RUSTFLAGS="-A warnings". An empty CARGO_ENCODED_RUSTFLAGS takes precedence,
    // so the nested build shares the normal build's artifacts instead of rebuilding
    // all of them. Its toolchain handling misreads RUSTUP_TOOLCHAIN, so drop it too.
    if std::env::var_os("RUSTFLAGS").is_none() {
        std::env::set_var("CARGO_ENCODED_RUSTFLAGS", "");
    }
    std::env::remove_var("RUSTUP_TOOLCHAIN");

    let idl = match IdlBuilder::new().program_path(program).build() {
        Ok(idl) => idl,
        Err(e) => {
            eprintln!("IDL build failed: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let mut json = serde_json::to_string_pretty(&idl).expect("IDL serializes");
    json.push('\n');

    if mode == "write" {
        std::fs::create_dir_all(committed.parent().unwrap()).expect("idl dir");
        std::fs::write(&committed, json).expect("write IDL");
        println!("wrote {}", committed.display());
        return ExitCode::SUCCESS;
    }
    match std::fs::read_to_string(&committed) {
        Ok(current) if current == json => {
            println!("IDL is current: {}", committed.display());
            ExitCode::SUCCESS
        }
        Ok(_) => {
            eprintln!(
                "IDL drift: {} differs from the code. Regenerate it with `{REGENERATE}` and commit it.",
                committed.display()
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!(
                "cannot read {}: {e}. Generate it with `{REGENERATE}` and commit it.",
                committed.display()
            );
            ExitCode::FAILURE
        }
    }
}
