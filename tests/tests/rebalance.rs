//! `rebalance` through the real bank and the CPMM pool: the happy paths for calls,
//! puts and a mixed book, every precondition error, two keepers racing, a pool pushed
//! away from the oracle, a stale-older oracle, the keeper fallback with its bounty, and
//! a 30-step scripted price path.

use hedge_vault::error::VaultError;
use hedge_vault::events::Rebalanced;
use hedge_vault::state::OracleKind;
use hedge_vault_tests::fixture::*;
use hedge_vault_tests::*;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{Keypair, Signer};

struct Hedge {
    f: VaultFixture,
    keeper: Keypair,
    trader: User,
}

async fn setup() -> Hedge {
    let mut f = VaultFixture::new(OracleKind::PythLegacy, TokenKind::Spl).await;
    let lp = f.user(200_000 * ONE_QUOTE).await;
    f.deposit(&lp, 200_000 * ONE_QUOTE).await.unwrap();
    let trader = f.user(200_000 * ONE_QUOTE).await;
    let keeper = Keypair::new();
    f.env.airdrop(&keeper.pubkey(), 1_000_000_000).await;
    f.add_keeper(&keeper.pubkey()).await;
    Hedge { f, keeper, trader }
}

async fn delta(f: &mut VaultFixture) -> i64 {
    let v = f.vault_state().await;
    let book = f.book_state().await;
    let price = hedge_vault::oracle::OraclePrice {
        price: f.oracle_state.price,
        conf: f.oracle_state.conf,
        expo: f.oracle_state.expo,
        publish_time: f.oracle_state.publish_time,
    };
    let pricing = hedge_vault::valuation::Pricing::for_vault(&v, f.now);
    let r = hedge_vault::hedging::book_risk(&v, &book, &price, &pricing).unwrap();
    r.delta.round_i64().unwrap()
}

#[tokio::test]
async fn hedges_short_calls_by_buying_underlying() {
    let mut h = setup().await;
    let call = h.f.list_series(true, 100.0, 30, 500_000).await;
    h.f.buy(&h.trader, call, 40 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    let before = delta(&mut h.f).await;
    assert!(before < -15 * ONE_UNDERLYING as i64, "delta {before}");
    let v0 = h.f.vault_state().await;

    let ix = h.f.rebalance_ix(&h.keeper.pubkey(), None, 0);
    let keeper = h.keeper.insecure_clone();
    let events = h.f.env.send_with_events(&[ix], &[&keeper]).await.unwrap();
    let e: Rebalanced = find_event(&events).expect("Rebalanced event");
    let v = h.f.vault_state().await;
    let bought = v.underlying_assets - v0.underlying_assets;
    let paid = v0.quote_assets - v.quote_assets;
    assert!(bought > 0 && paid > 0);
    assert_eq!(h.f.balance(h.f.underlying_vault).await, v.underlying_assets);
    assert_eq!(h.f.balance(h.f.quote_vault).await, v.quote_assets);
    let after = delta(&mut h.f).await;
    assert!(after.abs() < before.abs() / 20, "delta {before} -> {after}");
    // The record: in the event and in the ring buffer.
    let log = h.f.hedge_log_state().await;
    assert_eq!(log.count, 1);
    let r = log.records[0];
    assert_eq!(r, e.record);
    assert_eq!((r.side, r.size, r.quote_amount), (0, bought, paid));
    assert_eq!(r.keeper, h.keeper.pubkey());
    assert_eq!((r.fallback, r.bounty), (0, 0));
    assert!((r.delta_before - before).abs() <= 1 && (r.delta_after - after).abs() <= 1);
    assert!(r.gamma_before < 0, "the vault is short gamma");
    // Filled near the oracle: fee (25 bps) plus impact, never past the slippage limit.
    assert!(
        r.fill_distance_bps >= 0 && r.fill_distance_bps <= 100,
        "{}",
        r.fill_distance_bps
    );
    assert!(r.fees_paid > 0);
    assert_eq!(v.rebalance_count, 1);

    // A second keeper right after: the delta is inside the band now.
    let second = Keypair::new();
    h.f.env.airdrop(&second.pubkey(), 1_000_000_000).await;
    h.f.add_keeper(&second.pubkey()).await;
    let snap = h.f.snapshot(&[h.hedge_log_key()]).await;
    assert_vault_error(
        &h.f.rebalance(&second, None).await,
        VaultError::DeltaWithinBand,
    );
    assert_eq!(h.f.snapshot(&[h.hedge_log_key()]).await, snap);
}

impl Hedge {
    fn hedge_log_key(&self) -> Pubkey {
        self.f.hedge_log
    }
}

#[tokio::test]
async fn hedges_puts_and_a_mixed_book_by_selling_inventory() {
    let mut h = setup().await;
    let call = h.f.list_series(true, 100.0, 30, 500_000).await;
    let put = h.f.list_series(false, 100.0, 30, 500_000).await;
    // Calls first: the vault buys underlying.
    h.f.buy(&h.trader, call, 30 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    let keeper = h.keeper.insecure_clone();
    h.f.rebalance(&keeper, None).await.unwrap();
    let inventory = h.f.vault_state().await.underlying_assets;
    assert!(inventory > 0);
    // Then puts on top: the mixed book is net long delta; the vault sells inventory.
    h.f.buy(&h.trader, put, 30 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    let before = delta(&mut h.f).await;
    assert!(before > 0);
    h.f.advance(61).await;
    h.f.set_price(px(100.0)).await;
    h.f.rebalance(&keeper, None).await.unwrap();
    let v = h.f.vault_state().await;
    assert!(v.underlying_assets < inventory);
    assert!(delta(&mut h.f).await.abs() < before.abs());
    let log = h.f.hedge_log_state().await;
    assert_eq!(log.count, 2);
    assert_eq!(log.records[1].side, 1);
}

#[tokio::test]
async fn precondition_errors() {
    let mut h = setup().await;
    let keeper = h.keeper.insecure_clone();
    let log = h.f.hedge_log;
    // Nothing sold: no delta.
    let snap = h.f.snapshot(&[log]).await;
    assert_vault_error(
        &h.f.rebalance(&keeper, None).await,
        VaultError::DeltaWithinBand,
    );
    assert_eq!(h.f.snapshot(&[log]).await, snap);

    // A small book: |Δ| above the band but below the hard band.
    let call = h.f.list_series(true, 100.0, 30, 500_000).await;
    h.f.buy(&h.trader, call, 4 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    // A stranger is not a keeper (and the fallback conditions do not hold).
    let stranger = h.f.user(0).await;
    let snap = h.f.snapshot(&[log]).await;
    assert_vault_error(
        &h.f.rebalance(&stranger.kp, Some(stranger.quote)).await,
        VaultError::NotKeeper,
    );
    assert_eq!(h.f.snapshot(&[log]).await, snap);
    h.f.rebalance(&keeper, None).await.unwrap();

    // More calls right away: above the band, below the hard band, inside the interval.
    h.f.buy(&h.trader, call, 2 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    let snap = h.f.snapshot(&[log]).await;
    assert_vault_error(
        &h.f.rebalance(&keeper, None).await,
        VaultError::HedgeIntervalNotElapsed,
    );
    assert_eq!(h.f.snapshot(&[log]).await, snap);
    h.f.advance(60).await;
    h.f.set_price(px(100.0)).await;
    h.f.rebalance(&keeper, None).await.unwrap();

    // An oracle update older than the last accepted one: refused.
    h.f.advance(120).await;
    h.f.oracle_state.publish_time -= 10;
    h.f.oracle_state.price = px(110.0);
    h.f.write_oracle().await;
    h.f.oracle_state.publish_time = h.f.now - 200;
    h.f.write_oracle().await;
    let snap = h.f.snapshot(&[log]).await;
    let r = h.f.rebalance(&keeper, None).await;
    assert!(
        custom_error(&r) == Some(VaultError::OracleNotMonotonic as u32 + 6000),
        "{r:?}"
    );
    assert_eq!(h.f.snapshot(&[log]).await, snap);

    // Paused.
    h.f.set_price(px(100.0)).await;
    let authority = h.f.authority.insecure_clone();
    h.f.govern(
        &authority,
        hedge_vault::instruction::SetPause {
            flags: hedge_vault::state::pause::REBALANCE,
        },
    )
    .await
    .unwrap();
    assert_vault_error(
        &h.f.rebalance(&keeper, None).await,
        VaultError::InstructionPaused,
    );
}

#[tokio::test]
async fn refuses_other_pools_and_programs() {
    let mut h = setup().await;
    let call = h.f.list_series(true, 100.0, 30, 500_000).await;
    h.f.buy(&h.trader, call, 20 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    let keeper = h.keeper.insecure_clone();
    let log = h.f.hedge_log;
    let base = h.f.rebalance_ix(&keeper.pubkey(), None, 0);
    let find = |k: Pubkey| base.accounts.iter().position(|m| m.pubkey == k).unwrap();
    let cases = [
        (
            find(hedge_vault_tests::dex::PROGRAM),
            Pubkey::new_unique(),
            VaultError::InvalidDexProgram,
        ),
        (
            find(h.f.pool.state),
            Pubkey::new_unique(),
            VaultError::InvalidDexPool,
        ),
        (
            find(h.f.pool.observation),
            Pubkey::new_unique(),
            VaultError::DexAccountMismatch,
        ),
        (
            find(h.f.pool.authority),
            Pubkey::new_unique(),
            VaultError::DexAccountMismatch,
        ),
        // The underlying side substituted with the quote side's real accounts: named
        // as the underlying's errors (they used to read as the quote's).
        (
            find(h.f.underlying_mint),
            h.f.quote_mint,
            VaultError::InvalidUnderlyingMint,
        ),
        (
            find(h.f.underlying_vault),
            h.f.quote_vault,
            VaultError::InvalidUnderlyingVault,
        ),
    ];
    for (index, key, want) in cases {
        let mut ix = base.clone();
        ix.accounts[index].pubkey = key;
        let snap = h.f.snapshot(&[log]).await;
        let r = h.f.env.send(&[ix], &[&keeper]).await;
        assert_vault_error(&r, want);
        assert_eq!(h.f.snapshot(&[log]).await, snap);
    }
    // The keeper may raise the minimum out, never lower it: an impossible minimum is
    // the DEX's slippage error, and nothing changes.
    let ix = h.f.rebalance_ix(&keeper.pubkey(), None, u64::MAX);
    let snap = h.f.snapshot(&[log]).await;
    let r = h.f.env.send(&[ix], &[&keeper]).await;
    assert_eq!(
        custom_error(&r),
        Some(raydium_cpmm_standin::error::EXCEEDED_SLIPPAGE)
    );
    assert_eq!(h.f.snapshot(&[log]).await, snap);
}

#[tokio::test]
async fn a_pool_pushed_away_from_the_oracle_fails_on_slippage() {
    let mut h = setup().await;
    let call = h.f.list_series(true, 100.0, 30, 500_000).await;
    h.f.buy(&h.trader, call, 20 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    // Someone pushes the pool's price 5% above the oracle.
    h.f.arb_pool_to(105.0).await;
    let keeper = h.keeper.insecure_clone();
    let log = h.f.hedge_log;
    let snap = h.f.snapshot(&[log]).await;
    // The program sees the pool off the oracle before trading: the slippage error.
    let r = h.f.rebalance(&keeper, None).await;
    assert_vault_error(&r, VaultError::FillOutsideSlippage);
    assert_eq!(h.f.snapshot(&[log]).await, snap);
    // Once arbitrage brings it back, the hedge goes through.
    h.f.arb_pool_to(100.0).await;
    h.f.rebalance(&keeper, None).await.unwrap();
}

#[tokio::test]
async fn keeper_fallback_before_and_after_the_grace_period() {
    let mut h = setup().await;
    let call = h.f.list_series(true, 100.0, 30, 500_000).await;
    h.f.buy(&h.trader, call, 40 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    let anyone = h.f.user(0).await;
    let log = h.f.hedge_log;
    // |Δ| is past the hard band, but keepers still have time.
    h.f.advance(300).await;
    h.f.set_price(px(100.0)).await;
    h.f.mark_all().await;
    let snap = h.f.snapshot(&[log, anyone.quote]).await;
    assert_vault_error(
        &h.f.rebalance(&anyone.kp, Some(anyone.quote)).await,
        VaultError::NotKeeper,
    );
    assert_eq!(h.f.snapshot(&[log, anyone.quote]).await, snap);
    // After the grace period anyone may hedge. While a keeper is registered the
    // fallback pays no bounty: the keeper operator withholding hedges and calling from
    // a second wallet (here `anyone`) earns nothing.
    h.f.advance(301).await;
    h.f.set_price(px(100.0)).await;
    h.f.mark_all().await;
    let v0 = h.f.vault_state().await;
    h.f.rebalance(&anyone.kp, Some(anyone.quote)).await.unwrap();
    assert_eq!(h.f.balance(anyone.quote).await, 0);
    let r = h.f.hedge_log_state().await.records[0];
    assert_eq!((r.fallback, r.bounty), (1, 0));
    let v = h.f.vault_state().await;
    assert_eq!(v.quote_assets, v0.quote_assets - r.quote_amount);

    // The authority deregisters the silent keeper: the next lapse pays a capped bounty.
    let authority = h.f.authority.insecure_clone();
    h.f.govern(
        &authority,
        hedge_vault::instruction::SetKeeper {
            keeper: h.keeper.pubkey(),
            enabled: false,
        },
    )
    .await
    .unwrap();
    h.f.buy(&h.trader, call, 40 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    h.f.advance(601).await;
    h.f.set_price(px(100.0)).await;
    h.f.mark_all().await;
    let v0 = h.f.vault_state().await;
    h.f.rebalance(&anyone.kp, Some(anyone.quote)).await.unwrap();
    let bounty = h.f.balance(anyone.quote).await;
    let r = h.f.hedge_log_state().await.records[1];
    assert_eq!((r.fallback, r.bounty), (1, bounty));
    let cap = (r.quote_amount * v0.risk.bounty_bps / 10_000).min(v0.risk.max_bounty);
    assert_eq!(bounty, cap);
    assert!(bounty > 0);
    let v = h.f.vault_state().await;
    assert_eq!(v.quote_assets, v0.quote_assets - r.quote_amount - bounty);
    assert_eq!(h.f.balance(h.f.quote_vault).await, v.quote_assets);
}

/// 30 scripted price steps, one hour apart: the pool follows the oracle (arbitrage),
/// the keeper rebalances whenever the program lets it. Every hedge reduces |Δ|, and the
/// residual after each step stays within the hard band.
#[tokio::test]
async fn thirty_step_price_path() {
    let mut h = setup().await;
    let call = h.f.list_series(true, 100.0, 30, 600_000).await;
    let put = h.f.list_series(false, 95.0, 30, 600_000).await;
    h.f.buy(&h.trader, call, 30 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    h.f.buy(&h.trader, put, 20 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    let keeper = h.keeper.insecure_clone();
    let path = [
        100.0, 101.5, 103.0, 102.2, 104.8, 106.0, 105.1, 103.4, 101.0, 99.2, 97.5, 98.3, 96.0,
        94.1, 95.5, 97.9, 99.6, 101.8, 104.0, 107.3, 109.1, 108.0, 110.5, 112.0, 109.8, 107.1,
        105.0, 103.3, 104.6, 106.2,
    ];
    let mut hedges = 0;
    let mut residuals = Vec::new();
    let hard = h.f.vault_state().await.risk.delta_band_hard as i64;
    for p in path {
        h.f.advance(3_600).await;
        h.f.set_price(px(p)).await;
        h.f.arb_pool_to(p).await;
        h.f.mark_all().await;
        let before = delta(&mut h.f).await;
        match h.f.rebalance(&keeper, None).await {
            Ok(()) => {
                hedges += 1;
                let after = delta(&mut h.f).await;
                assert!(after.abs() < before.abs(), "{before} -> {after} at {p}");
            }
            Err(e) => {
                let code = custom_error(&Err(e));
                assert!(
                    code == Some(VaultError::DeltaWithinBand as u32 + 6000),
                    "unexpected {code:?} at {p}"
                );
            }
        }
        let residual = delta(&mut h.f).await;
        assert!(residual.abs() <= hard, "residual {residual} at {p}");
        residuals.push(residual);
    }
    assert!(hedges >= 10, "only {hedges} hedges");
    assert_eq!(h.f.hedge_log_state().await.count, hedges);
    if std::env::var("HEDGE_REPORT").is_ok() {
        let max = residuals.iter().map(|r| r.abs()).max().unwrap();
        let mean = residuals.iter().map(|r| r.abs() as f64).sum::<f64>() / residuals.len() as f64;
        eprintln!(
            "hedge_report steps {} rebalances {} max_abs_residual_delta_units {:.4} mean_abs_residual_delta_units {:.4}",
            residuals.len(),
            hedges,
            max as f64 / ONE_UNDERLYING as f64,
            mean / ONE_UNDERLYING as f64
        );
    }
}

#[tokio::test]
async fn a_long_delta_without_inventory_cannot_be_sold() {
    let mut h = setup().await;
    let put = h.f.list_series(false, 100.0, 30, 500_000).await;
    h.f.buy(&h.trader, put, 30 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    assert!(delta(&mut h.f).await > 0);
    let keeper = h.keeper.insecure_clone();
    let log = h.f.hedge_log;
    let snap = h.f.snapshot(&[log]).await;
    assert_vault_error(
        &h.f.rebalance(&keeper, None).await,
        VaultError::NoInventoryToSell,
    );
    assert_eq!(h.f.snapshot(&[log]).await, snap);
}

#[tokio::test]
async fn a_price_move_triggers_a_hedge_inside_the_band() {
    let mut h = setup().await;
    let call = h.f.list_series(true, 100.0, 30, 500_000).await;
    h.f.buy(&h.trader, call, 4 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    let keeper = h.keeper.insecure_clone();
    h.f.rebalance(&keeper, None).await.unwrap();
    // Widen the band floor far beyond any delta this book can have (a timelocked change).
    let authority = h.f.authority.insecure_clone();
    let wide = hedge_vault::state::RiskParams {
        delta_band_min: 1_000 * ONE_UNDERLYING,
        delta_band_hard: 2_000 * ONE_UNDERLYING,
        ..h.f.vault_state().await.risk
    };
    h.f.govern(
        &authority,
        hedge_vault::instruction::ProposeRiskParams { params: wide },
    )
    .await
    .unwrap();
    h.f.advance(86_400).await;
    h.f.govern(&authority, hedge_vault::instruction::ApplyRiskParams {})
        .await
        .unwrap();
    // A 1% move: inside the band and under the 2% trigger.
    h.f.set_price(px(101.0)).await;
    h.f.arb_pool_to(101.0).await;
    h.f.mark_all().await;
    let log = h.f.hedge_log;
    let snap = h.f.snapshot(&[log]).await;
    assert_vault_error(
        &h.f.rebalance(&keeper, None).await,
        VaultError::DeltaWithinBand,
    );
    assert_eq!(h.f.snapshot(&[log]).await, snap);
    // A 3% move since the last hedge: due, although |Δ| is far inside the band.
    h.f.set_price(px(103.0)).await;
    h.f.arb_pool_to(103.0).await;
    h.f.mark_all().await;
    h.f.rebalance(&keeper, None).await.unwrap();
    assert_eq!(h.f.hedge_log_state().await.count, 2);
}

#[tokio::test]
async fn no_hedge_buys_while_unwinding() {
    let mut h = setup().await;
    let call = h.f.list_series(true, 100.0, 30, 500_000).await;
    h.f.buy(&h.trader, call, 20 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    // Force unwind mode directly in the vault account (as a liquidation would).
    let mut acc = h.f.env.account(h.f.vault).await.unwrap();
    let offset = 8 + core::mem::offset_of!(hedge_vault::state::Vault, unwind);
    acc.data[offset] = 1;
    let vault = h.f.vault;
    h.f.write_account(vault, acc.data, hedge_vault::ID).await;
    let keeper = h.keeper.insecure_clone();
    assert_vault_error(
        &h.f.rebalance(&keeper, None).await,
        VaultError::VaultInUnwind,
    );
}
