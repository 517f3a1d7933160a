//! The backtest's TOML configuration. Unknown keys and impossible values are refused with
//! the key's name, before any path runs.

use std::path::Path;

use serde::Deserialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Call,
    Put,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyName {
    FixedInterval,
    DeltaBand,
    GammaBand,
}

/// The file as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    spot: f64,
    strike: f64,
    kind: Kind,
    contracts: f64,
    #[serde(default)]
    rate: f64,
    #[serde(default)]
    div_yield: f64,
    vol_true: f64,
    vol_pricing: f64,
    #[serde(default)]
    drift: f64,
    maturity_days: f64,
    #[serde(default = "default_steps")]
    steps: u32,
    policy: PolicyName,
    interval_days: Option<f64>,
    band: Option<f64>,
    k: Option<f64>,
    #[serde(default)]
    ideal_dex: bool,
    pool_depth: Option<f64>,
    pool_fee_bps: Option<f64>,
    paths: u32,
    #[serde(default)]
    seed: u64,
}

fn default_steps() -> u32 {
    80
}

/// When the backtest hedges.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Policy {
    /// Every `interval_days`, to delta zero.
    FixedInterval { interval_days: f64 },
    /// Whenever |Δ| > `band` underlying units.
    DeltaBand { band: f64 },
    /// Whenever |Δ| > k·|Γ·S|·σ·√(step), the program's gamma band.
    GammaBand { k: f64 },
}

/// A validated configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct BacktestConfig {
    pub spot: f64,
    pub strike: f64,
    pub kind: Kind,
    /// Underlying units written.
    pub contracts: f64,
    pub rate: f64,
    pub div_yield: f64,
    pub vol_true: f64,
    pub vol_pricing: f64,
    pub drift: f64,
    pub maturity_days: f64,
    pub steps: u32,
    pub policy: Policy,
    pub ideal_dex: bool,
    /// Quote units on the pool's quote side (the underlying side holds the same value).
    pub pool_depth: f64,
    /// Pool trade fee, bps.
    pub pool_fee_bps: f64,
    pub paths: u32,
    pub seed: u64,
}

/// A bad key and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BacktestConfigError {
    pub key: &'static str,
    pub problem: String,
}

impl std::fmt::Display for BacktestConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "backtest config `{}`: {}", self.key, self.problem)
    }
}

fn bad(key: &'static str, problem: impl Into<String>) -> BacktestConfigError {
    BacktestConfigError {
        key,
        problem: problem.into(),
    }
}

/// The ideal pool: $10 billion a side and the smallest fee Raydium accepts (1 ppm; a
/// zero fee rate divides by zero in its curve), so costs vanish.
pub const IDEAL_DEPTH: f64 = 10_000_000_000.0;
pub const IDEAL_FEE_BPS: f64 = 0.01;
/// The default real pool: $2 million a side, 25 bps (Raydium's common tier).
pub const DEFAULT_DEPTH: f64 = 2_000_000.0;
pub const DEFAULT_FEE_BPS: f64 = 25.0;

fn range(key: &'static str, v: f64, lo: f64, hi: f64) -> Result<f64, BacktestConfigError> {
    if v.is_finite() && v >= lo && v <= hi {
        Ok(v)
    } else {
        Err(bad(key, format!("{v} is outside [{lo}, {hi}]")))
    }
}

impl BacktestConfig {
    pub fn load(path: &Path) -> Result<Self, BacktestConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| bad("config", format!("cannot read {}: {e}", path.display())))?;
        Self::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Self, BacktestConfigError> {
        let f: File = toml::from_str(text).map_err(|e| {
            let msg = e.message().to_string();
            bad("config", msg)
        })?;
        let maturity_days = range("maturity_days", f.maturity_days, 0.01, 3_650.0)?;
        let steps = f.steps;
        if !(1..=10_000).contains(&steps) {
            return Err(bad("steps", format!("{steps} is outside [1, 10000]")));
        }
        let step_days = maturity_days / steps as f64;
        let policy = match f.policy {
            PolicyName::FixedInterval => {
                let d = f
                    .interval_days
                    .ok_or_else(|| bad("interval_days", "required by policy fixed_interval"))?;
                let d = range("interval_days", d, 1e-6, maturity_days)?;
                if d + 1e-9 < step_days {
                    return Err(bad(
                        "interval_days",
                        format!("{d} is shorter than one step ({step_days} days): raise `steps`"),
                    ));
                }
                Policy::FixedInterval { interval_days: d }
            }
            PolicyName::DeltaBand => Policy::DeltaBand {
                band: range(
                    "band",
                    f.band
                        .ok_or_else(|| bad("band", "required by policy delta_band"))?,
                    0.0,
                    1e9,
                )?,
            },
            PolicyName::GammaBand => {
                if step_days * 86_400.0 > 86_400.0 {
                    return Err(bad(
                        "steps",
                        "gamma_band needs steps of at most one day (the program's min_interval bound)",
                    ));
                }
                Policy::GammaBand {
                    k: range(
                        "k",
                        f.k.ok_or_else(|| bad("k", "required by policy gamma_band"))?,
                        0.0,
                        10.0,
                    )?,
                }
            }
        };
        let (pool_depth, pool_fee_bps) = if f.ideal_dex {
            if f.pool_depth.is_some() || f.pool_fee_bps.is_some() {
                return Err(bad(
                    "ideal_dex",
                    "give either ideal_dex = true or pool_depth/pool_fee_bps, not both",
                ));
            }
            (IDEAL_DEPTH, IDEAL_FEE_BPS)
        } else {
            (
                range(
                    "pool_depth",
                    f.pool_depth.unwrap_or(DEFAULT_DEPTH),
                    1_000.0,
                    IDEAL_DEPTH,
                )?,
                range(
                    "pool_fee_bps",
                    f.pool_fee_bps.unwrap_or(DEFAULT_FEE_BPS),
                    IDEAL_FEE_BPS,
                    1_000.0,
                )?,
            )
        };
        let spot = range("spot", f.spot, 0.01, 1_000_000.0)?;
        let contracts = range("contracts", f.contracts, 0.001, 1_000_000.0)?;
        if contracts * spot > pool_depth {
            return Err(bad(
                "contracts",
                "the notional exceeds the pool's depth: the hedge could not trade",
            ));
        }
        if f.paths == 0 || f.paths > 1_000_000 {
            return Err(bad("paths", format!("{} is outside [1, 1000000]", f.paths)));
        }
        Ok(Self {
            spot,
            strike: range("strike", f.strike, 0.01, 1_000_000.0)?,
            kind: f.kind,
            contracts,
            rate: range("rate", f.rate, -0.5, 1.0)?,
            div_yield: range("div_yield", f.div_yield, -0.5, 1.0)?,
            vol_true: range("vol_true", f.vol_true, 0.0, 5.0)?,
            vol_pricing: range("vol_pricing", f.vol_pricing, 0.01, 5.0)?,
            drift: range("drift", f.drift, -5.0, 5.0)?,
            maturity_days,
            steps,
            policy,
            ideal_dex: f.ideal_dex,
            pool_depth,
            pool_fee_bps,
            paths: f.paths,
            seed: f.seed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
spot = 100.0
strike = 100.0
kind = "call"
contracts = 100.0
vol_true = 0.3
vol_pricing = 0.3
maturity_days = 60
steps = 120
paths = 10
"#;

    #[test]
    fn parses_each_policy() {
        let c = BacktestConfig::parse(&format!(
            "{BASE}policy = \"fixed_interval\"\ninterval_days = 0.5\nideal_dex = true\n"
        ))
        .unwrap();
        assert_eq!(c.policy, Policy::FixedInterval { interval_days: 0.5 });
        assert_eq!((c.pool_depth, c.pool_fee_bps), (IDEAL_DEPTH, IDEAL_FEE_BPS));
        let c =
            BacktestConfig::parse(&format!("{BASE}policy = \"delta_band\"\nband = 2.5\n")).unwrap();
        assert_eq!(c.policy, Policy::DeltaBand { band: 2.5 });
        assert_eq!(
            (c.pool_depth, c.pool_fee_bps),
            (DEFAULT_DEPTH, DEFAULT_FEE_BPS)
        );
        let c =
            BacktestConfig::parse(&format!("{BASE}policy = \"gamma_band\"\nk = 1.5\n")).unwrap();
        assert_eq!(c.policy, Policy::GammaBand { k: 1.5 });
    }

    #[test]
    fn names_the_bad_key() {
        let key = |extra: &str| {
            BacktestConfig::parse(&format!("{BASE}{extra}"))
                .unwrap_err()
                .key
        };
        assert_eq!(key("policy = \"fixed_interval\"\n"), "interval_days");
        assert_eq!(
            key("policy = \"fixed_interval\"\ninterval_days = 0.1\n"),
            "interval_days"
        );
        assert_eq!(key("policy = \"delta_band\"\n"), "band");
        assert_eq!(key("policy = \"gamma_band\"\nk = -1\n"), "k");
        assert_eq!(
            key("policy = \"delta_band\"\nband = 1\nideal_dex = true\npool_fee_bps = 5\n"),
            "ideal_dex"
        );
        assert_eq!(
            key("policy = \"delta_band\"\nband = 1\nsurprise = 1\n"),
            "config"
        );
        // Raydium's curve refuses a zero fee rate.
        assert_eq!(
            key("policy = \"delta_band\"\nband = 1\npool_fee_bps = 0\n"),
            "pool_fee_bps"
        );
        let e = BacktestConfig::parse(&format!(
            "{}policy = \"delta_band\"\nband = 1\n",
            BASE.replace("vol_true = 0.3", "vol_true = -0.3")
        ))
        .unwrap_err();
        assert_eq!(e.key, "vol_true");
        // A missing required key is the parser's message, naming the field.
        let e = BacktestConfig::parse(BASE).unwrap_err();
        assert!(e.problem.contains("policy"), "{}", e.problem);
    }
}
