//! PDA seeds, in one place. Integers are encoded little-endian.

/// Vault: `["vault", creator, quote_mint, underlying_mint, vault_id (u16 LE)]`. The
/// creator (the signer of `initialize_vault`, its first authority) is in the seeds so no
/// one can take another team's address for a pair by creating it first.
pub const VAULT: &[u8] = b"vault";
/// LP share mint: `["share_mint", vault]`.
pub const SHARE_MINT: &[u8] = b"share_mint";
/// Vault-owned quote token account: `["quote_vault", vault]`.
pub const QUOTE_VAULT: &[u8] = b"quote_vault";
/// Vault-owned underlying token account: `["underlying_vault", vault]`.
pub const UNDERLYING_VAULT: &[u8] = b"underlying_vault";
/// Vault-owned share account escrowing pending withdrawals: `["share_escrow", vault]`.
pub const SHARE_ESCROW: &[u8] = b"share_escrow";
/// Option book: `["book", vault]`.
pub const BOOK: &[u8] = b"book";
/// Trader position: `["position", vault, series_id (u64 LE), owner]`.
pub const POSITION: &[u8] = b"position";
/// Withdrawal request: `["withdrawal", vault, owner]`.
pub const WITHDRAWAL: &[u8] = b"withdrawal";
