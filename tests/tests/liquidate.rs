//! `liquidate`: a 40% crash in one step, then repeated calls until health is restored
//! (health asserted at each step); unwind mode's effects; an insolvency with a pro-rata
//! haircut; and the errors.

use hedge_vault::error::VaultError;
use hedge_vault::events::Liquidated;
use hedge_vault::state::{OracleKind, SeriesStatus};
use hedge_vault::valuation::{self, Pricing};
use hedge_vault_tests::fixture::*;
use hedge_vault_tests::*;
use solana_sdk::signature::{Keypair, Signer};

/// Stressed assets / liabilities from the book's marks (which must be fresh), as the
/// program computes it.
async fn health(f: &mut VaultFixture) -> f64 {
    let v = f.vault_state().await;
    let book = f.book_state().await;
    let pricing = Pricing::for_vault(&v, f.now);
    let s = valuation::stressed(&v, &book, &f.oracle_state.band(), &pricing).unwrap();
    if s.liabilities == 0 {
        f64::INFINITY
    } else {
        s.assets as f64 / s.liabilities as f64
    }
}

/// Units of underlying sold in each of the three put series.
const UNITS: u64 = 500;

struct Book {
    f: VaultFixture,
    keeper: Keypair,
    trader: User,
    lp: User,
    series: Vec<u64>,
}

/// An LP, three put series sold against it, a registered keeper.
async fn put_book(lp_capital: u64, units_per_series: u64) -> Book {
    let risk = thin_margin_risk();
    let mut f = VaultFixture::with_risk(OracleKind::PythLegacy, TokenKind::Spl, risk).await;
    let lp = f.user(lp_capital).await;
    f.deposit(&lp, lp_capital).await.unwrap();
    let trader = f.user(1_000_000 * ONE_QUOTE).await;
    let mut series = Vec::new();
    for strike in [100.0, 95.0, 90.0] {
        let id = f.list_series(false, strike, 30, 500_000).await;
        f.buy(&trader, id, units_per_series * ONE_UNDERLYING, u64::MAX)
            .await
            .unwrap();
        series.push(id);
    }
    let keeper = Keypair::new();
    f.env.airdrop(&keeper.pubkey(), 1_000_000_000).await;
    f.add_keeper(&keeper.pubkey()).await;
    Book {
        f,
        keeper,
        trader,
        lp,
        series,
    }
}

#[tokio::test]
async fn crash_then_liquidate_until_healthy() {
    let mut b = put_book(60_000 * ONE_QUOTE, UNITS).await;
    let keeper = b.keeper.insecure_clone();
    let keeper_quote =
        b.f.env
            .create_token_account(b.f.quote_mint, keeper.pubkey(), TokenKind::Spl)
            .await;
    // Healthy: nothing to do.
    let log = b.f.hedge_log;
    let snap = b.f.snapshot(&[log]).await;
    let ix = b.f.liquidate_ix(&keeper.pubkey(), Some(keeper_quote));
    assert_vault_error(
        &b.f.env.send(&[ix], &[&keeper]).await,
        VaultError::VaultHealthy,
    );
    assert_eq!(b.f.snapshot(&[log]).await, snap);
    // Not a keeper.
    let stranger = b.f.user(0).await;
    let ix = b.f.liquidate_ix(&stranger.key(), Some(stranger.quote));
    assert_vault_error(
        &b.f.env.send(&[ix], &[&stranger.kp]).await,
        VaultError::NotKeeper,
    );

    // Spot drops 40% in one step: every mark is outside its window, so the keeper must
    // re-mark before liquidating (refused by name, nothing changed).
    b.f.advance(60).await;
    b.f.set_price(px(60.0)).await;
    b.f.arb_pool_to(60.0).await;
    let snap = b.f.snapshot(&[log, keeper_quote]).await;
    let ix = b.f.liquidate_ix(&keeper.pubkey(), Some(keeper_quote));
    assert_vault_error(
        &b.f.env.send(&[ix], &[&keeper]).await,
        VaultError::MarksStale,
    );
    assert_eq!(b.f.snapshot(&[log, keeper_quote]).await, snap);
    b.f.mark_all().await;
    let mut h = health(&mut b.f).await;
    assert!(h < 1.10, "health after the crash {h}");

    let mut steps = 0;
    loop {
        let ix = b.f.liquidate_ix(&keeper.pubkey(), Some(keeper_quote));
        let events = b.f.env.send_with_events(&[ix], &[&keeper]).await.unwrap();
        let e: Liquidated = find_event(&events).unwrap();
        steps += 1;
        let next = health(&mut b.f).await;
        // Health improves at every step.
        assert!(next > h, "step {steps}: {h} -> {next}");
        h = next;
        let v = b.f.vault_state().await;
        assert_eq!(e.unwind, v.unwind == 1);
        // While unwinding: no new sales, no claims; buy-backs and deposits go on.
        if v.unwind == 1 {
            let open = b.series[steps..].first().copied();
            if let Some(id) = open {
                assert_vault_error(
                    &b.f.buy(&b.trader, id, ONE_UNDERLYING, u64::MAX).await,
                    VaultError::VaultInUnwind,
                );
            }
        } else {
            break;
        }
        assert!(steps <= 3, "still unwinding after every series closed");
    }
    // Out of unwind: above the target ratio, or nothing left open.
    let book = b.f.book_state().await;
    let open = book.active().any(|s| s.open_interest > 0);
    assert!(
        h >= 1.30 || !open,
        "left unwind at health {h} with series open"
    );
    // Force-settled holders are paid like an exercise.
    let first = b.series[0];
    let book = b.f.book_state().await;
    let s = book.series[book.find(first).unwrap()];
    assert_eq!(s.status(), SeriesStatus::Settled);
    assert!(s.payout_per_unit >= 40 * ONE_QUOTE - ONE_QUOTE);
    let before = b.f.balance(b.trader.quote).await;
    b.f.exercise(&b.trader, first).await.unwrap();
    assert_eq!(
        b.f.balance(b.trader.quote).await - before,
        UNITS * s.payout_per_unit
    );
    assert!(b.f.balance(keeper_quote).await > 0, "keeper bounty");
    let v = b.f.vault_state().await;
    assert_eq!(b.f.balance(b.f.quote_vault).await, v.quote_assets);
    let _ = &b.lp;
}

#[tokio::test]
async fn insolvency_cuts_holders_pro_rata() {
    // Thin capital, a large put book, a crash beyond what the vault can pay.
    let mut b = put_book(40_000 * ONE_QUOTE, UNITS).await;
    let keeper = b.keeper.insecure_clone();
    let keeper_quote =
        b.f.env
            .create_token_account(b.f.quote_mint, keeper.pubkey(), TokenKind::Spl)
            .await;
    b.f.advance(60).await;
    b.f.set_price(px(20.0)).await;
    b.f.arb_pool_to(20.0).await;
    b.f.mark_all().await;
    let mut haircut_seen = false;
    for _ in 0..3 {
        let ix = b.f.liquidate_ix(&keeper.pubkey(), Some(keeper_quote));
        match b.f.env.send_with_events(&[ix], &[&keeper]).await {
            Ok(events) => {
                let e: Liquidated = find_event(&events).unwrap();
                haircut_seen |= e.haircut;
            }
            Err(e) => {
                assert_vault_error(&Err(e), VaultError::VaultHealthy);
                break;
            }
        }
    }
    assert!(haircut_seen, "the last series must be cut pro rata");
    // What holders can claim never exceeds what the vault holds.
    let v = b.f.vault_state().await;
    assert!(v.settled_payouts_owed <= v.quote_assets);
    assert_eq!(b.f.balance(b.f.quote_vault).await, v.quote_assets);
    // Every holder of a series is paid the same per unit.
    for id in b.series.clone() {
        let book = b.f.book_state().await;
        let s = book.series[book.find(id).unwrap()];
        let before = b.f.balance(b.trader.quote).await;
        b.f.exercise(&b.trader, id).await.unwrap();
        assert_eq!(
            b.f.balance(b.trader.quote).await - before,
            UNITS * s.payout_per_unit
        );
    }
}
