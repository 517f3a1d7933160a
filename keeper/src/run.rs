//! `hedge-keeper run`: the loop. Each cycle first follows the transactions still in
//! flight (statuses, rebroadcast, expiry), then makes one batched `getMultipleAccounts`
//! at `confirmed` (≤ 100 keys per call) for the Clock, the fee payer and every vault
//! with its book, oracle, pool, pool config and pool vaults, asks
//! [`decision::decide`] what each vault needs, and sends it through
//! [`send`](crate::send). A vault with a transaction in flight gets no other until that
//! one is final (landed, refused, or its blockhash expired), so no action is ever
//! executed twice. Failures are classified ([`errors::classify`]) and tracked per vault
//! and action; an oracle update seen on the websocket starts a cycle early (never
//! during a back-off).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anchor_lang::prelude::Pubkey;
use hedge_vault::state::Vault;
use hedge_vault_client::ix::{self as builders, HedgeAccounts};
use hedge_vault_client::pool::{self, PoolError};
use solana_sdk::account::Account;
use solana_sdk::clock::Clock;
use solana_sdk::commitment_config::CommitmentConfig;
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::{Signature, Signer};
use tokio::sync::{watch, Notify};
use tracing::{debug, info, warn};

use crate::config::{redact_url, scrub, Config, ConfigError};
use crate::decision::{self, Action, Assessment, Fetched, Idle, Inputs};
use crate::endpoints::Endpoints;
use crate::errors::{self, Class, ErrorTracking};
use crate::metrics::{FailureLabels, Metrics, VaultLabels};
use crate::send::{InFlight, SendOutcome, Sender, Simulated};

/// A burst of this many failures of one action on one vault skips that action for
/// [`SKIP_FOR`]; failures lose half their weight every [`FAILURE_HALF_LIFE`].
pub const SKIP_AFTER_FAILURES: u32 = 5;
pub const SKIP_FOR: Duration = Duration::from_secs(60);
pub const FAILURE_HALF_LIFE: Duration = Duration::from_secs(120);
/// Backoff after RPC or transport errors: base and cap.
pub const BACKOFF_BASE: Duration = Duration::from_millis(500);
pub const BACKOFF_CAP: Duration = Duration::from_secs(30);
/// The soonest a websocket wake-up may start a cycle after the previous one started.
pub const MIN_WAKE_GAP: Duration = Duration::from_millis(200);
/// `getMultipleAccounts` accepts at most 100 keys.
pub const MAX_KEYS_PER_CALL: usize = 100;

/// The accounts a vault links to, as last read (fetched in the same batch).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Linked {
    book: Pubkey,
    oracle: Pubkey,
    pool: Pubkey,
    /// From the pool account (default until it has been read).
    amm_config: Pubkey,
    pool_quote_vault: Pubkey,
    pool_underlying_vault: Pubkey,
}

impl Linked {
    fn keys(&self) -> [Pubkey; 6] {
        [
            self.book,
            self.oracle,
            self.pool,
            self.amm_config,
            self.pool_quote_vault,
            self.pool_underlying_vault,
        ]
    }
}

/// One watched vault: its address and what does not change between cycles.
struct Watched {
    key: Pubkey,
    quote_program: Pubkey,
    underlying_program: Pubkey,
    /// Where a bounty goes: the keeper's quote ATA (created at start when needed).
    bounty_account: Pubkey,
    registered: bool,
    linked: Linked,
}

/// What one cycle did, per vault (for logs and tests).
#[derive(Clone, Debug, PartialEq)]
pub enum VaultOutcome {
    /// This action failed repeatedly and is skipped for a while.
    Skipped(&'static str),
    Idle(Idle),
    /// `--dry-run`: what would be sent and what the simulation said.
    DryRun(Action, Simulated),
    /// Sent and not confirmed yet.
    Sent(Action, Signature),
    /// A transaction of this vault is still in flight: nothing new is signed.
    InFlight(&'static str),
    Landed(Action),
    Failed(Action, Class),
    /// Its blockhash expired before it landed; the action may be sent again.
    Expired(&'static str),
    Unreadable(String),
}

/// `hedge-keeper status`: one vault as this keeper sees it, and what it would do.
#[derive(Clone, Debug)]
pub struct StatusReport {
    pub vault: Pubkey,
    pub keeper: Pubkey,
    pub slot: u64,
    pub now: i64,
    pub registered: bool,
    pub bounty_account: Pubkey,
    pub bounty_account_exists: bool,
    pub fee_payer_lamports: u64,
    pub paused: u32,
    pub unwind: bool,
    pub oracle_age_s: Option<i64>,
    pub last_hedge_age_s: Option<i64>,
    pub keeper_grace_s: u64,
    pub assessment: Option<Assessment>,
    pub action: Action,
}

/// Names of the pause bits that are set.
pub fn pause_names(bits: u32) -> Vec<&'static str> {
    use hedge_vault::state::pause as p;
    [
        (p::DEPOSIT, "deposit"),
        (p::REQUEST_WITHDRAW, "request_withdraw"),
        (p::CLAIM_WITHDRAW, "claim_withdraw"),
        (p::BUY_OPTION, "buy_option"),
        (p::SELL_OPTION, "sell_option"),
        (p::SETTLE_SERIES, "settle_series"),
        (p::EXERCISE, "exercise"),
        (p::REBALANCE, "rebalance"),
        (p::LIQUIDATE, "liquidate"),
    ]
    .into_iter()
    .filter(|(b, _)| bits & b != 0)
    .map(|(_, n)| n)
    .collect()
}

impl std::fmt::Display for StatusReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = |v: Option<i64>| v.map_or("unknown".to_string(), |s| format!("{s} s"));
        writeln!(f, "vault            {}", self.vault)?;
        writeln!(
            f,
            "slot             {} (confirmed), clock {}",
            self.slot, self.now
        )?;
        match self.assessment {
            Some(a) => {
                writeln!(
                    f,
                    "net delta        {:.0} atoms (band ±{:.0})",
                    a.delta, a.band
                )?;
                writeln!(
                    f,
                    "health           {:.4} (stressed assets / liabilities)",
                    a.health
                )?;
            }
            None => writeln!(
                f,
                "net delta        unknown (no usable oracle price or marks)"
            )?,
        }
        writeln!(f, "oracle age       {}", secs(self.oracle_age_s))?;
        writeln!(
            f,
            "last hedge       {} ago (keeper grace {} s)",
            secs(self.last_hedge_age_s),
            self.keeper_grace_s
        )?;
        let paused = pause_names(self.paused);
        writeln!(
            f,
            "paused           {}",
            if paused.is_empty() {
                "nothing".to_string()
            } else {
                paused.join(", ")
            }
        )?;
        writeln!(
            f,
            "unwind           {}",
            if self.unwind { "yes" } else { "no" }
        )?;
        writeln!(
            f,
            "keeper           {} ({})",
            self.keeper,
            if self.registered {
                "registered"
            } else {
                "not registered: fallback only"
            }
        )?;
        writeln!(
            f,
            "bounty account   {} ({})",
            self.bounty_account,
            if self.bounty_account_exists {
                "exists"
            } else {
                "missing: `run` creates it"
            }
        )?;
        writeln!(f, "fee payer        {} lamports", self.fee_payer_lamports)?;
        match self.action {
            Action::Nothing(why) => write!(f, "would do         nothing: {why}"),
            a => write!(f, "would do         {} ({a:?})", a.name()),
        }
    }
}

/// One vault as read and decided in a cycle.
struct View {
    vault: Vault,
    pool_acc: Option<Account>,
    action: Action,
    assessment: Option<Assessment>,
    publish: Option<(i64, u64)>,
}

/// A sent transaction the keeper follows.
struct Tracked {
    action: Action,
    vault: Pubkey,
    flight: InFlight,
    /// (publish time, publish slot) of the oracle the decision read (reaction time).
    publish: Option<(i64, u64)>,
}

/// One vault's transaction, decided and built, to be sent (cycles send these
/// concurrently, at most `max_concurrent_sends` at once).
struct Plan {
    key: Pubkey,
    action: Action,
    ix: Instruction,
    /// The writable accounts whose recent fees set the bid.
    fee_accounts: [Pubkey; 2],
    expiries: u32,
    publish: Option<(i64, u64)>,
}

/// What sending a [`Plan`] gave (moved once per vault and cycle: not worth a box).
#[allow(clippy::large_enum_variant)]
enum Sent {
    DryRun(Simulated),
    Real(SendOutcome, Option<InFlight>),
}

pub struct Keeper {
    ep: Arc<Endpoints>,
    config: Config,
    metrics: Arc<Metrics>,
    sender: Sender,
    vaults: Vec<Watched>,
    tracking: ErrorTracking,
    in_flight: HashMap<Pubkey, Tracked>,
    /// Expiries per (vault, action) since its last success: the fee escalates.
    expiries: HashMap<(Pubkey, &'static str), u32>,
    started: Instant,
    transport_failures: u32,
    /// The newest slot a batched read answered at (the next read's `minContextSlot`).
    seen_slot: u64,
}

fn cfg_err(key: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        key,
        problem: problem.into(),
    }
}

/// The configured endpoints (primary first), each call with the configured deadline,
/// at `confirmed`.
pub fn endpoints(config: &Config) -> Endpoints {
    let mut urls = vec![config.rpc_url.clone()];
    urls.extend(config.rpc_fallback_urls.iter().cloned());
    Endpoints::new(&urls, config.rpc_timeout)
}

/// The bounty account a keeper's key uses on a vault of `quote_mint`.
pub fn bounty_account(keeper: &Pubkey, quote_mint: &Pubkey, quote_program: &Pubkey) -> Pubkey {
    spl_associated_token_account::get_associated_token_address_with_program_id(
        keeper,
        quote_mint,
        quote_program,
    )
}

impl Keeper {
    /// Checks the endpoint and every vault before the loop starts: an unreachable RPC, a
    /// missing account or one that is not a vault fails here, naming the key. The
    /// keeper's bounty account (its quote ATA) is created, idempotently, if missing (in
    /// a dry run it is only reported).
    pub async fn connect(config: Config, metrics: Arc<Metrics>) -> Result<Self, ConfigError> {
        let ep = Arc::new(endpoints(&config));
        // Every endpoint is asked once: one that is down is named in the log (the
        // keeper starts on the others); all down is a configuration error.
        let mut reachable = 0;
        let mut last = String::new();
        for (i, rpc) in ep.all().enumerate() {
            match rpc.get_version().await {
                Ok(_) => reachable += 1,
                Err(e) => {
                    let url = if i == 0 {
                        &config.rpc_url
                    } else {
                        &config.rpc_fallback_urls[i - 1]
                    };
                    last = scrub(&format!("{} is unreachable: {e}", redact_url(url)), url);
                    warn!(error = %last, "RPC endpoint unreachable at start");
                }
            }
        }
        if reachable == 0 {
            let key = if ep.len() > 1 {
                "rpc_fallback_urls"
            } else {
                "rpc_url"
            };
            return Err(cfg_err(key, format!("no endpoint answers: {last}")));
        }
        let me = config.keypair.pubkey();
        let mut sender = Sender::new(ep.clone(), config.priority_fee);
        if let crate::config::SendPath::Bundle { url, tip_lamports } = &config.send_path {
            let b = crate::send::Bundles::connect(url, *tip_lamports, config.rpc_timeout)
                .await
                .map_err(|e| cfg_err("bundle_url", e))?;
            info!(
                engine = %redact_url(url),
                tip_accounts = b.tip_accounts().len(),
                "sending through the block engine's bundles"
            );
            sender = sender.with_bundles(b);
        }
        let mut vaults = Vec::new();
        for key in &config.vaults {
            let account = ep
                .call("getAccountInfo", |rpc| async move {
                    rpc.get_account_with_commitment(key, CommitmentConfig::confirmed())
                        .await
                })
                .await
                .map_err(|e| cfg_err("rpc_url", format!("reading vault {key}: {e}")))?
                .value
                .ok_or_else(|| cfg_err("vaults", format!("{key} does not exist")))?;
            let vault = read_vault(key, &account)
                .map_err(|e| cfg_err("vaults", format!("{key} is not a hedge vault: {e}")))?;
            let pair = [vault.quote_mint, vault.underlying_mint];
            let mints = ep
                .call("getMultipleAccounts", |rpc| async move {
                    rpc.get_multiple_accounts(&pair).await
                })
                .await
                .map_err(|e| cfg_err("rpc_url", format!("reading mints: {e}")))?;
            let owner = |i: usize| {
                mints
                    .get(i)
                    .and_then(|m| m.as_ref())
                    .map(|a| a.owner)
                    .ok_or_else(|| cfg_err("vaults", format!("{key}: a mint is missing")))
            };
            let quote_program = owner(0)?;
            let underlying_program = owner(1)?;
            let ata = bounty_account(&me, &vault.quote_mint, &quote_program);
            let exists = ep
                .call("getAccountInfo", |rpc| async move {
                    rpc.get_account_with_commitment(&ata, CommitmentConfig::confirmed())
                        .await
                })
                .await
                .map_err(|e| cfg_err("rpc_url", format!("reading {ata}: {e}")))?
                .value
                .is_some();
            // Created whether or not the vault pays bounties now: `liquidate` and the
            // fallback name the account either way, and governance may turn bounties on.
            if !exists {
                if config.dry_run {
                    warn!(vault = %key, account = %ata, "dry run: the bounty account is missing and would be created");
                } else {
                    ensure_bounty_account(&sender, &config, &vault, &quote_program, &ata).await?;
                }
            }
            let registered = vault.is_keeper(&me);
            if !registered {
                warn!(
                    vault = %key,
                    keeper = %me,
                    "not a registered keeper: watch-only (the permissionless fallback and settlement stay open)"
                );
            }
            vaults.push(Watched {
                key: *key,
                quote_program,
                underlying_program,
                bounty_account: ata,
                registered,
                linked: Linked {
                    book: vault.book,
                    oracle: vault.oracle,
                    pool: vault.dex_pool,
                    ..Linked::default()
                },
            });
        }
        Ok(Self {
            ep,
            config,
            metrics,
            sender,
            vaults,
            tracking: ErrorTracking::new(SKIP_AFTER_FAILURES, FAILURE_HALF_LIFE, SKIP_FOR),
            in_flight: HashMap::new(),
            expiries: HashMap::new(),
            started: Instant::now(),
            transport_failures: 0,
            seen_slot: 0,
        })
    }

    /// True if this keeper's key is registered on `vault`.
    pub fn is_registered(&self, vault: &Pubkey) -> bool {
        self.vaults.iter().any(|w| w.key == *vault && w.registered)
    }

    /// The bounty account used on `vault`.
    pub fn bounty_account_of(&self, vault: &Pubkey) -> Option<Pubkey> {
        self.vaults
            .iter()
            .find(|w| w.key == *vault)
            .map(|w| w.bounty_account)
    }

    /// Oracles of the watched vaults (the websocket watches them).
    fn oracles(&self) -> Vec<Pubkey> {
        self.vaults.iter().map(|w| w.linked.oracle).collect()
    }

    /// One vault's state and the keeper's decision, for `hedge-keeper status`: reads
    /// the same batch a cycle reads (twice at most: the first read learns the pool's
    /// accounts) and decides, sending nothing.
    pub async fn status(&mut self, vault: &Pubkey) -> Result<StatusReport, String> {
        let i = self
            .vaults
            .iter()
            .position(|w| w.key == *vault)
            .ok_or_else(|| format!("{vault} is not watched"))?;
        for _ in 0..3 {
            let me = self.config.keypair.pubkey();
            let w = &self.vaults[i];
            let mut keys = vec![solana_sdk::sysvar::clock::ID, w.bounty_account, me, w.key];
            keys.extend(
                w.linked
                    .keys()
                    .into_iter()
                    .filter(|k| *k != Pubkey::default()),
            );
            let (fetched, slot) = self.fetch(&keys).await?;
            let clock: Clock = fetched[0]
                .as_ref()
                .and_then(|a| bincode::deserialize(&a.data).ok())
                .ok_or("the Clock sysvar could not be read")?;
            let bounty_exists = fetched[1].is_some();
            let balance = fetched[2].as_ref().map_or(0, |a| a.lamports);
            let by_key: HashMap<Pubkey, Option<Account>> = keys.into_iter().zip(fetched).collect();
            match self.view(i, &by_key, &clock) {
                Ok(v) => {
                    let w = &self.vaults[i];
                    return Ok(StatusReport {
                        vault: w.key,
                        keeper: me,
                        slot,
                        now: clock.unix_timestamp,
                        registered: w.registered,
                        bounty_account: w.bounty_account,
                        bounty_account_exists: bounty_exists,
                        fee_payer_lamports: balance,
                        paused: v.vault.paused,
                        unwind: v.vault.unwind == 1,
                        oracle_age_s: v.publish.map(|(t, _)| clock.unix_timestamp - t),
                        last_hedge_age_s: (v.vault.last_hedge_time > 0)
                            .then(|| clock.unix_timestamp - v.vault.last_hedge_time),
                        keeper_grace_s: v.vault.risk.keeper_grace_s,
                        assessment: v.assessment,
                        action: v.action,
                    });
                }
                Err(VaultOutcome::Unreadable(why))
                    if why.contains("next cycle") || why.contains("re-reading") =>
                {
                    continue
                }
                Err(o) => return Err(format!("{o:?}")),
            }
        }
        Err("the vault's linked accounts keep changing".into())
    }

    /// Transactions still in flight.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// One cycle over every vault. `Err` only for transport failures of the batched read.
    pub async fn cycle(&mut self) -> Result<Vec<(Pubkey, VaultOutcome)>, String> {
        self.metrics.cycles.inc();
        let mut out = self.follow_in_flight().await;

        // One batch: the Clock, the fee payer, then each vault with what it links to.
        let me = self.config.keypair.pubkey();
        let mut keys = vec![solana_sdk::sysvar::clock::ID, me];
        for w in &self.vaults {
            keys.push(w.key);
            keys.extend(
                w.linked
                    .keys()
                    .into_iter()
                    .filter(|k| *k != Pubkey::default()),
            );
        }
        let (fetched, slot) = self.fetch(&keys).await?;
        let clock: Clock = fetched[0]
            .as_ref()
            .and_then(|a| bincode::deserialize(&a.data).ok())
            .ok_or("the Clock sysvar could not be read")?;
        let balance = fetched[1].as_ref().map_or(0, |a| a.lamports);
        self.metrics.balance.set(balance as f64);
        {
            let mut h = self
                .metrics
                .status
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            h.previous_slot = h.slot;
            h.slot = slot;
            h.last_good_cycle = unix_now();
            h.fee_payer_lamports = balance;
            h.rpc_endpoint = self.ep.active_url();
            h.rpc_failovers = self.ep.failovers();
            h.priority_fees_last_hour = self.sender.priority_fees_signed_last_hour();
        }
        let by_key: HashMap<Pubkey, Option<Account>> = keys.into_iter().zip(fetched).collect();

        // Decide every vault, then send what is due concurrently (bounded): one slow
        // confirmation does not hold back the other vaults.
        let mut plans = Vec::new();
        for i in 0..self.vaults.len() {
            let key = self.vaults[i].key;
            if out.iter().any(|(k, _)| *k == key) {
                // This cycle already reported its transaction (landed, failed, expired).
                continue;
            }
            if let Some(t) = self.in_flight.get(&key) {
                out.push((key, VaultOutcome::InFlight(t.action.name())));
                continue;
            }
            match self.plan(i, &by_key, &clock) {
                Ok(p) => plans.push(p),
                Err(o) => out.push((key, o)),
            }
        }
        let sent = self.send_all(plans).await;
        for (plan, result) in sent {
            let key = plan.key;
            let o = self.book(plan, result);
            out.push((key, o));
        }
        Ok(out)
    }

    /// Sends (or, in a dry run, simulates) every plan, at most `max_concurrent_sends`
    /// at once.
    async fn send_all(&self, plans: Vec<Plan>) -> Vec<(Plan, Sent)> {
        let (sender, payer, dry_run) = (&self.sender, &self.config.keypair, self.config.dry_run);
        bounded(plans, self.config.max_concurrent_sends, |p| async move {
            let ixs = std::slice::from_ref(&p.ix);
            let sent = if dry_run {
                Sent::DryRun(sender.simulate(ixs, payer).await)
            } else {
                let mut flight = None;
                let o = sender
                    .send(
                        ixs,
                        payer,
                        &p.fee_accounts,
                        builders::cu_budget(p.action.name()),
                        p.expiries,
                        &mut flight,
                    )
                    .await;
                Sent::Real(o, flight)
            };
            (p, sent)
        })
        .await
    }

    /// The most transactions that were being sent at once.
    pub fn peak_concurrent_sends(&self) -> usize {
        self.sender.peak_concurrent_sends()
    }

    /// The endpoint in use (redacted) and how many failovers there were.
    pub fn endpoint(&self) -> (String, u64) {
        (self.ep.active_url(), self.ep.failovers())
    }

    /// Follows every transaction in flight (concurrently, bounded like sends): final
    /// ones are reported and removed.
    async fn follow_in_flight(&mut self) -> Vec<(Pubkey, VaultOutcome)> {
        let tracked: Vec<Tracked> = self.in_flight.drain().map(|(_, t)| t).collect();
        let sender = &self.sender;
        let checked = bounded(
            tracked,
            self.config.max_concurrent_sends,
            |mut t| async move {
                let result = sender.check(&mut t.flight).await;
                (t, result)
            },
        )
        .await;
        let mut out = Vec::new();
        for (t, result) in checked {
            match result {
                SendOutcome::Pending(_) => {
                    self.in_flight.insert(t.vault, t);
                }
                other => {
                    let o = self.settle_outcome(t.vault, t.action, t.publish, other);
                    out.push((t.vault, o));
                }
            }
        }
        out
    }

    /// One batched read at `confirmed`, never from a node behind the newest slot this
    /// keeper has read (`minContextSlot`): after a failover a lagging node would show
    /// the state before the keeper's last landing and the same action would be decided
    /// again. Such a node refuses (-32016) and the next endpoint is asked.
    async fn fetch(&mut self, keys: &[Pubkey]) -> Result<(Vec<Option<Account>>, u64), String> {
        use solana_rpc_client_api::config::RpcAccountInfoConfig;
        let mut out = Vec::with_capacity(keys.len());
        let mut slot = 0;
        let config = RpcAccountInfoConfig {
            encoding: Some(solana_account_decoder::UiAccountEncoding::Base64),
            commitment: Some(CommitmentConfig::confirmed()),
            min_context_slot: Some(self.seen_slot),
            data_slice: None,
        };
        for chunk in keys.chunks(MAX_KEYS_PER_CALL) {
            let got = self
                .ep
                .call("getMultipleAccounts", |rpc| {
                    let config = config.clone();
                    async move { rpc.get_multiple_accounts_with_config(chunk, config).await }
                })
                .await?;
            slot = slot.max(got.context.slot);
            // A node answering with another count would shift every account.
            if got.value.len() != chunk.len() {
                return Err(format!(
                    "getMultipleAccounts: {} accounts for {} keys",
                    got.value.len(),
                    chunk.len()
                ));
            }
            out.extend(got.value);
        }
        self.seen_slot = self.seen_slot.max(slot);
        Ok((out, slot))
    }

    /// Reads vault `i` from a batch and decides: what `handle` sends and `status` shows.
    /// (The `Err` is the vault's outcome for this cycle, moved once: not worth a box.)
    #[allow(clippy::result_large_err)]
    fn view(
        &mut self,
        i: usize,
        accounts: &HashMap<Pubkey, Option<Account>>,
        clock: &Clock,
    ) -> Result<View, VaultOutcome> {
        let key = self.vaults[i].key;
        let get = |k: &Pubkey| accounts.get(k).cloned().flatten();
        let Some(vault_acc) = get(&key) else {
            return Err(VaultOutcome::Unreadable("vault account missing".into()));
        };
        let vault = read_vault(&key, &vault_acc).map_err(VaultOutcome::Unreadable)?;
        let mut linked = self.vaults[i].linked;
        if (linked.book, linked.oracle, linked.pool) != (vault.book, vault.oracle, vault.dex_pool) {
            // Governance moved the oracle or pool: fetch the new ones next cycle.
            self.vaults[i].linked = Linked {
                book: vault.book,
                oracle: vault.oracle,
                pool: vault.dex_pool,
                ..Linked::default()
            };
            return Err(VaultOutcome::Unreadable(
                "linked accounts changed; re-reading".into(),
            ));
        }
        let (Some(book_acc), Some(oracle_acc)) = (get(&vault.book), get(&vault.oracle)) else {
            return Err(VaultOutcome::Unreadable(
                "book or oracle account missing".into(),
            ));
        };
        let pool_acc = get(&vault.dex_pool);
        // The pool's config and vaults come from the pool account: learn them once.
        let sides = pool_acc.as_ref().map_or(Err(PoolError::NotAPool), |p| {
            pool::sides(&p.data, &vault.quote_mint, &vault.underlying_mint)
        });
        if let Ok(s) = &sides {
            let want = (s.amm_config, s.quote_vault, s.underlying_vault);
            if (
                linked.amm_config,
                linked.pool_quote_vault,
                linked.pool_underlying_vault,
            ) != want
            {
                (
                    linked.amm_config,
                    linked.pool_quote_vault,
                    linked.pool_underlying_vault,
                ) = want;
                self.vaults[i].linked = linked;
                return Err(VaultOutcome::Unreadable(
                    "pool accounts learned; reading next cycle".into(),
                ));
            }
        }
        let snapshot = sides.and_then(|s| {
            let cfg = get(&linked.amm_config).ok_or(PoolError::Unreadable("config"))?;
            let q = get(&linked.pool_quote_vault).ok_or(PoolError::Unreadable("quote vault"))?;
            let u = get(&linked.pool_underlying_vault)
                .ok_or(PoolError::Unreadable("underlying vault"))?;
            pool::snapshot(&s, &cfg.data, (&q.owner, &q.data), (&u.owner, &u.data))
        });
        let book = decision::decode_book(&Fetched {
            key: &vault.book,
            owner: &book_acc.owner,
            data: &book_acc.data,
        })
        .map_err(|e| VaultOutcome::Unreadable(format!("book: {e}")))?;
        let me = self.config.keypair.pubkey();
        let since = self.started.elapsed();
        let skip: Vec<&'static str> = ["settle", "mark", "liquidate", "rebalance"]
            .into_iter()
            .filter(|n| self.tracking.skipped(&key, n, since))
            .collect();
        let (action, assessment) = decision::decide(&Inputs {
            vault: &vault,
            book: &book,
            oracle: Fetched {
                key: &vault.oracle,
                owner: &oracle_acc.owner,
                data: &oracle_acc.data,
            },
            pool: snapshot,
            now: clock.unix_timestamp,
            keeper: &me,
            min_out_tolerance_bps: self.config.min_out_tolerance_bps,
            skip: &skip,
        });
        let publish = oracle_publish(&oracle_acc);
        Ok(View {
            vault,
            pool_acc,
            action,
            assessment,
            publish,
        })
    }

    /// Decides vault `i` and builds its transaction, or says why there is none.
    #[allow(clippy::result_large_err)]
    fn plan(
        &mut self,
        i: usize,
        accounts: &HashMap<Pubkey, Option<Account>>,
        clock: &Clock,
    ) -> Result<Plan, VaultOutcome> {
        let now_since_start = self.started.elapsed();
        let (key, quote_program, underlying_program, bounty_account, registered) = {
            let w = &self.vaults[i];
            (
                w.key,
                w.quote_program,
                w.underlying_program,
                w.bounty_account,
                w.registered,
            )
        };
        let View {
            vault,
            pool_acc,
            action,
            assessment,
            publish,
        } = self.view(i, accounts, clock)?;
        let me = self.config.keypair.pubkey();
        self.gauges(&key, &vault, assessment, publish, clock.unix_timestamp);
        let name = action.name();
        let ix: Instruction = match action {
            Action::Nothing(why) => {
                debug!(vault = %key, %why, "idle");
                return Err(VaultOutcome::Idle(why));
            }
            Action::Settle { series_id } => builders::settle(me, key, &vault, series_id),
            Action::Mark { ids, count } => builders::mark(me, key, &vault, &ids[..count as usize]),
            Action::Rebalance { .. } | Action::Liquidate => {
                let Some(pool_acc) = pool_acc else {
                    return Err(VaultOutcome::Unreadable("pool account missing".into()));
                };
                let accounts = HedgeAccounts::new(
                    key,
                    &vault,
                    &pool_acc.data,
                    quote_program,
                    underlying_program,
                )
                .map_err(|e| VaultOutcome::Unreadable(format!("pool: {e}")))?;
                match action {
                    // A registered keeper earns no hedge bounty; a fallback caller's
                    // goes to its ATA.
                    Action::Rebalance { min_out } => {
                        accounts.rebalance(me, (!registered).then_some(bounty_account), min_out)
                    }
                    _ => accounts.liquidate(me, Some(bounty_account)),
                }
            }
        };
        if self.tracking.skipped(&key, name, now_since_start) {
            return Err(VaultOutcome::Skipped(name));
        }
        Ok(Plan {
            key,
            action,
            ix,
            fee_accounts: [key, vault.dex_pool],
            expiries: self.expiries.get(&(key, name)).copied().unwrap_or(0),
            publish,
        })
    }

    /// Books what sending a plan gave: metrics, the transaction followed if in flight.
    fn book(&mut self, plan: Plan, sent: Sent) -> VaultOutcome {
        let Plan {
            key,
            action,
            publish,
            ..
        } = plan;
        let name = action.name();
        let (outcome, flight) = match sent {
            Sent::DryRun(sim) => {
                info!(vault = %key, ?action, ?sim, "dry run: simulated, not sent");
                return VaultOutcome::DryRun(action, sim);
            }
            Sent::Real(o, f) => (o, f),
        };
        let broadcast = flight.is_some()
            || matches!(
                outcome,
                SendOutcome::Landed { .. }
                    | SendOutcome::Expired(_)
                    | SendOutcome::Program {
                        signature: Some(_),
                        ..
                    }
            );
        if broadcast {
            // It reached the node: counted as sent (a simulation refusal is not).
            self.metrics
                .sent
                .get_or_create(&Metrics::action(name))
                .inc();
        }
        if let (SendOutcome::Pending(sig), Some(flight)) = (&outcome, flight) {
            info!(vault = %key, signature = %sig, action = name, "sent; not confirmed yet");
            self.in_flight.insert(
                key,
                Tracked {
                    action,
                    vault: key,
                    flight,
                    publish,
                },
            );
            return VaultOutcome::Sent(action, *sig);
        }
        self.settle_outcome(key, action, publish, outcome)
    }

    /// Books a final outcome: metrics, failure tracking, fee escalation.
    fn settle_outcome(
        &mut self,
        key: Pubkey,
        action: Action,
        publish: Option<(i64, u64)>,
        outcome: SendOutcome,
    ) -> VaultOutcome {
        let name = action.name();
        match outcome {
            SendOutcome::Landed { signature, slot } => {
                self.metrics
                    .landed
                    .get_or_create(&Metrics::action(name))
                    .inc();
                self.tracking.succeeded(key, name);
                self.expiries.remove(&(key, name));
                if let (Action::Rebalance { .. }, Some((publish_time, publish_slot))) =
                    (action, publish)
                {
                    let secs = unix_now() as f64 - publish_time as f64;
                    self.metrics.reaction_seconds.observe(secs.max(0.0));
                    let slots = slot.saturating_sub(publish_slot);
                    self.metrics.reaction_slots.observe(slots as f64);
                    self.metrics
                        .reaction_slot_samples
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(slots);
                }
                info!(vault = %key, %signature, slot, action = name, "landed");
                VaultOutcome::Landed(action)
            }
            SendOutcome::Program { failure, signature } => {
                let class = errors::classify(Some(failure));
                self.record_failure(name, class, key);
                match class {
                    Class::BenignRace => {
                        debug!(vault = %key, %failure, ?signature, "another keeper got there first")
                    }
                    _ => {
                        warn!(vault = %key, %failure, ?signature, ?class, action = name, "refused")
                    }
                }
                VaultOutcome::Failed(action, class)
            }
            SendOutcome::Transport(e) => {
                warn!(vault = %key, error = %e, action = name, "transport error");
                self.record_failure(name, Class::Backoff, key);
                VaultOutcome::Failed(action, Class::Backoff)
            }
            SendOutcome::Expired(sig) => {
                warn!(vault = %key, %sig, action = name, "blockhash expired before it landed; the fee goes up next time");
                *self.expiries.entry((key, name)).or_insert(0) += 1;
                self.metrics
                    .failed
                    .get_or_create(&FailureLabels {
                        action: name.into(),
                        reason: "expired".into(),
                    })
                    .inc();
                VaultOutcome::Expired(name)
            }
            SendOutcome::Pending(sig) => VaultOutcome::Sent(action, sig),
        }
    }

    fn gauges(
        &self,
        key: &Pubkey,
        vault: &Vault,
        assessment: Option<Assessment>,
        publish: Option<(i64, u64)>,
        now: i64,
    ) {
        let labels = VaultLabels {
            vault: key.to_string(),
        };
        // Unknown is NaN, never 0: 0 would read as "flat" and "healthy 0".
        let a = assessment.unwrap_or(Assessment {
            delta: f64::NAN,
            band: f64::NAN,
            health: f64::NAN,
        });
        self.metrics.delta.get_or_create(&labels).set(a.delta);
        self.metrics.band.get_or_create(&labels).set(a.band);
        self.metrics.health.get_or_create(&labels).set(a.health);
        self.metrics
            .oracle_age
            .get_or_create(&labels)
            .set(publish.map_or(f64::NAN, |(t, _)| (now - t) as f64));
        self.metrics
            .last_hedge_age
            .get_or_create(&labels)
            .set(if vault.last_hedge_time > 0 {
                (now - vault.last_hedge_time) as f64
            } else {
                f64::NAN
            });
        self.metrics
            .keeper_grace
            .get_or_create(&labels)
            .set(vault.risk.keeper_grace_s as f64);
    }

    fn record_failure(&mut self, action: &'static str, class: Class, vault: Pubkey) {
        let reason = match class {
            Class::BenignRace => "benign_race",
            Class::RetryNextCycle => "retry_next_cycle",
            Class::Backoff => "backoff",
            Class::Failed => "failed",
        };
        self.metrics
            .failed
            .get_or_create(&FailureLabels {
                action: action.into(),
                reason: reason.into(),
            })
            .inc();
        if matches!(class, Class::Failed | Class::Backoff) {
            self.tracking.failed(vault, action, self.started.elapsed());
        }
    }

    /// Runs cycles until `shutdown` turns true. A cycle in flight finishes first; the
    /// transactions still in flight are left to land or expire on their own.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        let wake = Arc::new(Notify::new());
        let oracles = self.oracles();
        let ws = tokio::spawn(watch_oracles(
            self.config.ws_url.clone(),
            oracles,
            wake.clone(),
            self.metrics.clone(),
            shutdown.clone(),
        ));
        {
            let mut h = self
                .metrics
                .status
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            h.loop_running = true;
            h.max_cycle_age_s = (self.config.poll_interval.as_secs() as i64 * 10).max(30);
        }
        loop {
            if *shutdown.borrow() {
                break;
            }
            let started = Instant::now();
            // The loop alone counts consecutive cycles with RPC trouble (a failed batch
            // read, or a send that failed in transport) and backs off on them.
            let trouble = match self.cycle().await {
                Ok(outcomes) => outcomes
                    .iter()
                    .any(|(_, o)| matches!(o, VaultOutcome::Failed(_, Class::Backoff))),
                Err(e) => {
                    warn!(error = %e, "cycle failed");
                    true
                }
            };
            let pause = match trouble {
                false => {
                    self.transport_failures = 0;
                    self.config.poll_interval
                }
                true => {
                    self.transport_failures = self.transport_failures.saturating_add(1);
                    let d = errors::backoff(
                        BACKOFF_BASE,
                        BACKOFF_CAP,
                        self.transport_failures,
                        entropy(),
                    );
                    warn!(
                        after = self.transport_failures,
                        wait_ms = d.as_millis() as u64,
                        "RPC trouble: backing off"
                    );
                    d
                }
            };
            let until = tokio::time::Instant::from_std(started + pause);
            loop {
                tokio::select! {
                    _ = tokio::time::sleep_until(until) => break,
                    _ = shutdown.changed() => break,
                    _ = wake.notified() => {
                        // An oracle moved: go early, unless backing off, and never
                        // sooner than MIN_WAKE_GAP after the last cycle started.
                        if trouble {
                            continue;
                        }
                        let soonest = tokio::time::Instant::from_std(started + MIN_WAKE_GAP);
                        tokio::time::sleep_until(soonest.min(until)).await;
                        break;
                    }
                }
            }
        }
        ws.abort();
        self.metrics
            .status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .loop_running = false;
        info!("keeper stopped");
    }
}

/// Runs `f` on every item, at most `limit` at once (at least one); results in the
/// order they finish.
pub async fn bounded<T, R, F, Fut>(items: Vec<T>, limit: usize, f: F) -> Vec<R>
where
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = R>,
{
    use futures::StreamExt;
    futures::stream::iter(items)
        .map(f)
        .buffer_unordered(limit.max(1))
        .collect()
        .await
}

/// How long start-up waits for the bounty account's creation to be final.
const BOUNTY_ACCOUNT_WAIT: Duration = Duration::from_secs(120);

/// Sends the keeper's quote ATA creation (idempotent: a no-op if it exists).
async fn ensure_bounty_account(
    sender: &Sender,
    config: &Config,
    vault: &Vault,
    quote_program: &Pubkey,
    ata: &Pubkey,
) -> Result<(), ConfigError> {
    let me = config.keypair.pubkey();
    let ix = spl_associated_token_account::instruction::create_associated_token_account_idempotent(
        &me,
        &me,
        &vault.quote_mint,
        quote_program,
    );
    let mut flight = None;
    let mut outcome = sender
        .send(&[ix], &config.keypair, &[], 40_000, 0, &mut flight)
        .await;
    // Wait it out (the loop needs the account before its first liquidation), but not
    // for ever: a blockhash lives about a minute and a half.
    let deadline = Instant::now() + BOUNTY_ACCOUNT_WAIT;
    while let (SendOutcome::Pending(_), Some(f)) = (&outcome, flight.as_mut()) {
        if Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(400)).await;
        outcome = sender.check(f).await;
    }
    match outcome {
        SendOutcome::Landed { .. } => {
            info!(account = %ata, "created the bounty account");
            Ok(())
        }
        other => Err(cfg_err(
            "keypair",
            format!(
                "the keeper's bounty account {ata} (its quote ATA) is missing and could not be created: {other:?}; create it or fund the keeper"
            ),
        )),
    }
}

/// Wakes the loop when an oracle account changes (best effort: the poll goes on
/// without). Subscribes at `confirmed` and reconnects with back-off when the socket
/// drops; the state shows on `/health`.
async fn watch_oracles(
    ws_url: String,
    oracles: Vec<Pubkey>,
    wake: Arc<Notify>,
    metrics: Arc<Metrics>,
    mut shutdown: watch::Receiver<bool>,
) {
    use futures::StreamExt;
    use solana_pubsub_client::nonblocking::pubsub_client::PubsubClient;
    use solana_rpc_client_api::config::RpcAccountInfoConfig;
    let set_state = |s: &str| {
        metrics
            .status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .websocket = s.to_string();
    };
    let mut attempt = 0u32;
    loop {
        if *shutdown.borrow() {
            return;
        }
        match PubsubClient::new(&ws_url).await {
            Ok(client) => {
                let mut streams = Vec::new();
                for o in &oracles {
                    let config = RpcAccountInfoConfig {
                        commitment: Some(CommitmentConfig::confirmed()),
                        encoding: Some(solana_account_decoder::UiAccountEncoding::Base64),
                        ..Default::default()
                    };
                    match client.account_subscribe(o, Some(config)).await {
                        Ok((stream, _unsub)) => streams.push(stream),
                        Err(e) => warn!(oracle = %o, error = %e, "accountSubscribe failed"),
                    }
                }
                if !streams.is_empty() {
                    set_state("connected");
                    metrics
                        .status
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .websocket_connects += 1;
                    attempt = 0;
                    let mut all = futures::stream::select_all(streams);
                    loop {
                        tokio::select! {
                            item = all.next() => match item {
                                Some(_) => wake.notify_one(),
                                None => break,
                            },
                            _ = shutdown.changed() => return,
                        }
                    }
                }
                warn!(ws_url = %redact_url(&ws_url), "websocket closed: reconnecting");
            }
            Err(e) => warn!(
                ws_url = %redact_url(&ws_url),
                error = %scrub(&e.to_string(), &ws_url),
                "websocket unavailable: polling, retrying"
            ),
        }
        set_state("reconnecting");
        attempt = attempt.saturating_add(1);
        let d = errors::backoff(BACKOFF_BASE, BACKOFF_CAP, attempt, entropy());
        tokio::select! {
            _ = tokio::time::sleep(d) => {}
            _ = shutdown.changed() => return,
        }
    }
}

fn entropy() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0)
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn read_vault(key: &Pubkey, a: &Account) -> Result<Vault, String> {
    decision::decode_vault(&Fetched {
        key,
        owner: &a.owner,
        data: &a.data,
    })
    .map_err(|e| e.to_string())
}

/// (publish time, publish slot) of a Pyth account of either format.
pub fn oracle_publish(a: &Account) -> Option<(i64, u64)> {
    use anchor_lang::AccountDeserialize;
    if a.owner == hedge_vault::oracle::PYTH_RECEIVER_PROGRAM {
        let u = pyth_solana_receiver_sdk::price_update::PriceUpdateV2::try_deserialize(
            &mut a.data.as_slice(),
        )
        .ok()?;
        return Some((u.price_message.publish_time, u.posted_slot));
    }
    let p = pyth_sdk_solana::state::load_price_account::<32, ()>(&a.data).ok()?;
    Some((p.timestamp, p.agg.pub_slot))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn vaults_are_sent_concurrently_and_never_more_than_the_limit() {
        for (n, limit, want_peak) in [(10, 3, 3), (2, 4, 2), (5, 1, 1), (3, 0, 1)] {
            let active = AtomicUsize::new(0);
            let peak = AtomicUsize::new(0);
            let out = bounded((0..n).collect(), limit, |i: usize| {
                let (active, peak) = (&active, &peak);
                async move {
                    let now = active.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    // A send waits on the network: let the others start meanwhile.
                    for _ in 0..3 {
                        tokio::task::yield_now().await;
                    }
                    active.fetch_sub(1, Ordering::SeqCst);
                    i
                }
            })
            .await;
            let mut done = out.clone();
            done.sort_unstable();
            assert_eq!(done, (0..n).collect::<Vec<_>>(), "every vault once");
            assert_eq!(
                peak.load(Ordering::SeqCst),
                want_peak,
                "n {n} limit {limit}"
            );
        }
    }
}
