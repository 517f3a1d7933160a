//! Value-extraction paths found by an independent review (issue 13), each performed
//! end to end through the bank: the attacker's numbers before the fix (shown by an
//! honest position that the fix does not touch, in the same state) and after it.

use hedge_vault::error::VaultError;
use hedge_vault::events::SeriesSettled;
use hedge_vault::instructions::ListSeriesArgs;
use hedge_vault::state::{OracleKind, RiskParams};
use hedge_vault_tests::fixture::*;
use hedge_vault_tests::*;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::Signer;

async fn funded(kind: OracleKind) -> (VaultFixture, User) {
    let mut f = VaultFixture::new(kind, TokenKind::Spl).await;
    let lp = f.user(1_000_000 * ONE_QUOTE).await;
    f.deposit(&lp, 1_000_000 * ONE_QUOTE).await.unwrap();
    (f, lp)
}

/// Writes the oracle account with `price` published `age` seconds ago: a sponsored
/// pull-oracle account that lags the latest Pyth price.
async fn lagging(f: &mut VaultFixture, price: i64, age: i64) {
    f.oracle_state.price = price;
    f.oracle_state.publish_time = f.now - age;
    f.write_oracle().await;
}

/// Critical: buy at the account's lagging price P1, push a newer verified price P2,
/// sell back (same second, and a few seconds later), or sell the same size from a
/// second wallet that bought long ago. Before the fix the sale paid the model at P2
/// (+8.09% over the buy, measured with this test before the recent-range pricing). Now
/// trades price at the worst band accepted within `min_hold_s` (whichever wallet) and a
/// buy-back inside the position's hold at most the buy's value: every leg loses.
#[tokio::test]
async fn pull_oracle_round_trip_loses_money() {
    let (mut f, _lp) = funded(OracleKind::PythPullV2).await;
    let call = f.list_series(true, 100.0, 1, 800_000).await;
    let size = 50 * ONE_UNDERLYING;
    let honest = f.user(1_000_000 * ONE_QUOTE).await;
    let attacker = f.user(1_000_000 * ONE_QUOTE).await;
    f.buy(&honest, call, 2 * size, u64::MAX).await.unwrap();
    f.advance(RiskParams::DEFAULT.min_hold_s as i64 + 1).await;
    let p1 = f.oracle_state.price;

    // A price older than `trade_max_price_age_s` cannot be traded on at all.
    lagging(
        &mut f,
        p1,
        RiskParams::DEFAULT.trade_max_price_age_s as i64 + 1,
    )
    .await;
    f.mark_all().await;
    let pos = f.position_pda(call, &attacker.key());
    let before = f.snapshot(&[attacker.quote, pos]).await;
    assert_vault_error(
        &f.buy(&attacker, call, 2 * size, u64::MAX).await,
        VaultError::PriceTooOldToTrade,
    );
    assert_eq!(f.snapshot(&[attacker.quote, pos]).await, before);

    // The account lags by 5 s (accepted) while the market is 0.45% higher.
    lagging(&mut f, p1, 5).await;
    let start = f.balance(attacker.quote).await;
    f.buy(&attacker, call, 2 * size, u64::MAX).await.unwrap();
    let paid = start - f.balance(attacker.quote).await;

    // Push the newer verified price in the same second and sell half back.
    let p2 = p1 * 10_045 / 10_000;
    f.set_price(p2).await;
    f.mark_all().await;
    let h0 = f.balance(honest.quote).await;
    f.sell(&honest, call, size, 0).await.unwrap();
    let uncapped = f.balance(honest.quote).await - h0;
    let a0 = f.balance(attacker.quote).await;
    f.sell(&attacker, call, size, 0).await.unwrap();
    let same_second = f.balance(attacker.quote).await - a0;

    // A few seconds later, at a fresh P2: still inside the hold.
    f.advance(5).await;
    f.set_price(p2).await;
    f.mark_all().await;
    let a1 = f.balance(attacker.quote).await;
    f.sell(&attacker, call, size, 0).await.unwrap();
    let later = f.balance(attacker.quote).await - a1;

    let half = paid / 2;
    println!(
        "round trip, 1-day ATM call, 0.45% lag: paid {half} per half; a second wallet's \
         sale {uncapped} ({:+.2}%); the same wallet {same_second} at once ({:+.2}%) and \
         {later} after 5 s ({:+.2}%)",
        (uncapped as f64 / half as f64 - 1.0) * 100.0,
        (same_second as f64 / half as f64 - 1.0) * 100.0,
        (later as f64 / half as f64 - 1.0) * 100.0,
    );
    // The attacker's second wallet (holding units bought long ago, outside any hold)
    // sells at the lowest band accepted in the last `min_hold_s`, which includes P1:
    // swapping wallets does not escape it.
    assert!(
        uncapped < half,
        "a second wallet's sale gains nothing either"
    );
    assert!(
        same_second < half && later < half,
        "the round trip loses money now"
    );
    assert!(f.balance(attacker.quote).await < start);
}

/// The reverse order from one wallet: holding old units, sell while the lagging account
/// shows the higher price, push the newer lower one, buy the same size back. The
/// buy-back pays at the highest band accepted within `min_hold_s`, which includes the
/// price the sale used: the attacker ends with the same position and less money.
#[tokio::test]
async fn sell_high_then_buy_back_low_loses_money() {
    let (mut f, _lp) = funded(OracleKind::PythPullV2).await;
    let call = f.list_series(true, 100.0, 1, 800_000).await;
    let size = 50 * ONE_UNDERLYING;
    let attacker = f.user(1_000_000 * ONE_QUOTE).await;
    f.buy(&attacker, call, size, u64::MAX).await.unwrap();
    f.advance(RiskParams::DEFAULT.min_hold_s as i64 * 3).await;
    let p = f.oracle_state.price;
    lagging(&mut f, p * 10_045 / 10_000, 5).await;
    f.mark_all().await;
    let start = f.balance(attacker.quote).await;
    f.sell(&attacker, call, size, 0).await.unwrap();
    let sold = f.balance(attacker.quote).await - start;
    f.set_price(p).await;
    f.mark_all().await;
    let b0 = f.balance(attacker.quote).await;
    f.buy(&attacker, call, size, u64::MAX).await.unwrap();
    let bought = b0 - f.balance(attacker.quote).await;
    println!(
        "sell at a 0.45%-high lagging price, buy back at the pushed one: sold {sold}, bought \
         back {bought} ({:+.2}%)",
        (sold as f64 / bought as f64 - 1.0) * 100.0
    );
    assert!(bought > sold, "sold {sold}, bought back {bought}");
}

/// The same selection by an LP: deposit at the lagging price (NAV low for a book short
/// calls when the stale price is high), push the newer lower price, request everything,
/// claim after the delay. The request is priced on the conservative side and paid at
/// the lower of its value at request and at claim: the attacker gets back less than
/// deposited.
#[tokio::test]
async fn deposit_then_request_at_a_pushed_price_does_not_pay() {
    let (mut f, _lp) = funded(OracleKind::PythPullV2).await;
    let call = f.list_series(true, 100.0, 7, 800_000).await;
    let trader = f.user(1_000_000 * ONE_QUOTE).await;
    // A book that holds risk: 900 short calls, unhedged (no rebalance).
    f.buy(&trader, call, 900 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    let p1 = f.oracle_state.price;
    let high = p1 * 10_045 / 10_000;
    f.advance(20).await;
    lagging(&mut f, high, 9).await;
    f.mark_all().await;

    let attacker = f.user(200_000 * ONE_QUOTE).await;
    let deposited = 100_000 * ONE_QUOTE;
    f.deposit(&attacker, deposited).await.unwrap();
    let shares = f.balance(attacker.shares).await;
    // The newer, lower price, pushed at once.
    f.set_price(p1).await;
    f.mark_all().await;
    f.request_withdraw(&attacker, shares).await.unwrap();
    let delay = f.vault_state().await.risk.withdraw_delay_s as i64;
    f.advance(delay).await;
    f.set_price(p1).await;
    f.mark_all().await;
    let q0 = f.balance(attacker.quote).await;
    f.claim_withdraw(&attacker).await.unwrap();
    let got = f.balance(attacker.quote).await - q0;
    println!(
        "deposit at a 0.45%-high lagging price, request at the pushed one: deposited \
         {deposited}, claimed {got} ({:.4}%)",
        (got as f64 / deposited as f64 - 1.0) * 100.0
    );
    assert!(got < deposited, "deposited {deposited}, claimed {got}");
}

/// High: the risk admin sets IV to 1%, buys, sets it to 500% and sells back. Each step
/// now fails or pays nothing: a move beyond `max_iv_step_bps` is only proposed (and
/// refused by name until the timelock has passed), a step inside it waits
/// `min_iv_interval_s`, and trades right after a change use the worse IV.
#[tokio::test]
async fn risk_admin_iv_drain_fails() {
    let (mut f, _lp) = funded(OracleKind::PythLegacy).await;
    let admin = f.authority.insecure_clone();
    let call = f.list_series(true, 100.0, 30, 800_000).await;
    let size = 200 * ONE_UNDERLYING;
    let insider = f.user(1_000_000 * ONE_QUOTE).await;
    let iv_of =
        |book: &hedge_vault::state::OptionBook| book.series[book.find(call).unwrap()].iv_ppm;

    // A price for `size` at 80% IV, bought by someone else first.
    let other = f.user(1_000_000 * ONE_QUOTE).await;
    let o0 = f.balance(other.quote).await;
    f.buy(&other, call, size, u64::MAX).await.unwrap();
    let at_80 = o0 - f.balance(other.quote).await;

    // 1. "Set IV to 1%": only proposed; nothing is priced at 1%.
    f.set_series_iv_as(&admin, call, 10_000).await.unwrap();
    let v = f.vault_state().await;
    assert_eq!(iv_of(&f.book_state().await), 800_000);
    assert_eq!((v.pending_iv_series, v.pending_iv_ppm), (call, 10_000));
    assert_eq!(v.pending_iv_eta, f.now + v.risk.timelock_s as i64);
    let before = f.snapshot(&[]).await;
    assert_vault_error(
        &f.set_series_iv_as(&admin, call, 10_000).await,
        VaultError::IvChangeTimelocked,
    );
    assert_eq!(f.snapshot(&[]).await, before);
    let i0 = f.balance(insider.quote).await;
    f.buy(&insider, call, size, u64::MAX).await.unwrap();
    let paid = i0 - f.balance(insider.quote).await;
    assert!(
        paid * 100 >= at_80 * 99,
        "still priced at 80%: {paid} vs {at_80}"
    );

    // 2. "Set IV to 500%" and sell back: proposed too, and the sale is inside the hold.
    f.set_series_iv_as(&admin, call, 5_000_000).await.unwrap();
    assert_eq!(iv_of(&f.book_state().await), 800_000);
    let i1 = f.balance(insider.quote).await;
    f.sell(&insider, call, size, 0).await.unwrap();
    let got = f.balance(insider.quote).await - i1;
    println!("IV drain in one block: paid {paid}, sold back for {got}");
    assert!(got < paid);

    // 3. Steps inside the bound: at most one per interval, and trades right after one
    //    use the worse IV (a buy after a cut pays the old, higher IV). An applied step
    //    drops the pending proposal for its series.
    assert_vault_error(
        &f.set_series_iv_as(&admin, call, 700_000).await,
        VaultError::IvChangeTooSoon,
    );
    // While 500% is pending, everyone knows it: buys pay the pending IV, not 80%.
    let i2 = f.balance(insider.quote).await;
    f.buy(&insider, call, size, u64::MAX).await.unwrap();
    let while_pending = i2 - f.balance(insider.quote).await;
    assert!(while_pending > 3 * at_80, "{while_pending} vs {at_80}");
    f.wait_for_iv_interval().await;
    f.set_series_iv_as(&admin, call, 700_000).await.unwrap();
    assert_eq!(iv_of(&f.book_state().await), 700_000);
    f.mark_all().await;
    let i3 = f.balance(insider.quote).await;
    f.buy(&insider, call, size, u64::MAX).await.unwrap();
    let after_cut = i3 - f.balance(insider.quote).await;
    let hold = f.vault_state().await.risk.min_hold_s as i64;
    f.advance(hold).await;
    f.publish().await;
    f.mark_all().await;
    let i4 = f.balance(insider.quote).await;
    f.buy(&insider, call, size, u64::MAX).await.unwrap();
    let at_70 = i4 - f.balance(insider.quote).await;
    assert!(
        after_cut * 100 >= at_80 * 98 && at_70 * 100 < after_cut * 97,
        "a buy right after a cut pays the old IV: {after_cut} (80%: {at_80}, 70%: {at_70})"
    );
    // …and a sale right after a rise is paid at the old, lower IV.
    f.wait_for_iv_interval().await;
    let i5 = f.balance(insider.quote).await;
    f.sell(&insider, call, size, 0).await.unwrap();
    let sale_before = f.balance(insider.quote).await - i5;
    f.set_series_iv_as(&admin, call, 800_000).await.unwrap();
    f.mark_all().await;
    let i6 = f.balance(insider.quote).await;
    f.sell(&insider, call, size, 0).await.unwrap();
    let sale_after = f.balance(insider.quote).await - i6;
    assert!(
        sale_after * 1_000 <= sale_before * 1_001,
        "a sale right after a rise is paid the old IV: {sale_after} vs {sale_before}"
    );

    // 4. An applied step dropped the pending proposal for this series (no stale
    //    proposal lingers); proposed again, it applies once the timelock has passed,
    //    and LPs had at least their exit delay to leave (`withdraw_delay_s ≤ timelock_s`).
    assert_eq!(f.vault_state().await.pending_iv_eta, 0);
    f.set_series_iv_as(&admin, call, 5_000_000).await.unwrap();
    let eta = f.vault_state().await.pending_iv_eta;
    f.advance(eta - f.now - 1).await;
    f.publish().await;
    f.mark_all().await;
    let before = f.snapshot(&[]).await;
    assert_vault_error(
        &f.set_series_iv_as(&admin, call, 5_000_000).await,
        VaultError::IvChangeTimelocked,
    );
    assert_eq!(f.snapshot(&[]).await, before);
    f.advance(1).await;
    f.set_series_iv_as(&admin, call, 5_000_000).await.unwrap();
    assert_eq!(iv_of(&f.book_state().await), 5_000_000);
    assert_eq!(f.vault_state().await.pending_iv_eta, 0);
}

/// Open-interest caps are bounded like every other parameter.
#[tokio::test]
async fn open_interest_caps_are_bounded() {
    let (mut f, _lp) = funded(OracleKind::PythLegacy).await;
    let admin = f.authority.insecure_clone();
    let cap = RiskParams::DEFAULT.max_series_oi;
    let args = ListSeriesArgs {
        kind: 0,
        strike: 100_0000_0000,
        strike_expo: -8,
        expiry: f.now + 86_400,
        iv_ppm: 500_000,
        max_open_interest: cap + 1,
        min_trade_size: 1,
    };
    let before = f.snapshot(&[]).await;
    assert_vault_error(
        &f.list_series_as(&admin, args).await,
        VaultError::OpenInterestCapTooLarge,
    );
    assert_eq!(f.snapshot(&[]).await, before);
    let id = f.list_series(true, 100.0, 1, 500_000).await;
    let before = f.snapshot(&[]).await;
    assert_vault_error(
        &f.set_series_limits_as(&admin, id, cap + 1, 1).await,
        VaultError::OpenInterestCapTooLarge,
    );
    assert_eq!(f.snapshot(&[]).await, before);
    f.set_series_limits_as(&admin, id, cap, 1).await.unwrap();
}

/// The recent range is kept by the Clock, not by publish time: at the tightest allowed
/// setting (`min_hold_s` = 2 × `trade_max_price_age_s` = 20 s), buy at a price published
/// at the very end of a bucket and 10 s old, then 15 s later push a newer price whose
/// publish time is two buckets on, and sell from a second wallet. Keyed by publish time
/// the range would have dropped the buy's band; keyed by the Clock it still holds it.
#[tokio::test]
async fn the_range_outlasts_a_jump_in_publish_time() {
    let risk = RiskParams {
        min_hold_s: 20,
        trade_max_price_age_s: 10,
        ..test_risk()
    };
    let mut f = VaultFixture::with_risk(OracleKind::PythPullV2, TokenKind::Spl, risk).await;
    let lp = f.user(1_000_000 * ONE_QUOTE).await;
    f.deposit(&lp, 1_000_000 * ONE_QUOTE).await.unwrap();
    let call = f.list_series(true, 100.0, 1, 800_000).await;
    let size = 50 * ONE_UNDERLYING;
    let second = f.user(1_000_000 * ONE_QUOTE).await;
    let attacker = f.user(1_000_000 * ONE_QUOTE).await;
    f.buy(&second, call, size, u64::MAX).await.unwrap();
    // To a Clock time ≡ 19 (mod 20): the price P1 is published there.
    let wait = 60 + (19 - f.now.rem_euclid(20));
    f.advance(wait).await;
    let p1 = f.oracle_state.price;
    f.set_price(p1).await;
    f.mark_all().await;
    // 10 s later (the oldest a trade may use), the attacker buys at P1.
    f.advance(10).await;
    let a0 = f.balance(attacker.quote).await;
    f.buy(&attacker, call, size, u64::MAX).await.unwrap();
    let paid = a0 - f.balance(attacker.quote).await;
    // 15 s on, P2 = P1 + 0.45% (published 25 s after P1: two publish-time buckets on).
    f.advance(15).await;
    f.set_price(p1 * 10_045 / 10_000).await;
    f.mark_all().await;
    let s0 = f.balance(second.quote).await;
    f.sell(&second, call, size, 0).await.unwrap();
    let got = f.balance(second.quote).await - s0;
    println!("bucket edge: paid {paid}, the second wallet's sale {got}");
    assert!(got < paid, "paid {paid}, second wallet got {got}");
}

/// Medium: the settler chose the settlement price. Before the fix any update published in
/// [expiry, expiry + window] and newer than the last settled, so a holder of calls could
/// push a verified update of their choice (110 here: 10 quote a unit) or, after the
/// window, the authority could settle at any price. Now only the update that straddles
/// expiry settles (here 100.5: 0.5 a unit), whoever sends it and whenever; a pull-oracle
/// vault takes it from any account of its feed, so it can always be posted again.
#[tokio::test]
async fn the_settler_cannot_choose_the_price() {
    let (mut f, _lp) = funded(OracleKind::PythPullV2).await;
    let call = f.list_series(true, 100.0, 1, 500_000).await;
    let expiry = f.now + 86_400;
    let holder = f.user(1_000_000 * ONE_QUOTE).await;
    f.buy(&holder, call, 10 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    // The feed: 100 before expiry, 100.5 two seconds after (the straddling update),
    // 98 at +30 (the vault's sponsored account now holds this one, and a mark has had
    // the vault accept it).
    f.set_time(expiry - 100).await;
    f.set_price(px(100.0)).await;
    f.set_time(expiry + 2).await;
    f.set_price(px(100.5)).await;
    let straddle = f.oracle_state;
    f.set_time(expiry + 30).await;
    f.set_price(px(98.0)).await;
    f.mark_all().await;
    let accepted = f.vault_state().await.last_publish_time;
    assert_eq!(accepted, expiry + 30);

    let attacker = f.user(0).await;
    let before = f.snapshot(&[]).await;
    let settle_with = |f: &VaultFixture, oracle| f.settle_ix(&attacker.key(), call, oracle);
    // A verified update of the holder's choosing, published after expiry.
    let chosen = f
        .post_update(OracleState {
            price: px(110.0),
            prev_publish_time: expiry + 35,
            publish_time: expiry + 40,
            ..straddle
        })
        .await;
    let ix = settle_with(&f, chosen);
    assert_vault_error(
        &f.env.send(&[ix], &[&attacker.kp]).await,
        VaultError::SettlementPriceNotFirstAfterExpiry,
    );
    // The vault's own account (now at +30, its previous update at +2).
    let ix = settle_with(&f, f.oracle);
    assert_vault_error(
        &f.env.send(&[ix], &[&attacker.kp]).await,
        VaultError::SettlementPriceNotFirstAfterExpiry,
    );
    // An update from before expiry.
    let early = f
        .post_update(OracleState {
            price: px(110.0),
            prev_publish_time: expiry - 10,
            publish_time: expiry - 5,
            ..straddle
        })
        .await;
    let ix = settle_with(&f, early);
    assert_vault_error(
        &f.env.send(&[ix], &[&attacker.kp]).await,
        VaultError::SettlementPriceTooEarly,
    );
    // The straddle of another feed, or unverified, or an account the receiver does not own.
    let other_feed = f
        .post_update(OracleState {
            feed_id: [8; 32],
            ..straddle
        })
        .await;
    let ix = settle_with(&f, other_feed);
    assert_vault_error(
        &f.env.send(&[ix], &[&attacker.kp]).await,
        VaultError::OracleFeedIdMismatch,
    );
    let partial = f
        .post_update(OracleState {
            fully_verified: false,
            ..straddle
        })
        .await;
    let ix = settle_with(&f, partial);
    assert_vault_error(
        &f.env.send(&[ix], &[&attacker.kp]).await,
        VaultError::OracleNotFullyVerified,
    );
    let forged = Pubkey::new_unique();
    f.write_account(
        forged,
        pull_v2_account_data(&straddle),
        Pubkey::new_unique(),
    )
    .await;
    let ix = settle_with(&f, forged);
    assert_vault_error(
        &f.env.send(&[ix], &[&attacker.kp]).await,
        VaultError::OracleInvalidOwner,
    );
    // The authority, late, at the price of its choice: refused the same way.
    f.set_time(expiry + 7_200).await;
    let authority = f.authority.insecure_clone();
    let ix = f.settle_ix(&authority.pubkey(), call, chosen);
    assert_vault_error(
        &f.env.send(&[ix], &[&authority]).await,
        VaultError::SettlementPriceNotFirstAfterExpiry,
    );
    assert_eq!(f.snapshot(&[]).await, before);

    // Anyone re-posts the straddling update from Pyth's history and settles at it, two
    // hours late, without moving the vault's accepted publish time backwards.
    let pinned = f.post_update(straddle).await;
    let ix = settle_with(&f, pinned);
    let events = f
        .env
        .send_with_events(&[ix], &[&attacker.kp])
        .await
        .unwrap();
    let e: SeriesSettled = find_event(&events).unwrap();
    assert_eq!(
        (e.settlement_price, e.publish_time),
        (px(100.5), expiry + 2)
    );
    assert_eq!(e.payout_per_unit, ONE_QUOTE / 2);
    assert_eq!(f.vault_state().await.last_publish_time, accepted);
}

/// Two LPs of 500,000 each on a deep pool (1M units), 1,000 thirty-day ATM calls sold
/// and hedged in one call (≈ 535 units of inventory): a book whose NAV depends on the
/// exit price. Returns the fixture and the two LPs.
async fn hedged_call_vault(kind: OracleKind) -> (VaultFixture, User, User) {
    let risk = RiskParams {
        max_hedge_per_call: 5_000 * ONE_UNDERLYING,
        ..test_risk()
    };
    let mut f = VaultFixture::uninitialized_with_pool(
        kind,
        TokenKind::Spl,
        (100_000_000 * ONE_QUOTE, 1_000_000 * ONE_UNDERLYING),
        POOL_FEE_RATE,
    )
    .await;
    f.initialize(0, risk).await.unwrap();
    let first = f.user(500_000 * ONE_QUOTE).await;
    let second = f.user(500_000 * ONE_QUOTE).await;
    f.deposit(&first, 500_000 * ONE_QUOTE).await.unwrap();
    f.deposit(&second, 500_000 * ONE_QUOTE).await.unwrap();
    let trader = f.user(1_000_000 * ONE_QUOTE).await;
    let call = f.list_series(true, 100.0, 30, 500_000).await;
    f.buy(&trader, call, 1_000 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    let keeper = solana_sdk::signature::Keypair::new();
    f.env.airdrop(&keeper.pubkey(), 1_000_000_000).await;
    f.add_keeper(&keeper.pubkey()).await;
    f.rebalance(&keeper, None).await.unwrap();
    (f, first, second)
}

/// Medium: the stale-exit fallback paid leaving LPs on an old price. A hedged call book
/// (inventory ≈ 535 units) and a 15% crash whose update is too uncertain to accept
/// (conf 1.5% > 1%): before the fix, the exit used the last calm price (100 ± the
/// haircut), overstating the exiting LP's NAV by the inventory's fall, at the staying LPs'
/// cost. Now the newer readable price is used with its own confidence plus the haircut;
/// a 25% crash leaves the band outside what the marks' stressed values cover, so exits
/// wait (`MarksStale`) instead of being priced wrong.
#[tokio::test]
async fn exits_in_a_crash_with_wide_confidence_follow_the_market() {
    let (mut f, leaving, staying) = hedged_call_vault(OracleKind::PythPullV2).await;
    let inventory = f.vault_state().await.underlying_assets;
    assert!(inventory > 450 * ONE_UNDERLYING, "{inventory}");

    // The crash: 85, conf 1.5% (refused as too uncertain for trading and marks).
    f.advance(30).await;
    f.oracle_state.conf = px(85.0 * 0.015) as u64;
    f.set_price(px(85.0)).await;
    f.arb_pool_to(85.0).await;
    let shares = f.balance(leaving.shares).await;
    let v = f.vault_state().await;
    let book = f.book_state().await;
    let pricing = hedge_vault::valuation::Pricing::for_vault(&v, f.now);
    let haircut = |p: i64| (p as u128 * v.risk.stale_haircut_bps as u128).div_ceil(10_000) as u64;
    let old_band = hedge_vault::oracle::OraclePrice {
        price: v.last_price,
        conf: v.last_conf + haircut(v.last_price),
        expo: v.last_expo,
        publish_time: v.last_publish_time,
    };
    // The newer price with its conf and the haircut, widened to cover the last accepted
    // band too (its high only: the low is the crash's): [low, high] as centre ± conf.
    let low = px(85.0) - (f.oracle_state.conf + haircut(px(85.0))) as i64;
    let high = old_band.price + old_band.conf as i64;
    let centre = low + (high - low) / 2;
    let new_band = hedge_vault::oracle::OraclePrice {
        price: centre,
        conf: (high - centre) as u64,
        expo: f.oracle_state.expo,
        publish_time: f.now,
    };
    let nav = |band| {
        hedge_vault::valuation::nav_for_exit(&v, &book, &band, false, &pricing)
            .unwrap()
            .nav()
    };
    let (old_nav, new_nav) = (nav(old_band), nav(new_band));
    let overstated = (old_nav - new_nav) as f64 / new_nav as f64;
    println!(
        "exit NAV at the last calm price {:.2}, at the crash price {:.2}: overstated by {:.3}%",
        old_nav as f64 / ONE_QUOTE as f64,
        new_nav as f64 / ONE_QUOTE as f64,
        overstated * 100.0
    );
    assert!(overstated > 0.005, "{overstated}");

    let ix = f.request_withdraw_ix(&leaving, shares);
    let events = f.env.send_with_events(&[ix], &[&leaving.kp]).await.unwrap();
    let e: hedge_vault::events::WithdrawRequested = find_event(&events).unwrap();
    assert_eq!(
        e.nav_plus_virtual,
        new_nav + hedge_vault::math::money::VIRTUAL_ASSETS
    );

    // 25% down: the band leaves the stressed range of the marks: exits wait, by name.
    f.advance(30).await;
    f.oracle_state.conf = px(75.0 * 0.015) as u64;
    f.set_price(px(75.0)).await;
    let shares = f.balance(staying.shares).await;
    let snap = f.snapshot(&[staying.shares]).await;
    assert_vault_error(
        &f.request_withdraw(&staying, shares).await,
        VaultError::MarksStale,
    );
    assert_eq!(f.snapshot(&[staying.shares]).await, snap);
}

/// Low: a "tightening" that hurts leaving LPs applied at once to pending requests: a
/// longer withdrawal delay pushed their claim back, a larger stale haircut cut their
/// claim. Now a request keeps the terms of its time (`claimable_at`, `exit_haircut_bps`):
/// the authority raises the delay (1 h → 2 h) and the haircut (5% → 20%) right after a
/// request; the request is claimable after 1 h, paid with the 5% haircut on a stale
/// oracle, while a request made after the change waits 2 h.
#[tokio::test]
async fn governance_cannot_change_pending_exit_terms() {
    // Inventory, so the haircut matters: a hedged call book.
    let (mut f, early, late) = hedged_call_vault(OracleKind::PythLegacy).await;
    assert!(f.vault_state().await.underlying_assets > 400 * ONE_UNDERLYING);

    let shares = f.balance(early.shares).await / 2;
    f.request_withdraw(&early, shares).await.unwrap();
    let requested = f.now;
    // The authority tightens both terms at once (they apply immediately).
    let authority = f.authority.insecure_clone();
    let tighter = RiskParams {
        withdraw_delay_s: 7_200,
        stale_haircut_bps: 2_000,
        ..f.vault_state().await.risk
    };
    f.govern(
        &authority,
        hedge_vault::instruction::ProposeRiskParams { params: tighter },
    )
    .await
    .unwrap();
    assert_eq!(f.vault_state().await.risk, tighter);
    // (A change retires every mark: the keeper re-marks while the oracle is fresh.)
    f.mark_all().await;
    let req = f.withdrawal_pda(&early.key());
    let r: hedge_vault::state::WithdrawRequest = f.env.anchor_account(req).await;
    assert_eq!(
        (r.claimable_at, r.exit_haircut_bps),
        (requested + 3_600, 500)
    );
    // A request after the change gets the new terms.
    let late_shares = f.balance(late.shares).await / 2;
    f.request_withdraw(&late, late_shares).await.unwrap();
    let r: hedge_vault::state::WithdrawRequest =
        f.env.anchor_account(f.withdrawal_pda(&late.key())).await;
    assert_eq!((r.claimable_at, r.exit_haircut_bps), (f.now + 7_200, 2_000));

    // One hour on, the oracle silent for 20 minutes (a stale exit): the early request is
    // claimable, priced with its own 5% haircut; the late one is not ready.
    f.advance(3_600 - 1_200).await;
    f.publish().await;
    f.mark_all().await;
    f.advance(1_200).await;
    let v = f.vault_state().await;
    let book = f.book_state().await;
    let pricing = hedge_vault::valuation::Pricing::for_vault(&v, f.now);
    let band = |bps: u64| hedge_vault::oracle::OraclePrice {
        price: v.last_price,
        conf: v.last_conf + (v.last_price as u128 * bps as u128).div_ceil(10_000) as u64,
        expo: v.last_expo,
        publish_time: v.last_publish_time,
    };
    let supply = f.share_supply().await;
    let paid_at = |bps: u64| {
        let nav = hedge_vault::valuation::nav_for_exit(&v, &book, &band(bps), false, &pricing)
            .unwrap()
            .nav();
        let price = hedge_vault::math::money::share_price(nav, supply).unwrap();
        hedge_vault::math::money::quote_for_shares(shares, price).unwrap()
    };
    let (with_own, with_new) = (paid_at(500), paid_at(2_000));
    let r: hedge_vault::state::WithdrawRequest = f.env.anchor_account(req).await;
    let at_request =
        hedge_vault::math::money::quote_for_shares(shares, (r.nav_at_request, r.supply_at_request))
            .unwrap();
    let before = f.balance(early.quote).await;
    f.claim_withdraw(&early).await.unwrap();
    let paid = f.balance(early.quote).await - before;
    // Paid at the lower of the request's value and today's with its own 5% haircut;
    // the new 20% would have cut it further.
    assert_eq!(paid, at_request.min(with_own));
    assert!(paid > with_new, "{paid} vs {with_new} with the new haircut");
    let snap = f.snapshot(&[late.quote]).await;
    assert_vault_error(&f.claim_withdraw(&late).await, VaultError::WithdrawNotReady);
    assert_eq!(f.snapshot(&[late.quote]).await, snap);
}
