//! The stateful property test through the real bank: random sequences of deposits,
//! withdrawal requests, claims and cancels, option buys and sell-backs, oracle moves
//! (with the pool arbitraged), time, rebalances, settlements, exercises, liquidations
//! and donations, sent as real transactions to the program running in
//! solana-program-test with the SPL Token bytecode and the DEX stand-in.
//!
//! Each sequence gets a fresh vault (a new vault id on the same mints, oracle and pool,
//! so the bank is started once). After every step:
//! - a failed transaction failed with a program error (a named `VaultError`, an Anchor
//!   constraint or a token-program error; never a panic) and changed no account;
//! - tokens back the books, shares add up, the book adds up;
//! - what LPs and holders can claim never exceeds the vault's assets;
//! - a deposit or a claim never lowers the value of the other LPs' shares.
//!
//! A failing sequence is shrunk. `BANK_CASES` sets the number of sequences (default
//! 300) and `BANK_SEED` the seed (fixed by default, so CI is repeatable).

use std::cell::RefCell;
use std::collections::BTreeMap;

use hedge_vault::math::money::{quote_for_shares, share_price};
use hedge_vault::oracle::OraclePrice;
use hedge_vault::state::{OptionBook, OracleKind, Position, SeriesStatus, Vault};
use hedge_vault::valuation::{self, Pricing};
use hedge_vault_tests::fixture::*;
use hedge_vault_tests::{custom_error, TokenKind};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{Keypair, Signer};

const LPS: usize = 2;
const TRADERS: usize = 2;

#[derive(Clone, Debug)]
enum Step {
    Deposit {
        lp: usize,
        amount: u64,
    },
    RequestWithdraw {
        lp: usize,
        permille: u64,
    },
    ClaimWithdraw {
        lp: usize,
    },
    CancelWithdraw {
        lp: usize,
    },
    Buy {
        trader: usize,
        series: usize,
        size: u64,
    },
    Sell {
        trader: usize,
        series: usize,
        permille: u64,
    },
    Oracle {
        bps: i64,
        arbitraged: bool,
    },
    Wait {
        seconds: i64,
        publish: bool,
    },
    Rebalance,
    Settle {
        series: usize,
    },
    Exercise {
        trader: usize,
        series: usize,
    },
    Liquidate,
    Donate {
        amount: u64,
    },
    /// `mark_series` on every active series (as a keeper does).
    Mark,
}

fn step() -> impl Strategy<Value = Step> {
    let quote = (0u32..10, 1u64..10).prop_map(|(e, m)| m * 10u64.pow(e));
    prop_oneof![
        4 => (0..LPS, quote.clone()).prop_map(|(lp, amount)| Step::Deposit { lp, amount }),
        2 => (0..LPS, 1u64..=1000).prop_map(|(lp, permille)| Step::RequestWithdraw { lp, permille }),
        2 => (0..LPS).prop_map(|lp| Step::ClaimWithdraw { lp }),
        1 => (0..LPS).prop_map(|lp| Step::CancelWithdraw { lp }),
        4 => (0..TRADERS, 0..2usize, 1u64..100_000)
            .prop_map(|(trader, series, size)| Step::Buy { trader, series, size: size * ONE_UNDERLYING / 1_000 }),
        2 => (0..TRADERS, 0..2usize, 1u64..=1000)
            .prop_map(|(trader, series, permille)| Step::Sell { trader, series, permille }),
        3 => (-2_500i64..2_500, prop::bool::weighted(0.7))
            .prop_map(|(bps, arbitraged)| Step::Oracle { bps, arbitraged }),
        // Crashes and squeezes, which push the vault toward liquidation.
        1 => (-6_000i64..6_000, prop::bool::weighted(0.8))
            .prop_map(|(bps, arbitraged)| Step::Oracle { bps, arbitraged }),
        4 => (1i64..100_000, prop::bool::weighted(0.85))
            .prop_map(|(seconds, publish)| Step::Wait { seconds, publish }),
        3 => Just(Step::Rebalance),
        2 => (0..2usize).prop_map(|series| Step::Settle { series }),
        2 => (0..TRADERS, 0..2usize).prop_map(|(trader, series)| Step::Exercise { trader, series }),
        1 => Just(Step::Liquidate),
        1 => quote.prop_map(|amount| Step::Donate { amount }),
        5 => Just(Step::Mark),
    ]
}

/// One vault and its participants inside the shared bank.
struct Case<'a> {
    f: &'a mut VaultFixture,
    keeper: &'a Keypair,
    keeper_quote: Pubkey,
    lps: Vec<User>,
    traders: Vec<User>,
    series: [u64; 2],
    /// Pending requests' shares per LP (read back from the bank too).
    requests: [Option<u64>; LPS],
    /// (trader, series id) → size, as the position accounts say.
    positions: BTreeMap<(usize, u64), u64>,
    /// The program error code of the last refused step.
    last_refusal: Option<u32>,
}

fn band_of(v: &Vault) -> OraclePrice {
    OraclePrice {
        price: v.last_price,
        conf: v.last_conf,
        expo: v.last_expo,
        publish_time: v.last_publish_time,
    }
}

/// (NAV, value per share) at the vault's last accepted price, as an exit would value it
/// (fresh marks; else liabilities at the locks, as on a stale oracle); `None` when the
/// program could not value an exit (`MarksStale`).
fn share_value(v: &Vault, book: &OptionBook, supply: u64, now: i64) -> Option<(u64, (u64, u64))> {
    let nav = exit_nav(v, book, &band_of(v), now)?;
    Some((nav, share_price(nav, supply).unwrap()))
}

fn exit_nav(v: &Vault, book: &OptionBook, band: &OraclePrice, now: i64) -> Option<u64> {
    let pricing = Pricing::for_vault(v, now);
    valuation::nav(v, book, band, &pricing)
        .or_else(|_| valuation::nav_for_exit(v, book, band, false, &pricing))
        .ok()
        .map(|n| n.nav())
}

fn not_lower(a: (u64, u64), b: (u64, u64)) -> bool {
    (a.0 as u128) * (b.1 as u128) >= (b.0 as u128) * (a.1 as u128)
}

impl Case<'_> {
    /// `lp` if it has a pending request, else the next LP that has one.
    fn lp_with_request(&self, lp: usize) -> usize {
        (0..LPS)
            .map(|k| (lp + k) % LPS)
            .find(|&i| self.requests[i].is_some())
            .unwrap_or(lp)
    }

    /// (trader, series) if held, else a held position (in a settled series first), so
    /// sells and exercises act on positions that exist more often than blind picks.
    fn position_near(&self, trader: usize, series: usize, book: &OptionBook) -> (usize, u64) {
        let key = (trader, self.series[series]);
        if self.positions.get(&key).is_some_and(|n| *n > 0) {
            return key;
        }
        let settled = |id: u64| {
            book.find(id)
                .is_ok_and(|i| book.series[i].status() == SeriesStatus::Settled)
        };
        let mut keys: Vec<_> = self.positions.keys().copied().collect();
        if keys.iter().any(|k| settled(k.1)) {
            keys.retain(|k| settled(k.1));
        }
        if keys.is_empty() {
            return key;
        }
        keys[(trader * 2 + series) % keys.len()]
    }

    fn watched(&self) -> Vec<Pubkey> {
        let mut keys = vec![self.f.underlying_vault, self.f.hedge_log, self.keeper_quote];
        for u in self.lps.iter().chain(&self.traders) {
            keys.push(u.quote);
            keys.push(u.shares);
            keys.push(self.f.withdrawal_pda(&u.key()));
            for id in self.series {
                keys.push(self.f.position_pda(id, &u.key()));
            }
        }
        keys
    }

    /// Sends one step. Ok(true) when it landed, Ok(false) when the program refused it
    /// (checked to have changed nothing), Err when an invariant broke.
    async fn apply(&mut self, step: &Step) -> Result<bool, String> {
        let watched = self.watched();
        // Who acts: picked before the fixture is borrowed for sending.
        let book_now = self.f.book_state().await;
        let (lp_pick, position) = match *step {
            Step::RequestWithdraw { lp, .. } => (
                (0..LPS)
                    .map(|k| (lp + k) % LPS)
                    .find(|&i| self.requests[i].is_none())
                    .unwrap_or(lp),
                (0, 0),
            ),
            Step::ClaimWithdraw { lp } | Step::CancelWithdraw { lp } => {
                (self.lp_with_request(lp), (0, 0))
            }
            Step::Sell { trader, series, .. } | Step::Exercise { trader, series } => {
                (0, self.position_near(trader, series, &book_now))
            }
            _ => (0, (0, 0)),
        };
        let f = &mut *self.f;
        let before = f.snapshot(&watched).await;
        let (v0, book0, supply0) = (
            f.vault_state().await,
            f.book_state().await,
            f.share_supply().await,
        );
        let result = match *step {
            Step::Deposit { lp, amount } => {
                let lp = &self.lps[lp];
                f.env
                    .mint_to(f.quote_mint, lp.quote, amount, TokenKind::Spl)
                    .await;
                let snap = f.snapshot(&watched).await;
                let r = f.deposit(lp, amount).await;
                if r.is_err() {
                    return self.refused(r, snap).await;
                }
                r
            }
            Step::RequestWithdraw { lp, permille } => {
                let _ = lp;
                let u = &self.lps[lp_pick];
                let held = f.balance(u.shares).await;
                let shares = (held as u128 * permille as u128 / 1000) as u64;
                f.request_withdraw(u, shares).await
            }
            Step::ClaimWithdraw { .. } => f.claim_withdraw(&self.lps[lp_pick]).await,
            Step::CancelWithdraw { .. } => f.cancel_withdraw(&self.lps[lp_pick]).await,
            Step::Buy {
                trader,
                series,
                size,
            } => {
                f.buy(&self.traders[trader], self.series[series], size, u64::MAX)
                    .await
            }
            Step::Sell {
                trader,
                series,
                permille,
            } => {
                let _ = (trader, series);
                let (trader, id) = position;
                let held = self.positions.get(&(trader, id)).copied().unwrap_or(0);
                let size = ((held as u128 * permille as u128 / 1000) as u64).max(1);
                f.sell(&self.traders[trader], id, size, 0).await
            }
            Step::Oracle { bps, arbitraged } => {
                let p = (f.oracle_state.price as i128 * (10_000 + bps as i128) / 10_000)
                    .clamp(px(5.0) as i128, px(2_000.0) as i128) as i64;
                f.set_price(p).await;
                if arbitraged {
                    arbitrage(f).await;
                }
                return Ok(true);
            }
            Step::Wait { seconds, publish } => {
                // A wait that crosses an expiry ends there (a settlement bot's wake-up).
                let mut to = f.now + seconds;
                for s in book0.active() {
                    if s.expiry > f.now && s.expiry < to {
                        to = s.expiry;
                    }
                }
                f.set_time(to).await;
                if publish {
                    let p = f.oracle_state.price;
                    f.set_price(p).await;
                }
                return Ok(true);
            }
            Step::Rebalance => f.rebalance(self.keeper, Some(self.keeper_quote)).await,
            Step::Settle { series } => {
                // A settlement bot settles what has expired: prefer an expired series.
                let expired = |id: &u64| {
                    book_now.find(*id).is_ok_and(|i| {
                        let s = &book_now.series[i];
                        s.status() == SeriesStatus::Active && s.expiry <= f.now
                    })
                };
                let id = [self.series[series], self.series[1 - series]]
                    .into_iter()
                    .find(expired)
                    .unwrap_or(self.series[series]);
                f.settle(id).await
            }
            Step::Exercise { trader, series } => {
                let _ = (trader, series);
                let (trader, id) = position;
                f.exercise(&self.traders[trader], id).await
            }
            Step::Liquidate => {
                // As a keeper: re-mark the active series, then liquidate, in one transaction.
                let mut ixs = Vec::new();
                let ids: Vec<u64> = book_now.active().map(|s| s.series_id).collect();
                if !ids.is_empty() {
                    ixs.push(f.mark_series_ix(&self.keeper.pubkey(), &ids));
                }
                ixs.push(f.liquidate_ix(&self.keeper.pubkey(), Some(self.keeper_quote)));
                f.env.send(&ixs, &[self.keeper]).await
            }
            Step::Mark => {
                let ids: Vec<u64> = book_now.active().map(|s| s.series_id).collect();
                if ids.is_empty() {
                    return Ok(true);
                }
                f.mark_series(&ids).await
            }
            Step::Donate { amount } => {
                let donor = &self.traders[0];
                f.env
                    .mint_to(f.quote_mint, donor.quote, amount, TokenKind::Spl)
                    .await;
                let (q, vault_q) = (donor.quote, f.quote_vault);
                f.env
                    .transfer_tokens(q, vault_q, &donor.kp, amount, TokenKind::Spl)
                    .await;
                return Ok(true);
            }
        };
        if result.is_err() {
            return self.refused(result, before).await;
        }
        self.after_success(step, &v0, &book0, supply0).await?;
        Ok(true)
    }

    /// A refusal must be a program error and must leave every account as it was.
    async fn refused(
        &mut self,
        result: Result<(), solana_program_test::BanksClientError>,
        before: Vec<Option<solana_sdk::account::Account>>,
    ) -> Result<bool, String> {
        self.last_refusal = custom_error(&result);
        if custom_error(&result).is_none() {
            return Err(format!(
                "INVARIANT: not a program error (a panic?): {result:?}"
            ));
        }
        let watched = self.watched();
        if self.f.snapshot(&watched).await != before {
            return Err(format!(
                "INVARIANT: a refused step changed accounts: {result:?}"
            ));
        }
        Ok(false)
    }

    async fn after_success(
        &mut self,
        step: &Step,
        v0: &Vault,
        book0: &OptionBook,
        supply0: u64,
    ) -> Result<(), String> {
        let f = &mut *self.f;
        let (v1, book1, supply1) = (
            f.vault_state().await,
            f.book_state().await,
            f.share_supply().await,
        );
        match *step {
            Step::Deposit { .. } | Step::ClaimWithdraw { .. } => {
                // Valued at the price this step accepted, before and after: the other
                // LPs' shares never lose value.
                let band_now = band_of(&v1);
                let nav0 = exit_nav(v0, book0, &band_now, f.now).ok_or(format!(
                    "INVARIANT: {step:?} landed without an exit NAV before it"
                ))?;
                let (_, p1) = share_value(&v1, &book1, supply1, f.now)
                    .ok_or(format!("INVARIANT: no exit NAV right after {step:?}"))?;
                let p0 = share_price(nav0, supply0).unwrap();
                if !not_lower(p1, p0) {
                    return Err(format!(
                        "INVARIANT: {step:?} lowered the share value {p0:?} → {p1:?}"
                    ));
                }
            }
            _ => {}
        }
        // Track requests and positions from the bank.
        for (i, lp) in self.lps.iter().enumerate() {
            self.requests[i] = f.withdraw_request(&lp.key()).await.map(|r| r.shares);
        }
        self.positions.clear();
        for (t, u) in self.traders.iter().enumerate() {
            for id in self.series {
                let key = f.position_pda(id, &u.key());
                if let Some(acc) = f.env.account(key).await {
                    let p: Position =
                        anchor_lang::AccountDeserialize::try_deserialize(&mut &acc.data[..])
                            .unwrap();
                    self.positions.insert((t, id), p.size);
                }
            }
        }
        Ok(())
    }

    /// The invariants, after every step.
    async fn check(&mut self) -> Result<(), String> {
        let f = &mut *self.f;
        let v = f.vault_state().await;
        let book = f.book_state().await;
        let supply = f.share_supply().await;
        let quote_tokens = f.balance(f.quote_vault).await;
        let underlying_tokens = f.balance(f.underlying_vault).await;
        if quote_tokens < v.quote_assets || underlying_tokens < v.underlying_assets {
            return Err(format!(
                "tokens {quote_tokens}/{underlying_tokens} below books {}/{}",
                v.quote_assets, v.underlying_assets
            ));
        }
        let escrow = f.balance(f.share_escrow).await;
        let pending: u64 = self.requests.iter().flatten().sum();
        if escrow != v.escrowed_shares || pending != escrow {
            return Err(format!(
                "escrow {escrow} books {} requests {pending}",
                v.escrowed_shares
            ));
        }
        let mut held = 0;
        for lp in &self.lps {
            held += f.balance(lp.shares).await;
        }
        if held + escrow != supply {
            return Err(format!("supply {supply} ≠ held {held} + escrow {escrow}"));
        }
        let (mut locked, mut owed) = (0u64, 0u64);
        for s in book
            .series
            .iter()
            .filter(|s| s.status() != SeriesStatus::Empty)
        {
            let oi: u64 = self
                .positions
                .iter()
                .filter(|((_, id), _)| *id == s.series_id)
                .map(|(_, n)| *n)
                .sum();
            if oi != s.open_interest {
                return Err(format!(
                    "series {} oi {} positions {oi}",
                    s.series_id, s.open_interest
                ));
            }
            locked += s.locked_quote;
            owed += s.payout_remaining;
        }
        if locked != v.locked_quote || owed != v.settled_payouts_owed {
            return Err(format!(
                "locks {locked}/{} owed {owed}/{}",
                v.locked_quote, v.settled_payouts_owed
            ));
        }
        // The book's sums are exactly the sum of the series' shares.
        if book.summary.agg.get() != valuation::recomputed_sums(&v, &book).unwrap() {
            return Err("INVARIANT: the book's sums differ from a recomputation".into());
        }
        if v.last_price > 0 {
            let pricing = Pricing::for_vault(&v, f.now);
            let total = valuation::total_collateral(&v, &band_of(&v), &pricing).unwrap();
            let Some((nav, price)) = share_value(&v, &book, supply, f.now) else {
                return Ok(());
            };
            let mut lp_claims = 0u128;
            for (i, lp) in self.lps.iter().enumerate() {
                let shares = f.balance(lp.shares).await + self.requests[i].unwrap_or(0);
                lp_claims += quote_for_shares(shares, price).unwrap() as u128;
            }
            if nav > 0 && lp_claims + v.settled_payouts_owed as u128 > total as u128 {
                return Err(format!(
                    "claims {lp_claims} + owed {} > assets {total}",
                    v.settled_payouts_owed
                ));
            }
        }
        Ok(())
    }
}

/// Outcome counts per step kind.
#[derive(Default)]
struct Tally {
    landed: BTreeMap<String, u64>,
    refused: BTreeMap<String, u64>,
    sequences: u64,
}

fn kind(s: &Step) -> String {
    format!("{s:?}")
        .split([' ', '{'])
        .next()
        .unwrap()
        .to_string()
}

async fn run_case(
    f: &mut VaultFixture,
    keeper: &Keypair,
    keeper_quote: Pubkey,
    vault_id: u16,
    steps: &[Step],
    tally: &mut Tally,
) -> Result<(), TestCaseError> {
    // A fresh vault on the shared mints, oracle and pool.
    f.retarget(vault_id);
    f.advance(60).await;
    let p = f.oracle_state.price;
    f.set_price(p).await;
    let authority = f.authority.pubkey();
    f.env.airdrop(&authority, 5_000_000_000).await;
    // Margins close together, so ordinary moves reach liquidation within a sequence.
    let risk = hedge_vault::state::RiskParams {
        initial_margin_bps: 14_000,
        maintenance_margin_bps: 13_500,
        target_margin_bps: 15_000,
        ..test_risk()
    };
    f.initialize(vault_id, risk).await.expect("initialize");
    arbitrage(f).await;
    f.add_keeper(&keeper.pubkey()).await;
    let strike = (p as f64 / 1e8).round();
    let series = [
        f.list_series(true, strike, 1, 600_000).await,
        f.list_series(false, strike, 2, 600_000).await,
    ];
    let mut lps = Vec::new();
    for _ in 0..LPS {
        lps.push(f.user(0).await);
    }
    let mut traders = Vec::new();
    for _ in 0..TRADERS {
        traders.push(f.user(1_000_000 * ONE_QUOTE).await);
    }
    // An opening LP, as a live vault has.
    f.env
        .mint_to(
            f.quote_mint,
            lps[0].quote,
            100_000 * ONE_QUOTE,
            TokenKind::Spl,
        )
        .await;
    f.deposit(&lps[0], 5_000 * ONE_QUOTE)
        .await
        .expect("opening deposit");
    let mut case = Case {
        f,
        keeper,
        keeper_quote,
        lps,
        traders,
        series,
        requests: [None; LPS],
        positions: BTreeMap::new(),
        last_refusal: None,
    };
    tally.sequences += 1;
    for (i, s) in steps.iter().enumerate() {
        let landed = case
            .apply(s)
            .await
            .map_err(|m| TestCaseError::fail(format!("step {i} {s:?}: {m}")))?;
        if landed {
            *tally.landed.entry(kind(s)).or_default() += 1;
        } else {
            let code = case.last_refusal.unwrap_or(0);
            *tally
                .refused
                .entry(format!("{} {}", kind(s), error_name(code)))
                .or_default() += 1;
        }
        case.check()
            .await
            .map_err(|m| TestCaseError::fail(format!("after step {i} {s:?}: {m}")))?;
    }
    Ok(())
}

/// A program error's name from the committed IDL (other programs' codes by number).
fn error_name(code: u32) -> String {
    static IDL: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    let idl = IDL.get_or_init(|| {
        let text = include_str!("../../programs/hedge_vault/idl/hedge_vault.json");
        serde_json::from_str(text).unwrap()
    });
    idl["errors"]
        .as_array()
        .and_then(|errors| errors.iter().find(|e| e["code"] == code))
        .and_then(|e| e["name"].as_str())
        .map(str::to_string)
        .unwrap_or_else(|| format!("code {code}"))
}

/// Arbitrages the pool to the oracle unless it is already within 0.1%.
async fn arbitrage(f: &mut VaultFixture) {
    let (q, u) = if f.pool.mint_0 == f.quote_mint {
        (f.pool.vault_0, f.pool.vault_1)
    } else {
        (f.pool.vault_1, f.pool.vault_0)
    };
    let pool = f.balance(q).await as f64 / f.balance(u).await as f64 * 1e3;
    let target = f.oracle_state.price as f64 / 1e8;
    if (pool / target - 1.0).abs() > 0.001 {
        f.arb_pool_to(target).await;
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_sequences_through_the_bank() {
    let cases = env_u64("BANK_CASES", 300) as u32;
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&env_u64("BANK_SEED", 20_261_124).to_le_bytes());
    let config = Config {
        cases,
        max_shrink_iters: 200,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (f, keeper, keeper_quote) = rt.block_on(async {
        let mut f = VaultFixture::uninitialized(OracleKind::PythLegacy, TokenKind::Spl).await;
        f.env.unique_sends = Some(0);
        let keeper = Keypair::new();
        (f, keeper, Pubkey::default())
    });
    let state = RefCell::new((f, 0u16, Tally::default(), keeper_quote));
    let outcome = runner.run(&prop::collection::vec(step(), 8..32), |steps| {
        let mut st = state.borrow_mut();
        let (f, next_id, tally, keeper_quote) = &mut *st;
        *next_id += 1;
        let id = *next_id;
        rt.block_on(async {
            if *keeper_quote == Pubkey::default() {
                f.env.airdrop(&keeper.pubkey(), 10_000_000_000).await;
                *keeper_quote = f
                    .env
                    .create_token_account(f.quote_mint, keeper.pubkey(), TokenKind::Spl)
                    .await;
            }
            run_case(f, &keeper, *keeper_quote, id, &steps, tally).await
        })
    });
    let (_, _, tally, _) = state.into_inner();
    println!("{} sequences through the bank", tally.sequences);
    for (k, n) in &tally.landed {
        println!("  landed {k}: {n}");
    }
    for (k, n) in &tally.refused {
        println!("  refused {k}: {n}");
    }
    if let Err(e) = outcome {
        panic!("{e}");
    }
    assert!(tally.sequences >= cases as u64);
    for k in [
        "Deposit",
        "RequestWithdraw",
        "ClaimWithdraw",
        "CancelWithdraw",
        "Buy",
        "Sell",
        "Rebalance",
        "Settle",
        "Exercise",
        "Mark",
    ] {
        assert!(
            tally.landed.get(k).copied().unwrap_or(0) > 0,
            "no {k} landed"
        );
    }
}
