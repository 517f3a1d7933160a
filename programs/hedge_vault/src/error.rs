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
    #[msg("A risk parameter is outside its hard bounds")]
    RiskParamOutOfBounds, // 6011
    #[msg("This instruction is paused")]
    InstructionPaused, // 6012
    #[msg("The signer is not allowed to do this")]
    Unauthorized, // 6013
    #[msg("The guardian may only pause or tighten")]
    GuardianCanOnlyTighten, // 6014
    #[msg("No risk parameter change is pending")]
    NoPendingRiskParams, // 6015
    #[msg("The timelock of the pending change has not elapsed")]
    TimelockNotElapsed, // 6016
    #[msg("No authority transfer is pending for this signer")]
    NoPendingAuthority, // 6017
    #[msg("The keeper registry is full")]
    KeeperRegistryFull, // 6018
    #[msg("The keeper is not registered")]
    KeeperNotFound, // 6019
    #[msg("The oracle account is not owned by a Pyth program of the configured kind")]
    OracleInvalidOwner, // 6020
    #[msg("The oracle account is not the one configured for this vault")]
    OracleMismatch, // 6021
    #[msg("The price update is for another feed")]
    OracleFeedIdMismatch, // 6022
    #[msg("The oracle account cannot be parsed")]
    OracleInvalidData, // 6023
    #[msg("The oracle price is not positive")]
    OracleNonPositivePrice, // 6024
    #[msg("The oracle price status is not Trading")]
    OracleNotTrading, // 6025
    #[msg("The price update is not fully verified")]
    OracleNotFullyVerified, // 6026
    #[msg("The oracle price is too old")]
    OracleStale, // 6027
    #[msg("The oracle confidence interval is too wide")]
    OracleConfidenceTooWide, // 6028
    #[msg("The price update is older than the last accepted one")]
    OracleNotMonotonic, // 6029
    #[msg("The amount must be positive")]
    ZeroAmount, // 6030
    #[msg("The deposit is below the minimum or mints no shares")]
    DepositTooSmall, // 6031
    #[msg("The deposit would exceed the vault's cap")]
    DepositCapExceeded, // 6032
    #[msg("The vault's NAV is not positive")]
    VaultInsolvent, // 6033
    #[msg("The withdrawal delay has not elapsed")]
    WithdrawNotReady, // 6034
    #[msg("Not enough unlocked collateral to pay this")]
    InsufficientFreeCollateral, // 6035
    #[msg("No such series in this vault")]
    SeriesNotFound, // 6036
    #[msg("The series data is invalid")]
    InvalidSeries, // 6037
    #[msg("All series slots are in use")]
    SeriesTableFull, // 6038
    #[msg("Implied vol is outside [1%, 500%]")]
    IvOutOfRange, // 6039
    #[msg("Expiry must be in the future and within 10 years")]
    InvalidExpiry, // 6040
    #[msg("Strike must be positive and within the price domain")]
    InvalidStrike, // 6041
    #[msg("The series still has open interest")]
    SeriesHasOpenInterest, // 6042
    #[msg("The series has expired")]
    SeriesExpired, // 6043
    #[msg("The series is not active")]
    SeriesNotActive, // 6044
    #[msg("The series has not expired yet")]
    SeriesNotExpired, // 6045
    #[msg("The series is not settled")]
    SeriesNotSettled, // 6046
    #[msg("The price was published before expiry")]
    SettlementPriceTooEarly, // 6047
    /// No longer raised: settlement pins the update that straddles expiry (kept so the
    /// codes after it do not move).
    #[msg("The price was published after the settlement window")]
    SettlementWindowClosed, // 6048
    #[msg("Premium above the trader's maximum or proceeds below the minimum")]
    SlippageExceeded, // 6049
    #[msg("The trade would leave the vault below its initial margin")]
    InitialMarginBreached, // 6050
    #[msg("The trade would push utilisation over its cap")]
    UtilizationCapExceeded, // 6051
    #[msg("The trade would push net vega beyond its limit")]
    VegaLimitExceeded, // 6052
    #[msg("The trade would exceed the series' max open interest")]
    OpenInterestCapExceeded, // 6053
    #[msg("The position is smaller than the amount")]
    InsufficientPosition, // 6054
    #[msg("The vault received less than the amount sent")]
    QuoteTransferShortfall, // 6055
    #[msg("Oracle kind or feed id is invalid")]
    InvalidOracleConfig, // 6056
    #[msg("The quote mint is not this vault's")]
    InvalidQuoteMint, // 6057
    #[msg("The quote token account is not this vault's")]
    InvalidQuoteVault, // 6058
    #[msg("The share mint is not this vault's")]
    InvalidShareMint, // 6059
    #[msg("The share escrow is not this vault's")]
    InvalidShareEscrow, // 6060
    #[msg("The option book is not this vault's")]
    InvalidBook, // 6061
    #[msg("The token account does not belong to the signer or has the wrong mint")]
    InvalidTokenAccount, // 6062
    #[msg("The share balance is smaller than the amount")]
    InsufficientShares, // 6063
    #[msg("The series expires too soon to trade")]
    TooCloseToExpiry, // 6064
    #[msg("Mint decimals are outside the supported range")]
    InvalidMintDecimals, // 6065
    #[msg("The DEX program is not Raydium CPMM")]
    InvalidDexProgram, // 6066
    #[msg("The pool is not the one configured for this vault")]
    InvalidDexPool, // 6067
    #[msg("A DEX account does not match the configured pool")]
    DexAccountMismatch, // 6068
    #[msg("The pool does not accept swaps now")]
    DexSwapDisabled, // 6069
    #[msg("The hedge cannot be sized within the pool's depth")]
    HedgeSizeTooLarge, // 6070
    #[msg("Net delta is inside the band and the price has not moved enough")]
    DeltaWithinBand, // 6071
    #[msg("The minimum interval since the last hedge has not passed")]
    HedgeIntervalNotElapsed, // 6072
    #[msg("Only a registered keeper may rebalance or liquidate now")]
    NotKeeper, // 6073
    #[msg("The swap filled outside the oracle price ± slippage")]
    FillOutsideSlippage, // 6074
    #[msg("The hedge did not reduce the absolute net delta")]
    HedgeDidNotReduceDelta, // 6075
    #[msg("The hedge crossed zero delta by more than the band")]
    HedgeOvershoot, // 6076
    #[msg("The hedge log is not this vault's")]
    InvalidHedgeLog, // 6077
    #[msg("The vault is above its maintenance margin")]
    VaultHealthy, // 6078
    #[msg("The vault is unwinding: new sales and withdrawal claims are stopped")]
    VaultInUnwind, // 6079
    #[msg("Net delta is long but the vault holds no underlying to sell (it cannot short)")]
    NoInventoryToSell, // 6080
    #[msg("A series' mark is stale (too old, the spot left its window, or the risk parameters or IV changed): call mark_series")]
    MarksStale, // 6081
    #[msg("The trade is below the series' minimum size")]
    TradeBelowMinimum, // 6082
    #[msg("The vault already has its maximum number of series with open interest")]
    OpenSeriesCapReached, // 6083
    #[msg("mark_series takes 1 to MAX_MARK_BATCH distinct listed series")]
    InvalidMarkBatch, // 6084
    #[msg("The minimum trade size must be at least 1 and at most the open-interest cap")]
    InvalidMinTradeSize, // 6085
    #[msg("This mark re-centres the book (spot over half the reference away): mark MAX_RECENTER_BATCH series")]
    MarkBatchTooLargeToRecenter, // 6086
    #[msg("The oracle price is older than trade_max_price_age_s: post a newer price update in the same transaction")]
    PriceTooOldToTrade, // 6087
    #[msg("This series' IV changed less than min_iv_interval_s ago")]
    IvChangeTooSoon, // 6088
    #[msg("This IV change is larger than max_iv_step_bps and its timelock has not passed")]
    IvChangeTimelocked, // 6089
    #[msg("The open-interest cap is above the vault's max_series_oi")]
    OpenInterestCapTooLarge, // 6090
    #[msg("Underlying mint does not match the vault")]
    InvalidUnderlyingMint, // 6091
    #[msg("Underlying token vault does not match the vault")]
    InvalidUnderlyingVault, // 6092
    #[msg("The proposed risk parameters equal the current ones")]
    RiskParamsUnchanged, // 6093
    #[msg("The settlement price must be the first update at or after expiry (its previous update published before expiry)")]
    SettlementPriceNotFirstAfterExpiry, // 6094
    #[msg("The mint has a Token-2022 extension the vault cannot hold safely (permanent delegate, transfer hook, pausable, transfer fee, non-transferable, frozen by default)")]
    UnsupportedMintExtension, // 6095
    #[msg("The mint account is malformed")]
    InvalidMint, // 6096
    #[msg("The proposed oracle and pool equal the current ones")]
    VenueUnchanged, // 6097
    #[msg("No oracle or pool change is pending")]
    NoPendingVenue, // 6098
    #[msg("An expired series awaits settlement: settle it first")]
    SeriesAwaitingSettlement, // 6099
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

/// `?` on the math crate's results inside instructions: the math error becomes the
/// `VaultError` of the same name (the orphan rule forbids a direct `From` into
/// Anchor's error, as both types are foreign to this crate).
pub trait MathResultExt<T> {
    fn vault_err(self) -> anchor_lang::Result<T>;
}

impl<T> MathResultExt<T> for core::result::Result<T, MathError> {
    #[inline]
    fn vault_err(self) -> anchor_lang::Result<T> {
        self.map_err(|e| VaultError::from(e).into())
    }
}
