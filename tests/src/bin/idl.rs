//! Generates the program's Anchor IDL from the code (anchor's `idl-build`) and writes it
//! to, or checks it against, the committed `programs/hedge_vault/idl/hedge_vault.json`,
//! together with the dApp's TypeScript type of it (`app/src/idl/hedge_vault.ts`, the
//! camelCase type `anchor build` would put in `target/types/`).
//!
//! `idl write`: regenerate the committed files.
//! `idl check`: exit 1 when a committed file differs from the code.
//!
//! Run the built binary directly (`$CARGO_TARGET_DIR/debug/idl`), not through
//! `cargo run`: it invokes cargo itself.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

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
    let ts = ts_types(&serde_json::from_str(&json).expect("IDL parses"));
    let ts_file = root.join("app/src/idl/hedge_vault.ts");

    let mut ok = true;
    for (path, text) in [(&committed, &json), (&ts_file, &ts)] {
        ok &= sync(&mode, path, text);
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Writes `text` to `path` (`write`) or checks that `path` holds it (`check`).
fn sync(mode: &str, path: &Path, text: &str) -> bool {
    if mode == "write" {
        std::fs::create_dir_all(path.parent().unwrap()).expect("output dir");
        std::fs::write(path, text).expect("write");
        println!("wrote {}", path.display());
        return true;
    }
    match std::fs::read_to_string(path) {
        Ok(current) if current == text => {
            println!("current: {}", path.display());
            true
        }
        Ok(_) => {
            eprintln!(
                "IDL drift: {} differs from the code. Regenerate it with `{REGENERATE}` and commit it.",
                path.display()
            );
            false
        }
        Err(e) => {
            eprintln!(
                "cannot read {}: {e}. Generate it with `{REGENERATE}` and commit it.",
                path.display()
            );
            false
        }
    }
}

/// `lowerCamelCase` of a snake_case or PascalCase word.
fn lower_camel(word: &str) -> String {
    let mut out = String::new();
    let mut upper_next = false;
    for (i, c) in word.chars().enumerate() {
        if c == '_' {
            upper_next = !out.is_empty();
        } else if upper_next {
            out.extend(c.to_uppercase());
            upper_next = false;
        } else if i == 0 {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Every `"key": "word"` value in camelCase, as Anchor's TypeScript types have them
/// (names of instructions, accounts, arguments, fields, types and variants); addresses,
/// docs and everything else unchanged.
fn camel_values(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(s)
                        if key != "address"
                            && key != "version"
                            && key != "spec"
                            && !s.is_empty()
                            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
                    {
                        *s = lower_camel(s);
                    }
                    other => camel_values(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(camel_values),
        _ => {}
    }
}

/// The IDL as a TypeScript type for `Program<HedgeVault>`.
fn ts_types(idl: &Value) -> String {
    let mut camel = idl.clone();
    camel_values(&mut camel);
    let body = serde_json::to_string_pretty(&camel).expect("serializes");
    format!(
        "/**\n * The hedge vault program's IDL as a TypeScript type (camelCase, as Anchor's\n * `target/types/`), for `Program<HedgeVault>`. Generated from\n * programs/hedge_vault/idl/hedge_vault.json by `{REGENERATE}`: do not edit.\n */\nexport type HedgeVault = {body};\n"
    )
}
