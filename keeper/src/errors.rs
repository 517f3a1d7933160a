//! What the keeper does after a failed send: classify the error, track failures per
//! vault (one bad vault never stops the others), and back off with jitter.

use std::collections::HashMap;
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use hedge_vault::error::VaultError;

use crate::decision::code;

/// How to react to a failed transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Another keeper got there first (band or interval): log at debug, nothing to do.
    BenignRace,
    /// Market conditions (slippage, oracle): try again next cycle.
    RetryNextCycle,
    /// RPC or transport trouble: back off exponentially with jitter.
    Backoff,
    /// Anything else from the program: count it against the vault.
    Failed,
}

/// Classifies a program error code (6000 + `VaultError`), a DEX code, or `None` for a
/// transport/RPC failure.
pub fn classify(program_error: Option<u32>) -> Class {
    let Some(c) = program_error else {
        return Class::Backoff;
    };
    let benign = [
        VaultError::DeltaWithinBand,
        VaultError::HedgeIntervalNotElapsed,
        VaultError::VaultHealthy,
        VaultError::SeriesNotActive,
    ];
    let retry = [
        VaultError::FillOutsideSlippage,
        VaultError::OracleStale,
        VaultError::OracleConfidenceTooWide,
        VaultError::OracleNotTrading,
        VaultError::OracleNotMonotonic,
        VaultError::OracleNotFullyVerified,
        VaultError::DexSwapDisabled,
        VaultError::HedgeSizeTooLarge,
    ];
    if benign.iter().any(|e| code(*e) == c) {
        Class::BenignRace
    } else if retry.iter().any(|e| code(*e) == c) || c == RAYDIUM_EXCEEDED_SLIPPAGE {
        Class::RetryNextCycle
    } else {
        Class::Failed
    }
}

/// Raydium CPMM's `ExceededSlippage`.
pub const RAYDIUM_EXCEEDED_SLIPPAGE: u32 = 6005;

/// Exponential backoff: base × 2^attempt, capped, with up to ±25% jitter from `entropy`
/// (any u64, e.g. the clock's nanoseconds), so several keepers do not retry in step.
pub fn backoff(base: Duration, cap: Duration, attempt: u32, entropy: u64) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.min(16));
    let d = exp.min(cap);
    let spread = d.as_millis() as u64 / 4;
    if spread == 0 {
        return d;
    }
    let offset = entropy % (2 * spread + 1);
    Duration::from_millis((d.as_millis() as u64 + offset).saturating_sub(spread))
}

/// Per-vault failure tracking: after `threshold` consecutive failures a vault is skipped
/// for `skip_for`; a success clears it.
#[derive(Debug)]
pub struct ErrorTracking {
    threshold: u32,
    skip_for: Duration,
    state: HashMap<Pubkey, (u32, Option<Duration>)>,
}

impl ErrorTracking {
    pub fn new(threshold: u32, skip_for: Duration) -> Self {
        Self {
            threshold,
            skip_for,
            state: HashMap::new(),
        }
    }

    /// Records a failure at time `now` (time since the keeper started).
    pub fn failed(&mut self, vault: Pubkey, now: Duration) {
        let e = self.state.entry(vault).or_insert((0, None));
        e.0 += 1;
        if e.0 >= self.threshold {
            e.1 = Some(now + self.skip_for);
            e.0 = 0;
        }
    }

    pub fn succeeded(&mut self, vault: Pubkey) {
        self.state.remove(&vault);
    }

    /// True while the vault is being skipped.
    pub fn skipped(&self, vault: &Pubkey, now: Duration) -> bool {
        matches!(self.state.get(vault), Some((_, Some(until))) if now < *until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(
            classify(Some(code(VaultError::DeltaWithinBand))),
            Class::BenignRace
        );
        assert_eq!(
            classify(Some(code(VaultError::HedgeIntervalNotElapsed))),
            Class::BenignRace
        );
        assert_eq!(
            classify(Some(code(VaultError::FillOutsideSlippage))),
            Class::RetryNextCycle
        );
        assert_eq!(
            classify(Some(code(VaultError::OracleStale))),
            Class::RetryNextCycle
        );
        assert_eq!(
            classify(Some(RAYDIUM_EXCEEDED_SLIPPAGE)),
            Class::RetryNextCycle
        );
        assert_eq!(
            classify(Some(code(VaultError::InvalidDexPool))),
            Class::Failed
        );
        assert_eq!(classify(None), Class::Backoff);
    }

    #[test]
    fn backoff_grows_caps_and_jitters() {
        let base = Duration::from_millis(200);
        let cap = Duration::from_secs(30);
        // entropy 50 is the middle of the ±25% window: no jitter.
        assert_eq!(backoff(base, cap, 0, 50), Duration::from_millis(200));
        let d0 = backoff(base, cap, 0, 100);
        assert!(d0 >= Duration::from_millis(150) && d0 <= Duration::from_millis(250));
        let d3 = backoff(base, cap, 3, 0);
        assert!(d3 >= Duration::from_millis(1_200) && d3 <= Duration::from_millis(2_000));
        let big = backoff(base, cap, 40, u64::MAX);
        assert!(big <= Duration::from_millis(37_500) && big >= Duration::from_millis(22_500));
        // Different entropy, different delay.
        assert_ne!(backoff(base, cap, 5, 1), backoff(base, cap, 5, 999));
    }

    #[test]
    fn a_failing_vault_is_skipped_for_a_while_and_others_are_not() {
        let mut t = ErrorTracking::new(3, Duration::from_secs(60));
        let (bad, good) = (Pubkey::new_unique(), Pubkey::new_unique());
        let at = Duration::from_secs;
        t.failed(bad, at(1));
        t.failed(bad, at(2));
        assert!(!t.skipped(&bad, at(2)));
        t.failed(bad, at(3));
        assert!(t.skipped(&bad, at(3)) && t.skipped(&bad, at(62)));
        assert!(!t.skipped(&bad, at(63)));
        assert!(!t.skipped(&good, at(3)));
        t.failed(bad, at(70));
        t.succeeded(bad);
        assert!(!t.skipped(&bad, at(70)));
    }
}
