//! Accuracy report of the fixed-point BSM against any CSV with the reference's columns.
//!
//! `cargo run --release -p hedge-math --example bsm_accuracy -- PATH.csv`
//!
//! Prints `max_abs_err <measure> <value>` and `p99_abs_err <measure> <value>` per
//! measure (errors scaled as the bounds in the README), then the worst delta row, then
//! every row the model refused. It reports and does not judge: the exit status is 0
//! whatever the errors; only an unreadable file exits non-zero.

// `common` allows its dead code (BOUNDS is for the test, which judges; this only reports).
#[path = "../tests/common/mod.rs"]
mod common;

use common::accuracy;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: bsm_accuracy PATH.csv");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(2);
        }
    };
    let (rows, malformed) = match accuracy::parse_csv(&text) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    print!("{}", accuracy::evaluate(rows, malformed));
}
