//! `hedge-backtest --config FILE.toml`: how well the vault hedges. Drives the
//! **real program** in an in-process bank (solana-program-test, no RPC) with the keeper's
//! own decision module over simulated price paths.
//!
//! Each path gets a fresh vault on one shared bank, mints and pool. At t = 0 a trader
//! buys `contracts` options at the program's price (spread and fee set to zero, so the
//! premium is the model value at `vol_pricing`). At each step the price moves (GBM at
//! `vol_true`, drift μ), an arbitrageur swaps the pool to it, and the policy decides
//! whether to call the real `rebalance` (which trades on the pool). At expiry the series
//! settles and the holder exercises.
//!
//! Cost of writing and hedging, as a present value at `rate`:
//! PV = Σ e^(−r·tᵢ)·(quote paid for hedges at tᵢ) + e^(−r·T)·(payout − inventory·S_T).
//! `performance_measure` = std(PV) / premium (Hull's measure).

pub mod config;

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use anchor_lang::prelude::Pubkey;
use anchor_spl::token::spl_token;
use hedge_vault::instructions::ListSeriesArgs;
use hedge_vault::oracle::PYTH_LEGACY_PROGRAM_MAINNET;
use hedge_vault::state::{OracleKind, RiskParams, Vault};
use hedge_vault_tests::fixture::{
    legacy_account_data, px, User, VaultFixture, EXPO, ONE_QUOTE, ONE_UNDERLYING,
};
use hedge_vault_tests::{TestEnv, TokenKind};
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_sdk::account::AccountSharedData;
use solana_sdk::clock::Clock;
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::{Keypair, Signer};
use solana_sdk::transaction::Transaction;

use crate::market::{Arbitrageur, Gbm};
pub use config::{BacktestConfig, Kind, Policy};
use hedge_keeper::decision::{self, Action, Fetched};

const DAY: f64 = 86_400.0;

/// One path's measurements, quote units.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PathResult {
    pub path: u32,
    pub premium: f64,
    pub pv_cost: f64,
    pub rebalances: u32,
    pub dex_fees: f64,
    pub slippage: f64,
    pub final_spot: f64,
    pub payout: f64,
}

/// The summary line.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Summary {
    pub performance_measure: f64,
    pub mean_pv_cost: f64,
    pub premium: f64,
    /// Black–Scholes value of the position at `vol_pricing`, f64, for reference.
    pub bs_premium: f64,
    pub rebalances_per_path: f64,
    pub dex_fees_paid: f64,
    pub slippage_paid: f64,
    pub paths: u32,
    pub steps: u32,
    pub seconds: f64,
}

/// Black–Scholes (f64, reference only) for the summary.
pub fn bs_value(c: &BacktestConfig) -> f64 {
    let t = c.maturity_days / 365.0;
    let (s, k, v) = (c.spot, c.strike, c.vol_pricing);
    let d1 = ((s / k).ln() + (c.rate - c.div_yield + 0.5 * v * v) * t) / (v * t.sqrt());
    let d2 = d1 - v * t.sqrt();
    let n = |x: f64| 0.5 * libm_erfc(-x / std::f64::consts::SQRT_2);
    let unit = match c.kind {
        Kind::Call => s * (-c.div_yield * t).exp() * n(d1) - k * (-c.rate * t).exp() * n(d2),
        Kind::Put => k * (-c.rate * t).exp() * n(-d2) - s * (-c.div_yield * t).exp() * n(-d1),
    };
    unit * c.contracts
}

/// erfc by its continued-fraction-free rational approximation (W. J. Cody's is overkill
/// for a reference column): Abramowitz–Stegun 7.1.26 refined with one Newton step is not
/// enough either, so use the series/asymptotic split that is exact to ~1e-15.
fn libm_erfc(x: f64) -> f64 {
    // erf via its Taylor series for |x| < 3, erfc via the continued fraction beyond.
    if x.abs() < 3.0 {
        let mut sum = x;
        let mut term = x;
        let x2 = x * x;
        let mut n = 0.0;
        loop {
            n += 1.0;
            term *= -x2 / n;
            let add = term / (2.0 * n + 1.0);
            sum += add;
            if add.abs() < 1e-17 * sum.abs().max(1e-300) {
                break;
            }
        }
        1.0 - 2.0 / std::f64::consts::PI.sqrt() * sum
    } else if x > 0.0 {
        // Lentz continued fraction for erfc.
        let mut f = x;
        for i in (1..60).rev() {
            f = x + (i as f64 / 2.0) / f;
        }
        (-x * x).exp() / (f * std::f64::consts::PI.sqrt())
    } else {
        2.0 - libm_erfc(-x)
    }
}

/// The smallest band, 0.001 underlying units: a hedge smaller than a few quote atoms
/// gets zero out of the pool, which Raydium refuses.
pub const MIN_BAND_ATOMS: u64 = 1_000_000;

/// Risk parameters that express the policy in the program's own hedging rules.
pub fn risk_for(c: &BacktestConfig) -> RiskParams {
    let step_s = (c.maturity_days * DAY / c.steps as f64).round() as u64;
    let (delta_band_min, band_k_bps, min_interval_s) = match c.policy {
        // The floor band: any delta is due; the driver calls only on the interval.
        Policy::FixedInterval { .. } => (MIN_BAND_ATOMS, 0, 0),
        Policy::DeltaBand { band } => (
            ((band * ONE_UNDERLYING as f64) as u64).max(MIN_BAND_ATOMS),
            0,
            0,
        ),
        Policy::GammaBand { k } => (
            MIN_BAND_ATOMS,
            (k * 10_000.0).round() as u64,
            step_s.min(86_400),
        ),
    };
    RiskParams {
        spread_bps: 0,
        fee_bps: 0,
        rate_bps: (c.rate * 10_000.0).round() as i64,
        div_yield_bps: (c.div_yield * 10_000.0).round() as i64,
        delta_band_min,
        band_k_bps,
        min_interval_s,
        delta_band_hard: hedge_vault::state::MAX_FX_ATOMS,
        price_trigger_bps: 5_000,
        max_hedge_per_call: hedge_vault::state::MAX_FX_ATOMS,
        max_impact_bps: 2_000,
        max_slippage_bps: 2_000,
        deposit_cap: u64::MAX,
        ..RiskParams::DEFAULT
    }
}

/// The bank, the shared accounts, and a nonce that keeps otherwise identical
/// transactions distinct (so no wait for a new blockhash between them).
struct Bench {
    f: VaultFixture,
    keeper: Keypair,
    lp: User,
    trader: User,
    arb: Arbitrageur,
    nonce: u32,
    now: i64,
}

impl Bench {
    async fn new(c: &BacktestConfig) -> Result<Self, String> {
        let quote = (c.pool_depth * ONE_QUOTE as f64) as u64;
        let underlying = (c.pool_depth / c.spot * ONE_UNDERLYING as f64) as u64;
        let fee_rate = (c.pool_fee_bps * 100.0).round() as u64;
        let mut f = VaultFixture::uninitialized_with_pool(
            OracleKind::PythLegacy,
            TokenKind::Spl,
            (quote, underlying),
            fee_rate,
        )
        .await;
        let keeper = Keypair::new();
        f.env.airdrop(&keeper.pubkey(), 1_000_000_000_000).await;
        // Share accounts are made per path (each path has its own vault and share mint).
        let lp = funded(&mut f, 0).await;
        let trader = funded(&mut f, 0).await;
        let payer = f.env.payer();
        let quote_account = f
            .env
            .create_token_account(f.quote_mint, payer.pubkey(), TokenKind::Spl)
            .await;
        let underlying_account = f
            .env
            .create_token_account(f.underlying_mint, payer.pubkey(), TokenKind::Spl)
            .await;
        let arb = Arbitrageur {
            pool: f.pool,
            quote_mint: f.quote_mint,
            underlying_mint: f.underlying_mint,
            authority: payer.pubkey(),
            quote_account,
            underlying_account,
            fee_rate,
        };
        let now = f.now;
        Ok(Self {
            f,
            keeper,
            lp,
            trader,
            arb,
            nonce: 0,
            now,
        })
    }

    fn env(&mut self) -> &mut TestEnv {
        &mut self.f.env
    }

    async fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> Result<(), String> {
        self.nonce = self.nonce.wrapping_add(1);
        let mut all = vec![ComputeBudgetInstruction::set_compute_unit_limit(
            1_400_000 - self.nonce % 1_000_000,
        )];
        all.extend_from_slice(ixs);
        let payer = self.f.env.payer();
        let hash = self
            .env()
            .ctx
            .banks_client
            .get_latest_blockhash()
            .await
            .map_err(|e| e.to_string())?;
        let mut keys: Vec<&Keypair> = vec![&payer];
        keys.extend_from_slice(signers);
        let tx = Transaction::new_signed_with_payer(&all, Some(&payer.pubkey()), &keys, hash);
        self.env()
            .ctx
            .banks_client
            .process_transaction(tx)
            .await
            .map_err(|e| e.to_string())
    }

    async fn set_time(&mut self, unix: i64) -> Result<(), String> {
        self.now = unix;
        let ctx = &self.f.env.ctx;
        // The Clock is read fresh each step (other fields kept).
        let mut clock: Clock = ctx
            .banks_client
            .get_sysvar()
            .await
            .map_err(|e| e.to_string())?;
        clock.unix_timestamp = unix;
        ctx.set_sysvar(&clock);
        Ok(())
    }

    /// Publishes `price` at the current time and moves the pool to it.
    async fn publish(&mut self, price: f64) -> Result<(), String> {
        let mut o = self.f.oracle_state;
        o.price = px(price);
        o.conf = (o.price as u64 / 1_000_000).max(1);
        o.publish_at(self.now);
        self.f.oracle_state = o;
        let data = legacy_account_data(&o);
        let mut acc =
            AccountSharedData::new(1_000_000_000, data.len(), &PYTH_LEGACY_PROGRAM_MAINNET);
        acc.set_data_from_slice(&data);
        let key = self.f.oracle;
        self.env().ctx.set_account(&key, &acc);
        let (qv, uv) = self.arb.vaults();
        let balances = (
            self.env().token_balance(qv).await,
            self.env().token_balance(uv).await,
        );
        let state = self.arb.pool.state;
        let pool = self
            .env()
            .account(state)
            .await
            .ok_or("pool state missing")?;
        let (x, y) = self.arb.reserves(&pool.data, balances)?;
        let (hq, hu) = (self.arb.quote_account, self.arb.underlying_account);
        let held = (
            self.env().token_balance(hq).await,
            self.env().token_balance(hu).await,
        );
        let ixs = self.arb.instructions((x, y), price, held);
        if !ixs.is_empty() {
            self.send(&ixs, &[])
                .await
                .map_err(|e| format!("arbitrage: {e}"))?;
        }
        Ok(())
    }

    async fn vault(&mut self) -> Vault {
        let key = self.f.vault;
        self.env().zero_copy(key).await
    }

    /// The pool's reserves as `rebalance` computes them, from account copies (what the
    /// keeper fetches).
    async fn pool_snapshot(
        &mut self,
        vault: &Vault,
    ) -> Result<hedge_vault::ledger::PoolSnapshot, hedge_vault_client::pool::PoolError> {
        use hedge_vault_client::pool::{self, PoolError};
        let pool_key = vault.dex_pool;
        let env = self.env();
        let p = env.account(pool_key).await.ok_or(PoolError::NotAPool)?;
        let sides = pool::sides(&p.data, &vault.quote_mint, &vault.underlying_mint)?;
        let cfg = env
            .account(sides.amm_config)
            .await
            .ok_or(PoolError::Unreadable("config"))?;
        let q = env
            .account(sides.quote_vault)
            .await
            .ok_or(PoolError::Unreadable("quote vault"))?;
        let u = env
            .account(sides.underlying_vault)
            .await
            .ok_or(PoolError::Unreadable("underlying vault"))?;
        pool::snapshot(&sides, &cfg.data, (&q.owner, &q.data), (&u.owner, &u.data))
    }

    /// Asks the keeper's decision module; sends `rebalance` if it says so. Returns the
    /// vault before and after when a hedge landed.
    async fn maybe_hedge(&mut self, force_due: bool) -> Result<Option<(Vault, Vault)>, String> {
        // As the keeper: re-mark what the decision asks for (marks go stale with time and
        // spot), then decide again.
        let mut action;
        let mut vault;
        let mut rounds = 0;
        loop {
            vault = self.vault().await;
            let book_key = self.f.book;
            let book = self.env().zero_copy(book_key).await;
            let oracle_key = self.f.oracle;
            let oracle = self
                .env()
                .account(oracle_key)
                .await
                .ok_or("oracle account missing")?;
            let pool = self.pool_snapshot(&vault).await;
            action = decision::decide(&decision::Inputs {
                vault: &vault,
                book: &book,
                oracle: Fetched {
                    key: &oracle_key,
                    owner: &oracle.owner,
                    data: &oracle.data,
                },
                pool,
                now: self.now,
                keeper: &self.keeper.pubkey(),
                min_out_tolerance_bps: 50,
                skip: &[],
            })
            .0;
            let Action::Mark { ids, count } = action else {
                break;
            };
            rounds += 1;
            if rounds > 8 {
                return Err("marks stay stale after re-marking".into());
            }
            let keeper = self.keeper.insecure_clone();
            let ix = self
                .f
                .mark_series_ix(&keeper.pubkey(), &ids[..count as usize]);
            self.send(&[ix], &[&keeper])
                .await
                .map_err(|e| format!("mark_series: {e}"))?;
        }
        let Action::Rebalance { min_out } = action else {
            return Ok(None);
        };
        if !force_due {
            return Ok(None);
        }
        let ix = self.f.rebalance_ix(&self.keeper.pubkey(), None, min_out);
        let keeper = self.keeper.insecure_clone();
        self.send(&[ix], &[&keeper])
            .await
            .map_err(|e| format!("rebalance: {e}"))?;
        let after = self.vault().await;
        Ok(Some((vault, after)))
    }

    /// Runs one path on vault `path + 1`.
    async fn path(&mut self, c: &BacktestConfig, path: u32) -> Result<PathResult, String> {
        let id = u16::try_from(path + 1).map_err(|_| "more than 65,534 paths per bank")?;
        let mut gbm = Gbm::new(c.vol_true, c.drift, 0.0, 0.0, path_seed(c.seed, path));
        let step_s = c.maturity_days * DAY / c.steps as f64;
        let t0 = self.now + 86_400;
        self.set_time(t0).await?;
        self.publish(c.spot).await?;

        // A fresh vault, funded by the LP.
        self.f.retarget(id);
        let create_log = self.f.create_hedge_log_ix(id).await;
        let init = self.f.initialize_ix_for(id, risk_for(c));
        let authority = self.f.authority.insecure_clone();
        let log = self.f.hedge_log_kps[id as usize].insecure_clone();
        // The authority pays rent for each path's accounts: top it up from the payer.
        let top_up = solana_system_interface::instruction::transfer(
            &self.f.env.payer().pubkey(),
            &authority.pubkey(),
            1_000_000_000,
        );
        self.send(&[top_up, create_log, init], &[&authority, &log])
            .await
            .map_err(|e| format!("initialize_vault: {e}"))?;
        let keeper = self.keeper.pubkey();
        let set_keeper = self.f.govern_ix(
            &authority.pubkey(),
            hedge_vault::instruction::SetKeeper {
                keeper,
                enabled: true,
            },
        );
        self.send(&[set_keeper], &[&authority])
            .await
            .map_err(|e| format!("set_keeper: {e}"))?;
        let payer = self.f.env.payer();
        let lp_shares = spl_associated_token_account::get_associated_token_address(
            &self.lp.key(),
            &self.f.share_mint,
        );
        let create_shares =
            spl_associated_token_account::instruction::create_associated_token_account_idempotent(
                &payer.pubkey(),
                &self.lp.key(),
                &self.f.share_mint,
                &spl_token::ID,
            );
        let lp = User {
            kp: self.lp.kp.insecure_clone(),
            quote: self.lp.quote,
            shares: lp_shares,
        };
        let deposit = ((c.contracts * c.spot.max(c.strike) * 10.0 * ONE_QUOTE as f64) as u64)
            .max(1_000 * ONE_QUOTE);
        // Each path's LP money is new (the payer is the quote mint's authority).
        let fund = spl_token::instruction::mint_to(
            &spl_token::ID,
            &self.f.quote_mint,
            &lp.quote,
            &payer.pubkey(),
            &[],
            deposit,
        )
        .map_err(|e| e.to_string())?;
        let deposit_ix = self.f.deposit_ix(&lp, deposit);
        self.send(&[fund, create_shares, deposit_ix], &[&lp.kp])
            .await
            .map_err(|e| format!("deposit: {e}"))?;

        // The option, written at the program's price.
        let maturity_s = (c.maturity_days * DAY).round() as i64;
        let size = (c.contracts * ONE_UNDERLYING as f64).round() as u64;
        let series_id = self.vault().await.next_series_id;
        let list = self.f.list_series_ix(
            &authority,
            ListSeriesArgs {
                kind: match c.kind {
                    Kind::Call => 0,
                    Kind::Put => 1,
                },
                strike: px(c.strike),
                strike_expo: EXPO,
                expiry: t0 + maturity_s,
                iv_ppm: (c.vol_pricing * 1_000_000.0).round() as u64,
                max_open_interest: size,
                min_trade_size: 1,
            },
        );
        self.send(&[list], &[&authority])
            .await
            .map_err(|e| format!("list_series: {e}"))?;
        let before = self.vault().await.quote_assets;
        let trader = self.trader.kp.insecure_clone();
        // The trader's premium money is new each path too.
        let fund = spl_token::instruction::mint_to(
            &spl_token::ID,
            &self.f.quote_mint,
            &self.trader.quote,
            &payer.pubkey(),
            &[],
            deposit,
        )
        .map_err(|e| e.to_string())?;
        let buy = self.f.buy_ix(&self.trader, series_id, size, u64::MAX);
        self.send(&[fund, buy], &[&trader])
            .await
            .map_err(|e| format!("buy_option: {e}"))?;
        let premium = (self.vault().await.quote_assets - before) as f64 / ONE_QUOTE as f64;

        let mut out = PathResult {
            path,
            premium,
            ..PathResult::default()
        };
        let every = match c.policy {
            Policy::FixedInterval { interval_days } => {
                ((interval_days * DAY / step_s).round() as u32).max(1)
            }
            _ => 1,
        };
        let fee_rate = c.pool_fee_bps / 10_000.0;
        let mut spot = c.spot;
        for step in 0..c.steps {
            let t = step as f64 * step_s;
            if let Some((b, a)) = self.maybe_hedge(step % every == 0).await? {
                out.rebalances += 1;
                let dq = a.quote_assets as f64 - b.quote_assets as f64;
                let du = a.underlying_assets as f64 - b.underlying_assets as f64;
                let (dq, du) = (dq / ONE_QUOTE as f64, du / ONE_UNDERLYING as f64);
                out.pv_cost += -dq * (-c.rate * t / (365.0 * DAY)).exp();
                let (exec, fee) = if du > 0.0 {
                    (-dq - du * spot, -dq * fee_rate)
                } else {
                    (-du * spot - dq, -du * spot * fee_rate)
                };
                out.dex_fees += fee;
                out.slippage += exec - fee;
            }
            spot = gbm.step(spot, step_s / (365.0 * DAY));
            let next = t0 + ((step + 1) as f64 * step_s).round() as i64;
            self.set_time(next).await?;
            self.publish(spot).await?;
        }

        // Expiry: settle at the update that straddles it (the path's last step usually
        // publishes at expiry itself; otherwise the first update after it), then exercise.
        let expiry = t0 + maturity_s;
        self.set_time(expiry + 1).await?;
        if self.f.oracle_state.publish_time < expiry {
            self.publish(spot).await?;
        }
        let vault = self.vault().await;
        let settle =
            hedge_vault_client::ix::settle(payer.pubkey(), self.f.vault, &vault, series_id);
        self.send(&[settle], &[])
            .await
            .map_err(|e| format!("settle_series: {e}"))?;
        let before = self.vault().await.quote_assets;
        let exercise = self.f.exercise_ix(&self.trader, series_id);
        let itm = match c.kind {
            Kind::Call => spot > c.strike,
            Kind::Put => spot < c.strike,
        };
        if itm {
            self.send(&[exercise], &[&trader])
                .await
                .map_err(|e| format!("exercise: {e}"))?;
        }
        let after = self.vault().await;
        out.payout = (before - after.quote_assets) as f64 / ONE_QUOTE as f64;
        let inventory = after.underlying_assets as f64 / ONE_UNDERLYING as f64;
        let disc = (-c.rate * c.maturity_days / 365.0).exp();
        out.pv_cost += disc * (out.payout - inventory * spot);
        out.final_spot = spot;
        Ok(out)
    }
}

/// A user with SOL and `quote` quote atoms (no share account yet).
async fn funded(f: &mut VaultFixture, quote: u64) -> User {
    let kp = Keypair::new();
    f.env.airdrop(&kp.pubkey(), 10_000_000_000).await;
    let account = f
        .env
        .create_token_account(f.quote_mint, kp.pubkey(), TokenKind::Spl)
        .await;
    if quote > 0 {
        f.env
            .mint_to(f.quote_mint, account, quote, TokenKind::Spl)
            .await;
    }
    User {
        kp,
        quote: account,
        shares: Pubkey::default(),
    }
}

/// A path's seed: the config's seed and the path index, mixed (SplitMix64).
pub fn path_seed(seed: u64, path: u32) -> u64 {
    let mut z = seed ^ (path as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Runs every path and returns the per-path results and the summary.
pub async fn run(c: &BacktestConfig) -> Result<(Vec<PathResult>, Summary), String> {
    let started = Instant::now();
    let mut bench = Bench::new(c).await?;
    let mut results = Vec::with_capacity(c.paths as usize);
    for p in 0..c.paths {
        results.push(
            bench
                .path(c, p)
                .await
                .map_err(|e| format!("path {p}: {e}"))?,
        );
    }
    Ok(summarize(c, results, started.elapsed().as_secs_f64()))
}

/// The summary of per-path results.
pub fn summarize(
    c: &BacktestConfig,
    results: Vec<PathResult>,
    seconds: f64,
) -> (Vec<PathResult>, Summary) {
    let n = results.len() as f64;
    let mean = |f: &dyn Fn(&PathResult) -> f64| results.iter().map(f).sum::<f64>() / n;
    let mean_cost = mean(&|r| r.pv_cost);
    let premium = mean(&|r| r.premium);
    let var = if results.len() > 1 {
        results
            .iter()
            .map(|r| (r.pv_cost - mean_cost).powi(2))
            .sum::<f64>()
            / (n - 1.0)
    } else {
        0.0
    };
    let summary = Summary {
        performance_measure: var.sqrt() / premium,
        mean_pv_cost: mean_cost,
        premium,
        bs_premium: bs_value(c),
        rebalances_per_path: mean(&|r| r.rebalances as f64),
        dex_fees_paid: mean(&|r| r.dex_fees),
        slippage_paid: mean(&|r| r.slippage),
        paths: c.paths,
        steps: c.steps,
        seconds,
    };
    (results, summary)
}

/// Writes the per-path CSV.
pub fn write_csv(path: &Path, results: &[PathResult]) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        w,
        "path,premium,pv_cost,rebalances,dex_fees,slippage,final_spot,payout"
    )?;
    for r in results {
        writeln!(
            w,
            "{},{:.6},{:.6},{},{:.6},{:.6},{:.6},{:.6}",
            r.path,
            r.premium,
            r.pv_cost,
            r.rebalances,
            r.dex_fees,
            r.slippage,
            r.final_spot,
            r.payout
        )?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bs_reference_matches_a_known_value() {
        // Hull's example: S 49, K 50, r 5%, σ 20%, 20 weeks, call on 100,000 → 240,000.
        let c = BacktestConfig {
            spot: 49.0,
            strike: 50.0,
            kind: Kind::Call,
            contracts: 100_000.0,
            rate: 0.05,
            div_yield: 0.0,
            vol_true: 0.2,
            vol_pricing: 0.2,
            drift: 0.13,
            maturity_days: 0.3846 * 365.0,
            steps: 20,
            policy: Policy::DeltaBand { band: 0.0 },
            ideal_dex: true,
            pool_depth: config::IDEAL_DEPTH,
            pool_fee_bps: config::IDEAL_FEE_BPS,
            paths: 1,
            seed: 0,
        };
        let v = bs_value(&c);
        assert!((v - 240_000.0).abs() < 1_000.0, "{v}");
    }

    #[test]
    fn erfc_is_accurate() {
        for (x, want) in [
            (0.0, 1.0),
            (0.5, 0.479_500_122_186_953_5),
            (2.0, 0.004_677_734_981_047_266),
            (4.0, 1.541_725_790_028_002e-8),
            (-1.0, 1.842_700_792_949_715),
        ] {
            let got = libm_erfc(x);
            assert!(
                ((got - want) / want).abs() < 1e-12,
                "erfc({x}) = {got}, want {want}"
            );
        }
    }

    #[test]
    fn path_seeds_differ_and_repeat() {
        assert_eq!(path_seed(1, 2), path_seed(1, 2));
        assert_ne!(path_seed(1, 2), path_seed(1, 3));
        assert_ne!(path_seed(1, 2), path_seed(2, 2));
    }
}
