//! What the keeper does after a failed send: classify the error by the program that
//! raised it, track failures per vault *and action* with decay (a hedge the program keeps
//! refusing never holds back that vault's settlement or liquidation), and back off with
//! jitter.

use std::collections::HashMap;
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use hedge_vault::error::VaultError;
pub use hedge_vault_client::errors::{ProgramFailure, RAYDIUM_EXCEEDED_SLIPPAGE};

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

/// Classifies a program failure (attributed to the program that raised it), or `None`
/// for a transport/RPC failure.
pub fn classify(failure: Option<ProgramFailure>) -> Class {
    let c = match failure {
        None => return Class::Backoff,
        Some(ProgramFailure::Dex(RAYDIUM_EXCEEDED_SLIPPAGE)) => return Class::RetryNextCycle,
        Some(ProgramFailure::Vault(c)) => c,
        Some(_) => return Class::Failed,
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
    } else if retry.iter().any(|e| code(*e) == c) {
        Class::RetryNextCycle
    } else {
        Class::Failed
    }
}

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

/// Failure tracking per (vault, action), with decay: each failure adds 1 to a score
/// that halves every `half_life`; at `threshold` (rounded) the action (only that one, on that vault
/// only) is skipped for `skip_for`. A success clears it. Failures spread over a long time
/// never add up to a skip; a burst does.
#[derive(Debug)]
pub struct ErrorTracking {
    threshold: f64,
    half_life: Duration,
    skip_for: Duration,
    state: HashMap<(Pubkey, &'static str), Score>,
}

#[derive(Clone, Copy, Debug)]
struct Score {
    value: f64,
    at: Duration,
    skip_until: Option<Duration>,
}

impl ErrorTracking {
    pub fn new(threshold: u32, half_life: Duration, skip_for: Duration) -> Self {
        Self {
            threshold: threshold as f64,
            half_life,
            skip_for,
            state: HashMap::new(),
        }
    }

    fn decayed(&self, s: &Score, now: Duration) -> f64 {
        let dt = now.saturating_sub(s.at).as_secs_f64();
        let hl = self.half_life.as_secs_f64().max(1e-3);
        s.value * 0.5f64.powf(dt / hl)
    }

    /// Records a failure of `action` on `vault` at `now` (time since the keeper started).
    pub fn failed(&mut self, vault: Pubkey, action: &'static str, now: Duration) {
        let old = self.state.get(&(vault, action)).copied();
        let value = old.map_or(0.0, |s| self.decayed(&s, now)) + 1.0;
        let mut s = Score {
            value,
            at: now,
            skip_until: old.and_then(|s| s.skip_until),
        };
        // Rounded to the nearest failure: `threshold` failures a few seconds apart have
        // decayed a little (4.9 for 5 at 2 s with a 120 s half-life) and must still count.
        if value >= self.threshold - 0.5 {
            s.skip_until = Some(now + self.skip_for);
            s.value = 0.0;
        }
        self.state.insert((vault, action), s);
    }

    pub fn succeeded(&mut self, vault: Pubkey, action: &'static str) {
        self.state.remove(&(vault, action));
    }

    /// True while `action` on `vault` is being skipped.
    pub fn skipped(&self, vault: &Pubkey, action: &'static str, now: Duration) -> bool {
        matches!(
            self.state.get(&(*vault, action)),
            Some(Score { skip_until: Some(until), .. }) if now < *until
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        let v = |e| Some(ProgramFailure::Vault(code(e)));
        assert_eq!(classify(v(VaultError::DeltaWithinBand)), Class::BenignRace);
        assert_eq!(
            classify(v(VaultError::HedgeIntervalNotElapsed)),
            Class::BenignRace
        );
        assert_eq!(
            classify(v(VaultError::FillOutsideSlippage)),
            Class::RetryNextCycle
        );
        assert_eq!(classify(v(VaultError::OracleStale)), Class::RetryNextCycle);
        assert_eq!(
            classify(Some(ProgramFailure::Dex(RAYDIUM_EXCEEDED_SLIPPAGE))),
            Class::RetryNextCycle
        );
        // The vault's own error with Raydium's number is not a slippage miss.
        assert_eq!(
            code(VaultError::MoneynessOutOfRange),
            RAYDIUM_EXCEEDED_SLIPPAGE
        );
        assert_eq!(
            classify(Some(ProgramFailure::Vault(RAYDIUM_EXCEEDED_SLIPPAGE))),
            Class::Failed
        );
        assert_eq!(
            classify(Some(ProgramFailure::Other {
                program: Pubkey::new_unique(),
                code: 1
            })),
            Class::Failed
        );
        assert_eq!(classify(v(VaultError::InvalidDexPool)), Class::Failed);
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
    fn a_failing_action_is_skipped_for_a_while_and_nothing_else_is() {
        let mut t = ErrorTracking::new(3, Duration::from_secs(30), Duration::from_secs(60));
        let (bad, good) = (Pubkey::new_unique(), Pubkey::new_unique());
        let at = Duration::from_secs;
        t.failed(bad, "rebalance", at(1));
        t.failed(bad, "rebalance", at(2));
        assert!(!t.skipped(&bad, "rebalance", at(2)));
        t.failed(bad, "rebalance", at(3));
        assert!(t.skipped(&bad, "rebalance", at(3)) && t.skipped(&bad, "rebalance", at(62)));
        assert!(!t.skipped(&bad, "rebalance", at(63)));
        // Settlement and liquidation of the same vault, and other vaults, go on.
        assert!(!t.skipped(&bad, "settle", at(3)));
        assert!(!t.skipped(&bad, "liquidate", at(3)));
        assert!(!t.skipped(&good, "rebalance", at(3)));
        t.failed(bad, "rebalance", at(70));
        t.succeeded(bad, "rebalance");
        assert!(!t.skipped(&bad, "rebalance", at(70)));
    }

    #[test]
    fn failures_decay() {
        let mut t = ErrorTracking::new(3, Duration::from_secs(30), Duration::from_secs(60));
        let v = Pubkey::new_unique();
        // One failure a minute never reaches 3 (the score stays below 1.34).
        for m in 0..60 {
            t.failed(v, "rebalance", Duration::from_secs(60 * m));
            assert!(!t.skipped(&v, "rebalance", Duration::from_secs(60 * m)));
        }
        // Three in a burst do.
        for s in 0..3 {
            t.failed(v, "mark", Duration::from_secs(4_000 + s));
        }
        assert!(t.skipped(&v, "mark", Duration::from_secs(4_003)));
    }
}
