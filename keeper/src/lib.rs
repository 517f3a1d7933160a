//! The keeper library. `decision` is the pure heart: given fetched accounts it says what
//! to send (settle, liquidate, rebalance, or nothing, and why), using the program crate's
//! own account types, oracle checks and math, so the keeper and the program decide alike.
//! `run` is the RPC loop around it, `send` sends one transaction, `sandbox` is the local
//! endpoint and world, and `backtest` measures hedging quality in an in-process bank.

pub mod backtest;
pub mod builders;
pub mod config;
pub mod decision;
pub mod errors;
pub mod metrics;
pub mod run;
pub mod sandbox;
pub mod send;
