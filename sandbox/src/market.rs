//! The sandbox's market: a price process (geometric Brownian motion with optional
//! jumps, or a CSV replay) published to both Pyth account formats, and an arbitrageur
//! that swaps the CPMM pool back to the oracle price after each move, as real
//! arbitrageurs keep a pool near the wider market.

use std::path::Path;

use anchor_lang::prelude::Pubkey;
use anchor_lang::{AccountDeserialize, AccountSerialize};
use anchor_spl::token::spl_token;
use hedge_vault_tests::dex::Pool;
use hedge_vault_tests::fixture::{legacy_account_data, pull_v2_account_data, OracleState};
use hedge_vault_tests::fixture::{ONE_QUOTE, ONE_UNDERLYING};
use pyth_sdk_solana::state::SolanaPriceAccount;
use pyth_solana_receiver_sdk::price_update::PriceUpdateV2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use solana_sdk::instruction::Instruction;

/// Seconds in a year, for σ and μ per year.
pub const YEAR_S: f64 = 365.0 * 86_400.0;

/// Geometric Brownian motion with Merton-style jumps (log-normal sizes).
#[derive(Clone, Debug)]
pub struct Gbm {
    pub sigma: f64,
    pub drift: f64,
    /// Expected jumps per year of market time.
    pub jump_intensity: f64,
    /// Standard deviation of a jump's log size.
    pub jump_sigma: f64,
    rng: ChaCha8Rng,
}

impl Gbm {
    pub fn new(sigma: f64, drift: f64, jump_intensity: f64, jump_sigma: f64, seed: u64) -> Self {
        Self {
            sigma,
            drift,
            jump_intensity,
            jump_sigma,
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// The next price after `dt_years` of market time. The jump part is compensated so
    /// the drift stays μ.
    pub fn step(&mut self, price: f64, dt_years: f64) -> f64 {
        let z: f64 = StandardNormal.sample(&mut self.rng);
        let mut log = (self.drift - 0.5 * self.sigma * self.sigma) * dt_years
            + self.sigma * dt_years.sqrt() * z;
        if self.jump_intensity > 0.0 {
            let k = (0.5 * self.jump_sigma * self.jump_sigma).exp() - 1.0;
            log -= self.jump_intensity * k * dt_years;
            if self.rng.gen::<f64>() < self.jump_intensity * dt_years {
                let j: f64 = StandardNormal.sample(&mut self.rng);
                log += self.jump_sigma * j - 0.5 * self.jump_sigma * self.jump_sigma;
            }
        }
        price * log.exp()
    }
}

/// Where prices come from.
pub enum PriceSource {
    Gbm(Box<Gbm>),
    /// A replayed series, looping at the end.
    Replay {
        prices: Vec<f64>,
        next: usize,
    },
}

impl PriceSource {
    pub fn next(&mut self, price: f64, dt_years: f64) -> f64 {
        match self {
            PriceSource::Gbm(g) => g.step(price, dt_years),
            PriceSource::Replay { prices, next } => {
                let p = prices[*next % prices.len()];
                *next += 1;
                p
            }
        }
    }
}

/// Reads a price CSV: one price per line, or `time,price` (the last column is used); a
/// header line is skipped. Every price must be positive and finite.
pub fn read_price_csv(path: &Path) -> Result<Vec<f64>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let last = line.rsplit(',').next().unwrap_or("").trim();
        match last.parse::<f64>() {
            Ok(p) if p.is_finite() && p > 0.0 => out.push(p),
            Ok(_) => return Err(format!("line {}: price must be positive", n + 1)),
            Err(_) if n == 0 => continue, // header
            Err(_) => return Err(format!("line {}: `{last}` is not a number", n + 1)),
        }
    }
    if out.is_empty() {
        return Err(format!("{} has no prices", path.display()));
    }
    Ok(out)
}

/// The legacy Pyth account bytes with the publish slot set.
pub fn legacy_bytes(o: &OracleState, slot: u64) -> Vec<u8> {
    let mut data = legacy_account_data(o);
    let acc: &mut SolanaPriceAccount = bytemuck::from_bytes_mut(&mut data);
    acc.agg.pub_slot = slot;
    acc.valid_slot = slot;
    acc.last_slot = slot;
    data
}

/// The PriceUpdateV2 account bytes with the posted slot set.
pub fn pull_v2_bytes(o: &OracleState, slot: u64) -> Vec<u8> {
    let data = pull_v2_account_data(o);
    let mut update =
        PriceUpdateV2::try_deserialize(&mut data.as_slice()).expect("our own bytes decode");
    update.posted_slot = slot;
    let mut out = Vec::with_capacity(data.len());
    update
        .try_serialize(&mut out)
        .expect("serializing into a Vec cannot fail");
    out
}

/// The swap that moves a constant-product pool with reserves (quote `x`, underlying `y`,
/// atoms) to `price` quote atoms per underlying atom, with input fee `fee_rate` (parts
/// per million). Returns (sell underlying?, input amount), or `None` if already there.
pub fn arbitrage(x: u64, y: u64, price: f64, fee_rate: u64) -> Option<(bool, u64)> {
    let (x, y) = (x as f64, y as f64);
    let k = x * y;
    let x_target = (k * price).sqrt();
    let y_target = (k / price).sqrt();
    let gross = 1.0 / (1.0 - fee_rate as f64 / 1e6);
    let (sell_underlying, amount) = if x_target > x {
        (false, (x_target - x) * gross)
    } else {
        (true, (y_target - y) * gross)
    };
    let amount = amount.floor();
    // A move below a millionth of a bp is noise: its output would round to zero.
    let reserve = if sell_underlying { y } else { x };
    if amount < 1.0 || amount < reserve * 1e-10 {
        return None;
    }
    Some((sell_underlying, amount as u64))
}

/// An arbitrageur holding accounts of both mints, and mint authority of both (the
/// sandbox's faucet), so it never runs out of inventory.
#[derive(Clone, Copy, Debug)]
pub struct Arbitrageur {
    pub pool: Pool,
    pub quote_mint: Pubkey,
    pub underlying_mint: Pubkey,
    pub authority: Pubkey,
    pub quote_account: Pubkey,
    pub underlying_account: Pubkey,
    /// The pool's trade fee, parts per million.
    pub fee_rate: u64,
}

impl Arbitrageur {
    /// The pool's vaults in (quote, underlying) order.
    pub fn vaults(&self) -> (Pubkey, Pubkey) {
        pool_vaults(&self.pool, &self.quote_mint)
    }

    /// The pool's net reserves (quote, underlying) as the pool computes them: vault
    /// balances minus the protocol, fund and creator fees accrued in them.
    pub fn reserves(
        &self,
        pool_data: &[u8],
        (quote_balance, underlying_balance): (u64, u64),
    ) -> Result<(u64, u64), String> {
        let view = hedge_vault::dex::read_pool(pool_data).map_err(|e| format!("pool: {e}"))?;
        let (fees_quote, fees_underlying) = if view.mint_0 == self.quote_mint {
            (view.fees_0, view.fees_1)
        } else {
            (view.fees_1, view.fees_0)
        };
        Ok((
            quote_balance.saturating_sub(fees_quote),
            underlying_balance.saturating_sub(fees_underlying),
        ))
    }

    /// Instructions that move a pool holding (`x` quote, `y` underlying) atoms to `price`
    /// quote per underlying unit; empty if it is there already. The arbitrageur holds
    /// (`held_quote`, `held_underlying`) and mints only what it lacks, so supply stays
    /// bounded over long runs.
    pub fn instructions(
        &self,
        (x, y): (u64, u64),
        price: f64,
        (held_quote, held_underlying): (u64, u64),
    ) -> Vec<Instruction> {
        let atoms_price = price * ONE_QUOTE as f64 / ONE_UNDERLYING as f64;
        let Some((sell_underlying, amount_in)) = arbitrage(x, y, atoms_price, self.fee_rate) else {
            return vec![];
        };
        let (mint, input, output, held) = if sell_underlying {
            (
                self.underlying_mint,
                self.underlying_account,
                self.quote_account,
                held_underlying,
            )
        } else {
            (
                self.quote_mint,
                self.quote_account,
                self.underlying_account,
                held_quote,
            )
        };
        let mut out = Vec::with_capacity(2);
        if held < amount_in {
            out.push(
                spl_token::instruction::mint_to(
                    &spl_token::ID,
                    &mint,
                    &input,
                    &self.authority,
                    &[],
                    amount_in - held,
                )
                .expect("static SPL Token instruction"),
            );
        }
        out.push(
            self.pool
                .swap_ix(&self.authority, &input, &output, &mint, amount_in, 0),
        );
        out
    }
}

/// The pool's vaults in (quote, underlying) order.
pub fn pool_vaults(
    pool: &Pool,
    quote_mint: &anchor_lang::prelude::Pubkey,
) -> (anchor_lang::prelude::Pubkey, anchor_lang::prelude::Pubkey) {
    if pool.mint_0 == *quote_mint {
        (pool.vault_0, pool.vault_1)
    } else {
        (pool.vault_1, pool.vault_0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbm_is_deterministic_and_has_the_right_variance() {
        let mut a = Gbm::new(0.5, 0.0, 0.0, 0.0, 7);
        let mut b = Gbm::new(0.5, 0.0, 0.0, 0.0, 7);
        assert_eq!(a.step(100.0, 0.01), b.step(100.0, 0.01));
        // Variance of log returns over many steps ≈ σ²·dt.
        let dt = 1.0 / 365.0;
        let n = 20_000;
        let mut g = Gbm::new(0.5, 0.0, 0.0, 0.0, 1);
        let rets: Vec<f64> = (0..n).map(|_| (g.step(100.0, dt) / 100.0).ln()).collect();
        let mean = rets.iter().sum::<f64>() / n as f64;
        let var = rets.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let expected = 0.25 * dt;
        assert!(
            (var / expected - 1.0).abs() < 0.05,
            "var {var} vs {expected}"
        );
    }

    #[test]
    fn arbitrage_moves_the_pool_to_the_price() {
        let (x, y) = (1_000_000_000_000u64, 10_000_000_000_000u64); // price 0.1 atom/atom
        let (sell, amount) = arbitrage(x, y, 0.11, 0).unwrap();
        assert!(!sell);
        // Pay `amount` quote: y' = k / (x + amount); price x'/y' ≈ 0.11.
        let x2 = x as f64 + amount as f64;
        let y2 = (x as f64 * y as f64) / x2;
        assert!((x2 / y2 / 0.11 - 1.0).abs() < 1e-9);
        let (sell, _) = arbitrage(x, y, 0.09, 2_500).unwrap();
        assert!(sell);
        assert_eq!(arbitrage(x, y, 0.1, 0), None);
    }

    #[test]
    fn csv_replay_parses_and_names_bad_lines() {
        let d = std::env::temp_dir().join(format!("prices-{}.csv", std::process::id()));
        std::fs::write(&d, "time,price\n0,100\n1,101.5\n").unwrap();
        assert_eq!(read_price_csv(&d).unwrap(), vec![100.0, 101.5]);
        std::fs::write(&d, "100\nabc\n").unwrap();
        assert!(read_price_csv(&d).unwrap_err().contains("line 2"));
        std::fs::write(&d, "100\n-1\n").unwrap();
        assert!(read_price_csv(&d).unwrap_err().contains("positive"));
    }
}
