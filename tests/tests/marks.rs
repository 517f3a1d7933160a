//! Marks through the bank: `mark_series` and its errors; every instruction that reads the
//! book's sums refuses stale marks by name (too old, spot outside a window, risk
//! parameters or IV changed) and changes nothing; the sums always equal a recomputation
//! from the marks; NAV's bounds contain a full re-pricing; the minimum trade and the
//! open-series cap.

use hedge_vault::error::VaultError;
use hedge_vault::events::SeriesMarked;
use hedge_vault::ledger::{MAX_MARK_BATCH, MAX_RECENTER_BATCH};
use hedge_vault::state::{OracleKind, RiskParams, SeriesStatus};
use hedge_vault::valuation::{self, Pricing};
use hedge_vault_tests::fixture::*;
use hedge_vault_tests::*;
use solana_sdk::signature::{Keypair, Signer};

struct World {
    f: VaultFixture,
    lp: User,
    trader: User,
    keeper: Keypair,
    series: Vec<u64>,
}

/// A funded vault with `n` series (calls and puts around 100, 2..=30 days), `units`
/// sold in each, a registered keeper.
async fn world(n: usize, units: u64, risk: RiskParams) -> World {
    let mut f = VaultFixture::with_risk(OracleKind::PythLegacy, TokenKind::Spl, risk).await;
    let lp = f.user(20_000_000 * ONE_QUOTE).await;
    f.deposit(&lp, 10_000_000 * ONE_QUOTE).await.unwrap();
    let trader = f.user(10_000_000 * ONE_QUOTE).await;
    let mut series = Vec::new();
    for i in 0..n {
        let call = i % 2 == 0;
        let strike = 90.0 + (i % 5) as f64 * 5.0;
        let id = f
            .list_series(
                call,
                strike,
                2 + (i as i64 * 7) % 29,
                400_000 + 20_000 * (i as u64 % 7),
            )
            .await;
        f.buy(&trader, id, units * ONE_UNDERLYING, u64::MAX)
            .await
            .unwrap();
        series.push(id);
    }
    let keeper = Keypair::new();
    f.env.airdrop(&keeper.pubkey(), 1_000_000_000).await;
    f.add_keeper(&keeper.pubkey()).await;
    World {
        f,
        lp,
        trader,
        keeper,
        series,
    }
}

fn wide_risk() -> RiskParams {
    RiskParams {
        max_utilization_bps: 10_000,
        max_vega_bps: 100_000,
        deposit_cap: u64::MAX,
        ..test_risk()
    }
}

/// The stored sums equal a recomputation from every series' mark and open interest.
async fn assert_sums_consistent(f: &mut VaultFixture) {
    let v = f.vault_state().await;
    let book = f.book_state().await;
    let recomputed = valuation::recomputed_sums(&v, &book).unwrap();
    assert_eq!(
        book.summary.agg.get(),
        recomputed,
        "sums drifted from the marks"
    );
    // And the locks add up.
    let locks: u64 = book.series.iter().map(|s| s.locked_quote).sum();
    assert_eq!(locks, v.locked_quote);
}

#[tokio::test]
async fn mark_series_marks_and_names_its_errors() {
    let mut w = world(3, 10, wide_risk()).await;
    let f = &mut w.f;
    f.advance(30).await;
    f.publish().await;
    let payer = f.env.payer().pubkey();
    let ix = f.mark_series_ix(&payer, &w.series);
    let events = f.env.send_with_events(&[ix], &[]).await.unwrap();
    let e: SeriesMarked = find_event(&events).unwrap();
    assert_eq!(e.series_ids, w.series);
    assert_eq!(e.price, f.oracle_state.price);
    let book = f.book_state().await;
    for id in &w.series {
        let s = &book.series[book.find(*id).unwrap()];
        assert_eq!(s.mark.time, f.now);
        assert_eq!(s.mark.price, f.oracle_state.price);
        assert_eq!(s.mark.publish_time, f.oracle_state.publish_time);
        assert!(s.locked_quote > 0);
    }
    assert_sums_consistent(f).await;

    // Errors, each changing nothing.
    let before = f.snapshot(&[]).await;
    assert_vault_error(&f.mark_series(&[]).await, VaultError::InvalidMarkBatch);
    let too_many: Vec<u64> = (0..=MAX_MARK_BATCH as u64).collect();
    assert_vault_error(
        &f.mark_series(&too_many).await,
        VaultError::InvalidMarkBatch,
    );
    assert_vault_error(
        &f.mark_series(&[w.series[0], w.series[1], w.series[0]])
            .await,
        VaultError::InvalidMarkBatch,
    );
    assert_vault_error(&f.mark_series(&[999]).await, VaultError::SeriesNotFound);
    f.advance(61).await; // the oracle is now older than oracle_max_age_s
    assert_vault_error(&f.mark_series(&w.series).await, VaultError::OracleStale);
    assert_eq!(f.snapshot(&[]).await, before);
    // A settled series cannot be marked.
    f.publish().await;
    let expiring = f.list_series(true, 100.0, 1, 500_000).await;
    f.buy(&w.trader, expiring, ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    f.advance(86_400).await;
    f.publish().await;
    f.settle(expiring).await.unwrap();
    let before = f.snapshot(&[]).await;
    assert_vault_error(
        &f.mark_series(&[expiring]).await,
        VaultError::SeriesNotActive,
    );
    assert_eq!(f.snapshot(&[]).await, before);
    assert_sums_consistent(f).await;
}

/// A move of more than half the reference spot re-centres the sums (one share per open
/// series, ~5.7k CU each): such a call may mark only `MAX_RECENTER_BATCH` series, larger
/// batches fail by name and change nothing, and the sums stay exact across it.
#[tokio::test]
async fn a_far_move_recentres_with_a_small_batch() {
    let mut w = world(6, 10, wide_risk()).await;
    let f = &mut w.f;
    let before_ref = f.book_state().await.summary.reference();
    f.advance(30).await;
    let far = f.oracle_state.price * 16 / 10; // +60%
    f.set_price(far).await;
    let before = f.snapshot(&[]).await;
    for n in [2, MAX_MARK_BATCH] {
        assert_vault_error(
            &f.mark_series(&w.series[..n]).await,
            VaultError::MarkBatchTooLargeToRecenter,
        );
    }
    assert_eq!(f.snapshot(&[]).await, before);
    assert_eq!(f.book_state().await.summary.reference(), before_ref);

    f.mark_series(&w.series[..MAX_RECENTER_BATCH])
        .await
        .unwrap();
    let r = f.book_state().await.summary.reference();
    assert_eq!(r.time, f.now);
    // 160 quote units per underlying unit, in quote atoms.
    assert_eq!(r.spot.round_i64().unwrap(), 160 * ONE_QUOTE as i64);
    assert_sums_consistent(f).await;
    // Re-centred: the rest go in full batches, and the book is usable again.
    f.mark_series(&w.series[1..1 + MAX_MARK_BATCH])
        .await
        .unwrap();
    f.mark_series(&w.series[1 + MAX_MARK_BATCH..])
        .await
        .unwrap();
    assert_eq!(f.book_state().await.summary.reference(), r);
    assert_sums_consistent(f).await;
    f.deposit(&w.lp, 1_000 * ONE_QUOTE).await.unwrap();

    // Back down by more than half of 160 (−55%): the same again, below the reference.
    f.advance(30).await;
    f.set_price(far * 45 / 100).await;
    assert_vault_error(
        &f.mark_series(&w.series[..2]).await,
        VaultError::MarkBatchTooLargeToRecenter,
    );
    f.mark_all().await;
    assert_sums_consistent(f).await;
    f.deposit(&w.lp, 1_000 * ONE_QUOTE).await.unwrap();
}

#[tokio::test]
async fn stale_marks_are_refused_by_name_and_change_nothing() {
    let mut w = world(4, 10, wide_risk()).await;
    let keeper = w.keeper.insecure_clone();
    let lp = w.lp.clone();
    let trader = w.trader.clone();
    let (a, b) = (w.series[0], w.series[1]);
    let f = &mut w.f;

    // Every reader of the sums, with the marks made stale three ways.
    let stale_ways: [&str; 4] = ["age", "spot", "risk epoch", "iv"];
    for way in stale_ways {
        f.mark_all().await;
        match way {
            "age" => {
                let age = f.vault_state().await.risk.max_mark_age_s as i64;
                f.advance(age + 1).await;
                f.publish().await;
            }
            "spot" => {
                // 4% up: outside every mark's ±3% window.
                f.set_price(px(104.0)).await;
                f.arb_pool_to(104.0).await;
            }
            "risk epoch" => {
                let mut r = f.vault_state().await.risk;
                r.spread_bps += 10; // tightening applies at once
                let auth = f.authority.insecure_clone();
                f.govern(
                    &auth,
                    hedge_vault::instruction::ProposeRiskParams { params: r },
                )
                .await
                .unwrap();
            }
            _ => {
                let auth = f.authority.insecure_clone();
                f.wait_for_iv_interval().await;
                f.set_series_iv_as(&auth, b, 450_000).await.unwrap();
            }
        }
        let extra = [lp.quote, trader.quote, f.position_pda(a, &trader.key())];
        let before = f.snapshot(&extra).await;
        assert_vault_error(&f.deposit(&lp, ONE_QUOTE).await, VaultError::MarksStale);
        assert_vault_error(
            &f.request_withdraw(&lp, 1_000).await,
            VaultError::MarksStale,
        );
        // The trade re-marks its own series, but the others are stale.
        assert_vault_error(
            &f.buy(&trader, a, ONE_UNDERLYING, u64::MAX).await,
            VaultError::MarksStale,
        );
        assert_vault_error(
            &f.sell(&trader, a, ONE_UNDERLYING, 0).await,
            VaultError::MarksStale,
        );
        assert_vault_error(&f.rebalance(&keeper, None).await, VaultError::MarksStale);
        let ix = f.liquidate_ix(&keeper.pubkey(), None);
        assert_vault_error(&f.env.send(&[ix], &[&keeper]).await, VaultError::MarksStale);
        assert_eq!(f.snapshot(&extra).await, before, "{way}: something changed");

        // Re-marked, they work again.
        f.mark_all().await;
        f.deposit(&lp, ONE_QUOTE).await.unwrap();
        f.buy(&trader, a, ONE_UNDERLYING, u64::MAX).await.unwrap();
        assert_sums_consistent(f).await;
        if way == "spot" {
            f.set_price(px(100.0)).await;
            f.arb_pool_to(100.0).await;
        }
    }
    // The claim after the delay: stale marks refuse it too; re-marked, it pays.
    f.mark_all().await;
    f.request_withdraw(&lp, 1_000).await.unwrap();
    f.advance(3_600).await;
    f.publish().await;
    let before = f.snapshot(&[lp.quote]).await;
    assert_vault_error(&f.claim_withdraw(&lp).await, VaultError::MarksStale);
    assert_eq!(f.snapshot(&[lp.quote]).await, before);
    f.mark_all().await;
    f.claim_withdraw(&lp).await.unwrap();
}

#[tokio::test]
async fn sums_equal_a_recomputation_and_nav_bounds_contain_a_full_repricing() {
    let mut w = world(6, 20, wide_risk()).await;
    let trader = w.trader.clone();
    let f = &mut w.f;
    assert_sums_consistent(f).await;
    // Trades, re-marks, time and spot moves within the marks' validity.
    for (step, (dt, price)) in [(40, 100.8), (60, 99.1), (45, 101.5), (90, 100.2)]
        .into_iter()
        .enumerate()
    {
        f.advance(dt).await;
        f.set_price(px(price)).await;
        let id = w.series[step % w.series.len()];
        f.buy(&trader, id, 3 * ONE_UNDERLYING, u64::MAX)
            .await
            .unwrap();
        f.sell(
            &trader,
            w.series[(step + 1) % w.series.len()],
            ONE_UNDERLYING,
            0,
        )
        .await
        .unwrap();
        assert_sums_consistent(f).await;

        // NAV's liability bounds against pricing every series in full at the band.
        let v = f.vault_state().await;
        let book = f.book_state().await;
        let pricing = Pricing::for_vault(&v, f.now);
        let exit = valuation::nav(&v, &book, &f.oracle_state.band(), &pricing).unwrap();
        let deposit =
            valuation::nav_for_deposit(&v, &book, &f.oracle_state.band(), &pricing).unwrap();
        let mut at_high = 0u64;
        let mut at_low = 0u64;
        for s in book.series.iter().filter(|s| s.is_open()) {
            for (spot, total) in [
                (f.oracle_state.band().high(), &mut at_high),
                (f.oracle_state.band().low(), &mut at_low),
            ] {
                let value = valuation::unit_value(s, spot, s.iv_ppm, &pricing).unwrap();
                *total += valuation::quote_amount(
                    value,
                    s.open_interest,
                    &pricing,
                    hedge_vault::math::Rounding::Down,
                )
                .unwrap();
            }
        }
        let owed = v.settled_payouts_owed;
        let truth_max = at_high.max(at_low) + owed;
        let truth_min = at_high.min(at_low) + owed;
        assert!(
            exit.liabilities >= truth_max,
            "step {step}: exit liabilities {} below a full re-pricing {truth_max}",
            exit.liabilities
        );
        assert!(
            deposit.liabilities <= truth_min + 1,
            "step {step}: deposit liabilities {} above a full re-pricing {truth_min}",
            deposit.liabilities
        );
    }
}

#[tokio::test]
async fn minimum_trade_and_open_series_cap() {
    let mut w = world(
        2,
        10,
        RiskParams {
            max_open_series: 3,
            ..wide_risk()
        },
    )
    .await;
    let trader = w.trader.clone();
    let f = &mut w.f;
    let auth = f.authority.insecure_clone();
    let id = w.series[0];
    // A minimum of one unit: smaller buys and partial sell-backs are refused.
    f.mark_all().await;
    assert_vault_error(
        &f.set_series_limits_as(&auth, id, 1_000 * ONE_UNDERLYING, 0)
            .await,
        VaultError::InvalidMinTradeSize,
    );
    assert_vault_error(
        &f.set_series_limits_as(&auth, id, ONE_UNDERLYING, 2 * ONE_UNDERLYING)
            .await,
        VaultError::InvalidMinTradeSize,
    );
    let stranger = Keypair::new();
    f.env.airdrop(&stranger.pubkey(), 1_000_000_000).await;
    assert_vault_error(
        &f.set_series_limits_as(&stranger, id, 1_000 * ONE_UNDERLYING, ONE_UNDERLYING)
            .await,
        VaultError::Unauthorized,
    );
    f.set_series_limits_as(&auth, id, 1_000 * ONE_UNDERLYING, ONE_UNDERLYING)
        .await
        .unwrap();
    let pos = f.position_pda(id, &trader.key());
    let before = f.snapshot(&[trader.quote, pos]).await;
    assert_vault_error(
        &f.buy(&trader, id, ONE_UNDERLYING - 1, u64::MAX).await,
        VaultError::TradeBelowMinimum,
    );
    assert_vault_error(
        &f.sell(&trader, id, ONE_UNDERLYING / 2, 0).await,
        VaultError::TradeBelowMinimum,
    );
    // The dust attack: a sale that leaves less than the minimum behind (10 units held,
    // 9.5 sold) would keep the series open for half a unit; refused.
    assert_vault_error(
        &f.sell(&trader, id, 10 * ONE_UNDERLYING - ONE_UNDERLYING / 2, 0)
            .await,
        VaultError::TradeBelowMinimum,
    );
    assert_eq!(f.snapshot(&[trader.quote, pos]).await, before);
    // Leaving exactly the minimum is fine.
    f.sell(&trader, id, 9 * ONE_UNDERLYING, 0).await.unwrap();
    // A whole position below the minimum can always be sold back.
    let small = f.list_series(true, 120.0, 20, 500_000).await;
    f.buy(&trader, small, 1_000, u64::MAX).await.unwrap();
    f.set_series_limits_as(&auth, small, 1_000 * ONE_UNDERLYING, ONE_UNDERLYING)
        .await
        .unwrap();
    f.sell(&trader, small, 1_000, 0).await.unwrap();

    // The cap: three open series at most (two open now, `small` is closed).
    let third = f.list_series(false, 80.0, 20, 500_000).await;
    let fourth = f.list_series(false, 85.0, 20, 500_000).await;
    f.buy(&trader, third, ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    let before = f.snapshot(&[trader.quote]).await;
    assert_vault_error(
        &f.buy(&trader, fourth, ONE_UNDERLYING, u64::MAX).await,
        VaultError::OpenSeriesCapReached,
    );
    assert_eq!(f.snapshot(&[trader.quote]).await, before);
    // Adding to an open series is fine; closing one frees a place.
    f.buy(&trader, third, ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    f.sell(&trader, third, 2 * ONE_UNDERLYING, 0).await.unwrap();
    f.buy(&trader, fourth, ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    let book = f.book_state().await;
    assert_eq!(book.summary.open_series, 3);
    assert!(
        book.series
            .iter()
            .filter(|s| s.status() == SeriesStatus::Active)
            .count()
            >= 4
    );
    assert_sums_consistent(f).await;
}
