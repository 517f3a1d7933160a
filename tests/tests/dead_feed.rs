//! An LP exit when the feed is dead for good (issue 13, medium): once no price has been
//! accepted for `exit_max_age_s` + `timelock_s` (the authority had a whole timelock to
//! replace the oracle), requests and claims pay a pro-rata part of the free quote (less
//! the stale haircut): the inventory stays with the LPs who stay, the options count at
//! their locks. Before, every exit failed with `OracleStale` for ever.

use hedge_vault::error::VaultError;
use hedge_vault::events::WithdrawRequested;
use hedge_vault::math::money::{quote_for_shares, VIRTUAL_ASSETS, VIRTUAL_SHARES};
use hedge_vault::state::OracleKind;
use hedge_vault_tests::fixture::*;
use hedge_vault_tests::*;

#[tokio::test]
async fn lps_exit_a_feed_dead_for_good_at_their_share_of_free_quote() {
    let mut f = VaultFixture::new(OracleKind::PythLegacy, TokenKind::Spl).await;
    let leaving = f.user(100_000 * ONE_QUOTE).await;
    let staying = f.user(100_000 * ONE_QUOTE).await;
    f.deposit(&leaving, 100_000 * ONE_QUOTE).await.unwrap();
    f.deposit(&staying, 100_000 * ONE_QUOTE).await.unwrap();
    // A written book: part of the quote is locked for its holders.
    let trader = f.user(100_000 * ONE_QUOTE).await;
    let put = f.list_series(false, 100.0, 30, 500_000).await;
    f.buy(&trader, put, 200 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    let v = f.vault_state().await;
    assert!(v.locked_quote > 0);

    // The feed stops for good. Up to exit_max_age_s + timelock_s after the last accepted
    // price, exits refuse by name (the authority can still replace the oracle).
    let limit = (v.risk.exit_max_age_s + v.risk.timelock_s) as i64;
    f.set_time(v.last_publish_time + limit).await;
    let shares = f.balance(leaving.shares).await;
    let snap = f.snapshot(&[leaving.shares]).await;
    assert_vault_error(
        &f.request_withdraw(&leaving, shares).await,
        VaultError::OracleStale,
    );
    assert_eq!(f.snapshot(&[leaving.shares]).await, snap);

    // One second later the feed is dead for good: the request is valued at the free
    // quote less the haircut.
    f.advance(1).await;
    let v = f.vault_state().await;
    let free = v.quote_assets - v.locked_quote - v.settled_payouts_owed;
    let nav = free - (free as u128 * v.risk.stale_haircut_bps as u128).div_ceil(10_000) as u64;
    let supply = f.share_supply().await;
    let ix = f.request_withdraw_ix(&leaving, shares);
    let events = f.env.send_with_events(&[ix], &[&leaving.kp]).await.unwrap();
    let e: WithdrawRequested = find_event(&events).unwrap();
    assert_eq!(
        (e.nav_plus_virtual, e.supply_plus_virtual),
        (nav + VIRTUAL_ASSETS, supply + VIRTUAL_SHARES)
    );
    // Claimed after its delay, still without a price: paid that share of free quote.
    f.advance(3_600).await;
    let before = f.balance(leaving.quote).await;
    f.claim_withdraw(&leaving).await.unwrap();
    let paid = f.balance(leaving.quote).await - before;
    assert_eq!(
        paid,
        quote_for_shares(shares, (nav + VIRTUAL_ASSETS, supply + VIRTUAL_SHARES)).unwrap()
    );
    // About half the free quote less the haircut; the locks stay for the holders.
    assert!(
        paid < free / 2 && paid > free / 2 * 9 / 10,
        "{paid} of {free}"
    );
    let after = f.vault_state().await;
    assert_eq!(after.locked_quote, v.locked_quote);
    assert_eq!(f.balance(f.quote_vault).await, after.quote_assets);
}
