//! The keeper library. `decision` is the pure heart: given fetched accounts it says what
//! to send (settle, liquidate, rebalance, or nothing, and why), using the program crate's
//! own account types, oracle checks and math, so the keeper and the program decide alike.

pub mod builders;
pub mod config;
pub mod decision;
pub mod errors;
