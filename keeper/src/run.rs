//! `hedge-keeper run`: the loop. Each cycle makes one batched `getMultipleAccounts` for
//! every vault, book, oracle and pool (plus the Clock), asks [`decision::decide`] what each
//! vault needs, and sends it through [`send`](crate::send). Failures are classified
//! ([`errors::classify`]); one failing vault is skipped for a while and never stops the
//! others. An oracle update seen on the websocket starts a cycle early.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anchor_lang::prelude::Pubkey;
use hedge_vault::state::Vault;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_sdk::account::Account;
use solana_sdk::clock::Clock;
use solana_sdk::commitment_config::CommitmentConfig;
use solana_sdk::signature::Signer;
use tokio::sync::{watch, Notify};
use tracing::{debug, info, warn};

use crate::builders::{self, HedgeAccounts};
use crate::config::{Config, ConfigError};
use crate::decision::{self, Action, Fetched, Idle};
use crate::errors::{self, Class, ErrorTracking};
use crate::metrics::{FailureLabels, Metrics, VaultLabels};
use crate::send::{SendOutcome, Sender};

/// Consecutive failures before a vault is skipped, and for how long.
pub const SKIP_AFTER_FAILURES: u32 = 5;
pub const SKIP_FOR: Duration = Duration::from_secs(60);
/// Backoff after RPC or transport errors: base and cap.
pub const BACKOFF_BASE: Duration = Duration::from_millis(500);
pub const BACKOFF_CAP: Duration = Duration::from_secs(30);

/// One watched vault: its address and what does not change between cycles.
struct Watched {
    key: Pubkey,
    quote_program: Pubkey,
    underlying_program: Pubkey,
    /// Where a bounty goes (the keeper's quote ATA), if it exists.
    bounty_account: Option<Pubkey>,
    registered: bool,
    /// The vault's book, oracle and pool as last read (fetched in the same batch).
    linked: [Pubkey; 3],
}

/// What one cycle did, per vault (for logs and tests).
#[derive(Clone, Debug, PartialEq)]
pub enum VaultOutcome {
    Skipped,
    Idle(Idle),
    DryRun(Action),
    Landed(Action),
    Failed(Action, Class),
    Unreadable(String),
}

pub struct Keeper {
    rpc: Arc<RpcClient>,
    config: Config,
    metrics: Arc<Metrics>,
    sender: Sender,
    vaults: Vec<Watched>,
    tracking: ErrorTracking,
    started: Instant,
    transport_failures: u32,
}

fn cfg_err(key: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        key,
        problem: problem.into(),
    }
}

impl Keeper {
    /// Checks the endpoint and every vault before the loop starts: an unreachable RPC, a
    /// missing account or one that is not a vault fails here, naming the key.
    pub async fn connect(config: Config, metrics: Arc<Metrics>) -> Result<Self, ConfigError> {
        let rpc = Arc::new(RpcClient::new_with_commitment(
            config.rpc_url.clone(),
            CommitmentConfig::confirmed(),
        ));
        rpc.get_version()
            .await
            .map_err(|e| cfg_err("rpc_url", format!("{} is unreachable: {e}", config.rpc_url)))?;
        let me = config.keypair.pubkey();
        let mut vaults = Vec::new();
        for key in &config.vaults {
            let account = rpc
                .get_account_with_commitment(key, CommitmentConfig::confirmed())
                .await
                .map_err(|e| cfg_err("rpc_url", format!("reading vault {key}: {e}")))?
                .value
                .ok_or_else(|| cfg_err("vaults", format!("{key} does not exist")))?;
            let vault = read_vault(key, &account)
                .map_err(|e| cfg_err("vaults", format!("{key} is not a hedge vault: {e}")))?;
            let mints = rpc
                .get_multiple_accounts(&[vault.quote_mint, vault.underlying_mint])
                .await
                .map_err(|e| cfg_err("rpc_url", format!("reading mints: {e}")))?;
            let owner = |i: usize| {
                mints[i]
                    .as_ref()
                    .map(|a| a.owner)
                    .ok_or_else(|| cfg_err("vaults", format!("{key}: a mint is missing")))
            };
            let quote_program = owner(0)?;
            let underlying_program = owner(1)?;
            let ata = spl_associated_token_account::get_associated_token_address_with_program_id(
                &me,
                &vault.quote_mint,
                &quote_program,
            );
            let bounty_account = rpc
                .get_account_with_commitment(&ata, CommitmentConfig::confirmed())
                .await
                .ok()
                .and_then(|r| r.value)
                .map(|_| ata);
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
                bounty_account,
                registered,
                linked: [vault.book, vault.oracle, vault.dex_pool],
            });
        }
        let sender = Sender::new(rpc.clone(), config.priority_fee);
        Ok(Self {
            rpc,
            config,
            metrics,
            sender,
            vaults,
            tracking: ErrorTracking::new(SKIP_AFTER_FAILURES, SKIP_FOR),
            started: Instant::now(),
            transport_failures: 0,
        })
    }

    /// True if this keeper's key is registered on `vault`.
    pub fn is_registered(&self, vault: &Pubkey) -> bool {
        self.vaults.iter().any(|w| w.key == *vault && w.registered)
    }

    /// Oracles of the watched vaults (the websocket watches them).
    fn oracles(&self) -> Vec<Pubkey> {
        self.vaults.iter().map(|w| w.linked[1]).collect()
    }

    /// One cycle over every vault. `Err` only for transport failures of the batched read.
    pub async fn cycle(&mut self) -> Result<Vec<(Pubkey, VaultOutcome)>, String> {
        self.metrics.cycles.inc();
        // One batch: the Clock, then each vault with its book, oracle and pool.
        let mut keys = vec![solana_sdk::sysvar::clock::ID];
        for w in &self.vaults {
            keys.push(w.key);
            keys.extend(w.linked);
        }
        let fetched = self.fetch(&keys).await?;
        let clock: Clock = fetched[0]
            .as_ref()
            .and_then(|a| bincode::deserialize(&a.data).ok())
            .ok_or("the Clock sysvar could not be read")?;
        let by_key: HashMap<Pubkey, Option<Account>> = keys.into_iter().zip(fetched).collect();

        let mut out = Vec::new();
        for i in 0..self.vaults.len() {
            let key = self.vaults[i].key;
            let outcome = self.handle(i, &by_key, &clock).await;
            out.push((key, outcome));
        }
        Ok(out)
    }

    async fn fetch(&self, keys: &[Pubkey]) -> Result<Vec<Option<Account>>, String> {
        let mut out = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(builders::MAX_KEYS_PER_CALL) {
            let got = self
                .rpc
                .get_multiple_accounts_with_commitment(chunk, CommitmentConfig::confirmed())
                .await
                .map_err(|e| format!("getMultipleAccounts: {e}"))?;
            out.extend(got.value);
        }
        Ok(out)
    }

    async fn handle(
        &mut self,
        i: usize,
        accounts: &HashMap<Pubkey, Option<Account>>,
        clock: &Clock,
    ) -> VaultOutcome {
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
        if self.tracking.skipped(&key, now_since_start) {
            return VaultOutcome::Skipped;
        }
        let get = |k: &Pubkey| accounts.get(k).cloned().flatten();
        let Some(vault_acc) = get(&key) else {
            self.tracking.failed(key, now_since_start);
            return VaultOutcome::Unreadable("vault account missing".into());
        };
        let vault = match read_vault(&key, &vault_acc) {
            Ok(v) => v,
            Err(e) => return VaultOutcome::Unreadable(e),
        };
        let linked = [vault.book, vault.oracle, vault.dex_pool];
        if linked != self.vaults[i].linked {
            // Governance moved the oracle or pool: fetch the new ones next cycle.
            self.vaults[i].linked = linked;
            return VaultOutcome::Unreadable("linked accounts changed; re-reading".into());
        }
        let (Some(book_acc), Some(oracle_acc), Some(pool_acc)) =
            (get(&vault.book), get(&vault.oracle), get(&vault.dex_pool))
        else {
            self.tracking.failed(key, now_since_start);
            return VaultOutcome::Unreadable("book, oracle or pool account missing".into());
        };
        let book = match decision::decode_book(&Fetched {
            key: &vault.book,
            owner: &book_acc.owner,
            data: &book_acc.data,
        }) {
            Ok(b) => b,
            Err(e) => return VaultOutcome::Unreadable(format!("book: {e:?}")),
        };
        let me = self.config.keypair.pubkey();
        let oracle = Fetched {
            key: &vault.oracle,
            owner: &oracle_acc.owner,
            data: &oracle_acc.data,
        };
        let (action, assessment) =
            decision::decide(&vault, &book, &oracle, clock.unix_timestamp, &me);
        let labels = VaultLabels {
            vault: key.to_string(),
        };
        self.metrics
            .delta
            .get_or_create(&labels)
            .set(assessment.delta);
        self.metrics
            .band
            .get_or_create(&labels)
            .set(assessment.band);
        self.metrics
            .health
            .get_or_create(&labels)
            .set(assessment.health);
        let (name, ix) = match action {
            Action::Nothing(why) => {
                debug!(vault = %key, ?why, delta = assessment.delta, band = assessment.band, "idle");
                return VaultOutcome::Idle(why);
            }
            Action::Settle { series_id } => {
                ("settle", builders::settle(me, key, &vault, series_id))
            }
            Action::Mark { ids, count } => (
                "mark",
                builders::mark(me, key, &vault, &ids[..count as usize]),
            ),
            Action::Rebalance | Action::Liquidate => {
                let accounts = match HedgeAccounts::new(
                    key,
                    &vault,
                    &pool_acc.data,
                    quote_program,
                    underlying_program,
                ) {
                    Ok(a) => a,
                    Err(e) => return VaultOutcome::Unreadable(format!("pool: {e:?}")),
                };
                // A registered keeper earns no bounty; the fallback caller's goes to its ATA.
                let bounty = if registered { None } else { bounty_account };
                if action == Action::Rebalance {
                    ("rebalance", accounts.rebalance(me, bounty, 0))
                } else {
                    ("liquidate", accounts.liquidate(me, bounty_account))
                }
            }
        };
        if self.config.dry_run {
            info!(vault = %key, ?action, "dry run: would send");
            return VaultOutcome::DryRun(action);
        }
        let publish = oracle_publish(&oracle_acc);
        self.metrics
            .sent
            .get_or_create(&Metrics::action(name))
            .inc();
        let outcome = self
            .sender
            .send(
                &[ix],
                &self.config.keypair,
                &[key, vault.dex_pool],
                builders::cu_budget(name),
            )
            .await;
        match outcome {
            SendOutcome::Landed { signature, slot } => {
                self.metrics
                    .landed
                    .get_or_create(&Metrics::action(name))
                    .inc();
                self.tracking.succeeded(key);
                if action == Action::Rebalance {
                    if let Some((publish_time, publish_slot)) = publish {
                        let secs = unix_now_f64() - publish_time as f64;
                        self.metrics.reaction_seconds.observe(secs.max(0.0));
                        let slots = slot.saturating_sub(publish_slot);
                        self.metrics.reaction_slots.observe(slots as f64);
                        self.metrics
                            .reaction_slot_samples
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push(slots);
                    }
                }
                info!(vault = %key, %signature, slot, action = name, "landed");
                VaultOutcome::Landed(action)
            }
            SendOutcome::Program { code, signature } => {
                let class = errors::classify(Some(code));
                self.record_failure(name, class, key);
                match class {
                    Class::BenignRace => {
                        debug!(vault = %key, code, ?signature, "another keeper got there first")
                    }
                    _ => warn!(vault = %key, code, ?signature, ?class, action = name, "refused"),
                }
                VaultOutcome::Failed(action, class)
            }
            SendOutcome::Transport(e) => {
                warn!(vault = %key, error = %e, action = name, "transport error");
                self.record_failure(name, Class::Backoff, key);
                VaultOutcome::Failed(action, Class::Backoff)
            }
            SendOutcome::Timeout(sig) => {
                warn!(vault = %key, %sig, action = name, "not confirmed in time");
                self.metrics
                    .failed
                    .get_or_create(&FailureLabels {
                        action: name.into(),
                        reason: "timeout".into(),
                    })
                    .inc();
                self.tracking.failed(key, self.started.elapsed());
                VaultOutcome::Failed(action, Class::Backoff)
            }
        }
    }

    fn record_failure(&mut self, action: &str, class: Class, vault: Pubkey) {
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
            self.tracking.failed(vault, self.started.elapsed());
        }
    }

    /// Runs cycles until `shutdown` turns true. A cycle in flight (and its transaction)
    /// finishes first.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        let wake = Arc::new(Notify::new());
        let oracles = self.oracles();
        let ws = tokio::spawn(watch_oracles(
            self.config.ws_url.clone(),
            oracles,
            wake.clone(),
            shutdown.clone(),
        ));
        loop {
            if *shutdown.borrow() {
                break;
            }
            // The loop alone counts consecutive cycles with RPC trouble (a failed batch
            // read, or a send that failed in transport) and backs off on them.
            let trouble = match self.cycle().await {
                Ok(outcomes) => outcomes
                    .iter()
                    .any(|(_, o)| matches!(o, VaultOutcome::Failed(_, Class::Backoff))),
                Err(_) => true,
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
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = wake.notified() => {}
                _ = shutdown.changed() => {}
            }
        }
        ws.abort();
        info!("keeper stopped");
    }
}

/// Wakes the loop when an oracle account changes (best effort: the poll goes on without).
async fn watch_oracles(
    ws_url: String,
    oracles: Vec<Pubkey>,
    wake: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    use futures::StreamExt;
    use solana_pubsub_client::nonblocking::pubsub_client::PubsubClient;
    let client = match PubsubClient::new(&ws_url).await {
        Ok(c) => c,
        Err(e) => {
            warn!(%ws_url, error = %e, "websocket unavailable: polling only");
            return;
        }
    };
    let mut streams = Vec::new();
    for o in &oracles {
        match client.account_subscribe(o, None).await {
            Ok((stream, _unsub)) => streams.push(stream),
            Err(e) => warn!(oracle = %o, error = %e, "accountSubscribe failed"),
        }
    }
    let mut all = futures::stream::select_all(streams);
    loop {
        tokio::select! {
            item = all.next() => match item {
                Some(_) => wake.notify_one(),
                None => return,
            },
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

fn unix_now_f64() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

fn read_vault(key: &Pubkey, a: &Account) -> Result<Vault, String> {
    decision::decode_vault(&Fetched {
        key,
        owner: &a.owner,
        data: &a.data,
    })
    .map_err(|e| format!("{e:?}"))
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
