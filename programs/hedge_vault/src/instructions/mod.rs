//! One file per instruction: the Accounts struct and its handler.

pub mod initialize_vault;

pub use initialize_vault::*;
