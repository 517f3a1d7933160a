//! What a vault needs now, decided from fetched account data with the program's own
//! code: the same oracle checks (`oracle::load_checked_data`), valuation, band and due
//! rules (`hedging`). No I/O: tested without a chain.

use anchor_lang::prelude::Pubkey;
use anchor_lang::Discriminator;
use hedge_vault::error::VaultError;
use hedge_vault::hedging;
use hedge_vault::ledger::{self, MAX_MARK_BATCH, MAX_RECENTER_BATCH};
use hedge_vault::oracle::{self, OraclePrice};
use hedge_vault::state::{OptionBook, SeriesStatus, Vault};
use hedge_vault::valuation::{self, Pricing};

/// An account as fetched: address, owner, bytes.
#[derive(Clone, Copy, Debug)]
pub struct Fetched<'a> {
    pub key: &'a Pubkey,
    pub owner: &'a Pubkey,
    pub data: &'a [u8],
}

/// Why an account could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    WrongOwner,
    WrongDiscriminator,
    TooShort,
}

fn decode<T: bytemuck::Pod + Discriminator>(a: &Fetched) -> Result<T, DecodeError> {
    if *a.owner != hedge_vault::ID {
        return Err(DecodeError::WrongOwner);
    }
    if a.data.len() < 8 + core::mem::size_of::<T>() {
        return Err(DecodeError::TooShort);
    }
    if &a.data[..8] != T::DISCRIMINATOR {
        return Err(DecodeError::WrongDiscriminator);
    }
    Ok(bytemuck::pod_read_unaligned(
        &a.data[8..8 + core::mem::size_of::<T>()],
    ))
}

/// A `Vault` from its account (owner and discriminator checked).
pub fn decode_vault(a: &Fetched) -> Result<Vault, DecodeError> {
    decode(a)
}

/// An `OptionBook` from its account.
pub fn decode_book(a: &Fetched) -> Result<OptionBook, DecodeError> {
    decode(a)
}

/// The action to send, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// `settle_series`: expired, with a settling price in the window.
    Settle { series_id: u64 },
    /// `mark_series` for `ids[..count]`: marks stale or about to be (see
    /// [`series_to_mark`]).
    Mark {
        ids: [u64; MAX_MARK_BATCH],
        count: u8,
    },
    /// `liquidate`: stressed margin below maintenance, or unwinding.
    Liquidate,
    /// `rebalance`: a hedge is due for this caller.
    Rebalance,
    /// Nothing to do, and why.
    Nothing(Idle),
}

/// Why nothing is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idle {
    /// The oracle is unusable now: the program's error code (see [`code`]).
    Oracle(u32),
    /// The hedge is not due: the program's error code (band, interval, not keeper…).
    NotDue(u32),
    /// Rebalancing or liquidating is paused by governance.
    Paused,
}

/// What the keeper measured, for its metrics.
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
    anchor_lang::error::ERROR_CODE_OFFSET + e as u32
}

/// Decides for one vault at unix time `now`, as `keeper` would call.
///
/// Priority: settle an expired series (each settlement is final and time-boxed), then
/// liquidate an unhealthy vault, then rebalance, else nothing.
pub fn decide(
    vault: &Vault,
    book: &OptionBook,
    oracle_account: &Fetched,
    now: i64,
    keeper: &Pubkey,
) -> (Action, Assessment) {
    // Settlement reads the oracle without the age rule: it needs the update that
    // straddles expiry (the program's own `ledger::settlement_price`).
    for s in book
        .series
        .iter()
        .filter(|s| s.status() == SeriesStatus::Active)
    {
        if now >= s.expiry {
            if let Ok(p) = oracle::load_for_settlement_data(
                oracle_account.key,
                oracle_account.owner,
                oracle_account.data,
                vault,
            ) {
                if ledger::settlement_price(vault, s.expiry, &p).is_ok() {
                    return (
                        Action::Settle {
                            series_id: s.series_id,
                        },
                        Assessment::default(),
                    );
                }
            }
        }
    }

    let price = match oracle::load_checked_data(
        oracle_account.key,
        oracle_account.owner,
        oracle_account.data,
        vault,
        now,
    ) {
        Ok(p) => p,
        Err(e) => {
            return (
                Action::Nothing(Idle::Oracle(error_code(&e))),
                Assessment::default(),
            )
        }
    };
    // Marks first: liquidation and hedging read the book's sums, which need every open
    // series' mark fresh, and exits and trades need them too.
    let stale = series_to_mark(vault, book, &price, now);
    if !stale.is_empty() {
        let mut ids = [0u64; MAX_MARK_BATCH];
        ids[..stale.len()].copy_from_slice(&stale);
        return (
            Action::Mark {
                ids,
                count: stale.len() as u8,
            },
            Assessment::default(),
        );
    }
    let pricing = Pricing::for_vault(vault, now);
    let assessment = assess(vault, book, &price, &pricing);

    let health_ok = valuation::stressed(vault, book, &price, &pricing)
        .map(|s| {
            let open = book.active().any(|x| x.open_interest > 0);
            let healthy = valuation::meets_ratio(&s, vault.risk.maintenance_margin_bps);
            let recovered = valuation::meets_ratio(&s, vault.risk.target_margin_bps);
            if vault.unwind == 1 {
                recovered || !open
            } else {
                healthy
            }
        })
        .unwrap_or(true);
    if !health_ok && vault.is_keeper(keeper) {
        if vault.paused & hedge_vault::state::pause::LIQUIDATE != 0 {
            return (Action::Nothing(Idle::Paused), assessment);
        }
        return (Action::Liquidate, assessment);
    }

    if vault.paused & hedge_vault::state::pause::REBALANCE != 0 {
        return (Action::Nothing(Idle::Paused), assessment);
    }
    let due = hedging::book_risk(vault, book, &price, &pricing).and_then(|risk| {
        let band = hedging::band(vault, &risk)?;
        hedging::check_due(vault, &risk, band, &price, now, vault.is_keeper(keeper))
    });
    match due {
        Ok(()) => (Action::Rebalance, assessment),
        Err(e) => (Action::Nothing(Idle::NotDue(error_code(&e))), assessment),
    }
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

    fn run(w: &World, now: i64, caller: &Pubkey) -> Action {
        let data = legacy_account_data(&w.oracle);
        let fetched = Fetched {
            key: &w.oracle_key,
            owner: &PYTH_LEGACY_PROGRAM_MAINNET,
            data: &data,
        };
        decide(&w.vault, &w.book, &fetched, now, caller).0
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
        assert_eq!(run(&w, T0, &w.keeper), Action::Rebalance);
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
        // A new risk epoch retires every mark.
        mark_all(&mut w, T0 + 200);
        assert_eq!(run(&w, T0 + 200, &w.keeper), Action::Rebalance);
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
        assert_eq!(run(&w, T0, &w.keeper), Action::Rebalance);
        // Someone else: the fallback is not open yet (the vault hedged recently).
        w.vault.last_hedge_time = T0 - 30;
        assert_eq!(
            run(&w, T0, &Pubkey::new_unique()),
            Action::Nothing(Idle::NotDue(code(VaultError::NotKeeper)))
        );
        // Paused.
        w.vault.paused = pause::REBALANCE;
        assert_eq!(run(&w, T0, &w.keeper), Action::Nothing(Idle::Paused));
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
        assert_eq!(run(&w, T0, &w.keeper), Action::Rebalance);
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
}
