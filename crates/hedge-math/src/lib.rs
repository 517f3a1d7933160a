//! The hedge vault's option math: fixed-point Black-Scholes-Merton, its primitives,
//! and the token and share arithmetic built on them.
//!
//! `no_std`, no allocation, no floats, no accounts, every loop bounded by a constant.
//! Written for Solana's SBF VM, which has 64-bit registers but no 128-bit operations:
//! the hot paths run on 64-bit words with their cost stated ([`wide`]), and the compute
//! units of every exported evaluation are measured on an SBF interpreter by
//! `bash scripts/cu.sh` (see the README). The program, the keeper, the backtest and the
//! tests all use this crate.
//!
//! - [`fixed_point`]: `Fx` (Q64.64), decimal prices and scaled values.
//! - [`wide`]: 64×64 → 128 products and 128/64 divisions.
//! - [`norm`]: `Norm`, a positive value as a 64-bit mantissa and a power of two.
//! - [`transcendental`]: `ln`, `exp`, `sqrt`, `pdf`, `cdf`, each at a fixed cost.
//! - [`bsm`]: Black-Scholes-Merton, one shared [`bsm::Evaluation`] per option.
//! - [`marks`]: a series' cached mark (five evaluations) and the book's aggregates.
//! - [`money`]: token amounts from model values, LP share math.
//! - [`cpmm`]: the DEX pool's constant-product quotes and the hedge sizes that land.
//! - [`tables`]: generated constants (`tools/gen_tables.py`).
#![no_std]

pub mod bsm;
pub mod cpmm;
pub mod error;
pub mod fixed_point;
pub mod marks;
pub mod money;
pub mod norm;
pub mod tables;
pub mod transcendental;
pub mod wide;

pub use bsm::{BsmInputs, Evaluation, Greeks, OptionKind};
pub use error::{MathError, MathResult};
pub use fixed_point::{DecimalPrice, Fx, ScaledFx};
pub use money::Rounding;
