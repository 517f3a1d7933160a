//! Sizing at the slippage limit (issue 13, medium): a hedge or an unwind sale whose size
//! is bound by the slippage limit must land. Before the exact sizing, the size came from
//! the continuous constant-product bound, so the fill landed an atom past the limit and
//! the swap's minimum out exceeded what the pool gave: in a thin pool, or one sitting
//! 0.6% off the oracle, large deltas could never be hedged and liquidation stuck.
//! Each test shows that the old size would have reverted on these very reserves, then
//! that the planned trade lands within the limit.

use hedge_vault::dex;
use hedge_vault::error::VaultError;
use hedge_vault::events::{Liquidated, Rebalanced};
use hedge_vault::state::{OracleKind, RiskParams};
use hedge_vault_tests::fixture::*;
use hedge_vault_tests::*;
use solana_sdk::signature::{Keypair, Signer};

struct Setup {
    f: VaultFixture,
    keeper: Keypair,
    trader: User,
}

/// A vault on a pool of `units` underlying at 100 quote each, an LP's `capital`, a
/// trader and a registered keeper.
async fn vault_on_pool(units: u64, capital: u64, risk: RiskParams) -> Setup {
    let mut f = VaultFixture::uninitialized_with_pool(
        OracleKind::PythLegacy,
        TokenKind::Spl,
        (units * 100 * ONE_QUOTE, units * ONE_UNDERLYING),
        POOL_FEE_RATE,
    )
    .await;
    f.initialize(0, risk).await.expect("initialize_vault");
    let lp = f.user(capital).await;
    f.deposit(&lp, capital).await.unwrap();
    let trader = f.user(1_000_000 * ONE_QUOTE).await;
    let keeper = Keypair::new();
    f.env.airdrop(&keeper.pubkey(), 1_000_000_000).await;
    f.add_keeper(&keeper.pubkey()).await;
    Setup { f, keeper, trader }
}

/// (quote reserve, underlying reserve) of the pool as the program reads them: the
/// vaults' balances net of the fees the pool holds for others.
async fn reserves(f: &mut VaultFixture) -> (u64, u64) {
    let state = f.env.account(f.pool.state).await.unwrap();
    let pool = dex::read_pool(&state.data).unwrap();
    let (q, u, fq, fu) = if pool.mint_0 == f.quote_mint {
        (pool.vault_0, pool.vault_1, pool.fees_0, pool.fees_1)
    } else {
        (pool.vault_1, pool.vault_0, pool.fees_1, pool.fees_0)
    };
    (f.balance(q).await - fq, f.balance(u).await - fu)
}

/// The buy limit the program uses: (price + conf)·(1 + slippage), quote atoms per unit.
fn buy_limit(f: &VaultFixture, slip_bps: u64) -> u64 {
    let high = (f.oracle_state.price as u64 + f.oracle_state.conf) / 100; // 1e8 → 1e6
    (high as u128 * (10_000 + slip_bps) as u128).div_ceil(10_000) as u64
}

/// The sell limit: (price − conf)·(1 − slippage), rounded down.
fn sell_limit(f: &VaultFixture, slip_bps: u64) -> u64 {
    let low = (f.oracle_state.price as u64 - f.oracle_state.conf) / 100;
    (low as u128 * (10_000 - slip_bps) as u128 / 10_000) as u64
}

fn old_buy_fails(limit: u64, x: u64, y: u64) -> bool {
    let old = dex::max_buy_within(limit, x, y, POOL_FEE_RATE, ONE_UNDERLYING).unwrap();
    let cost = dex::quote_in_for_out(old, x, y, POOL_FEE_RATE).unwrap();
    old > 0 && cost as u128 * ONE_UNDERLYING as u128 > old as u128 * limit as u128
}

/// The old sell bound, (y·unit/limit − x)·R/(R − t), and whether it misses the limit.
fn old_sell_fails(limit: u64, x: u64, y: u64) -> bool {
    let keep = 1_000_000 - POOL_FEE_RATE as u128;
    let room = (y as u128 * ONE_UNDERLYING as u128 / limit as u128).saturating_sub(x as u128);
    let old = (room * 1_000_000 / keep) as u64;
    let out = dex::quote_out(old, x, y, POOL_FEE_RATE).unwrap();
    old > 0 && (out as u128) * (ONE_UNDERLYING as u128) < old as u128 * limit as u128
}

/// Hedges with arbitrage bringing the pool back to the oracle before each call, until
/// the delta is inside the band.
async fn hedge_until_within_band(f: &mut VaultFixture, keeper: &Keypair) {
    for _ in 0..12 {
        f.arb_pool_to(100.0).await;
        if let Err(e) = f.rebalance(keeper, None).await {
            assert_vault_error(&Err(e), VaultError::DeltaWithinBand);
            return;
        }
    }
    panic!("still hedging after 12 calls");
}

#[tokio::test]
async fn thin_pool_above_the_oracle_buy_hedge_lands_at_the_limit() {
    // 1,000 units a side (well under the review's ~6,500), impact allowance at its
    // maximum so the slippage limit is what binds.
    let risk = RiskParams {
        max_impact_bps: 2_000,
        ..test_risk()
    };
    let mut s = vault_on_pool(1_000, 300_000 * ONE_QUOTE, risk).await;
    let call = s.f.list_series(true, 100.0, 30, 500_000).await;
    s.f.buy(&s.trader, call, 100 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    // The pool sits 0.6% above the oracle (within the 1% slippage, so it is traded on).
    s.f.arb_pool_to(100.6).await;
    let (x, y) = reserves(&mut s.f).await;
    let limit = buy_limit(&s.f, 100);
    assert!(old_buy_fails(limit, x, y), "the old size would have landed");
    let planned =
        dex::max_buy_at_limit(u64::MAX, limit, x, y, POOL_FEE_RATE, ONE_UNDERLYING).unwrap();
    assert!(planned > 0);

    let v0 = s.f.vault_state().await;
    let ix = s.f.rebalance_ix(&s.keeper.pubkey(), None, 0);
    let keeper = s.keeper.insecure_clone();
    let events = s.f.env.send_with_events(&[ix], &[&keeper]).await.unwrap();
    let e: Rebalanced = find_event(&events).unwrap();
    let v = s.f.vault_state().await;
    let bought = v.underlying_assets - v0.underlying_assets;
    // The slippage bound was what limited the trade (not the delta, cap or depth), and
    // the pool delivered at least the planned size at a fill within the limit.
    assert!(planned < 50 * ONE_UNDERLYING && planned < y / 5);
    assert!(bought >= planned, "{bought} < {planned}");
    assert!(
        e.record.fill_price <= limit,
        "{} > {limit}",
        e.record.fill_price
    );
    assert_eq!(e.record.side, 0);
}

#[tokio::test]
async fn thin_pool_below_the_oracle_sell_hedge_lands_at_the_limit() {
    let risk = RiskParams {
        max_impact_bps: 2_000,
        max_hedge_per_call: 500 * ONE_UNDERLYING,
        ..test_risk()
    };
    let mut s = vault_on_pool(2_000, 300_000 * ONE_QUOTE, risk).await;
    let call = s.f.list_series(true, 100.0, 30, 500_000).await;
    s.f.buy(&s.trader, call, 100 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    // Hedge the calls (buying inventory) while the pool sits at the oracle.
    let keeper = s.keeper.insecure_clone();
    hedge_until_within_band(&mut s.f, &keeper).await;
    let inventory = s.f.vault_state().await.underlying_assets;
    assert!(inventory > 40 * ONE_UNDERLYING, "{inventory}");
    // The trader sells the calls back: the vault is long its inventory.
    s.f.advance(61).await;
    s.f.publish().await;
    s.f.sell(&s.trader, call, 100 * ONE_UNDERLYING, 0)
        .await
        .unwrap();
    // The pool sits 0.6% below the oracle.
    s.f.arb_pool_to(99.4).await;
    s.f.publish().await;
    let (q, u) = reserves(&mut s.f).await;
    let limit = sell_limit(&s.f, 100);
    assert!(
        old_sell_fails(limit, u, q),
        "the old size would have landed"
    );
    let planned =
        dex::max_sell_at_limit(u64::MAX, limit, u, q, POOL_FEE_RATE, ONE_UNDERLYING).unwrap();
    assert!(
        planned > 0 && planned < inventory,
        "{planned} of {inventory}"
    );

    let v0 = s.f.vault_state().await;
    let ix = s.f.rebalance_ix(&keeper.pubkey(), None, 0);
    let events = s.f.env.send_with_events(&[ix], &[&keeper]).await.unwrap();
    let e: Rebalanced = find_event(&events).unwrap();
    let v = s.f.vault_state().await;
    assert_eq!(v0.underlying_assets - v.underlying_assets, planned);
    assert_eq!(e.record.side, 1);
    assert!(
        e.record.fill_price >= limit,
        "{} < {limit}",
        e.record.fill_price
    );
}

/// A book whose quote falls short after a crash while the vault holds inventory: the
/// unwind sale is sized at the limit on a pool 0.6% below the oracle and lands; a pool
/// pushed 5% away postpones the sale (nothing sold) without blocking the settlement.
#[tokio::test]
async fn liquidation_sale_lands_at_the_limit_and_waits_for_a_pushed_pool() {
    let risk = RiskParams {
        max_utilization_bps: 10_000,
        max_vega_bps: 100_000,
        initial_margin_bps: 11_000,
        maintenance_margin_bps: 11_000,
        // Stay in unwind while series are open, so the second call still unwinds.
        target_margin_bps: 50_000,
        max_hedge_per_call: 500 * ONE_UNDERLYING,
        max_impact_bps: 2_000,
        ..test_risk()
    };
    let mut s = vault_on_pool(2_000, 60_000 * ONE_QUOTE, risk).await;
    let keeper = s.keeper.insecure_clone();
    let keeper_quote =
        s.f.env
            .create_token_account(s.f.quote_mint, keeper.pubkey(), TokenKind::Spl)
            .await;
    // Inventory first: calls sold, hedged, bought back.
    let call = s.f.list_series(true, 100.0, 30, 500_000).await;
    s.f.buy(&s.trader, call, 200 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    hedge_until_within_band(&mut s.f, &keeper).await;
    s.f.advance(61).await;
    s.f.publish().await;
    s.f.sell(&s.trader, call, 200 * ONE_UNDERLYING, 0)
        .await
        .unwrap();
    let inventory = s.f.vault_state().await.underlying_assets;
    assert!(inventory > 50 * ONE_UNDERLYING, "{inventory}");
    // Then a put book, and a 40% crash.
    let mut puts = vec![];
    for strike in [100.0, 95.0, 90.0] {
        let id = s.f.list_series(false, strike, 30, 500_000).await;
        s.f.buy(&s.trader, id, 500 * ONE_UNDERLYING, u64::MAX)
            .await
            .unwrap();
        puts.push(id);
    }
    s.f.advance(60).await;
    s.f.set_price(px(60.0)).await;
    s.f.mark_all().await;

    // The pool pushed 5% below the oracle: the riskiest series is still force-settled,
    // the sale waits.
    s.f.arb_pool_to(57.0).await;
    let v0 = s.f.vault_state().await;
    let ix = s.f.liquidate_ix(&keeper.pubkey(), Some(keeper_quote));
    let events = s.f.env.send_with_events(&[ix], &[&keeper]).await.unwrap();
    let e: Liquidated = find_event(&events).unwrap();
    assert_eq!(e.series_id, puts[0]);
    assert_eq!((e.underlying_sold, e.quote_received), (0, 0));
    let v = s.f.vault_state().await;
    assert_eq!(v.underlying_assets, v0.underlying_assets);
    assert!(
        v.locked_quote + v.settled_payouts_owed > v.quote_assets,
        "the test needs a quote shortfall"
    );

    // 0.6% below the oracle: the old size would have missed the limit; the sale lands.
    s.f.arb_pool_to(60.0 * 0.994).await;
    s.f.advance(1).await;
    s.f.publish().await;
    let (q, u) = reserves(&mut s.f).await;
    let limit = sell_limit(&s.f, 100);
    let need = v.locked_quote + v.settled_payouts_owed - v.quote_assets;
    let wanted = (need as u128 * ONE_UNDERLYING as u128).div_ceil(limit as u128) as u64;
    let cap = wanted.min(v.underlying_assets).min(u / 5);
    let planned = dex::max_sell_at_limit(cap, limit, u, q, POOL_FEE_RATE, ONE_UNDERLYING).unwrap();
    assert!(
        planned > 0 && planned < cap,
        "{planned} vs {cap}: the limit must bind"
    );
    let old_out = dex::quote_out(cap, u, q, POOL_FEE_RATE).unwrap();
    assert!(
        (old_out as u128) * (ONE_UNDERLYING as u128) < cap as u128 * limit as u128,
        "the old, unbounded sale would have landed"
    );
    let ix = s.f.liquidate_ix(&keeper.pubkey(), Some(keeper_quote));
    let events = s.f.env.send_with_events(&[ix], &[&keeper]).await.unwrap();
    let e: Liquidated = find_event(&events).unwrap();
    assert_eq!(e.underlying_sold, planned);
    assert!(e.quote_received as u128 * ONE_UNDERLYING as u128 >= planned as u128 * limit as u128);
    let v = s.f.vault_state().await;
    assert_eq!(s.f.balance(s.f.quote_vault).await, v.quote_assets);
    assert_eq!(s.f.balance(s.f.underlying_vault).await, v.underlying_assets);
}
