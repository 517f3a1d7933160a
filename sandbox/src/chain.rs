//! The sandbox's chain: agave's bank (solana-program-test) behind one writer lock, plus
//! what a validator's RPC layer keeps beside its bank and program-test does not: the
//! statuses and metadata of processed transactions (for `getSignatureStatuses` and
//! `getTransaction`), an index of known addresses (for `getProgramAccounts`), recent
//! priority fees, and a broadcast of slot, account and signature events for the
//! websocket subscriptions.
//!
//! Every state change goes through [`Chain`]: transactions, the slot ticker, and the
//! sandbox's own oracle writes.
//!
//! Commitment levels differ as on a cluster (program-test's bank answers every level
//! alike): `confirmed` trails the working slot by [`Lags::confirmed`] slots and
//! `finalized` by [`Lags::finalized`]. Reads at a level see the accounts as of that
//! slot (the chain keeps each write's previous state for as long as a view may need
//! it), `getLatestBlockhash` answers that slot's blockhash, a blockhash younger than the
//! level's slot is unknown there (`BlockhashNotFound`), statuses move from processed to
//! confirmed to finalized, and a blockhash expires once the block height passes its
//! last valid one (150 blocks).

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Mutex as SyncMutex;
use std::time::{SystemTime, UNIX_EPOCH};

use anchor_spl::token_2022::spl_token_2022;
use solana_account_decoder::parse_account_data::SplTokenAdditionalDataV2;
use solana_account_decoder::parse_token::token_amount_to_ui_amount_v3;
use solana_program_test::{BanksClient, BanksClientError, ProgramTestContext};
use solana_sdk::account::{Account, AccountSharedData, ReadableAccount};
use solana_sdk::clock::{Clock, Slot};
use solana_sdk::commitment_config::CommitmentLevel;
use solana_sdk::hash::Hash;
use solana_sdk::message::VersionedMessage;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::Signature;
use solana_sdk::transaction::{TransactionError, VersionedTransaction};
use solana_transaction_status::{
    map_inner_instructions, TransactionStatusMeta, TransactionTokenBalance,
};
use tokio::sync::{broadcast, Mutex};

/// How many slots of priority fees `getRecentPrioritizationFees` reports (as agave).
pub const PRIORITY_FEE_SLOTS: usize = 150;
/// Blocks a blockhash stays valid for (agave's `MAX_PROCESSING_AGE`).
pub const BLOCKHASH_VALID_BLOCKS: u64 = 150;

/// How far each commitment level trails the working slot, in slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lags {
    /// A supermajority has voted on the block: about a slot or two on mainnet.
    pub confirmed: u64,
    /// Rooted: 32 slots of votes on top (the lockout depth).
    pub finalized: u64,
}

impl Default for Lags {
    fn default() -> Self {
        Self {
            confirmed: 1,
            finalized: 32,
        }
    }
}

/// A slot as the ticker made it: its blockhash and block height.
#[derive(Clone, Copy, Debug)]
pub struct SlotRecord {
    pub slot: Slot,
    pub blockhash: Hash,
    pub block_height: u64,
    pub last_valid_block_height: u64,
}

/// What subscribers hear about.
#[derive(Clone, Debug)]
pub enum ChainEvent {
    /// A new working slot.
    Slot { slot: Slot, parent: Slot },
    /// These accounts may have changed.
    Accounts(Vec<Pubkey>),
    /// A transaction was processed.
    Signature {
        signature: Signature,
        slot: Slot,
        err: Option<TransactionError>,
    },
}

/// A processed transaction as `getTransaction` returns it.
#[derive(Clone)]
pub struct StoredTransaction {
    pub slot: Slot,
    pub block_time: i64,
    pub transaction: VersionedTransaction,
    pub meta: TransactionStatusMeta,
}

/// The outcome of a simulation, in the bank's own terms.
#[derive(Clone, Debug, Default)]
pub struct Simulation {
    pub err: Option<TransactionError>,
    pub logs: Vec<String>,
    pub units_consumed: u64,
    pub loaded_accounts_data_size: u32,
    pub return_data: Option<solana_sdk::transaction_context::TransactionReturnData>,
    pub inner_instructions: Vec<solana_transaction_status::InnerInstructions>,
    /// The transaction's account keys (to show inner instructions as agave does).
    pub account_keys: Vec<Pubkey>,
}

/// Why `send` refused a transaction before it reached the bank's ledger.
#[derive(Debug)]
pub enum SendError {
    /// The preflight simulation failed (carried back with its logs).
    Preflight(Simulation),
    /// The bank refused the transaction outright (bad blockhash, duplicate, signature).
    Rejected(TransactionError),
    /// The bank could not be reached.
    Bank(String),
}

#[derive(Default)]
struct Store {
    statuses: HashMap<Signature, (Slot, Option<TransactionError>)>,
    transactions: HashMap<Signature, StoredTransaction>,
    known: BTreeSet<Pubkey>,
    /// (slot, priority fee in micro-lamports per CU, writable accounts) per transaction.
    fees: VecDeque<(Slot, u64, Vec<Pubkey>)>,
    /// Every processed transaction, oldest first, with its account keys
    /// (`getSignaturesForAddress`; the newest [`HISTORY_LEN`] are kept).
    history: VecDeque<HistoryEntry>,
    slot: Slot,
    /// One record per ticked slot, oldest first (as long as a view or a blockhash may
    /// need it).
    slots: VecDeque<SlotRecord>,
    /// (slot of a write, account, its state before that write), oldest first: what a
    /// read at an older commitment level sees.
    before: VecDeque<(Slot, Pubkey, Option<Account>)>,
}

/// How many transactions `getSignaturesForAddress` can reach back (a validator keeps
/// them all, or as long as its ledger; the sandbox runs for hours at most).
pub const HISTORY_LEN: usize = 50_000;

/// One transaction as `getSignaturesForAddress` reports it.
#[derive(Clone, Debug)]
pub struct HistoryEntry {
    pub slot: Slot,
    pub signature: Signature,
    pub keys: Vec<Pubkey>,
    pub err: Option<TransactionError>,
    pub block_time: i64,
}

pub struct Chain {
    writer: Mutex<ProgramTestContext>,
    banks: BanksClient,
    store: SyncMutex<Store>,
    events: broadcast::Sender<ChainEvent>,
    pub genesis_hash: Hash,
    /// The faucet behind `requestAirdrop` (program-test's mint keypair).
    faucet: solana_sdk::signature::Keypair,
    pub lags: Lags,
    faults: SyncMutex<Faults>,
    /// Sends held by [`Faults::delay_sends`]: (due, transaction).
    delayed: SyncMutex<Vec<(std::time::Instant, VersionedTransaction)>>,
    /// Seconds added to wall time by `advance_clock`.
    clock_offset: std::sync::atomic::AtomicI64,
    /// The latest `now()` returned.
    last_now: std::sync::atomic::AtomicI64,
}

/// Faults the sandbox injects into its own endpoint, to test clients against what a
/// real node and network do (set with the `sandbox_setFaults` method, which is not
/// part of agave's API; each counter is used up one `sendTransaction` at a time).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Faults {
    /// The next n sends answer their signature and are lost (a dropped packet, a
    /// leader that never saw it).
    pub drop_sends: u32,
    /// The next n sends answer their signature and land `delay_ms` later (after a
    /// client's confirmation timeout).
    pub delay_sends: u32,
    pub delay_ms: u64,
    /// The next n HTTP requests answer 429 Too Many Requests with `Retry-After: 1`.
    pub rate_limited: u32,
    /// The next n sends are processed, then answered with an error (a response lost
    /// after the node took the transaction, e.g. a client timeout).
    pub error_after_send: u32,
}

/// What happens to one send under the current [`Faults`].
enum SendFault {
    Drop,
    Delay(std::time::Duration),
}

/// A commitment level's view is not at the slot the client asked for (`minContextSlot`).
#[derive(Debug)]
pub struct MinContextSlotNotReached(pub Slot);

/// Wall-clock unix seconds.
pub fn wall_time() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn bank_err(e: BanksClientError) -> SendError {
    match e {
        BanksClientError::TransactionError(t) => SendError::Rejected(t),
        other => SendError::Bank(other.to_string()),
    }
}

impl Chain {
    /// Wraps a started context. `known` seeds the address index with every account the
    /// setup created.
    pub fn new(ctx: ProgramTestContext, known: impl IntoIterator<Item = Pubkey>) -> Self {
        Self::with_lags(ctx, known, Lags::default())
    }

    pub fn with_lags(
        ctx: ProgramTestContext,
        known: impl IntoIterator<Item = Pubkey>,
        lags: Lags,
    ) -> Self {
        let banks = ctx.banks_client.clone();
        let genesis_hash = ctx.genesis_config().hash();
        let faucet = ctx.payer.insecure_clone();
        let (events, _) = broadcast::channel(4_096);
        let store = Store {
            known: known.into_iter().collect(),
            ..Store::default()
        };
        Self {
            writer: Mutex::new(ctx),
            banks,
            store: SyncMutex::new(store),
            events,
            genesis_hash,
            faucet,
            lags,
            faults: SyncMutex::new(Faults::default()),
            delayed: SyncMutex::new(Vec::new()),
            clock_offset: std::sync::atomic::AtomicI64::new(0),
            last_now: std::sync::atomic::AtomicI64::new(0),
        }
    }

    /// The sandbox's unix time: wall time plus what `advance_clock` added. The Clock
    /// sysvar, block times and oracle publish times all read it, so a jump moves them
    /// together (a governance timelock or an expiry passes without waiting).
    pub fn now(&self) -> i64 {
        use std::sync::atomic::Ordering;
        let t = wall_time() + self.clock_offset.load(Ordering::Relaxed);
        // Never back, even if the machine's clock steps back.
        let before = self.last_now.fetch_max(t, Ordering::Relaxed);
        t.max(before)
    }

    /// Moves the sandbox's time forward by `seconds` (never back: a program may rely on
    /// time not running backwards) and sets the Clock at once.
    pub async fn advance_clock(&self, seconds: i64) -> Result<i64, String> {
        if !(1..=31_536_000).contains(&seconds) {
            return Err("seconds must be in [1, 31,536,000]".into());
        }
        self.clock_offset
            .fetch_add(seconds, std::sync::atomic::Ordering::Relaxed);
        self.sync_clock().await?;
        Ok(self.now())
    }

    /// The slot a commitment level sees.
    pub fn slot_at(&self, level: CommitmentLevel) -> Slot {
        let s = self.store();
        let first = s.slots.front().map_or(s.slot, |r| r.slot);
        let lag = match level {
            CommitmentLevel::Processed => 0,
            CommitmentLevel::Confirmed => self.lags.confirmed,
            _ => self.lags.finalized,
        };
        s.slot.saturating_sub(lag).max(first.min(s.slot))
    }

    /// [`Self::slot_at`], refused if below `min_context_slot`.
    pub fn slot_at_least(
        &self,
        level: CommitmentLevel,
        min_context_slot: Option<Slot>,
    ) -> Result<Slot, MinContextSlotNotReached> {
        let slot = self.slot_at(level);
        match min_context_slot {
            Some(min) if slot < min => Err(MinContextSlotNotReached(slot)),
            _ => Ok(slot),
        }
    }

    /// The newest slot record at or before `slot`.
    fn record_at(&self, slot: Slot) -> Option<SlotRecord> {
        let s = self.store();
        s.slots
            .iter()
            .rev()
            .find(|r| r.slot <= slot)
            .or(s.slots.front())
            .copied()
    }

    /// The record of the slot that produced `hash`, if the ticker made it.
    fn record_of(&self, hash: &Hash) -> Option<SlotRecord> {
        self.store()
            .slots
            .iter()
            .find(|r| r.blockhash == *hash)
            .copied()
    }

    /// Whether a transaction with `hash` may be processed by the bank `level` sees: not
    /// produced after that bank's slot, and not expired (block height past its last valid
    /// one). Hashes from before the ticker started are left to the bank.
    pub fn blockhash_valid_at(&self, hash: &Hash, level: CommitmentLevel) -> bool {
        let Some(r) = self.record_of(hash) else {
            return true;
        };
        let at = self.slot_at(level);
        let height = self.record_at(at).map_or(0, |x| x.block_height);
        r.slot <= at && height <= r.last_valid_block_height
    }

    /// (blockhash, last valid block height) of the bank `level` sees.
    pub async fn latest_blockhash_at(&self, level: CommitmentLevel) -> Result<(Hash, u64), String> {
        match self.record_at(self.slot_at(level)) {
            Some(r) => Ok((r.blockhash, r.last_valid_block_height)),
            None => self.latest_blockhash().await,
        }
    }

    /// The block height `level` sees.
    pub async fn block_height_at(&self, level: CommitmentLevel) -> Result<u64, String> {
        match self.record_at(self.slot_at(level)) {
            Some(r) if level != CommitmentLevel::Processed => Ok(r.block_height),
            _ => self.block_height().await,
        }
    }

    /// An account as the bank at `level` sees it: its state before the first write after
    /// that level's slot, else the current one.
    pub async fn account_at(
        &self,
        key: &Pubkey,
        level: CommitmentLevel,
    ) -> Result<Option<Account>, String> {
        let at = self.slot_at(level);
        if at < self.slot() {
            let s = self.store();
            if let Some((_, _, prior)) = s.before.iter().find(|(sl, k, _)| *sl > at && k == key) {
                return Ok(prior.clone());
            }
        }
        self.account(key).await
    }

    /// The commitment level a transaction in `slot` has reached.
    pub fn reached(&self, slot: Slot) -> CommitmentLevel {
        if slot <= self.slot_at(CommitmentLevel::Finalized) {
            CommitmentLevel::Finalized
        } else if slot <= self.slot_at(CommitmentLevel::Confirmed) {
            CommitmentLevel::Confirmed
        } else {
            CommitmentLevel::Processed
        }
    }

    /// Remembers the states of `keys` before a write in the working slot.
    async fn remember(&self, keys: &[Pubkey]) -> Result<(), String> {
        let slot = self.slot();
        let mut priors = Vec::with_capacity(keys.len());
        for k in keys {
            priors.push((slot, *k, self.account(k).await?));
        }
        let keep_from = slot.saturating_sub(self.lags.finalized + 1);
        let mut s = self.store();
        s.before.extend(priors);
        while s.before.front().is_some_and(|(sl, _, _)| *sl < keep_from) {
            s.before.pop_front();
        }
        Ok(())
    }

    /// Replaces the injected faults; returns the previous ones.
    pub fn set_faults(&self, f: Faults) -> Faults {
        let mut g = self.faults.lock().unwrap_or_else(|p| p.into_inner());
        std::mem::replace(&mut *g, f)
    }

    /// Uses up one send's `error_after_send`: true if this send's answer is to be lost.
    pub fn take_error_after_send(&self) -> bool {
        let mut g = self.faults.lock().unwrap_or_else(|p| p.into_inner());
        if g.error_after_send > 0 {
            g.error_after_send -= 1;
            true
        } else {
            false
        }
    }

    /// Uses up one HTTP request's share of the faults: true if it is to be answered 429.
    pub fn take_rate_limit(&self) -> bool {
        let mut g = self.faults.lock().unwrap_or_else(|p| p.into_inner());
        if g.rate_limited > 0 {
            g.rate_limited -= 1;
            true
        } else {
            false
        }
    }

    fn take_send_fault(&self) -> Option<SendFault> {
        let mut g = self.faults.lock().unwrap_or_else(|p| p.into_inner());
        if g.drop_sends > 0 {
            g.drop_sends -= 1;
            Some(SendFault::Drop)
        } else if g.delay_sends > 0 {
            g.delay_sends -= 1;
            Some(SendFault::Delay(std::time::Duration::from_millis(
                g.delay_ms,
            )))
        } else {
            None
        }
    }

    /// Applies the send faults to `tx` (already past preflight): `Some(signature)` if
    /// the fault took it (dropped, or held for later), `None` to process it now.
    pub fn intercept_send(&self, tx: &VersionedTransaction) -> Option<Signature> {
        let sig = *tx.signatures.first()?;
        match self.take_send_fault()? {
            SendFault::Drop => {}
            SendFault::Delay(d) => self
                .delayed
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((std::time::Instant::now() + d, tx.clone())),
        }
        Some(sig)
    }

    /// Processes the held sends that are due (called by the slot ticker). A late copy
    /// of a transaction that already landed is dropped like any duplicate.
    pub async fn release_delayed(&self) {
        let now = std::time::Instant::now();
        let due: Vec<VersionedTransaction> = {
            let mut g = self.delayed.lock().unwrap_or_else(|p| p.into_inner());
            let (due, later): (Vec<_>, Vec<_>) = g.drain(..).partition(|(t, _)| *t <= now);
            *g = later;
            due.into_iter().map(|(_, tx)| tx).collect()
        };
        for tx in due {
            let _ = self.send(tx, false).await;
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ChainEvent> {
        self.events.subscribe()
    }

    pub fn faucet(&self) -> &solana_sdk::signature::Keypair {
        &self.faucet
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        // A panic while holding this lock cannot leave it inconsistent (plain inserts).
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The working slot.
    pub fn slot(&self) -> Slot {
        self.store().slot
    }

    /// Moves to the next slot and sets the Clock to wall time (the bank moves neither).
    pub async fn tick(&self) -> Result<Slot, String> {
        let mut ctx = self.writer.lock().await;
        let current = self.banks_slot().await?;
        let next = current + 1;
        ctx.warp_to_slot(next).map_err(|e| format!("{e:?}"))?;
        self.store().slot = next;
        self.remember(&[solana_sdk::sysvar::clock::ID]).await?;
        let mut clock: Clock = self.banks.get_sysvar().await.map_err(|e| e.to_string())?;
        clock.unix_timestamp = self.now();
        ctx.set_sysvar(&clock);
        let (blockhash, _) = self.latest_blockhash().await?;
        let block_height = self.block_height().await?;
        {
            let mut s = self.store();
            s.slots.push_back(SlotRecord {
                slot: next,
                blockhash,
                block_height,
                last_valid_block_height: block_height + BLOCKHASH_VALID_BLOCKS,
            });
            // Long enough for every blockhash's life and the finalized view.
            let keep = (BLOCKHASH_VALID_BLOCKS + self.lags.finalized + 8) as usize;
            while s.slots.len() > keep {
                s.slots.pop_front();
            }
        }
        let _ = self.events.send(ChainEvent::Slot {
            slot: next,
            parent: current,
        });
        Ok(next)
    }

    async fn banks_slot(&self) -> Result<Slot, String> {
        self.banks
            .get_slot_with_context(tarpc::context::current(), CommitmentLevel::Processed)
            .await
            .map_err(|e| e.to_string())
    }

    /// Sets the Clock to wall time now, without moving the slot.
    pub async fn sync_clock(&self) -> Result<(), String> {
        let ctx = self.writer.lock().await;
        let mut clock: Clock = self.banks.get_sysvar().await.map_err(|e| e.to_string())?;
        clock.unix_timestamp = self.now();
        ctx.set_sysvar(&clock);
        let slot = self.banks_slot().await?;
        self.store().slot = slot;
        Ok(())
    }

    /// Writes an account directly (the sandbox's oracle publisher), and tells subscribers.
    pub async fn write_account(&self, key: Pubkey, account: AccountSharedData) {
        let mut ctx = self.writer.lock().await;
        // Best effort: a failed read only makes older views see the new state early.
        let _ = self.remember(&[key]).await;
        ctx.set_account(&key, &account);
        drop(ctx);
        self.store().known.insert(key);
        let _ = self.events.send(ChainEvent::Accounts(vec![key]));
    }

    pub async fn account(&self, key: &Pubkey) -> Result<Option<Account>, String> {
        self.banks
            .get_account_with_commitment(*key, CommitmentLevel::Processed)
            .await
            .map_err(|e| e.to_string())
    }

    pub async fn clock(&self) -> Result<Clock, String> {
        self.banks.get_sysvar().await.map_err(|e| e.to_string())
    }

    pub async fn epoch_schedule(
        &self,
    ) -> Result<solana_sdk::epoch_schedule::EpochSchedule, String> {
        self.banks.get_sysvar().await.map_err(|e| e.to_string())
    }

    /// Transactions processed through this endpoint.
    pub fn transaction_count(&self) -> u64 {
        self.store().statuses.len() as u64
    }

    pub async fn rent(&self) -> Result<solana_sdk::rent::Rent, String> {
        self.banks.get_rent().await.map_err(|e| e.to_string())
    }

    pub async fn block_height(&self) -> Result<u64, String> {
        self.banks
            .get_block_height_with_context(tarpc::context::current(), CommitmentLevel::Processed)
            .await
            .map_err(|e| e.to_string())
    }

    /// (blockhash, last valid block height).
    pub async fn latest_blockhash(&self) -> Result<(Hash, u64), String> {
        self.banks
            .get_latest_blockhash_with_commitment(CommitmentLevel::Processed)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "no blockhash".to_string())
    }

    /// The fee for a legacy message, or `None` if its blockhash is not valid.
    pub async fn fee_for_message(&self, message: &VersionedMessage) -> Result<Option<u64>, String> {
        let VersionedMessage::Legacy(m) = message else {
            // The bank's API takes legacy messages; v0 messages pay the same formula.
            return Ok(Some(fee_formula(message)));
        };
        self.banks
            .get_fee_for_message_with_commitment_and_context(
                tarpc::context::current(),
                m.clone(),
                CommitmentLevel::Processed,
            )
            .await
            .map_err(|e| e.to_string())
    }

    /// Every known address owned by `program`, with its account.
    pub async fn program_accounts(
        &self,
        program: &Pubkey,
    ) -> Result<Vec<(Pubkey, Account)>, String> {
        let keys: Vec<Pubkey> = self.store().known.iter().copied().collect();
        let mut out = Vec::new();
        for k in keys {
            if let Some(a) = self.account(&k).await? {
                if a.owner == *program {
                    out.push((k, a));
                }
            }
        }
        Ok(out)
    }

    pub fn status(&self, sig: &Signature) -> Option<(Slot, Option<TransactionError>)> {
        self.store().statuses.get(sig).cloned()
    }

    pub fn transaction(&self, sig: &Signature) -> Option<StoredTransaction> {
        self.store().transactions.get(sig).cloned()
    }

    /// Transactions that name `address`, newest first, in slots up to `max_slot`:
    /// after `before` (exclusive) back to `until` (exclusive), at most `limit`.
    pub fn signatures_for_address(
        &self,
        address: &Pubkey,
        max_slot: Slot,
        before: Option<Signature>,
        until: Option<Signature>,
        limit: usize,
    ) -> Vec<HistoryEntry> {
        let s = self.store();
        let mut started = before.is_none();
        let mut out = Vec::new();
        for e in s.history.iter().rev() {
            if !started {
                started = Some(e.signature) == before;
                continue;
            }
            if Some(e.signature) == until || out.len() >= limit {
                break;
            }
            if e.slot <= max_slot && e.keys.contains(address) {
                out.push(e.clone());
            }
        }
        out
    }

    /// Lowest priority fee paid per recent slot by transactions writing any of
    /// `accounts` (all transactions if empty); 0 for slots without one, as agave.
    pub fn recent_priority_fees(&self, accounts: &[Pubkey]) -> Vec<(Slot, u64)> {
        let s = self.store();
        let newest = s.slot;
        let oldest = newest.saturating_sub(PRIORITY_FEE_SLOTS as u64 - 1);
        (oldest..=newest)
            .map(|slot| {
                let fee = s
                    .fees
                    .iter()
                    .filter(|(sl, _, w)| {
                        *sl == slot
                            && (accounts.is_empty() || w.iter().any(|k| accounts.contains(k)))
                    })
                    .map(|(_, f, _)| *f)
                    .min()
                    .unwrap_or(0);
                (slot, fee)
            })
            .collect()
    }

    /// Simulates as the bank at `level` would: a blockhash that bank does not know (too
    /// new or expired) fails with `BlockhashNotFound`, as on a validator. The accounts
    /// are the working bank's (program-test keeps no older banks to run against).
    pub async fn simulate_at(
        &self,
        tx: &VersionedTransaction,
        level: CommitmentLevel,
    ) -> Result<Simulation, SendError> {
        if !self.blockhash_valid_at(tx.message.recent_blockhash(), level) {
            return Ok(Simulation {
                err: Some(TransactionError::BlockhashNotFound),
                account_keys: tx.message.static_account_keys().to_vec(),
                ..Simulation::default()
            });
        }
        self.simulate(tx).await
    }

    /// Simulates against the working bank.
    pub async fn simulate(&self, tx: &VersionedTransaction) -> Result<Simulation, SendError> {
        let sim = self
            .banks
            .simulate_transaction_with_commitment(tx.clone(), CommitmentLevel::Processed)
            .await
            .map_err(bank_err)?;
        let err = match sim.result {
            Some(Err(e)) => Some(e),
            _ => None,
        };
        let Some(details) = sim.simulation_details else {
            return Ok(Simulation {
                err,
                account_keys: tx.message.static_account_keys().to_vec(),
                ..Simulation::default()
            });
        };
        Ok(Simulation {
            err,
            logs: details.logs,
            units_consumed: details.units_consumed,
            loaded_accounts_data_size: details.loaded_accounts_data_size,
            return_data: details.return_data,
            inner_instructions: map_inner_instructions(
                details.inner_instructions.unwrap_or_default(),
            )
            .filter(|i| !i.instructions.is_empty())
            .collect(),
            account_keys: tx.message.static_account_keys().to_vec(),
        })
    }

    /// Processes one transaction: preflight (unless skipped), then the bank, then the
    /// status, metadata, index and events. Returns its signature.
    pub async fn send(
        &self,
        tx: VersionedTransaction,
        preflight: bool,
    ) -> Result<Signature, SendError> {
        let signature = *tx
            .signatures
            .first()
            .ok_or(SendError::Rejected(TransactionError::SanitizeFailure))?;
        let _writer = self.writer.lock().await;
        // Without preflight a validator takes the bytes and answers the signature; a
        // duplicate, or a transaction whose blockhash has expired (or is not produced
        // yet), is then dropped: it never lands and its status stays unknown.
        let refused = if self.status(&signature).is_some() {
            Some(TransactionError::AlreadyProcessed)
        } else if !self
            .blockhash_valid_at(tx.message.recent_blockhash(), CommitmentLevel::Processed)
        {
            Some(TransactionError::BlockhashNotFound)
        } else {
            None
        };
        if let Some(e) = refused {
            return if preflight {
                Err(SendError::Rejected(e))
            } else {
                Ok(signature)
            };
        }
        // The simulation gives the inner instructions that processing does not return.
        let sim = self.simulate(&tx).await?;
        if preflight && sim.err.is_some() {
            return Err(SendError::Preflight(sim));
        }
        let keys: Vec<Pubkey> = tx.message.static_account_keys().to_vec();
        let writable_now: Vec<Pubkey> = keys
            .iter()
            .enumerate()
            .filter(|(i, _)| tx.message.is_maybe_writable(*i, None))
            .map(|(_, k)| *k)
            .collect();
        self.remember(&writable_now)
            .await
            .map_err(SendError::Bank)?;
        let pre = self.balances(&keys).await?;
        let pre_tokens = self.token_balances(&keys).await?;
        let fee = self
            .fee_for_message(&tx.message)
            .await
            .map_err(SendError::Bank)?;
        let result = self
            .banks
            .process_transaction_with_metadata(tx.clone())
            .await
            .map_err(bank_err)?;
        let status = result.result.clone();
        // Only failures inside instructions are committed (the fee is taken); the rest
        // never reach the ledger, as on a validator.
        if let Err(e) = &status {
            if !matches!(e, TransactionError::InstructionError(..)) {
                return Err(SendError::Rejected(e.clone()));
            }
        }
        let post = self.balances(&keys).await?;
        let post_tokens = self.token_balances(&keys).await?;
        let (logs, units, return_data) = match result.metadata {
            Some(m) => (m.log_messages, m.compute_units_consumed, m.return_data),
            None => (vec![], 0, None),
        };
        let slot = self.slot();
        let writable: Vec<Pubkey> = keys
            .iter()
            .enumerate()
            .filter(|(i, _)| tx.message.is_maybe_writable(*i, None))
            .map(|(_, k)| *k)
            .collect();
        let meta = TransactionStatusMeta {
            status: status.clone(),
            fee: fee.unwrap_or_else(|| fee_formula(&tx.message)),
            pre_balances: pre,
            post_balances: post,
            inner_instructions: Some(sim.inner_instructions),
            log_messages: Some(logs),
            pre_token_balances: Some(pre_tokens),
            post_token_balances: Some(post_tokens),
            rewards: Some(vec![]),
            loaded_addresses: Default::default(),
            return_data,
            compute_units_consumed: Some(units),
            cost_units: None,
        };
        let err = status.err();
        {
            let mut s = self.store();
            s.statuses.insert(signature, (slot, err.clone()));
            s.transactions.insert(
                signature,
                StoredTransaction {
                    slot,
                    block_time: self.now(),
                    transaction: tx.clone(),
                    meta,
                },
            );
            s.known.extend(keys.iter().copied());
            s.history.push_back(HistoryEntry {
                slot,
                signature,
                keys: keys.clone(),
                err: err.clone(),
                block_time: self.now(),
            });
            if s.history.len() > HISTORY_LEN {
                s.history.pop_front();
            }
            s.fees
                .push_back((slot, priority_fee(&tx.message), writable.clone()));
            while s
                .fees
                .front()
                .is_some_and(|(sl, _, _)| *sl + (PRIORITY_FEE_SLOTS as u64) < slot)
            {
                s.fees.pop_front();
            }
        }
        let _ = self.events.send(ChainEvent::Accounts(writable));
        let _ = self.events.send(ChainEvent::Signature {
            signature,
            slot,
            err,
        });
        Ok(signature)
    }

    async fn balances(&self, keys: &[Pubkey]) -> Result<Vec<u64>, SendError> {
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            out.push(
                self.account(k)
                    .await
                    .map_err(SendError::Bank)?
                    .map(|a| a.lamports)
                    .unwrap_or(0),
            );
        }
        Ok(out)
    }

    /// Token balances of the transaction's token accounts (SPL Token or Token-2022).
    async fn token_balances(
        &self,
        keys: &[Pubkey],
    ) -> Result<Vec<TransactionTokenBalance>, SendError> {
        let mut out = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            let Some(acc) = self.account(k).await.map_err(SendError::Bank)? else {
                continue;
            };
            let Some((mint, owner, amount)) = token_account_fields(&acc) else {
                continue;
            };
            let Some(decimals) = self.mint_decimals(&mint).await else {
                continue;
            };
            out.push(TransactionTokenBalance {
                account_index: i as u8,
                mint: mint.to_string(),
                ui_token_amount: token_amount_to_ui_amount_v3(
                    amount,
                    &SplTokenAdditionalDataV2::with_decimals(decimals),
                ),
                owner: owner.to_string(),
                program_id: acc.owner.to_string(),
            });
        }
        Ok(out)
    }

    /// Decimals of a mint of either token program.
    pub async fn mint_decimals(&self, mint: &Pubkey) -> Option<u8> {
        let acc = self.account(mint).await.ok()??;
        if !is_token_program(&acc.owner) || acc.data.len() < 82 {
            return None;
        }
        // Both programs' base mint layout: decimals at byte 44.
        Some(acc.data[44])
    }
}

pub fn is_token_program(p: &Pubkey) -> bool {
    *p == anchor_spl::token::ID || *p == spl_token_2022::ID
}

/// (mint, owner, amount) of a token account of either program.
pub fn token_account_fields(acc: &impl ReadableAccount) -> Option<(Pubkey, Pubkey, u64)> {
    use spl_token_2022::extension::StateWithExtensions;
    if !is_token_program(acc.owner()) {
        return None;
    }
    let state = StateWithExtensions::<spl_token_2022::state::Account>::unpack(acc.data()).ok()?;
    Some((state.base.mint, state.base.owner, state.base.amount))
}

/// The compute-unit price a message sets, micro-lamports.
pub fn priority_fee(message: &VersionedMessage) -> u64 {
    compute_budget(message).1
}

/// (unit limit, unit price) from a message's compute-budget instructions.
fn compute_budget(message: &VersionedMessage) -> (Option<u32>, u64) {
    let keys = message.static_account_keys();
    let mut limit = None;
    let mut price = 0;
    for ix in message.instructions() {
        if keys.get(ix.program_id_index as usize) != Some(&solana_compute_budget_interface::ID) {
            continue;
        }
        match ix.data.first() {
            Some(2) if ix.data.len() >= 5 => {
                limit = Some(u32::from_le_bytes(ix.data[1..5].try_into().unwrap()))
            }
            Some(3) if ix.data.len() >= 9 => {
                price = u64::from_le_bytes(ix.data[1..9].try_into().unwrap())
            }
            _ => {}
        }
    }
    (limit, price)
}

/// 5,000 lamports per signature plus the priority fee (price × limit, rounded up).
pub fn fee_formula(message: &VersionedMessage) -> u64 {
    let sigs = message.header().num_required_signatures as u64;
    let (limit, price) = compute_budget(message);
    let units = limit.unwrap_or(200_000) as u128;
    let priority = (units * price as u128).div_ceil(1_000_000) as u64;
    sigs * 5_000 + priority
}

/// The runtime the bank lives on, with its clock held still.
///
/// program-test's simulated PoH registers a new blockhash every 6.4 ms of tokio time,
/// so its bank forgets a blockhash (150 registrations) after about a second, where a
/// cluster keeps it for 150 blocks (a minute). The sandbox registers one blockhash per
/// slot itself (`warp_to_slot` in [`Chain::tick`]), so the bank's own expiry is the
/// cluster's. To keep that task from firing, the bank (its banks server and the PoH
/// task) runs on a current-thread runtime whose clock, once the world is built, is
/// paused and held: a blocking task stops tokio from auto-advancing paused time. Nothing the
/// sandbox calls on the bank after setup sleeps (`process_transaction_with_metadata`,
/// reads, simulation); setup may, and runs there at full speed.
pub struct BankRuntime {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BankRuntime {
    /// Runs `setup` (which starts the program-test context and builds the world) on a
    /// new bank runtime and returns its output once the clock is held.
    pub async fn start<T, F>(setup: F) -> Result<(T, BankRuntime), String>
    where
        T: Send + 'static,
        F: FnOnce() -> std::pin::Pin<Box<dyn std::future::Future<Output = T>>> + Send + 'static,
    {
        let (out_tx, out_rx) = tokio::sync::oneshot::channel();
        let (stop, stop_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("sandbox-bank".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = out_tx.send(Err(format!("bank runtime: {e}")));
                        return;
                    }
                };
                rt.block_on(async move {
                    // Setup runs in real time (a paused clock would auto-advance past
                    // the banks client's request deadlines while the bank works).
                    let out = setup().await;
                    // From here the clock stands still until `stop` is dropped: paused,
                    // and a blocking task keeps tokio from auto-advancing it. (No await
                    // between the two.)
                    tokio::time::pause();
                    let hold = tokio::task::spawn_blocking(move || {
                        let _ = stop_rx.recv();
                    });
                    let _ = out_tx.send(Ok(out));
                    let _ = hold.await;
                });
            })
            .map_err(|e| format!("bank thread: {e}"))?;
        let out = out_rx
            .await
            .map_err(|_| "the bank runtime stopped during setup".to_string())??;
        Ok((
            out,
            BankRuntime {
                stop: Some(stop),
                thread: Some(thread),
            },
        ))
    }
}

impl Drop for BankRuntime {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
