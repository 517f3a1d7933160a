//! The sandbox's chain: agave's bank (solana-program-test) behind one writer lock, plus
//! what a validator's RPC layer keeps beside its bank and program-test does not: the
//! statuses and metadata of processed transactions (for `getSignatureStatuses` and
//! `getTransaction`), an index of known addresses (for `getProgramAccounts`), recent
//! priority fees, and a broadcast of slot, account and signature events for the
//! websocket subscriptions.
//!
//! Every state change goes through [`Chain`]: transactions, the slot ticker, and the
//! sandbox's own oracle writes. Reads go straight to the bank.

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
    slot: Slot,
}

pub struct Chain {
    writer: Mutex<ProgramTestContext>,
    banks: BanksClient,
    store: SyncMutex<Store>,
    events: broadcast::Sender<ChainEvent>,
    pub genesis_hash: Hash,
    /// The faucet behind `requestAirdrop` (program-test's mint keypair).
    faucet: solana_sdk::signature::Keypair,
}

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
        let mut clock: Clock = self.banks.get_sysvar().await.map_err(|e| e.to_string())?;
        clock.unix_timestamp = wall_time();
        ctx.set_sysvar(&clock);
        self.store().slot = next;
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
        clock.unix_timestamp = wall_time();
        ctx.set_sysvar(&clock);
        let slot = self.banks_slot().await?;
        self.store().slot = slot;
        Ok(())
    }

    /// Writes an account directly (the sandbox's oracle publisher), and tells subscribers.
    pub async fn write_account(&self, key: Pubkey, account: AccountSharedData) {
        let mut ctx = self.writer.lock().await;
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
        if let Some((_, _)) = self.status(&signature) {
            return Err(SendError::Rejected(TransactionError::AlreadyProcessed));
        }
        // The simulation gives the inner instructions that processing does not return.
        let sim = self.simulate(&tx).await?;
        if preflight && sim.err.is_some() {
            return Err(SendError::Preflight(sim));
        }
        let keys: Vec<Pubkey> = tx.message.static_account_keys().to_vec();
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
                    block_time: wall_time(),
                    transaction: tx.clone(),
                    meta,
                },
            );
            s.known.extend(keys.iter().copied());
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
