//! The keeper library. `decision` is the pure heart: given fetched accounts it says what
//! to send (settle, mark, liquidate, rebalance, or nothing and why), running the
//! program's own `ledger` on copies, so the keeper and the program decide alike. `run` is
//! the RPC loop around it (and `status`), `send` sends one transaction the way a real
//! cluster needs it, `errors` classifies failures, `metrics` serves `/metrics` and
//! `/health`. PDAs, builders and decoding live in `hedge-vault-client`.

pub mod config;
pub mod decision;
pub mod endpoints;
pub mod errors;
pub mod fees;
pub mod metrics;
pub mod run;
pub mod send;
