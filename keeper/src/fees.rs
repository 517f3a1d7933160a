//! Priority fees that land, within a budget.
//!
//! `getRecentPrioritizationFees` answers, per slot, the *lowest* fee among the
//! transactions that wrote the given accounts, and the block's lowest (usually 0) for
//! slots where none did: on a pool that is not written every slot, most entries are 0 and
//! a percentile of them bids nothing. The keeper bids from what transactions that wrote
//! the same accounts actually paid: the newest few signatures of each account
//! (`getSignaturesForAddress`), their `SetComputeUnitPrice` read from `getTransaction`,
//! together with the non-zero per-slot minimums. The estimate is cached for
//! [`ESTIMATE_TTL`]. After an expiry the bid doubles ([`crate::send::escalated_fee`]);
//! everything is capped per compute unit and, across all vaults, per rolling hour
//! ([`FeeBudget`]).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anchor_lang::prelude::Pubkey;
use solana_sdk::message::VersionedMessage;

/// How many recent transactions of each account are read per estimate.
pub const PAID_SAMPLE: usize = 8;
/// How long an estimate is reused (RPC cost: 1 + accounts + PAID_SAMPLE calls).
pub const ESTIMATE_TTL: Duration = Duration::from_secs(10);
/// How old a sample may be (about a minute of slots: the market a bid meets now).
pub const SAMPLE_MAX_AGE_SLOTS: u64 = 150;
/// The rolling window of the budget.
pub const BUDGET_WINDOW: Duration = Duration::from_secs(3_600);

/// The compute-unit price a transaction bid (micro-lamports per CU): its
/// `SetComputeUnitPrice`, 0 without one.
pub fn price_of(message: &VersionedMessage) -> u64 {
    let keys = message.static_account_keys();
    message
        .instructions()
        .iter()
        .filter(|ix| {
            keys.get(ix.program_id_index as usize) == Some(&solana_compute_budget_interface::ID)
        })
        .find_map(|ix| match ix.data.as_slice() {
            // Tag 3 is SetComputeUnitPrice, followed by the u64 price.
            [3, rest @ ..] if rest.len() == 8 => {
                Some(u64::from_le_bytes(rest.try_into().expect("8 bytes")))
            }
            _ => None,
        })
        .unwrap_or(0)
}

/// Whether a transaction's bid says what landing next to the keeper costs: paid by
/// someone else (the keeper's own escalated bids would ratchet it up) and write-locking
/// one of `accounts` (a write lock is what contends).
pub fn counts_as_sample(message: &VersionedMessage, accounts: &[Pubkey], payer: &Pubkey) -> bool {
    let keys = message.static_account_keys();
    keys.first() != Some(payer)
        && keys
            .iter()
            .enumerate()
            .any(|(i, k)| accounts.contains(k) && message.is_maybe_writable(i, None))
}

/// The samples an estimate is taken from: what recent transactions paid, plus the
/// non-zero per-slot minimums (a zero there means "no such transaction in that slot",
/// not "a transaction landed for free").
pub fn samples(paid: &[u64], slot_minimums: &[u64]) -> Vec<u64> {
    paid.iter()
        .copied()
        .chain(slot_minimums.iter().copied().filter(|f| *f > 0))
        .collect()
}

/// Lamports a bid of `price` micro-lamports per CU costs at `limit` CU (rounded up: the
/// budget counts against the keeper).
pub fn fee_lamports(price: u64, limit: u32) -> u64 {
    (price as u128 * limit as u128).div_ceil(1_000_000) as u64
}

/// The priority fees the keeper signs per rolling hour, all vaults together. A bid is
/// booked when signed (whether it lands or not: it may). Beyond the budget the keeper
/// still sends, bidding only what is left (at worst nothing).
pub struct FeeBudget {
    per_hour: u64,
    signed: Mutex<VecDeque<(Instant, u64)>>,
}

impl FeeBudget {
    pub fn new(per_hour: u64) -> Self {
        Self {
            per_hour,
            signed: Mutex::new(VecDeque::new()),
        }
    }

    /// Lamports booked in the hour before `now`.
    pub fn spent(&self, now: Instant) -> u64 {
        let mut s = self.signed.lock().unwrap_or_else(|p| p.into_inner());
        while s
            .front()
            .is_some_and(|(t, _)| now.saturating_duration_since(*t) >= BUDGET_WINDOW)
        {
            s.pop_front();
        }
        s.iter().map(|(_, l)| *l).sum()
    }

    /// The highest price ≤ `want` whose fee at `limit` CU fits what is left of the
    /// hour (rounded down: never over the budget), booked.
    pub fn take(&self, now: Instant, limit: u32, want: u64) -> u64 {
        let left = self.per_hour.saturating_sub(self.spent(now));
        let price = if fee_lamports(want, limit) <= left {
            want
        } else if limit == 0 {
            0
        } else {
            (left as u128 * 1_000_000 / limit as u128).min(want as u128) as u64
        };
        let fee = fee_lamports(price, limit);
        if fee > 0 {
            self.signed
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push_back((now, fee));
        }
        price
    }
}

impl FeeBudget {
    /// Books `lamports` (a bundle's tip) if they fit what is left of the hour.
    pub fn take_lamports(&self, now: Instant, lamports: u64) -> bool {
        let left = self.per_hour.saturating_sub(self.spent(now));
        if lamports > left {
            return false;
        }
        self.signed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push_back((now, lamports));
        true
    }
}

impl FeeBudget {
    /// Gives back a booking made at `at` (a tip whose transaction was never signed).
    pub fn refund(&self, at: Instant, lamports: u64) {
        let mut s = self.signed.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(i) = s.iter().rposition(|e| *e == (at, lamports)) {
            s.remove(i);
        }
    }
}

/// (the accounts, when it was made, its samples)
type Estimate = (Vec<Pubkey>, Instant, Vec<u64>);

/// A cached estimate for one set of accounts.
#[derive(Default)]
pub struct EstimateCache {
    entries: Mutex<Vec<Estimate>>,
}

impl EstimateCache {
    pub fn get(&self, accounts: &[Pubkey], now: Instant) -> Option<Vec<u64>> {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .find(|(a, t, _)| a == accounts && now.saturating_duration_since(*t) < ESTIMATE_TTL)
            .map(|(_, _, s)| s.clone())
    }

    /// The last estimate for `accounts`, however old (when a new one cannot be made).
    pub fn last(&self, accounts: &[Pubkey]) -> Option<Vec<u64>> {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .rev()
            .find(|(a, _, _)| a == accounts)
            .map(|(_, _, s)| s.clone())
    }

    pub fn put(&self, accounts: &[Pubkey], now: Instant, samples: Vec<u64>) {
        let mut e = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        e.retain(|(a, t, _)| a != accounts && now.saturating_duration_since(*t) < ESTIMATE_TTL);
        e.push((accounts.to_vec(), now, samples));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use solana_compute_budget_interface::ComputeBudgetInstruction;
    use solana_sdk::message::Message;

    #[test]
    fn the_price_a_transaction_paid_is_its_set_compute_unit_price() {
        let payer = Pubkey::new_unique();
        let memo = solana_sdk::instruction::Instruction::new_with_bytes(
            Pubkey::new_unique(),
            b"x",
            vec![],
        );
        let with = Message::new(
            &[
                ComputeBudgetInstruction::set_compute_unit_limit(200_000),
                ComputeBudgetInstruction::set_compute_unit_price(12_345),
                memo.clone(),
            ],
            Some(&payer),
        );
        assert_eq!(price_of(&VersionedMessage::Legacy(with)), 12_345);
        let without = Message::new(&[memo], Some(&payer));
        assert_eq!(price_of(&VersionedMessage::Legacy(without)), 0);
    }

    #[test]
    fn only_others_write_locking_the_accounts_are_samples() {
        let (me, other, pool) = (
            Pubkey::new_unique(),
            Pubkey::new_unique(),
            Pubkey::new_unique(),
        );
        let ix = |writable: bool| {
            solana_sdk::instruction::Instruction::new_with_bytes(
                Pubkey::new_unique(),
                b"x",
                vec![if writable {
                    solana_sdk::instruction::AccountMeta::new(pool, false)
                } else {
                    solana_sdk::instruction::AccountMeta::new_readonly(pool, false)
                }],
            )
        };
        let msg = |payer: &Pubkey, writable: bool| {
            VersionedMessage::Legacy(Message::new(&[ix(writable)], Some(payer)))
        };
        assert!(counts_as_sample(&msg(&other, true), &[pool], &me));
        assert!(
            !counts_as_sample(&msg(&me, true), &[pool], &me),
            "its own bid"
        );
        assert!(
            !counts_as_sample(&msg(&other, false), &[pool], &me),
            "a read"
        );
        assert!(!counts_as_sample(
            &msg(&other, true),
            &[Pubkey::new_unique()],
            &me
        ));
    }

    #[test]
    fn zero_slot_minimums_are_not_samples() {
        assert_eq!(samples(&[0, 500], &[0, 0, 0, 7, 0]), vec![0, 500, 7]);
        // Mostly-zero minimums alone bid what the non-zero ones say, not 0.
        let policy = crate::config::PriorityFeePolicy {
            max_micro_lamports: 1_000_000,
            percentile: 75,
            budget_lamports_per_hour: u64::MAX,
        };
        let minimums = [0, 0, 0, 0, 0, 0, 0, 0, 0, 2_000, 0, 3_000];
        assert_eq!(crate::send::priority_fee(&minimums, &policy), 0);
        assert_eq!(
            crate::send::priority_fee(&samples(&[], &minimums), &policy),
            3_000
        );
    }

    #[test]
    fn the_budget_caps_an_hour_of_bids_and_frees_up_after_it() {
        let t0 = Instant::now();
        // 100,000 lamports an hour; each bid: 200,000 CU.
        let b = FeeBudget::new(100_000);
        // 250,000 µL/CU × 200,000 CU = 50,000 lamports: two fit.
        assert_eq!(b.take(t0, 200_000, 250_000), 250_000);
        assert_eq!(b.take(t0, 200_000, 250_000), 250_000);
        assert_eq!(b.spent(t0), 100_000);
        // The third bids only what is left: nothing.
        assert_eq!(b.take(t0, 200_000, 250_000), 0);
        // Half an hour on, still nothing; after the hour the window is free again.
        assert_eq!(b.take(t0 + Duration::from_secs(1_800), 200_000, 1), 0);
        let later = t0 + BUDGET_WINDOW;
        assert_eq!(b.spent(later), 0);
        // A partial fit is rounded down, never over the budget.
        assert_eq!(b.take(later, 300_000, 1_000_000), 333_333);
        assert!(b.spent(later) <= 100_000);
        assert_eq!(fee_lamports(333_333, 300_000), 100_000);
        assert_eq!(fee_lamports(1, 1), 1, "rounded up");
        // A tip is booked whole or not at all.
        let t = FeeBudget::new(20_000);
        assert!(t.take_lamports(t0, 15_000));
        assert!(!t.take_lamports(t0, 10_000));
        assert_eq!(t.spent(t0), 15_000);
        t.refund(t0, 15_000);
        assert_eq!(t.spent(t0), 0);
        assert!(t.take_lamports(t0, 10_000));
        // A zero budget means no priority fee at all.
        assert_eq!(FeeBudget::new(0).take(t0, 200_000, 5), 0);
    }

    #[test]
    fn estimates_are_reused_for_their_ttl_only() {
        let c = EstimateCache::default();
        let (a, b) = (Pubkey::new_unique(), Pubkey::new_unique());
        let t0 = Instant::now();
        c.put(&[a, b], t0, vec![1, 2]);
        assert_eq!(
            c.get(&[a, b], t0 + Duration::from_secs(1)),
            Some(vec![1, 2])
        );
        assert_eq!(c.get(&[a], t0), None);
        assert_eq!(c.get(&[a, b], t0 + ESTIMATE_TTL), None);
        // Stale, it is still the last one (used when a new estimate cannot be made).
        assert_eq!(c.last(&[a, b]), Some(vec![1, 2]));
        assert_eq!(c.last(&[b]), None);
    }
}
