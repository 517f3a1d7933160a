//! Accounts owned by the program. Large accounts are zero-copy with reserved bytes and
//! a compile-time size assertion, so later versions can grow without a migration.

pub mod book;
pub mod hedge_log;
pub mod position;
pub mod risk;
pub mod seeds;
pub mod vault;

pub use book::{OptionBook, Series, SeriesStatus, Settlement, MAX_SERIES};
pub use hedge_log::{HedgeLog, RebalanceRecord, HEDGE_LOG_LEN};
pub use position::{Position, WithdrawRequest};
pub use risk::{RiskParamSpec, RiskParams, RiskViolation, Tighter, MAX_FX_ATOMS};
pub use vault::{pause, OracleKind, Vault, MAX_KEEPERS};
