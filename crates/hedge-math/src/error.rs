//! Errors of the pure math. The program maps each to a `VaultError` of the same name
//! (see `crate::error`), so a client sees e.g. `VolOutOfRange`, never a panic.

/// Why a math function refused its input or could not represent its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MathError {
    /// A value does not fit the fixed-point type (or a checked operation overflowed).
    Overflow,
    /// Division by zero.
    DivideByZero,
    /// `ln` of a value ≤ 0 or `sqrt` of a negative value.
    ArgumentOutOfDomain,
    /// Spot is not in (0, 1e12] value units, or its exponent is outside [-18, 12].
    SpotOutOfRange,
    /// Strike is not in (0, 1e12] value units, or its exponent is outside [-18, 12].
    StrikeOutOfRange,
    /// Strike and spot are more than nine decades apart.
    MoneynessOutOfRange,
    /// Volatility outside [0.1%, 1,000%].
    VolOutOfRange,
    /// Time to expiry outside {0} ∪ [1 s, 10 years].
    TimeOutOfRange,
    /// Quote rate outside [-50%, 100%].
    RateOutOfRange,
    /// Underlying yield outside [-50%, 100%].
    DivYieldOutOfRange,
}

pub type MathResult<T> = Result<T, MathError>;

impl core::fmt::Display for MathError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(self, f)
    }
}
