//! How many option evaluations each instruction runs with n = 1, 8 and 32 open series,
//! counted by hedge-math's evaluation counter (feature `eval-counter`) while the
//! instruction runs through the bank. No count may grow with n: an instruction that
//! priced the whole book would fail here. The README's per-instruction CU table is these
//! counts times the meter's CU per evaluation (`bash scripts/cu.sh`), plus the
//! instruction's non-math work.
//!
//! One test in this binary, so nothing else moves the process-wide counter.

use hedge_vault::ledger::MAX_MARK_BATCH;
use hedge_vault::state::{OracleKind, RiskParams};
use hedge_vault_tests::fixture::*;
use hedge_vault_tests::*;
use solana_sdk::signature::{Keypair, Signer};

/// Option evaluations of one `mark_series` series (value and greeks, two window edges,
/// two stressed values).
const PER_MARK: u64 = 5;

async fn counted<F, T>(f: F) -> (T, u64)
where
    F: std::future::Future<Output = T>,
{
    let before = hedge_math::bsm::counter::evaluations();
    let out = f.await;
    (out, hedge_math::bsm::counter::evaluations() - before)
}

#[tokio::test]
async fn evaluations_per_instruction_do_not_grow_with_the_book() {
    let mut table: Vec<(String, usize, u64)> = Vec::new();
    for n in [1usize, 8, 32] {
        let risk = RiskParams {
            max_utilization_bps: 10_000,
            max_vega_bps: 100_000,
            initial_margin_bps: 10_000,
            maintenance_margin_bps: 10_000,
            target_margin_bps: 10_000,
            deposit_cap: u64::MAX,
            // Any delta is due for a hedge, so `rebalance` runs whatever the book.
            delta_band_min: 0,
            band_k_bps: 0,
            ..test_risk()
        };
        let mut f = VaultFixture::with_risk(OracleKind::PythLegacy, TokenKind::Spl, risk).await;
        let lp = f.user(100_000_000 * ONE_QUOTE).await;
        // Capital of about twice the book's stressed value: healthy at 1.0, and not at the
        // 5.0 margins governance sets before `liquidate` below.
        f.deposit(&lp, n as u64 * 5_000 * ONE_QUOTE).await.unwrap();
        let trader = f.user(100_000_000 * ONE_QUOTE).await;
        let mut ids = Vec::new();
        for i in 0..n {
            let id = f
                .list_series(
                    i % 2 == 0,
                    80.0 + (i % 9) as f64 * 5.0,
                    3 + i as i64,
                    500_000,
                )
                .await;
            f.buy(&trader, id, 100 * ONE_UNDERLYING, u64::MAX)
                .await
                .unwrap();
            ids.push(id);
        }
        let keeper = Keypair::new();
        f.env.airdrop(&keeper.pubkey(), 1_000_000_000).await;
        f.add_keeper(&keeper.pubkey()).await;
        let mut record = |name: &str, evals: u64| table.push((name.to_string(), n, evals));

        let batch = &ids[..n.min(MAX_MARK_BATCH)];
        let (r, e) = counted(f.mark_series(batch)).await;
        r.unwrap();
        assert_eq!(e, PER_MARK * batch.len() as u64, "mark_series");
        record(&format!("mark_series ({} series)", batch.len()), e);

        let (r, e) = counted(f.buy(&trader, ids[0], ONE_UNDERLYING, u64::MAX)).await;
        r.unwrap();
        assert_eq!(e, PER_MARK + 1, "buy_option: its own mark and its price");
        record("buy_option", e);

        let (r, e) = counted(f.sell(&trader, ids[0], ONE_UNDERLYING, 0)).await;
        r.unwrap();
        assert_eq!(e, PER_MARK + 1, "sell_option");
        record("sell_option", e);

        let (r, e) = counted(f.deposit(&lp, 1_000 * ONE_QUOTE)).await;
        r.unwrap();
        assert_eq!(e, 0, "deposit");
        record("deposit", e);

        let (r, e) = counted(f.request_withdraw(&lp, 1_000_000)).await;
        r.unwrap();
        assert_eq!(e, 0, "request_withdraw");
        record("request_withdraw", e);

        let (r, e) = counted(f.cancel_withdraw(&lp)).await;
        r.unwrap();
        assert_eq!(e, 0, "cancel_withdraw");
        record("cancel_withdraw", e);
        f.request_withdraw(&lp, 1_000_000).await.unwrap();

        let auth = f.authority.insecure_clone();
        let (r, e) = counted(f.set_series_iv_as(&auth, ids[0], 550_000)).await;
        r.unwrap();
        assert_eq!(e, 0, "set_series_iv");
        record("set_series_iv", e);

        // An hour later (the withdrawal delay): every mark is stale; re-marked, the claim.
        f.advance(3_600).await;
        f.publish().await;
        let (_, e) = counted(f.mark_all()).await;
        assert_eq!(e, PER_MARK * n as u64, "mark_all re-marks each series once");
        let (r, e) = counted(f.claim_withdraw(&lp)).await;
        r.unwrap();
        assert_eq!(e, 0, "claim_withdraw");
        record("claim_withdraw", e);

        // A hedge (after the claim: buying underlying spends the free quote).
        let (r, e) = counted(f.rebalance(&keeper, None)).await;
        r.unwrap();
        assert_eq!(e, 0, "rebalance");
        record("rebalance", e);

        // Liquidation: governance raises the margins above what the vault holds; re-marked
        // (new risk epoch), `liquidate` closes the largest series at one evaluation.
        let mut strict = f.vault_state().await.risk;
        strict.maintenance_margin_bps = 50_000;
        strict.initial_margin_bps = 50_000;
        strict.target_margin_bps = 50_000;
        f.govern(
            &auth,
            hedge_vault::instruction::ProposeRiskParams { params: strict },
        )
        .await
        .unwrap();
        f.mark_all().await;
        let keeper_quote = f
            .env
            .create_token_account(f.quote_mint, keeper.pubkey(), TokenKind::Spl)
            .await;
        let ix = f.liquidate_ix(&keeper.pubkey(), Some(keeper_quote));
        let (r, e) = counted(f.env.send(&[ix], &[&keeper])).await;
        r.unwrap();
        assert_eq!(e, 1, "liquidate closes one series at its model value");
        record("liquidate", e);
    }
    // Settlement and exercise: n series expiring together, one settled and exercised.
    for n in [1usize, 8, 32] {
        let mut f = VaultFixture::new(OracleKind::PythLegacy, TokenKind::Spl).await;
        let lp = f.user(1_000_000 * ONE_QUOTE).await;
        f.deposit(&lp, 1_000_000 * ONE_QUOTE).await.unwrap();
        let trader = f.user(1_000_000 * ONE_QUOTE).await;
        let mut ids = Vec::new();
        for i in 0..n {
            let id = f
                .list_series(i % 2 == 0, 90.0 + (i % 5) as f64 * 5.0, 1, 500_000)
                .await;
            f.buy(&trader, id, ONE_UNDERLYING, u64::MAX).await.unwrap();
            ids.push(id);
        }
        f.advance(86_400).await;
        f.publish().await;
        let (r, e) = counted(f.settle(ids[0])).await;
        r.unwrap();
        assert_eq!(e, 0, "settle_series");
        table.push(("settle_series".into(), n, e));
        let (r, e) = counted(f.exercise(&trader, ids[0])).await;
        r.unwrap();
        assert_eq!(e, 0, "exercise");
        table.push(("exercise".into(), n, e));
    }
    println!("option evaluations per instruction (n = open series):");
    for (name, n, e) in &table {
        println!("  {name:<28} n={n:<2} evaluations={e}");
    }
}
