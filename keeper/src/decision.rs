//! What a vault needs now, decided from fetched account copies with the program's own
//! code: the oracle checks (`oracle::load_checked_data`), the settlement rule
//! (`ledger::settlement_price`), and the first halves of `liquidate` and `rebalance`
//! (`ledger::plan_liquidation`, `ledger::plan_hedge`) run on copies of the vault and the
//! book with the pool's reserves as fetched. Whatever the program would refuse (no
//! inventory to sell, no free collateral, unwind, a pool off the oracle, a zero size, a
//! pause bit) the keeper does not send, and says why. No I/O: tested without a chain.

use anchor_lang::prelude::Pubkey;
use hedge_vault::dex;
use hedge_vault::error::VaultError;
use hedge_vault::hedging;
use hedge_vault::ledger::{self, PoolSnapshot, MAX_MARK_BATCH, MAX_RECENTER_BATCH};
use hedge_vault::math::money::{mul_div, Rounding};
use hedge_vault::oracle::{self, OraclePrice};
use hedge_vault::state::{pause, OptionBook, SeriesStatus, Vault};
use hedge_vault::valuation::{self, Pricing};
pub use hedge_vault_client::decode::{DecodeError, Fetched};
use hedge_vault_client::pool::PoolError;

/// A `Vault` from its account (owner and discriminator checked).
pub fn decode_vault(a: &Fetched) -> Result<Vault, DecodeError> {
    hedge_vault_client::decode::vault(a)
}

/// An `OptionBook` from its account.
pub fn decode_book(a: &Fetched) -> Result<OptionBook, DecodeError> {
    hedge_vault_client::decode::book(a)
}

/// The action to send, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// `settle_series`: expired, with the settling price readable.
    Settle { series_id: u64 },
    /// `mark_series` for `ids[..count]`: marks stale or about to be (see
    /// [`series_to_mark`]).
    Mark {
        ids: [u64; MAX_MARK_BATCH],
        count: u8,
    },
    /// `liquidate`: stressed margin below maintenance, or unwinding (including a
    /// recovered vault, which only `liquidate` takes out of unwind mode).
    Liquidate,
    /// `rebalance` with this `min_out`: the program's plan succeeds on copies.
    Rebalance { min_out: u64 },
    /// Nothing to do, and why.
    Nothing(Idle),
}

impl Action {
    /// The action's name in logs, metrics and failure tracking.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Settle { .. } => "settle",
            Action::Mark { .. } => "mark",
            Action::Liquidate => "liquidate",
            Action::Rebalance { .. } => "rebalance",
            Action::Nothing(_) => "nothing",
        }
    }
}

/// Why nothing is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idle {
    /// The oracle is unusable now: the program's error code (see [`code`]).
    Oracle(u32),
    /// The program would refuse the hedge: its error code (band, interval, not keeper,
    /// no inventory, free collateral, unwind, pool off the oracle, size, paused…).
    NotDue(u32),
    /// A hedge or sale is due but the pool cannot be used as fetched.
    Pool(PoolError),
}

impl std::fmt::Display for Idle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Idle::Oracle(c) => write!(f, "oracle unusable: {}", error_name(*c)),
            Idle::NotDue(c) => write!(f, "the program would refuse: {}", error_name(*c)),
            Idle::Pool(e) => write!(f, "pool unusable: {e}"),
        }
    }
}

/// A vault error's name, for the keeper's own reasons (the codes it predicts).
pub fn error_name(c: u32) -> String {
    const NAMED: &[VaultError] = &[
        VaultError::DeltaWithinBand,
        VaultError::HedgeIntervalNotElapsed,
        VaultError::NotKeeper,
        VaultError::NoInventoryToSell,
        VaultError::InsufficientFreeCollateral,
        VaultError::VaultInUnwind,
        VaultError::FillOutsideSlippage,
        VaultError::HedgeSizeTooLarge,
        VaultError::VaultHealthy,
        VaultError::InstructionPaused,
        VaultError::OracleStale,
        VaultError::OracleConfidenceTooWide,
        VaultError::OracleNotTrading,
        VaultError::OracleNotMonotonic,
        VaultError::OracleNotFullyVerified,
        VaultError::MarksStale,
    ];
    NAMED
        .iter()
        .find(|e| code(**e) == c)
        .map(|e| format!("{e:?} ({c})"))
        .unwrap_or_else(|| format!("vault error {c}"))
}

/// What the keeper measured, for its metrics (none while the oracle is unusable: the
/// gauges then read "unknown", not "flat and healthy").
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Assessment {
    /// Net delta and band, underlying atoms.
    pub delta: f64,
    pub band: f64,
    /// Stressed assets / liabilities (infinite with no liabilities).
    pub health: f64,
}

/// The program error code (6000 + `VaultError` index) an Anchor error carries, or 0.
fn error_code(e: &anchor_lang::error::Error) -> u32 {
    match e {
        anchor_lang::error::Error::AnchorError(a) => a.error_code_number,
        _ => 0,
    }
}

/// The code of a program error, for comparing with [`Idle`]'s codes.
pub fn code(e: VaultError) -> u32 {
    hedge_vault_client::errors::vault_code(e)
}

/// Everything [`decide`] reads, fetched in one batch.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    pub vault: &'a Vault,
    pub book: &'a OptionBook,
    pub oracle: Fetched<'a>,
    /// The pool's reserves as `rebalance` would compute them (see
    /// `hedge_vault_client::pool::snapshot`), or why they could not be.
    pub pool: Result<PoolSnapshot, PoolError>,
    /// Unix time of the fetched Clock.
    pub now: i64,
    pub keeper: &'a Pubkey,
    /// How far below the pool's quote (at the fetched reserves) a hedge may fill before
    /// the keeper's own `min_out` refuses it, bps. Tighter than the program's limit,
    /// which is set from the oracle.
    pub min_out_tolerance_bps: u64,
    /// Actions (by [`Action::name`]) the keeper is not sending on this vault for now
    /// (repeated failures): the decision goes on to the next one, so a settlement or a
    /// mark that keeps failing never holds back liquidation or the hedge.
    pub skip: &'a [&'static str],
}

/// Decides for one vault, as `keeper` would call it at `now`.
///
/// Priority: settle an expired series (final and time-boxed), then marks, then
/// liquidate, then rebalance, else nothing and why.
pub fn decide(i: &Inputs) -> (Action, Option<Assessment>) {
    let (vault, book, now) = (i.vault, i.book, i.now);
    // Settlement reads the oracle without the age rule: it needs the update that
    // straddles expiry (the program's own `ledger::settlement_price`).
    let allowed = |name: &str| !i.skip.contains(&name);
    if vault.paused & pause::SETTLE_SERIES == 0 && allowed("settle") {
        for s in book
            .series
            .iter()
            .filter(|s| s.status() == SeriesStatus::Active && now >= s.expiry)
        {
            let settles = oracle::load_for_settlement_data(
                i.oracle.key,
                i.oracle.owner,
                i.oracle.data,
                vault,
            )
            .is_ok_and(|p| ledger::settlement_price(vault, s.expiry, &p).is_ok());
            if settles {
                return (
                    Action::Settle {
                        series_id: s.series_id,
                    },
                    None,
                );
            }
        }
    }

    let price =
        match oracle::load_checked_data(i.oracle.key, i.oracle.owner, i.oracle.data, vault, now) {
            Ok(p) => p,
            Err(e) => return (Action::Nothing(Idle::Oracle(error_code(&e))), None),
        };
    // Marks first: liquidation and hedging read the book's sums, which need every open
    // series' mark fresh, and exits and trades need them too.
    let stale = series_to_mark(vault, book, &price, now);
    if !stale.is_empty() && allowed("mark") {
        let mut ids = [0u64; MAX_MARK_BATCH];
        ids[..stale.len()].copy_from_slice(&stale);
        return (
            Action::Mark {
                ids,
                count: stale.len() as u8,
            },
            None,
        );
    }
    let pricing = Pricing::for_vault(vault, now);
    let assessment = assess(vault, book, &price, &pricing);

    // Liquidate whenever the program's own first half succeeds on copies: below
    // maintenance, or in unwind mode (which only `liquidate` clears, also once the
    // vault has recovered). A paused liquidate, or a pool that cannot be read, leaves
    // the hedge below to run.
    let liquidation_pool = match i.pool {
        Ok(p) => Some(Some(p)),
        Err(PoolError::SwapsDisabled) => Some(None),
        Err(_) => None,
    };
    if let (Some(pool), true) = (liquidation_pool, allowed("liquidate")) {
        let (mut v, mut b) = (*vault, *book);
        if ledger::plan_liquidation(&mut v, &mut b, now, i.keeper, pool, |_| Ok(price)).is_ok() {
            return (Action::Liquidate, Some(assessment));
        }
    }

    let pool = match i.pool {
        Ok(p) => p,
        Err(e) => {
            // Say whether a hedge was due at all before blaming the pool.
            let due = vault.require_not_paused(pause::REBALANCE).and_then(|_| {
                let risk = hedging::book_risk(vault, book, &price, &pricing)?;
                let band = hedging::band(vault, &risk)?;
                hedging::check_due(vault, &risk, band, &price, now, vault.is_keeper(i.keeper))
            });
            let why = match due {
                Ok(()) => Idle::Pool(e),
                Err(e) => Idle::NotDue(error_code(&e)),
            };
            return (Action::Nothing(why), Some(assessment));
        }
    };
    let mut v = *vault;
    match ledger::plan_hedge(&mut v, book, now, i.keeper, pool, 0, |_| Ok(price)) {
        Ok(plan) => {
            let min_out = keeper_min_out(&plan, &pool, i.min_out_tolerance_bps);
            (Action::Rebalance { min_out }, Some(assessment))
        }
        Err(e) => (
            Action::Nothing(Idle::NotDue(error_code(&e))),
            Some(assessment),
        ),
    }
}

/// The keeper's `min_out`: the pool's output at the fetched reserves less the
/// tolerance (rounded down), never below the program's own floor. A pool that moves
/// against the hedge between the read and the landing beyond that fails in Raydium
/// (`ExceededSlippage`) instead of filling at the oracle-based limit.
pub fn keeper_min_out(plan: &ledger::HedgePlan, pool: &PoolSnapshot, tolerance_bps: u64) -> u64 {
    let (x, y) = if plan.buy {
        (pool.reserve_quote, pool.reserve_underlying)
    } else {
        (pool.reserve_underlying, pool.reserve_quote)
    };
    let expected = dex::quote_out(plan.amount_in, x, y, pool.fee_rate).unwrap_or(0);
    let tolerated = mul_div(
        expected,
        10_000u64.saturating_sub(tolerance_bps.min(10_000)),
        10_000,
        Rounding::Down,
    )
    .unwrap_or(0);
    tolerated.max(plan.minimum_out)
}

/// The open series whose marks the keeper should refresh now, most urgent first (at most
/// `ledger::mark_batch_limit`): marks that are missing, stale, from an older risk epoch or oracle
/// exponent, that have a third of their life left, or whose window the band is within a
/// third of leaving. Marking ahead keeps LPs and traders from ever meeting
/// `MarksStale`.
pub fn series_to_mark(vault: &Vault, book: &OptionBook, band: &OraclePrice, now: i64) -> Vec<u64> {
    let mut due: Vec<(i64, u64)> = book
        .series
        .iter()
        .filter(|s| s.is_open())
        .filter(|s| {
            let m = &s.mark;
            if m.price <= 0 || m.epoch != vault.risk_epoch || m.expo != band.expo {
                return true;
            }
            // The window shrunk by a third on each side must still hold the band.
            let keep = (m.window_bps as i128) * 2 / 3;
            let p = m.price as i128;
            let low = p * (10_000 - keep) / 10_000;
            let high = p * (10_000 + keep) / 10_000;
            // Re-mark with a third of the mark's life left.
            let ahead = m.valid_until.saturating_sub(m.time) / 3;
            now.saturating_add(ahead) >= m.valid_until
                || (band.low().mantissa as i128) < low
                || (band.high().mantissa as i128) > high
        })
        .map(|s| (s.mark.valid_until, s.series_id))
        .collect();
    due.sort_unstable();
    // A call that re-centres the book marks fewer series (`MarkBatchTooLargeToRecenter`).
    let limit = ledger::mark_batch_limit(vault, book, band).unwrap_or(MAX_RECENTER_BATCH);
    due.into_iter().take(limit).map(|(_, id)| id).collect()
}

/// A fixed-point value as f64, for reports and metrics only.
fn fx_f64(v: hedge_vault::math::Fx) -> f64 {
    v.to_bits() as f64 / 18_446_744_073_709_551_616.0
}

fn assess(vault: &Vault, book: &OptionBook, price: &OraclePrice, pricing: &Pricing) -> Assessment {
    let mut out = Assessment::default();
    if let Ok(risk) = hedging::book_risk(vault, book, price, pricing) {
        out.delta = fx_f64(risk.delta);
        if let Ok(b) = hedging::band(vault, &risk) {
            out.band = fx_f64(b);
        }
    }
    out.health = valuation::stressed(vault, book, price, pricing)
        .map(|s| {
            if s.liabilities == 0 {
                f64::INFINITY
            } else {
                s.assets as f64 / s.liabilities as f64
            }
        })
        .unwrap_or(f64::NAN);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use hedge_vault::oracle::PYTH_LEGACY_PROGRAM_MAINNET;
    use hedge_vault::state::{pause, OracleKind, RiskParams, Series};
    use hedge_vault_tests::fixture::{legacy_account_data, px, OracleState, EXPO, FEED_ID, T0};

    /// The fixture pool: 1M quote and 10k underlying (price 100), 0.25% fee.
    const POOL: PoolSnapshot = PoolSnapshot {
        fee_rate: 2_500,
        reserve_quote: 1_000_000_000_000,
        reserve_underlying: 10_000_000_000_000,
    };

    const UNIT: u64 = 1_000_000_000;

    struct World {
        vault: Vault,
        book: OptionBook,
        oracle_key: Pubkey,
        oracle: OracleState,
        keeper: Pubkey,
    }

    fn world() -> World {
        let oracle_key = Pubkey::new_unique();
        let keeper = Pubkey::new_unique();
        let mut vault: Vault = bytemuck::Zeroable::zeroed();
        vault.risk = RiskParams::DEFAULT;
        vault.oracle = oracle_key;
        vault.oracle_kind = OracleKind::PythLegacy as u8;
        vault.quote_decimals = 6;
        vault.underlying_decimals = 9;
        vault.quote_assets = 1_000_000_000_000;
        vault.keepers[0] = keeper;
        vault.created_at = T0 - 86_400;
        World {
            vault,
            book: bytemuck::Zeroable::zeroed(),
            oracle_key,
            oracle: OracleState {
                price: px(100.0),
                conf: px(0.05) as u64,
                expo: EXPO,
                publish_time: T0,
                prev_publish_time: T0 - 1,
                trading: true,
                fully_verified: true,
                feed_id: FEED_ID,
            },
            keeper,
        }
    }

    fn series(id: u64, call: bool, strike: f64, expiry: i64, oi_units: u64) -> Series {
        let mut s: Series = bytemuck::Zeroable::zeroed();
        s.series_id = id;
        s.kind = if call { 0 } else { 1 };
        s.strike = px(strike);
        s.strike_expo = EXPO;
        s.expiry = expiry;
        s.iv_ppm = 500_000;
        s.open_interest = oi_units * UNIT;
        s.max_open_interest = u64::MAX;
        s.status = SeriesStatus::Active as u8;
        s
    }

    /// Marks every active series at the world's oracle, as `mark_series` would.
    fn mark_all(w: &mut World, now: i64) {
        let data = legacy_account_data(&w.oracle);
        let ids: Vec<u64> = w.book.active().map(|s| s.series_id).collect();
        let key = w.oracle_key;
        let mut rest = &ids[..];
        while !rest.is_empty() {
            let price =
                oracle::load_checked_data(&key, &PYTH_LEGACY_PROGRAM_MAINNET, &data, &w.vault, now)
                    .unwrap();
            let limit = ledger::mark_batch_limit(&w.vault, &w.book, &price).unwrap();
            let (chunk, tail) = rest.split_at(limit.min(rest.len()));
            hedge_vault::ledger::mark_series(&mut w.vault, &mut w.book, now, chunk, |v| {
                oracle::load_checked_data(&key, &PYTH_LEGACY_PROGRAM_MAINNET, &data, v, now)
            })
            .unwrap();
            rest = tail;
        }
    }

    /// `decide` as `caller` at `now` over the world (its oracle as `data`).
    fn decide_in(
        w: &World,
        data: &[u8],
        now: i64,
        caller: &Pubkey,
        pool: Result<PoolSnapshot, PoolError>,
        skip: &[&'static str],
    ) -> (Action, Option<Assessment>) {
        decide(&Inputs {
            vault: &w.vault,
            book: &w.book,
            oracle: Fetched {
                key: &w.oracle_key,
                owner: &PYTH_LEGACY_PROGRAM_MAINNET,
                data,
            },
            pool,
            now,
            keeper: caller,
            min_out_tolerance_bps: 50,
            skip,
        })
    }

    fn run_with(
        w: &World,
        now: i64,
        caller: &Pubkey,
        pool: Result<PoolSnapshot, PoolError>,
    ) -> Action {
        decide_in(w, &legacy_account_data(&w.oracle), now, caller, pool, &[]).0
    }

    fn run(w: &World, now: i64, caller: &Pubkey) -> Action {
        run_with(w, now, caller, Ok(POOL))
    }

    fn is_rebalance(a: Action) -> bool {
        matches!(a, Action::Rebalance { min_out } if min_out > 0)
    }

    #[test]
    fn nothing_when_flat_and_named_reasons() {
        let mut w = world();
        assert_eq!(
            run(&w, T0, &w.keeper),
            Action::Nothing(Idle::NotDue(code(VaultError::DeltaWithinBand)))
        );
        assert_eq!(
            run(&w, T0 + 61, &w.keeper),
            Action::Nothing(Idle::Oracle(code(VaultError::OracleStale)))
        );
        w.oracle.conf = px(5.0) as u64;
        assert_eq!(
            run(&w, T0, &w.keeper),
            Action::Nothing(Idle::Oracle(code(VaultError::OracleConfidenceTooWide)))
        );
    }

    #[test]
    fn mark_first_when_marks_are_stale_or_soon_will_be() {
        let mut w = world();
        w.book.series[0] = series(1, true, 100.0, T0 + 30 * 86_400, 40);
        w.book.series[1] = series(2, false, 95.0, T0 + 30 * 86_400, 10);
        let mut ids = [0u64; MAX_MARK_BATCH];
        ids[..2].copy_from_slice(&[1, 2]);
        assert_eq!(
            run(&w, T0, &w.keeper),
            Action::Mark { ids, count: 2 },
            "unmarked open series"
        );
        mark_all(&mut w, T0);
        assert!(is_rebalance(run(&w, T0, &w.keeper)));
        // With a third of a 300-s life left: re-mark ahead of time.
        w.oracle.publish_time = T0 + 200;
        assert!(matches!(
            run(&w, T0 + 200, &w.keeper),
            Action::Mark { count: 2, .. }
        ));
        // A spot near the window's edge (2.5% of 3%): re-mark.
        mark_all(&mut w, T0 + 200);
        w.oracle.price = px(102.5);
        assert!(matches!(
            run(&w, T0 + 200, &w.keeper),
            Action::Mark { count: 2, .. }
        ));
        // A new risk epoch retires every mark. (The pool follows the oracle to 102.5.)
        mark_all(&mut w, T0 + 200);
        let moved = PoolSnapshot {
            reserve_quote: POOL.reserve_quote * 1_025 / 1_000,
            ..POOL
        };
        assert!(is_rebalance(run_with(&w, T0 + 200, &w.keeper, Ok(moved))));
        w.vault.risk_epoch += 1;
        assert!(matches!(
            run(&w, T0 + 200, &w.keeper),
            Action::Mark { count: 2, .. }
        ));
        // Settlement still comes first, at the update that straddles expiry.
        w.book.series[2] = series(3, true, 100.0, T0 + 300, 1);
        w.oracle.prev_publish_time = T0 + 290;
        w.oracle.publish_time = T0 + 310;
        assert_eq!(
            run(&w, T0 + 310, &w.keeper),
            Action::Settle { series_id: 3 }
        );
        // A later update that neither straddles it nor falls in the legacy window
        // (`settle_window_s` after expiry): nothing to settle with.
        w.oracle.prev_publish_time = T0 + 360;
        w.oracle.publish_time = T0 + 361;
        assert_ne!(
            run(&w, T0 + 361, &w.keeper),
            Action::Settle { series_id: 3 }
        );
    }

    #[test]
    fn a_far_move_marks_one_series_first() {
        let mut w = world();
        for i in 0..6 {
            w.book.series[i] = series(i as u64 + 1, i % 2 == 0, 100.0, T0 + 30 * 86_400, 5);
        }
        mark_all(&mut w, T0);
        // +60%: the next call re-centres the book, so it may mark one series.
        w.oracle.price = px(160.0);
        w.oracle.publish_time = T0 + 10;
        let Action::Mark { ids, count } = run(&w, T0 + 10, &w.keeper) else {
            panic!("expected a mark");
        };
        assert_eq!(count as usize, MAX_RECENTER_BATCH);
        let data = legacy_account_data(&w.oracle);
        let key = w.oracle_key;
        let load = |v: &Vault| {
            oracle::load_checked_data(&key, &PYTH_LEGACY_PROGRAM_MAINNET, &data, v, T0 + 10)
        };
        let mut bigger = ids;
        bigger[1] = if ids[0] == 1 { 2 } else { 1 };
        assert_eq!(
            hedge_vault::ledger::mark_series(
                &mut w.vault,
                &mut w.book,
                T0 + 10,
                &bigger[..2],
                load
            )
            .unwrap_err(),
            VaultError::MarkBatchTooLargeToRecenter.into()
        );
        hedge_vault::ledger::mark_series(&mut w.vault, &mut w.book, T0 + 10, &ids[..1], load)
            .unwrap();
        // Re-centred: full batches again.
        assert!(matches!(
            run(&w, T0 + 10, &w.keeper),
            Action::Mark { count, .. } if count as usize == MAX_MARK_BATCH
        ));
    }

    #[test]
    fn rebalance_when_short_calls_and_only_for_keepers() {
        let mut w = world();
        w.book.series[0] = series(1, true, 100.0, T0 + 30 * 86_400, 40);
        mark_all(&mut w, T0);
        assert!(is_rebalance(run(&w, T0, &w.keeper)));
        // Someone else: the fallback is not open yet (the vault hedged recently).
        w.vault.last_hedge_time = T0 - 30;
        assert_eq!(
            run(&w, T0, &Pubkey::new_unique()),
            Action::Nothing(Idle::NotDue(code(VaultError::NotKeeper)))
        );
        // Paused.
        w.vault.paused = pause::REBALANCE;
        assert_eq!(
            run(&w, T0, &w.keeper),
            Action::Nothing(Idle::NotDue(code(VaultError::InstructionPaused)))
        );
    }

    #[test]
    fn hedging_works_at_the_governable_bounds() {
        // The largest band and size parameters governance may set still compute (they
        // once overflowed the fixed-point math and blocked every rebalance).
        let mut w = world();
        w.book.series[0] = series(1, true, 100.0, T0 + 30 * 86_400, 40);
        mark_all(&mut w, T0);
        w.vault.risk.delta_band_hard = hedge_vault::state::MAX_FX_ATOMS;
        w.vault.risk.max_hedge_per_call = hedge_vault::state::MAX_FX_ATOMS;
        w.vault.risk.delta_band_min = 0;
        assert!(w.vault.risk.validate().is_ok());
        assert!(is_rebalance(run(&w, T0, &w.keeper)));
        w.vault.risk.delta_band_min = hedge_vault::state::MAX_FX_ATOMS;
        assert_eq!(
            run(&w, T0, &w.keeper),
            Action::Nothing(Idle::NotDue(code(VaultError::DeltaWithinBand)))
        );
        // One past the bound is refused by governance.
        w.vault.risk.delta_band_hard = hedge_vault::state::MAX_FX_ATOMS + 1;
        assert!(w.vault.risk.validate().is_err());
    }

    #[test]
    fn settle_an_expired_series_at_the_straddling_update() {
        let mut w = world();
        w.book.series[3] = series(9, false, 100.0, T0 - 90, 1);
        // The update at T0 whose previous one came before expiry: settle.
        w.oracle.prev_publish_time = T0 - 100;
        assert_eq!(run(&w, T0, &w.keeper), Action::Settle { series_id: 9 });
        // A later update (its previous one after expiry), outside the legacy window
        // (60 s after expiry), cannot settle it.
        w.oracle.prev_publish_time = T0 - 20;
        assert_ne!(run(&w, T0, &w.keeper), Action::Settle { series_id: 9 });
        // Inside the window it can (a legacy account shows each update for a slot).
        w.oracle.publish_time = T0 - 40;
        w.oracle.prev_publish_time = T0 - 45;
        assert_eq!(run(&w, T0, &w.keeper), Action::Settle { series_id: 9 });
        // Nor a price from before expiry.
        w.oracle.prev_publish_time = T0 - 100;
        w.oracle.publish_time = T0 - 91;
        assert_ne!(run(&w, T0, &w.keeper), Action::Settle { series_id: 9 });
    }

    #[test]
    fn liquidate_an_unhealthy_vault() {
        let mut w = world();
        // A thin vault short many puts after a crash.
        w.vault.quote_assets = 10_000_000_000; // 10,000 quote
        w.book.series[0] = series(1, false, 100.0, T0 + 30 * 86_400, 500);
        w.oracle.price = px(60.0);
        mark_all(&mut w, T0);
        assert_eq!(run(&w, T0, &w.keeper), Action::Liquidate);
        // A stranger is not sent to liquidate.
        assert_ne!(run(&w, T0, &Pubkey::new_unique()), Action::Liquidate);
    }

    #[test]
    fn refusals_the_program_would_make_are_predicted_and_named() {
        // A put book leaves the vault long delta: the hedge sells underlying, and with
        // none held the program refuses (`NoInventoryToSell`), which `check_due` alone
        // did not see.
        let mut w = world();
        w.book.series[0] = series(1, false, 100.0, T0 + 30 * 86_400, 40);
        mark_all(&mut w, T0);
        assert_eq!(
            run(&w, T0, &w.keeper),
            Action::Nothing(Idle::NotDue(code(VaultError::NoInventoryToSell)))
        );
        // With inventory it sells.
        w.vault.underlying_assets = 100 * UNIT;
        assert!(is_rebalance(run(&w, T0, &w.keeper)));
        // A pool pushed 2% off the oracle: refused, named.
        let off = PoolSnapshot {
            reserve_quote: POOL.reserve_quote * 102 / 100,
            ..POOL
        };
        assert_eq!(
            run_with(&w, T0, &w.keeper, Ok(off)),
            Action::Nothing(Idle::NotDue(code(VaultError::FillOutsideSlippage)))
        );
        // Swaps disabled: the hedge is due but the pool cannot take it.
        assert_eq!(
            run_with(&w, T0, &w.keeper, Err(PoolError::SwapsDisabled)),
            Action::Nothing(Idle::Pool(PoolError::SwapsDisabled))
        );
        // Unwind mode stops buy hedges (a call book needs one).
        let mut c = world();
        c.book.series[0] = series(1, true, 100.0, T0 + 30 * 86_400, 40);
        mark_all(&mut c, T0);
        c.vault.unwind = 1;
        let stranger = Pubkey::new_unique();
        c.vault.keepers[1] = stranger;
        // (Liquidate comes first for a keeper; look at the hedge with liquidation paused.)
        c.vault.paused = pause::LIQUIDATE;
        assert_eq!(
            run(&c, T0, &stranger),
            Action::Nothing(Idle::NotDue(code(VaultError::VaultInUnwind)))
        );
        // No free collateral for the buy (owing all its quote, the vault is also below
        // maintenance: keep liquidation paused to look at the hedge alone).
        c.vault.unwind = 0;
        c.vault.settled_payouts_owed = c.vault.quote_assets;
        assert_eq!(
            run(&c, T0, &c.keeper),
            Action::Nothing(Idle::NotDue(code(VaultError::InsufficientFreeCollateral)))
        );
    }

    #[test]
    fn the_keeper_min_out_is_tighter_than_the_program_floor() {
        let mut w = world();
        w.book.series[0] = series(1, true, 100.0, T0 + 30 * 86_400, 40);
        mark_all(&mut w, T0);
        let Action::Rebalance { min_out } = run(&w, T0, &w.keeper) else {
            panic!("expected a hedge");
        };
        let mut v = w.vault;
        let plan = ledger::plan_hedge(&mut v, &w.book, T0, &w.keeper, POOL, 0, |_| {
            Ok(w.oracle.band())
        })
        .unwrap();
        let at_reserves = dex::quote_out(
            plan.amount_in,
            POOL.reserve_quote,
            POOL.reserve_underlying,
            2_500,
        )
        .unwrap();
        assert!(
            min_out > plan.minimum_out,
            "{min_out} vs {}",
            plan.minimum_out
        );
        assert!(min_out <= at_reserves && min_out >= at_reserves * 9_950 / 10_000);
        // The program accepts it: its floor is max(own, caller's).
        let mut v = w.vault;
        let with = ledger::plan_hedge(&mut v, &w.book, T0, &w.keeper, POOL, min_out, |_| {
            Ok(w.oracle.band())
        })
        .unwrap();
        assert_eq!(with.minimum_out, min_out);
    }

    #[test]
    fn a_recovered_vault_in_unwind_is_sent_liquidate_to_leave_it() {
        let mut w = world();
        w.book.series[0] = series(1, false, 100.0, T0 + 30 * 86_400, 5);
        mark_all(&mut w, T0);
        // Healthy and not unwinding: no liquidation.
        assert_ne!(run(&w, T0, &w.keeper), Action::Liquidate);
        // Healthy but still flagged (the market came back): only `liquidate` clears it.
        w.vault.unwind = 1;
        assert_eq!(run(&w, T0, &w.keeper), Action::Liquidate);
        let mut v = w.vault;
        let mut b = w.book;
        let price = w.oracle.band();
        let plan =
            ledger::plan_liquidation(&mut v, &mut b, T0, &w.keeper, Some(POOL), |_| Ok(price))
                .unwrap();
        assert!(
            plan.closed.is_none() && v.unwind == 0,
            "recovered: cleared, nothing closed"
        );
    }

    #[test]
    fn pause_bits_stop_only_their_own_action() {
        // An expired series waits for settlement while settlement is paused: hedging
        // goes on (it used to be retried as `settle` for ever).
        let mut w = world();
        w.book.series[0] = series(1, true, 100.0, T0 + 30 * 86_400, 40);
        w.book.series[1] = series(2, true, 100.0, T0 - 90, 1);
        w.oracle.prev_publish_time = T0 - 100;
        mark_all(&mut w, T0);
        assert_eq!(run(&w, T0, &w.keeper), Action::Settle { series_id: 2 });
        w.vault.paused = pause::SETTLE_SERIES;
        assert!(is_rebalance(run(&w, T0, &w.keeper)));
        // A paused liquidate does not stop the hedges of an unhealthy vault.
        let mut u = world();
        u.vault.quote_assets = 10_000_000_000;
        u.vault.underlying_assets = 200 * UNIT;
        u.book.series[0] = series(1, false, 100.0, T0 + 30 * 86_400, 500);
        u.oracle.price = px(60.0);
        mark_all(&mut u, T0);
        let crash_pool = PoolSnapshot {
            reserve_quote: 600_000_000_000,
            ..POOL
        };
        assert_eq!(
            run_with(&u, T0, &u.keeper, Ok(crash_pool)),
            Action::Liquidate
        );
        u.vault.paused = pause::LIQUIDATE;
        assert!(is_rebalance(run_with(&u, T0, &u.keeper, Ok(crash_pool))));
    }

    #[test]
    fn a_skipped_action_does_not_hold_back_the_next() {
        let mut w = world();
        w.book.series[0] = series(1, true, 100.0, T0 + 30 * 86_400, 40);
        w.book.series[1] = series(3, true, 100.0, T0 + 300, 1);
        w.oracle.prev_publish_time = T0 + 290;
        w.oracle.publish_time = T0 + 310;
        mark_all(&mut w, T0);
        let data = legacy_account_data(&w.oracle);
        let with_skip =
            |skip: &[&'static str]| decide_in(&w, &data, T0 + 310, &w.keeper, Ok(POOL), skip).0;
        assert_eq!(with_skip(&[]), Action::Settle { series_id: 3 });
        // Settlement keeps failing: the marks (stale by now) come next, then the hedge.
        assert!(matches!(with_skip(&["settle"]), Action::Mark { .. }));
        assert!(!matches!(
            with_skip(&["settle", "mark"]),
            Action::Settle { .. } | Action::Mark { .. }
        ));
    }

    #[test]
    fn no_assessment_while_the_oracle_is_unusable() {
        let mut w = world();
        w.book.series[0] = series(1, true, 100.0, T0 + 30 * 86_400, 40);
        mark_all(&mut w, T0);
        let data = legacy_account_data(&w.oracle);
        let run = |now| decide_in(&w, &data, now, &w.keeper, Ok(POOL), &[]);
        assert!(run(T0).1.is_some());
        let (action, assessment) = run(T0 + 61);
        assert_eq!(
            action,
            Action::Nothing(Idle::Oracle(code(VaultError::OracleStale)))
        );
        assert_eq!(assessment, None);
    }
}
