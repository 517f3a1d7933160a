//! Development tools over agave's bank, never deployed: `hedge-sandbox` (a local
//! endpoint that behaves like a validator where the keeper and the dApp can tell, with
//! the whole system running in it) and `hedge-backtest` (the real program over simulated
//! price paths). They link solana-program-test, the test harness and the DEX stand-in;
//! the operator's `hedge-keeper` binary links none of them.

pub mod backtest;
pub mod chain;
pub mod market;
pub mod rpc;
pub mod site;
pub mod trader;
mod world;

pub use world::*;
