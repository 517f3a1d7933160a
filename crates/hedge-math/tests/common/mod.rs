#![allow(dead_code)]
pub mod accuracy;

use hedge_math::{Fx, ScaledFx};

/// An f64 as `Fx`, rounded to nearest (tests only: the crate itself has no floats).
pub fn fx(v: f64) -> Fx {
    Fx::from_bits((v * 18_446_744_073_709_551_616.0).round() as i128)
}

/// An `Fx` as f64.
pub fn num(v: Fx) -> f64 {
    v.to_bits() as f64 / 18_446_744_073_709_551_616.0
}

/// A scaled value as f64.
pub fn scaled(v: ScaledFx) -> f64 {
    num(v.value) * 10f64.powi(v.expo)
}
