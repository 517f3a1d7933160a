//! Expired but unsettled series (issue 13, low): they leave the hedging delta once marked
//! after expiry (at T = 0 a delta is a step of ±1 per unit at the strike, which churned
//! hedges), and `liquidate` no longer settles them at today's price: they settle at the
//! update that straddled expiry.

use hedge_vault::error::VaultError;
use hedge_vault::events::{Liquidated, Rebalanced, SeriesSettled};
use hedge_vault::hedging;
use hedge_vault::state::{OracleKind, SeriesStatus};
use hedge_vault::valuation::{self, Pricing};
use hedge_vault_tests::fixture::*;
use hedge_vault_tests::*;
use solana_sdk::signature::{Keypair, Signer};

async fn keeper(f: &mut VaultFixture) -> Keypair {
    let k = Keypair::new();
    f.env.airdrop(&k.pubkey(), 1_000_000_000).await;
    f.add_keeper(&k.pubkey()).await;
    k
}

#[tokio::test]
async fn an_expired_series_leaves_the_hedging_delta() {
    let mut f = VaultFixture::new(OracleKind::PythLegacy, TokenKind::Spl).await;
    let lp = f.user(500_000 * ONE_QUOTE).await;
    f.deposit(&lp, 500_000 * ONE_QUOTE).await.unwrap();
    let trader = f.user(100_000 * ONE_QUOTE).await;
    let keeper = keeper(&mut f).await;
    let call = f.list_series(true, 100.0, 1, 500_000).await;
    let expiry = f.now + 86_400;
    f.buy(&trader, call, 40 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    // Hedged before expiry (the call ends in the money: the hedge is ~40 units).
    f.set_time(expiry - 3_600).await;
    f.set_price(px(105.0)).await;
    f.arb_pool_to(105.0).await;
    f.mark_all().await;
    for _ in 0..4 {
        if f.rebalance(&keeper, None).await.is_err() {
            break;
        }
        f.arb_pool_to(105.0).await;
    }
    let inventory = f.vault_state().await.underlying_assets;
    assert!(inventory > 30 * ONE_UNDERLYING, "{inventory}");

    // One second after expiry: a mark from before no longer counts (MarksStale), so the
    // keeper re-marks first.
    f.set_time(expiry + 1).await;
    f.set_price(px(105.0)).await;
    let snap = f.snapshot(&[f.hedge_log]).await;
    assert_vault_error(&f.rebalance(&keeper, None).await, VaultError::MarksStale);
    assert_eq!(f.snapshot(&[f.hedge_log]).await, snap);
    f.mark_all().await;

    // The series is still open (unsettled), valued at intrinsic in the NAV, but its
    // delta is gone: the net delta is the whole inventory. (Kept in, its T = 0 delta
    // of +1 per unit would have read the book as hedged: inventory − 40 units.)
    let v = f.vault_state().await;
    let book = f.book_state().await;
    let s = book.series[book.find(call).unwrap()];
    assert_eq!(s.status(), SeriesStatus::Active);
    assert!(s.mark.time >= expiry);
    let pricing = Pricing::for_vault(&v, f.now);
    let price = f.oracle_state.band();
    assert_eq!(
        valuation::options_delta(&v, &book, &price).unwrap(),
        hedge_vault::math::Fx::ZERO
    );
    let risk = hedging::book_risk(&v, &book, &price, &pricing).unwrap();
    assert_eq!(risk.delta.round_i64().unwrap(), inventory as i64);
    let nav = valuation::nav(&v, &book, &price, &pricing).unwrap();
    assert!(nav.liabilities >= 40 * 5 * ONE_QUOTE, "{nav:?}");

    // Review M1: with the series valued at today's spot but paid at the straddling
    // update, depositing and then settling (permissionless) in one transaction would
    // move value between LPs: deposits (and claims) wait for the settlement, by name.
    let depositor = f.user(10_000 * ONE_QUOTE).await;
    let payer = f.env.payer().pubkey();
    let attempt = [
        f.deposit_ix(&depositor, 10_000 * ONE_QUOTE),
        f.settle_ix(&payer, call, f.oracle),
    ];
    let snap = f.snapshot(&[depositor.quote, depositor.shares]).await;
    assert_vault_error(
        &f.env.send(&attempt, &[&depositor.kp]).await,
        VaultError::SeriesAwaitingSettlement,
    );
    assert_eq!(f.snapshot(&[depositor.quote, depositor.shares]).await, snap);

    // So the keeper sells the now unneeded inventory instead of holding it.
    let ix = f.rebalance_ix(&keeper.pubkey(), None, 0);
    let events = f.env.send_with_events(&[ix], &[&keeper]).await.unwrap();
    let e: Rebalanced = find_event(&events).unwrap();
    assert_eq!(e.record.side, 1);
    assert!(f.vault_state().await.underlying_assets < inventory);

    // Settled (first, in the same transaction), the deposit goes through.
    let settle_then_deposit = [
        f.settle_ix(&payer, call, f.oracle),
        f.deposit_ix(&depositor, 10_000 * ONE_QUOTE),
    ];
    f.env
        .send(&settle_then_deposit, &[&depositor.kp])
        .await
        .unwrap();
    assert!(f.balance(depositor.shares).await > 0);
}

#[tokio::test]
async fn liquidate_leaves_an_expired_series_to_its_settlement_price() {
    let risk = thin_margin_risk();
    let mut f = VaultFixture::with_risk(OracleKind::PythPullV2, TokenKind::Spl, risk).await;
    let lp = f.user(60_000 * ONE_QUOTE).await;
    f.deposit(&lp, 60_000 * ONE_QUOTE).await.unwrap();
    let trader = f.user(1_000_000 * ONE_QUOTE).await;
    let keeper = keeper(&mut f).await;
    let keeper_quote = f
        .env
        .create_token_account(f.quote_mint, keeper.pubkey(), TokenKind::Spl)
        .await;
    // The largest lock is a one-day put; two 30-day puts beside it.
    let short = f.list_series(false, 100.0, 1, 500_000).await;
    let expiry = f.now + 86_400;
    f.buy(&trader, short, 600 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    let mut long = vec![];
    for strike in [95.0, 90.0] {
        let id = f.list_series(false, strike, 30, 500_000).await;
        f.buy(&trader, id, 450 * ONE_UNDERLYING, u64::MAX)
            .await
            .unwrap();
        long.push(id);
    }
    // The crash lands just after expiry: 60 is the update that straddles it; an hour
    // later the price is 50.
    f.set_time(expiry - 100).await;
    f.set_price(px(100.0)).await;
    f.set_time(expiry + 1).await;
    f.set_price(px(60.0)).await;
    let straddle = f.oracle_state;
    f.set_time(expiry + 3_600).await;
    f.set_price(px(50.0)).await;
    f.arb_pool_to(50.0).await;
    f.mark_all().await;

    // The keeper liquidates: the expired put (the largest lock) is not force-settled at
    // today's 50 (which would pay 50 a unit instead of 40); a 30-day series is.
    let ix = f.liquidate_ix(&keeper.pubkey(), Some(keeper_quote));
    let events = f.env.send_with_events(&[ix], &[&keeper]).await.unwrap();
    let e: Liquidated = find_event(&events).unwrap();
    assert!(long.contains(&e.series_id), "closed {}", e.series_id);
    let book = f.book_state().await;
    assert_eq!(
        book.series[book.find(short).unwrap()].status(),
        SeriesStatus::Active
    );
    // It settles at the straddling update, 40 a unit, re-posted by anyone.
    let pinned = f.post_update(straddle).await;
    let payer = f.env.payer().pubkey();
    let ix = f.settle_ix(&payer, short, pinned);
    let events = f.env.send_with_events(&[ix], &[]).await.unwrap();
    let s: SeriesSettled = find_event(&events).unwrap();
    assert_eq!(s.settlement_price, px(60.0));
    assert!(s.payout_per_unit <= 40 * ONE_QUOTE);
    assert!(
        s.payout_per_unit >= 40 * ONE_QUOTE * 9 / 10,
        "{}",
        s.payout_per_unit
    );
}
