//! The program's one error enum. Never reorder or remove a variant: clients match on
//! the numeric codes (6000 + index). New variants go at the end.

use anchor_lang::prelude::*;

use crate::math::MathError;

#[error_code]
pub enum VaultError {
    #[msg("Arithmetic overflow")]
    MathOverflow, // 6000
    #[msg("Division by zero")]
    DivideByZero, // 6001
    #[msg("Argument outside the domain of ln or sqrt")]
    ArgumentOutOfDomain, // 6002
    #[msg("Spot price is not in (0, 1e12]")]
    SpotOutOfRange, // 6003
    #[msg("Strike is not in (0, 1e12]")]
    StrikeOutOfRange, // 6004
    #[msg("Strike and spot are more than nine decades apart")]
    MoneynessOutOfRange, // 6005
    #[msg("Volatility is outside [0.1%, 1000%]")]
    VolOutOfRange, // 6006
    #[msg("Time to expiry is outside [1 s, 10 years]")]
    TimeOutOfRange, // 6007
    #[msg("Quote rate is outside [-50%, 100%]")]
    RateOutOfRange, // 6008
    #[msg("Underlying yield is outside [-50%, 100%]")]
    DivYieldOutOfRange, // 6009
    #[msg("The quote and underlying mints must differ")]
    SameMint, // 6010
}

impl From<MathError> for VaultError {
    fn from(e: MathError) -> Self {
        match e {
            MathError::Overflow => VaultError::MathOverflow,
            MathError::DivideByZero => VaultError::DivideByZero,
            MathError::ArgumentOutOfDomain => VaultError::ArgumentOutOfDomain,
            MathError::SpotOutOfRange => VaultError::SpotOutOfRange,
            MathError::StrikeOutOfRange => VaultError::StrikeOutOfRange,
            MathError::MoneynessOutOfRange => VaultError::MoneynessOutOfRange,
            MathError::VolOutOfRange => VaultError::VolOutOfRange,
            MathError::TimeOutOfRange => VaultError::TimeOutOfRange,
            MathError::RateOutOfRange => VaultError::RateOutOfRange,
            MathError::DivYieldOutOfRange => VaultError::DivYieldOutOfRange,
        }
    }
}

impl From<MathError> for anchor_lang::error::Error {
    fn from(e: MathError) -> Self {
        VaultError::from(e).into()
    }
}
