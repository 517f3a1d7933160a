//! How much math each instruction runs with n = 1, 8 and 32 open series, counted by
//! hedge-math's counters (feature `eval-counter`) while the instruction runs through the
//! bank: option evaluations (`Evaluation::new`, ~5.5k–8k CU each) and shares of the
//! book's sums (`marks::contribution`, ~5.6k CU each). No count may grow with n, except
//! the one budgeted book-wide loop, re-centring (one share per open series, in a
//! `mark_series` call that then marks one series): an instruction that priced the whole
//! book would fail here. The README's per-instruction CU table is these counts times the
//! meter's CU (`bash scripts/cu.sh`), plus the instruction's non-math work.
//!
//! One test in this binary, so nothing else moves the process-wide counters.

use hedge_vault::ledger::{MAX_MARK_BATCH, MAX_RECENTER_BATCH};
use hedge_vault::state::{OracleKind, RiskParams};
use hedge_vault_tests::fixture::*;
use hedge_vault_tests::*;
use solana_sdk::signature::{Keypair, Signer};

/// Option evaluations of one `mark_series` series (value and greeks, two window edges,
/// two stressed values).
const PER_MARK: u64 = 5;
/// Shares of a re-mark or an open-interest change: the old one out, the new one in.
const PER_CHANGE: u64 = 2;
/// Shares of a `liquidate` that closes a series: its share out when it is retired.
const LIQUIDATE_SHARES: u64 = 1;

/// Math an instruction ran: option evaluations and shares of the sums.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Math {
    evals: u64,
    shares: u64,
}

const fn math(evals: u64, shares: u64) -> Math {
    Math { evals, shares }
}

async fn counted<F, T>(f: F) -> (T, Math)
where
    F: std::future::Future<Output = T>,
{
    use hedge_math::bsm::counter::{evaluations, shares};
    let (e, s) = (evaluations(), shares());
    let out = f.await;
    (out, math(evaluations() - e, shares() - s))
}

#[tokio::test]
async fn evaluations_per_instruction_do_not_grow_with_the_book() {
    let mut table: Vec<(String, usize, Math)> = Vec::new();
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
        let mut record = |name: &str, m: Math| table.push((name.to_string(), n, m));

        let batch = &ids[..n.min(MAX_MARK_BATCH)];
        let k = batch.len() as u64;
        let (r, m) = counted(f.mark_series(batch)).await;
        r.unwrap();
        assert_eq!(m, math(PER_MARK * k, PER_CHANGE * k), "mark_series");
        record(&format!("mark_series ({k} series)"), m);

        // A trade re-marks its series and changes its open interest, then prices itself.
        let trade = math(PER_MARK + 1, 2 * PER_CHANGE);
        let (r, m) = counted(f.buy(&trader, ids[0], ONE_UNDERLYING, u64::MAX)).await;
        r.unwrap();
        assert_eq!(m, trade, "buy_option: its own mark and its price");
        record("buy_option", m);

        let (r, m) = counted(f.sell(&trader, ids[0], ONE_UNDERLYING, 0)).await;
        r.unwrap();
        assert_eq!(m, trade, "sell_option");
        record("sell_option", m);

        let (r, m) = counted(f.deposit(&lp, 1_000 * ONE_QUOTE)).await;
        r.unwrap();
        assert_eq!(m, math(0, 0), "deposit");
        record("deposit", m);

        let (r, m) = counted(f.request_withdraw(&lp, 1_000_000)).await;
        r.unwrap();
        assert_eq!(m, math(0, 0), "request_withdraw");
        record("request_withdraw", m);

        let (r, m) = counted(f.cancel_withdraw(&lp)).await;
        r.unwrap();
        assert_eq!(m, math(0, 0), "cancel_withdraw");
        record("cancel_withdraw", m);
        f.request_withdraw(&lp, 1_000_000).await.unwrap();

        let auth = f.authority.insecure_clone();
        f.wait_for_iv_interval().await;
        let (r, m) = counted(f.set_series_iv_as(&auth, ids[0], 550_000)).await;
        r.unwrap();
        assert_eq!(
            m,
            math(0, PER_CHANGE),
            "set_series_iv: its share at the new IV"
        );
        record("set_series_iv", m);

        // An hour later (the withdrawal delay): every mark is stale; re-marked, the claim.
        f.advance(3_600).await;
        f.publish().await;
        let (_, m) = counted(f.mark_all()).await;
        let n64 = n as u64;
        assert_eq!(
            m,
            math(PER_MARK * n64, PER_CHANGE * n64),
            "mark_all re-marks each series once"
        );
        let (r, m) = counted(f.claim_withdraw(&lp)).await;
        r.unwrap();
        assert_eq!(m, math(0, 0), "claim_withdraw");
        record("claim_withdraw", m);

        // A hedge (after the claim: buying underlying spends the free quote).
        let (r, m) = counted(f.rebalance(&keeper, None)).await;
        r.unwrap();
        assert_eq!(m, math(0, 0), "rebalance");
        record("rebalance", m);

        // The spot 60% away from the sums' reference: the next mark re-centres them (a
        // share per open series) and may mark one series; the rest follow in full batches.
        f.advance(30).await;
        let start = f.oracle_state.price;
        let far = start * 16 / 10;
        f.set_price(far).await;
        let (r, m) = counted(f.mark_series(&ids[..MAX_RECENTER_BATCH])).await;
        r.unwrap();
        assert_eq!(
            m,
            math(PER_MARK, n64 + PER_CHANGE),
            "re-centring: one share per open series, then one mark"
        );
        record("mark_series (re-centring)", m);
        // Back to the pool's price, so the liquidation's sale is not off the oracle.
        f.set_price(start).await;
        f.mark_all().await;

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
        let (r, m) = counted(f.env.send(&[ix], &[&keeper])).await;
        r.unwrap();
        assert_eq!(
            m,
            math(1, LIQUIDATE_SHARES),
            "liquidate closes one series at its model value"
        );
        record("liquidate", m);
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
        let (r, m) = counted(f.settle(ids[0])).await;
        r.unwrap();
        assert_eq!(m, math(0, 1), "settle_series: its share out");
        table.push(("settle_series".into(), n, m));
        let (r, m) = counted(f.exercise(&trader, ids[0])).await;
        r.unwrap();
        assert_eq!(m, math(0, 0), "exercise");
        table.push(("exercise".into(), n, m));
    }
    println!("math per instruction (n = open series):");
    for (name, n, m) in &table {
        println!(
            "  {name:<28} n={n:<2} evaluations={:<3} shares={}",
            m.evals, m.shares
        );
    }
}
