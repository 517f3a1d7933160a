//! One file per instruction: the Accounts struct (or a shared one) and its handler.
//!
//! - LP: `deposit`, `request_withdraw`, `claim_withdraw`, `cancel_withdraw`.
//! - Trader: `buy_option`, `sell_option`, `exercise`.
//! - Anyone: `settle_series`, `mark_series`.
//! - Authority / risk admin: `list_series`, `set_series_iv`, `set_series_limits`,
//!   `delist_series`.
//! - Governance: `initialize_vault`, `propose_risk_params`, `apply_risk_params`,
//!   `propose_venue`, `apply_venue`, `set_keeper`, `set_pause`, `set_roles`,
//!   `propose_authority`, `accept_authority`.

pub mod accept_authority;
pub mod apply_risk_params;
pub mod apply_venue;
pub mod buy_option;
pub mod cancel_withdraw;
pub mod claim_withdraw;
pub mod delist_series;
pub mod deposit;
pub mod exercise;
pub mod governance;
pub mod initialize_vault;
pub mod liquidate;
pub mod list_series;
pub mod mark_series;
pub mod propose_authority;
pub mod propose_risk_params;
pub mod propose_venue;
pub mod rebalance;
pub mod request_withdraw;
pub mod sell_option;
pub mod set_keeper;
pub mod set_pause;
pub mod set_roles;
pub mod set_series_iv;
pub mod set_series_limits;
pub mod settle_series;

// Anchor finds each instruction's generated client modules through these globs; the
// `handler` names they also bring in are never used through this module.
#[allow(ambiguous_glob_reexports)]
pub use apply_venue::*;
pub use buy_option::*;
pub use cancel_withdraw::*;
pub use claim_withdraw::*;
pub use deposit::*;
pub use exercise::*;
pub use governance::*;
pub use initialize_vault::*;
pub use list_series::*;
pub use mark_series::*;
pub use propose_venue::*;
pub use rebalance::*;
pub use request_withdraw::*;
pub use sell_option::*;
pub use settle_series::*;
