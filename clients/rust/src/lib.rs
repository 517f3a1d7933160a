//! The hedge vault's Rust client: everything a program outside the chain needs to talk
//! to the vault, in one place, so adding an account to an instruction changes one
//! builder here and nothing in the keeper, the sandbox, the backtest or the tests.
//!
//! - [`pda`]: every program-derived address.
//! - [`decode`]: vault and book accounts, with owner, size and discriminator checks.
//! - [`pool`]: the Raydium pool's orientation (which vault holds the quote) and the
//!   reserves snapshot the program's own `ledger::plan_hedge` takes.
//! - [`ix`]: one builder per instruction the off-chain tools send.
//! - [`errors`]: a failed transaction's error, attributed to the program that raised it.
//! - [`url`]: endpoint URLs with their secrets cut, for logs and errors.

pub mod decode;
pub mod errors;
pub mod ix;
pub mod pda;
pub mod pool;
pub mod url;

pub use hedge_vault::ID as PROGRAM_ID;
