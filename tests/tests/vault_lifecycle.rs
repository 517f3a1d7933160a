//! End to end through the bank: two LPs deposit; a trader buys calls and puts; the
//! oracle moves; one LP withdraws through request and claim; the series expire, settle
//! and are exercised; every token is accounted for, and claims never exceed assets.

use hedge_vault::math::money::{bps_of, Rounding};
use hedge_vault::oracle::OraclePrice;
use hedge_vault::state::{OracleKind, SeriesStatus};
use hedge_vault::valuation::{self, Pricing};
use hedge_vault_tests::fixture::*;
use hedge_vault_tests::TokenKind;

/// The premium the program must charge, from the same public math it uses.
fn expected_premium(
    vault: &hedge_vault::state::Vault,
    book: &hedge_vault::state::OptionBook,
    series_id: u64,
    band: &OraclePrice,
    now: i64,
    size: u64,
) -> u64 {
    let s = book.series[book.find(series_id).unwrap()];
    let pricing = Pricing::for_vault(vault, now);
    let unit = valuation::unit_value(
        &s,
        valuation::liability_spot(&s, band).unwrap(),
        s.iv_ppm,
        &pricing,
    )
    .unwrap();
    let value = valuation::quote_amount(unit, size, &pricing, Rounding::Up).unwrap();
    value
        + bps_of(value, vault.risk.spread_bps, Rounding::Up).unwrap()
        + bps_of(value, vault.risk.fee_bps, Rounding::Up).unwrap()
}

async fn lifecycle(oracle_kind: OracleKind, quote_kind: TokenKind) {
    let mut f = VaultFixture::new(oracle_kind, quote_kind).await;
    let minted_lp1 = 100_000 * ONE_QUOTE;
    let minted_lp2 = 50_000 * ONE_QUOTE;
    let minted_trader = 20_000 * ONE_QUOTE;
    let lp1 = f.user(minted_lp1).await;
    let lp2 = f.user(minted_lp2).await;
    let trader = f.user(minted_trader).await;

    // Two LPs deposit: a fresh vault mints 1,000 share atoms per quote atom (one
    // displayed share per quote unit: shares carry three more decimals).
    f.deposit(&lp1, minted_lp1).await.unwrap();
    f.deposit(&lp2, minted_lp2).await.unwrap();
    assert_eq!(f.balance(lp1.shares).await, minted_lp1 * 1_000);
    // LP2 buys at (assets + 1) / (shares + 1,000): a hair under 1,000 per atom.
    let lp2_shares = f.balance(lp2.shares).await;
    assert!(lp2_shares <= minted_lp2 * 1_000 && lp2_shares >= minted_lp2 * 1_000 - 1_000);
    let v = f.vault_state().await;
    assert_eq!(v.quote_assets, minted_lp1 + minted_lp2);
    assert_eq!(f.balance(f.quote_vault).await, v.quote_assets);

    // A trader buys calls and puts.
    let call = f.list_series(true, 110.0, 30, 600_000).await;
    let put = f.list_series(false, 90.0, 30, 600_000).await;
    let expiry = f.now + 30 * 86_400;
    let size = 10 * ONE_UNDERLYING;
    for id in [call, put] {
        let v = f.vault_state().await;
        let book = f.book_state().await;
        let want = expected_premium(&v, &book, id, &f.oracle_state.band(), f.now, size);
        let before = f.balance(trader.quote).await;
        f.buy(&trader, id, size, want).await.unwrap();
        assert_eq!(before - f.balance(trader.quote).await, want, "premium");
        let after = f.vault_state().await;
        assert_eq!(after.quote_assets, v.quote_assets + want);
        let pos: hedge_vault::state::Position = f
            .env
            .anchor_account(f.position_pda(id, &trader.key()))
            .await;
        assert_eq!(
            (pos.size, pos.series_id, pos.owner),
            (size, id, trader.key())
        );
    }
    let v = f.vault_state().await;
    let book = f.book_state().await;
    assert!(v.locked_quote > 0);
    assert_eq!(
        v.locked_quote,
        book.series.iter().map(|s| s.locked_quote).sum::<u64>()
    );
    for id in [call, put] {
        assert_eq!(book.series[book.find(id).unwrap()].open_interest, size);
    }
    let premiums = v.quote_assets - minted_lp1 - minted_lp2;
    assert!(premiums > 0);

    // The oracle moves up a day later.
    f.advance(86_400).await;
    f.set_price(px(120.0)).await;
    f.mark_all().await;

    // LP2 leaves through request and claim.
    let shares2 = f.balance(lp2.shares).await;
    f.request_withdraw(&lp2, shares2).await.unwrap();
    assert_eq!(f.balance(lp2.shares).await, 0);
    assert_eq!(f.balance(f.share_escrow).await, shares2);
    let req = f.withdraw_request(&lp2.key()).await.unwrap();
    assert_eq!(req.shares, shares2);
    f.advance(3_600).await;
    f.set_price(px(121.0)).await;
    f.mark_all().await;
    let supply = f.share_supply().await;
    let v = f.vault_state().await;
    f.claim_withdraw(&lp2).await.unwrap();
    let paid = f.balance(lp2.quote).await;
    // min(value at request, value now) × shares, rounded down: never more than the
    // request's value.
    let at_request =
        (shares2 as u128 * req.nav_at_request as u128 / req.supply_at_request as u128) as u64;
    assert!(paid <= at_request);
    assert!(paid > 0);
    let after = f.vault_state().await;
    assert_eq!(after.quote_assets, v.quote_assets - paid);
    assert_eq!(f.share_supply().await, supply - shares2);
    assert_eq!(f.balance(f.share_escrow).await, 0);
    assert!(f.withdraw_request(&lp2.key()).await.is_none());

    // Expiry: settle at the first price published at or after it, then exercise.
    f.set_time(expiry + 5).await;
    f.oracle_state.price = px(125.0);
    f.oracle_state.publish_time = expiry + 2;
    f.write_oracle().await;
    f.settle(call).await.unwrap();
    f.settle(put).await.unwrap();
    let book = f.book_state().await;
    let c = book.series[book.find(call).unwrap()];
    let p = book.series[book.find(put).unwrap()];
    assert_eq!(c.status(), SeriesStatus::Settled);
    assert_eq!(c.payout_per_unit, 15 * ONE_QUOTE); // 125 − 110
    assert_eq!(c.payout_remaining, 150 * ONE_QUOTE);
    assert_eq!(p.payout_per_unit, 0);
    let v = f.vault_state().await;
    assert_eq!(v.locked_quote, 0);
    assert_eq!(v.settled_payouts_owed, 150 * ONE_QUOTE);

    let before = f.balance(trader.quote).await;
    f.exercise(&trader, call).await.unwrap();
    f.exercise(&trader, put).await.unwrap();
    assert_eq!(f.balance(trader.quote).await - before, 150 * ONE_QUOTE);
    assert!(f
        .env
        .account(f.position_pda(call, &trader.key()))
        .await
        .is_none());
    let v = f.vault_state().await;
    assert_eq!(v.settled_payouts_owed, 0);

    // Every token is accounted for.
    let vault_balance = f.balance(f.quote_vault).await;
    assert_eq!(vault_balance, v.quote_assets);
    let users =
        f.balance(lp1.quote).await + f.balance(lp2.quote).await + f.balance(trader.quote).await;
    assert_eq!(
        users + vault_balance,
        minted_lp1 + minted_lp2 + minted_trader
    );
    // What LP1 can claim (all remaining shares at NAV) never exceeds the vault's assets.
    let supply = f.share_supply().await;
    assert_eq!(supply, f.balance(lp1.shares).await);
    let claim = hedge_vault::math::money::quote_for_shares(
        supply,
        hedge_vault::math::money::share_price(v.quote_assets, supply).unwrap(),
    )
    .unwrap();
    assert!(claim <= v.quote_assets);
}

#[tokio::test]
async fn lifecycle_legacy_oracle_spl_quote() {
    lifecycle(OracleKind::PythLegacy, TokenKind::Spl).await;
}

#[tokio::test]
async fn lifecycle_pull_oracle_token_2022_quote() {
    lifecycle(OracleKind::PythPullV2, TokenKind::Token2022).await;
}
