//! Pure fixed-point option math: no accounts, no floats, no allocation, bounded loops.
//! Used by the program and, through the crate's `no-entrypoint` feature, by the keeper.
//!
//! - [`fixed_point`]: the `Fx` type (I64F64), checked operations, decimal prices.
//! - [`transcendental`]: `ln`, `exp`, `sqrt`, normal `pdf` and `cdf`.
//! - [`bsm`]: Black-Scholes-Merton price, delta, gamma, vega and theta.

pub mod bsm;
pub mod error;
pub mod fixed_point;
pub mod money;
pub mod transcendental;

pub use bsm::{BsmInputs, Greeks, OptionKind};
pub use error::{MathError, MathResult};
pub use fixed_point::{DecimalPrice, Fx, FxExt, ScaledFx};
pub use money::Rounding;
