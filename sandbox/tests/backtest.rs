//! A small backtest through the real program: the premium is the model value, the
//! measure is sane, and a seed gives the same numbers twice.

use hedge_sandbox::backtest::{self, BacktestConfig};

const SMALL: &str = r#"
spot = 100.0
strike = 100.0
kind = "call"
contracts = 100.0
vol_true = 0.3
vol_pricing = 0.3
maturity_days = 60
steps = 12
policy = "fixed_interval"
interval_days = 10
ideal_dex = true
paths = 3
seed = 11
"#;

#[tokio::test]
async fn a_small_backtest_is_sane_and_deterministic() {
    let c = BacktestConfig::parse(SMALL).unwrap();
    let (a, sa) = backtest::run(&c).await.unwrap();
    assert_eq!(a.len(), 3);
    // Spread and fee are zero: the vault charges the Black–Scholes value (to 1e-4).
    assert!(
        ((sa.premium - sa.bs_premium) / sa.bs_premium).abs() < 1e-4,
        "{sa:?}"
    );
    // Every 10 days over 60 days with 5-day steps: 6 hedges a path.
    assert_eq!(sa.rebalances_per_path, 6.0);
    assert!(sa.performance_measure.is_finite() && sa.performance_measure > 0.0);
    // With an ideal pool the costs are tiny next to the premium.
    assert!(sa.dex_fees_paid < sa.premium * 1e-3, "{sa:?}");
    assert!(sa.slippage_paid.abs() < sa.premium * 1e-3, "{sa:?}");
    let (b, _) = backtest::run(&c).await.unwrap();
    assert_eq!(a, b, "same seed, same paths");

    let out = std::env::temp_dir().join(format!("bt-{}.csv", std::process::id()));
    backtest::write_csv(&out, &a).unwrap();
    let csv = std::fs::read_to_string(&out).unwrap();
    assert_eq!(csv.lines().count(), 4);
    assert!(csv.starts_with("path,premium,pv_cost,"));
}

#[tokio::test]
async fn a_real_pool_fee_costs_more_than_the_ideal_one() {
    let ideal = BacktestConfig::parse(SMALL).unwrap();
    let real = BacktestConfig::parse(&SMALL.replace(
        "ideal_dex = true",
        "pool_depth = 2000000.0\npool_fee_bps = 25.0",
    ))
    .unwrap();
    let (_, si) = backtest::run(&ideal).await.unwrap();
    let (_, sr) = backtest::run(&real).await.unwrap();
    // Same paths (same seed), so the difference is the pool's fee and impact.
    assert!(sr.dex_fees_paid > si.dex_fees_paid * 100.0, "{si:?} {sr:?}");
    assert!(sr.mean_pv_cost > si.mean_pv_cost, "{si:?} {sr:?}");
}

#[test]
fn a_bad_config_file_names_the_key() {
    let p = std::env::temp_dir().join(format!("bad-bt-{}.toml", std::process::id()));
    std::fs::write(&p, SMALL.replace("interval_days = 10", "interval_days = 1")).unwrap();
    let e = BacktestConfig::load(&p).unwrap_err();
    assert_eq!(e.key, "interval_days");
    assert!(e.problem.contains("shorter than one step"), "{e}");
    let e = BacktestConfig::load(std::path::Path::new("/nonexistent/bt.toml")).unwrap_err();
    assert_eq!(e.key, "config");
}
