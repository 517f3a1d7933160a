//! Sending one keeper transaction the way a real cluster needs it:
//!
//! 1. the blockhash at `confirmed`, with its `lastValidBlockHeight` and the slot it was
//!    read at;
//! 2. a simulation at the same commitment with `replaceRecentBlockhash` and
//!    `minContextSlot` (a node behind that slot refuses instead of answering from an
//!    older bank; simulating at the client's default, `finalized`, fails with
//!    `BlockhashNotFound` on every real node);
//! 3. the compute-unit limit from the simulation, the priority fee from the fees recent
//!    transactions on the same accounts paid ([`crate::fees`]: capped per CU, doubled
//!    per earlier expiry of the same action, and within the hourly budget);
//! 4. one send, then statuses polled and the same signed bytes rebroadcast until the
//!    transaction is `confirmed` or its blockhash has expired (block height past
//!    `lastValidBlockHeight`). Only then may the action be signed again, so an action is
//!    never in flight twice.
//!
//! Every call goes through [`Endpoints`] (failover); broadcasts go to all endpoints.
//! Outcomes are plain data; the loop classifies them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anchor_lang::prelude::Pubkey;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client::rpc_client::GetConfirmedSignaturesForAddress2Config;
use solana_rpc_client_api::config::{
    RpcSendTransactionConfig, RpcSimulateTransactionConfig, RpcTransactionConfig,
};
use solana_sdk::clock::Slot;
use solana_sdk::commitment_config::CommitmentConfig;
use solana_sdk::hash::Hash;
use solana_sdk::instruction::{Instruction, InstructionError};
use solana_sdk::signature::{Keypair, Signature, Signer};
use solana_sdk::transaction::{Transaction, TransactionError};
use solana_transaction_status::UiTransactionEncoding;

use crate::config::PriorityFeePolicy;
use crate::endpoints::Endpoints;
use crate::errors::ProgramFailure;
use crate::fees::{self, EstimateCache, FeeBudget};

/// The most a transaction may ask for.
pub const MAX_COMPUTE_UNITS: u32 = 1_400_000;
/// Margin over the simulated units: +15% and a fixed 5,000 (the real run may take a
/// slightly different branch, e.g. a pool that moved).
pub const CU_MARGIN_PCT: u64 = 15;
pub const CU_MARGIN_FIXED: u64 = 5_000;
/// How long `send` waits for `confirmed` before handing the transaction back as
/// in flight (the loop keeps polling and rebroadcasting it).
pub const CONFIRM_WAIT: Duration = Duration::from_secs(3);
/// How often statuses are polled, and the signed bytes sent again.
const CONFIRM_POLL: Duration = Duration::from_millis(200);
pub const REBROADCAST_EVERY: Duration = Duration::from_secs(2);

/// A transaction sent and not yet final.
#[derive(Clone, Debug)]
pub struct InFlight {
    pub signature: Signature,
    pub tx: Transaction,
    pub last_valid_block_height: u64,
    pub last_broadcast: Instant,
    pub sent_at: Instant,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SendOutcome {
    /// Confirmed without error.
    Landed { signature: Signature, slot: Slot },
    /// The program (or the DEX, or a token program) refused it: in simulation (no
    /// signature) or on chain, attributed to the program that raised it.
    Program {
        failure: ProgramFailure,
        signature: Option<Signature>,
    },
    /// RPC or transport trouble, or a non-program failure.
    Transport(String),
    /// Sent, not confirmed yet: still in flight (poll it with [`Sender::check`]).
    Pending(Signature),
    /// Its blockhash expired and it never landed: the action may be signed again.
    Expired(Signature),
}

/// The compute-unit limit for `simulated` units.
pub fn unit_limit(simulated: u64) -> u32 {
    let with_margin = simulated
        .saturating_mul(100 + CU_MARGIN_PCT)
        .div_ceil(100)
        .saturating_add(CU_MARGIN_FIXED);
    with_margin.min(MAX_COMPUTE_UNITS as u64) as u32
}

/// The priority fee: the policy's percentile of recent fees, capped.
pub fn priority_fee(recent: &[u64], policy: &PriorityFeePolicy) -> u64 {
    if recent.is_empty() {
        return 0;
    }
    let mut v = recent.to_vec();
    v.sort_unstable();
    let idx = ((v.len() - 1) * policy.percentile as usize).div_ceil(100);
    v[idx.min(v.len() - 1)].min(policy.max_micro_lamports)
}

/// The custom code of an instruction error, and the failing instruction's index.
pub fn custom_code(e: &TransactionError) -> Option<(u8, u32)> {
    match e {
        TransactionError::InstructionError(i, InstructionError::Custom(c)) => Some((*i, *c)),
        _ => None,
    }
}

/// The program a transaction error names: the program of the failing instruction.
fn outer_program(tx: &Transaction, index: u8) -> Pubkey {
    tx.message
        .instructions
        .get(index as usize)
        .and_then(|ix| tx.message.account_keys.get(ix.program_id_index as usize))
        .copied()
        .unwrap_or_default()
}

/// The priority fee after `expiries` earlier expiries of the same action: doubled
/// each time (at least 1 micro-lamport once escalating), capped by the policy.
pub fn escalated_fee(base: u64, expiries: u32, policy: &PriorityFeePolicy) -> u64 {
    if expiries == 0 {
        return base.min(policy.max_micro_lamports);
    }
    base.max(1)
        .saturating_mul(1u64 << expiries.min(20))
        .min(policy.max_micro_lamports)
}

/// The bundle path (`send_path = "bundle"`): a block engine's JSON-RPC endpoint (Jito's
/// `sendBundle` API), the tip, and the engine's tip accounts.
pub struct Bundles {
    engine: RpcClient,
    tip_lamports: u64,
    tip_accounts: Vec<Pubkey>,
}

impl Bundles {
    /// Asks the engine for its tip accounts (`getTipAccounts`).
    pub async fn connect(url: &str, tip_lamports: u64, timeout: Duration) -> Result<Self, String> {
        use solana_rpc_client_api::request::RpcRequest;
        let engine = RpcClient::new_with_timeout(url.to_string(), timeout);
        let scrub = |e: String| crate::config::scrub(&e, url);
        let listed: Vec<String> = engine
            .send(
                RpcRequest::Custom {
                    method: "getTipAccounts",
                },
                serde_json::json!([]),
            )
            .await
            .map_err(|e| scrub(format!("getTipAccounts: {e}")))?;
        let tip_accounts = listed
            .iter()
            .map(|a| a.parse::<Pubkey>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("getTipAccounts: not an address: {e}"))?;
        if tip_accounts.is_empty() {
            return Err("getTipAccounts: the engine lists no tip account".into());
        }
        Ok(Self {
            engine,
            tip_lamports,
            tip_accounts,
        })
    }

    pub fn tip_accounts(&self) -> &[Pubkey] {
        &self.tip_accounts
    }

    /// A tip account (spread over all of them: each is a write lock other bundles
    /// contend for).
    fn pick(&self, seed: u64) -> Pubkey {
        self.tip_accounts[(seed % self.tip_accounts.len() as u64) as usize]
    }

    /// True if `tx` tips one of the engine's accounts (it goes as a bundle).
    fn tips(&self, tx: &Transaction) -> bool {
        tx.message
            .account_keys
            .iter()
            .any(|k| self.tip_accounts.contains(k))
    }

    async fn send(&self, tx: &Transaction) -> Result<String, String> {
        use base64::Engine;
        use solana_rpc_client_api::request::RpcRequest;
        let bytes = bincode::serialize(tx).map_err(|e| e.to_string())?;
        let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
        self.engine
            .send::<String>(
                RpcRequest::Custom {
                    method: "sendBundle",
                },
                serde_json::json!([[encoded], { "encoding": "base64" }]),
            )
            .await
            .map_err(|e| crate::config::scrub(&format!("sendBundle: {e}"), &self.engine.url()))
    }
}

pub struct Sender {
    ep: Arc<Endpoints>,
    bundles: Option<Bundles>,
    policy: PriorityFeePolicy,
    budget: FeeBudget,
    estimates: EstimateCache,
    /// Sends under way now, and the most there have been at once.
    in_progress: AtomicUsize,
    peak: AtomicUsize,
}

/// Counts a send under way for as long as it lives.
struct InProgress<'a>(&'a Sender);

impl<'a> InProgress<'a> {
    fn new(s: &'a Sender) -> Self {
        let now = s.in_progress.fetch_add(1, Ordering::SeqCst) + 1;
        s.peak.fetch_max(now, Ordering::SeqCst);
        Self(s)
    }
}

impl Drop for InProgress<'_> {
    fn drop(&mut self) {
        self.0.in_progress.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Simulation's verdict.
#[derive(Clone, Debug, PartialEq)]
pub enum Simulated {
    /// It would succeed, using this many compute units (0: not metered).
    Ok {
        units: u64,
    },
    Refused(SendOutcome),
}

impl Sender {
    pub fn new(ep: Arc<Endpoints>, policy: PriorityFeePolicy) -> Self {
        Self {
            ep,
            bundles: None,
            policy,
            budget: FeeBudget::new(policy.budget_lamports_per_hour),
            estimates: EstimateCache::default(),
            in_progress: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        }
    }

    /// Sends through a block engine's bundles from now on (see [`Bundles`]).
    pub fn with_bundles(mut self, bundles: Bundles) -> Self {
        self.bundles = Some(bundles);
        self
    }

    /// The most sends that were under way at once.
    pub fn peak_concurrent_sends(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// Lamports of priority fees signed in the last hour.
    pub fn priority_fees_signed_last_hour(&self) -> u64 {
        self.budget.spent(Instant::now())
    }

    /// An RPC error's text without the endpoints' keys (see `config::scrub`).
    fn scrub(&self, text: String) -> String {
        self.ep.scrub(&text)
    }

    fn build(
        ixs: &[Instruction],
        payer: &Keypair,
        limit: u32,
        price: u64,
        blockhash: Hash,
    ) -> Transaction {
        let mut all = vec![
            ComputeBudgetInstruction::set_compute_unit_limit(limit),
            ComputeBudgetInstruction::set_compute_unit_price(price),
        ];
        all.extend_from_slice(ixs);
        Transaction::new_signed_with_payer(&all, Some(&payer.pubkey()), &[payer], blockhash)
    }

    /// The blockhash at `confirmed`: (hash, last valid block height, the slot the node
    /// answered at, which the simulation then requires as its `minContextSlot`).
    async fn blockhash(&self) -> Result<(Hash, u64, Slot), String> {
        use solana_rpc_client_api::request::RpcRequest;
        use solana_rpc_client_api::response::{Response, RpcBlockhash};
        let r: Response<RpcBlockhash> = self
            .ep
            .call("getLatestBlockhash", |rpc| async move {
                rpc.send(
                    RpcRequest::GetLatestBlockhash,
                    serde_json::json!([{ "commitment": "confirmed" }]),
                )
                .await
            })
            .await?;
        let hash = r
            .value
            .blockhash
            .parse::<Hash>()
            .map_err(|e| format!("getLatestBlockhash: bad hash: {e}"))?;
        Ok((hash, r.value.last_valid_block_height, r.context.slot))
    }

    /// Simulates `ixs` at `confirmed` against a node at least at `min_slot`.
    async fn simulate_at(
        &self,
        ixs: &[Instruction],
        payer: &Keypair,
        blockhash: Hash,
        min_slot: Slot,
    ) -> Simulated {
        let probe = Self::build(ixs, payer, MAX_COMPUTE_UNITS, 0, blockhash);
        let config = RpcSimulateTransactionConfig {
            sig_verify: false,
            replace_recent_blockhash: true,
            commitment: Some(CommitmentConfig::confirmed()),
            min_context_slot: Some(min_slot),
            ..Default::default()
        };
        let sim = match self
            .ep
            .call("simulateTransaction", |rpc| {
                let (probe, config) = (&probe, config.clone());
                async move { rpc.simulate_transaction_with_config(probe, config).await }
            })
            .await
        {
            Ok(r) => r.value,
            Err(e) => return Simulated::Refused(SendOutcome::Transport(e)),
        };
        if let Some(err) = &sim.err {
            return Simulated::Refused(match custom_code(err) {
                Some((i, code)) => SendOutcome::Program {
                    failure: ProgramFailure::from_logs(
                        sim.logs.as_deref().unwrap_or(&[]),
                        &outer_program(&probe, i),
                        code,
                    ),
                    signature: None,
                },
                None => SendOutcome::Transport(format!("simulation failed: {err}")),
            });
        }
        Simulated::Ok {
            units: sim.units_consumed.unwrap_or(0),
        }
    }

    /// Simulates only (`--dry-run`): what sending would meet, nothing signed for real.
    pub async fn simulate(&self, ixs: &[Instruction], payer: &Keypair) -> Simulated {
        match self.blockhash().await {
            Ok((hash, _, slot)) => self.simulate_at(ixs, payer, hash, slot).await,
            Err(e) => Simulated::Refused(SendOutcome::Transport(e)),
        }
    }

    /// Sends `ixs` paid and signed by `payer`; `fee_accounts` are the writable accounts
    /// whose recent fees set the price; `expiries` is how many earlier transactions of
    /// the same action expired (the fee escalates). The compute-unit limit comes from
    /// the simulation (with a margin); where simulation meters nothing (a native local
    /// endpoint reports 0 units), it is `budget`, the instruction's entry in the CU table
    /// (`hedge_vault_client::ix::cu_budget`). Returns `Landed` if confirmed within
    /// [`CONFIRM_WAIT`], else `Pending` with the transaction in `in_flight`.
    pub async fn send(
        &self,
        ixs: &[Instruction],
        payer: &Keypair,
        fee_accounts: &[Pubkey],
        budget: u32,
        expiries: u32,
        in_flight: &mut Option<InFlight>,
    ) -> SendOutcome {
        let _counted = InProgress::new(self);
        let (blockhash, last_valid_block_height, slot) = match self.blockhash().await {
            Ok(b) => b,
            Err(e) => return SendOutcome::Transport(e),
        };
        // The bundle path: a tip transfer at the end (simulated with the rest), booked
        // against the hourly budget; past the budget, the public path.
        let mut tipped = None;
        let mut all = ixs.to_vec();
        if let Some(b) = &self.bundles {
            let booked = Instant::now();
            if self.budget.take_lamports(booked, b.tip_lamports) {
                let seed = blockhash.as_ref()[0] as u64 + expiries as u64;
                all.push(solana_system_interface::instruction::transfer(
                    &payer.pubkey(),
                    &b.pick(seed),
                    b.tip_lamports,
                ));
                tipped = Some((booked, b.tip_lamports));
            } else {
                tracing::warn!(
                    tip = b.tip_lamports,
                    "priority-fee budget for this hour reached: no tip, sending on the public path"
                );
            }
        }
        let ixs = all.as_slice();
        let units = match self.simulate_at(ixs, payer, blockhash, slot).await {
            Simulated::Ok { units } => units,
            Simulated::Refused(o) => {
                // Nothing signed: the tip was not spent.
                if let Some((at, lamports)) = tipped {
                    self.budget.refund(at, lamports);
                }
                return o;
            }
        };
        // The simulation ran on state read before the landing: a pool moved back to
        // the oracle can add a swap the simulation skipped. Never ask for less than the
        // instruction's entry in the CU table.
        let limit = unit_limit(units).max(budget).min(MAX_COMPUTE_UNITS);
        // A bundle's tip pays for its place; it bids no compute-unit price.
        let want = if tipped.is_some() {
            0
        } else {
            // An endpoint that refuses the estimate's heavier methods (many rate-limit
            // them) must not stop the send: the last estimate, or none (bid the floor).
            let samples = match self.fee_samples(fee_accounts, &payer.pubkey(), slot).await {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "priority-fee estimate unavailable: using the last one");
                    self.estimates.last(fee_accounts).unwrap_or_default()
                }
            };
            escalated_fee(priority_fee(&samples, &self.policy), expiries, &self.policy)
        };
        let price = self.budget.take(Instant::now(), limit, want);
        if price < want {
            tracing::warn!(
                want,
                price,
                budget = self.policy.budget_lamports_per_hour,
                "priority-fee budget for this hour reached: bidding less"
            );
        }
        let tx = Self::build(ixs, payer, limit, price, blockhash);
        let signature = tx.signatures[0];
        // In flight from before the first broadcast: a send that errors or times out may
        // still have reached a leader, so it is followed (rebroadcast, then confirmed or
        // expired) like any other, never re-signed.
        let now = Instant::now();
        *in_flight = Some(InFlight {
            signature,
            tx: tx.clone(),
            last_valid_block_height,
            last_broadcast: now,
            sent_at: now,
        });
        if let Err(e) = self.broadcast(&tx).await {
            tracing::warn!(%signature, error = %self.scrub(e), "sendTransaction failed; following it until it lands or expires");
        }
        let deadline = now + CONFIRM_WAIT;
        loop {
            let Some(f) = in_flight.as_mut() else {
                unreachable!("set above")
            };
            match self.check(f).await {
                SendOutcome::Pending(_) if Instant::now() < deadline => {
                    tokio::time::sleep(CONFIRM_POLL).await
                }
                SendOutcome::Pending(s) => return SendOutcome::Pending(s),
                done => {
                    *in_flight = None;
                    return done;
                }
            }
        }
    }

    /// What recent transactions writing `accounts` paid, and the non-zero per-slot
    /// minimums (see [`crate::fees`]); cached for [`fees::ESTIMATE_TTL`]. Only
    /// successful transactions of the last [`fees::SAMPLE_MAX_AGE_SLOTS`] slots before
    /// `slot`, paid by someone else than `payer` and write-locking one of `accounts`,
    /// count: the keeper's own escalated bids must not ratchet its next ones up, and a
    /// transaction that failed or only reads the pool bought nothing.
    async fn fee_samples(
        &self,
        accounts: &[Pubkey],
        payer: &Pubkey,
        slot: Slot,
    ) -> Result<Vec<u64>, String> {
        let now = Instant::now();
        if let Some(s) = self.estimates.get(accounts, now) {
            return Ok(s);
        }
        let minimums: Vec<u64> = self
            .ep
            .call("getRecentPrioritizationFees", |rpc| async move {
                rpc.get_recent_prioritization_fees(accounts).await
            })
            .await?
            .iter()
            .map(|f| f.prioritization_fee)
            .collect();
        // What others paid needs the node's transaction history, which many nodes do
        // not keep (`--enable-rpc-transaction-history`; -32011 without it): then the
        // non-zero per-slot minimums alone.
        let paid = match self.paid_prices(accounts, payer, slot).await {
            Ok(p) => p,
            Err(e) => {
                tracing::debug!(error = %e, "no transaction history: fee from the per-slot minimums");
                Vec::new()
            }
        };
        let samples = fees::samples(&paid, &minimums);
        self.estimates.put(accounts, now, samples.clone());
        Ok(samples)
    }

    /// The prices recent transactions writing `accounts` paid (see [`Self::fee_samples`]).
    async fn paid_prices(
        &self,
        accounts: &[Pubkey],
        payer: &Pubkey,
        slot: Slot,
    ) -> Result<Vec<u64>, String> {
        let mut signatures = Vec::new();
        for a in accounts {
            let found = self
                .ep
                .call_active("getSignaturesForAddress", |rpc| async move {
                    rpc.get_signatures_for_address_with_config(
                        a,
                        GetConfirmedSignaturesForAddress2Config {
                            limit: Some(fees::PAID_SAMPLE),
                            commitment: Some(CommitmentConfig::confirmed()),
                            ..Default::default()
                        },
                    )
                    .await
                })
                .await?;
            let oldest = slot.saturating_sub(fees::SAMPLE_MAX_AGE_SLOTS);
            for f in found
                .into_iter()
                .filter(|f| f.err.is_none() && f.slot >= oldest)
            {
                if let Ok(sig) = f.signature.parse::<Signature>() {
                    if !signatures.contains(&sig) {
                        signatures.push(sig);
                    }
                }
            }
        }
        let reads = signatures.iter().map(|sig| {
            self.ep
                .call_active("getTransaction", move |rpc| async move {
                    rpc.get_transaction_with_config(
                        sig,
                        RpcTransactionConfig {
                            encoding: Some(UiTransactionEncoding::Base64),
                            commitment: Some(CommitmentConfig::confirmed()),
                            max_supported_transaction_version: Some(0),
                        },
                    )
                    .await
                })
        });
        // A transaction a node cannot return (pruned, not yet indexed) is no sample.
        Ok(futures::future::join_all(reads)
            .await
            .into_iter()
            .filter_map(|r| r.ok()?.transaction.transaction.decode())
            .filter(|tx| fees::counts_as_sample(&tx.message, accounts, payer))
            .map(|tx| fees::price_of(&tx.message))
            .collect())
    }

    /// Sends the signed bytes: as a bundle if they tip the engine, else through every
    /// endpoint; `Ok` if any took them.
    async fn broadcast(&self, tx: &Transaction) -> Result<Signature, String> {
        if let Some(b) = self.bundles.as_ref().filter(|b| b.tips(tx)) {
            return b.send(tx).await.map(|_| tx.signatures[0]);
        }
        let config = RpcSendTransactionConfig {
            // Just simulated; and the keeper rebroadcasts itself.
            skip_preflight: true,
            max_retries: Some(0),
            ..Default::default()
        };
        // Each endpoint's send runs on its own task: the first that takes the bytes
        // answers, the others finish in the background (a blackholed endpoint costs its
        // own task's deadline, not the keeper's).
        let mut sends: futures::stream::FuturesUnordered<_> = self
            .ep
            .all()
            .map(|rpc| {
                let (rpc, tx) = (rpc.clone(), tx.clone());
                tokio::spawn(async move {
                    rpc.send_transaction_with_config(&tx, config)
                        .await
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        let mut last = String::new();
        while let Some(r) = futures::StreamExt::next(&mut sends).await {
            match r {
                Ok(Ok(sig)) => return Ok(sig),
                Ok(Err(e)) => last = e,
                Err(e) => last = e.to_string(),
            }
        }
        Err(self.scrub(last))
    }

    /// One look at a transaction in flight: `Landed` or `Program` once `confirmed`,
    /// `Expired` once the block height at `confirmed` is past its last valid one and it
    /// has no status, else `Pending` (rebroadcast if due). A status seen only at
    /// `processed` is not landed: that block may still be dropped.
    pub async fn check(&self, f: &mut InFlight) -> SendOutcome {
        let sig = f.signature;
        let status = match self
            .ep
            .call("getSignatureStatuses", |rpc| async move {
                rpc.get_signature_statuses(&[sig]).await
            })
            .await
        {
            Ok(r) => r.value.into_iter().next().flatten(),
            Err(e) => {
                tracing::debug!(error = %e, "getSignatureStatuses");
                return SendOutcome::Pending(sig);
            }
        };
        if let Some(status) = status {
            if status.satisfies_commitment(CommitmentConfig::confirmed()) {
                return match status.err {
                    None => SendOutcome::Landed {
                        signature: sig,
                        slot: status.slot,
                    },
                    Some(err) => match custom_code(&err) {
                        Some((i, code)) => SendOutcome::Program {
                            failure: self.attribute(&sig, &outer_program(&f.tx, i), code).await,
                            signature: Some(sig),
                        },
                        None => SendOutcome::Transport(format!("landed with {err}")),
                    },
                };
            }
            // Processed only: wait for confirmation; no rebroadcast needed.
            return SendOutcome::Pending(sig);
        }
        match self
            .ep
            .call("getBlockHeight", |rpc| async move {
                rpc.get_block_height_with_commitment(CommitmentConfig::confirmed())
                    .await
            })
            .await
        {
            Ok(h) if h > f.last_valid_block_height => {
                // Past its last valid height on this node. Before the action may be
                // signed again, every endpoint that answers must agree: no status for it,
                // and its blockhash no longer valid. One node (lagging, or lying about
                // its height) cannot call a live transaction expired; an endpoint that
                // does not answer is not asked to agree, but at least one must.
                if self.expired_everywhere(f).await {
                    return SendOutcome::Expired(sig);
                }
                return SendOutcome::Pending(sig);
            }
            _ => {}
        }
        if f.last_broadcast.elapsed() >= REBROADCAST_EVERY {
            // The same signed bytes: a node that already has it drops the copy.
            let _ = self.broadcast(&f.tx).await;
            f.last_broadcast = Instant::now();
        }
        SendOutcome::Pending(sig)
    }

    /// True if every endpoint that answers has no status for `f` and no longer knows
    /// its blockhash (at `confirmed`), and at least one answered.
    async fn expired_everywhere(&self, f: &InFlight) -> bool {
        let sig = f.signature;
        let hash = f.tx.message.recent_blockhash;
        let asks = self.ep.all().map(|rpc| async move {
            let status = rpc.get_signature_statuses(&[sig]).await.ok()?;
            let valid = rpc
                .is_blockhash_valid(&hash, CommitmentConfig::confirmed())
                .await
                .ok()?;
            Some(status.value.into_iter().next().flatten().is_none() && !valid)
        });
        let answers: Vec<bool> = futures::future::join_all(asks)
            .await
            .into_iter()
            .flatten()
            .collect();
        !answers.is_empty() && answers.iter().all(|gone| *gone)
    }

    /// Which program raised `code`, from the landed transaction's logs.
    /// (`getTransaction` may answer null just after confirmation: a few tries.)
    async fn attribute(&self, sig: &Signature, outer: &Pubkey, code: u32) -> ProgramFailure {
        let mut logs = Vec::new();
        for attempt in 0..3 {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            // Transaction history is optional on a node (-32011 without it): its refusal
            // must not move the keeper off a healthy endpoint, and the failing
            // instruction's program is the answer then.
            let got = self
                .ep
                .call_active("getTransaction", |rpc| async move {
                    rpc.get_transaction_with_config(
                        sig,
                        RpcTransactionConfig {
                            encoding: Some(UiTransactionEncoding::Json),
                            commitment: Some(CommitmentConfig::confirmed()),
                            max_supported_transaction_version: Some(0),
                        },
                    )
                    .await
                })
                .await
                .ok()
                .and_then(|t| t.transaction.meta)
                .and_then(|m| Option::<Vec<String>>::from(m.log_messages));
            if let Some(l) = got {
                logs = l;
                break;
            }
        }
        ProgramFailure::from_logs(&logs, outer, code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_limit_adds_margin_and_caps() {
        assert_eq!(unit_limit(100_000), 120_000);
        assert_eq!(unit_limit(0), 5_000);
        assert_eq!(unit_limit(2_000_000), MAX_COMPUTE_UNITS);
    }

    #[test]
    fn priority_fee_takes_the_percentile_and_caps() {
        let policy = PriorityFeePolicy {
            max_micro_lamports: 1_000,
            percentile: 50,
            budget_lamports_per_hour: u64::MAX,
        };
        assert_eq!(priority_fee(&[], &policy), 0);
        assert_eq!(priority_fee(&[5, 1, 3], &policy), 3);
        assert_eq!(
            priority_fee(
                &[0, 0, 5_000],
                &PriorityFeePolicy {
                    percentile: 100,
                    ..policy
                }
            ),
            1_000
        );
        assert_eq!(
            priority_fee(
                &[7, 9],
                &PriorityFeePolicy {
                    percentile: 0,
                    ..policy
                }
            ),
            7
        );
    }

    #[test]
    fn fees_escalate_after_expiries_and_stay_capped() {
        let policy = PriorityFeePolicy {
            max_micro_lamports: 1_000,
            percentile: 50,
            budget_lamports_per_hour: u64::MAX,
        };
        assert_eq!(escalated_fee(0, 0, &policy), 0);
        assert_eq!(escalated_fee(0, 1, &policy), 2);
        assert_eq!(escalated_fee(100, 2, &policy), 400);
        assert_eq!(escalated_fee(100, 9, &policy), 1_000);
        assert_eq!(escalated_fee(5_000, 0, &policy), 1_000);
    }

    #[test]
    fn custom_codes_come_from_instruction_errors_only() {
        assert_eq!(
            custom_code(&TransactionError::InstructionError(
                2,
                InstructionError::Custom(6012)
            )),
            Some((2, 6012))
        );
        assert_eq!(custom_code(&TransactionError::BlockhashNotFound), None);
    }
}
