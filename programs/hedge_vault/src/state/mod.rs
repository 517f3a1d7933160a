//! Accounts owned by the program. Large accounts are zero-copy with reserved bytes and
//! a compile-time size assertion, so later versions can grow without a migration.

pub mod seeds;
pub mod vault;

pub use vault::Vault;
