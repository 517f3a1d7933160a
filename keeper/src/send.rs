//! Sending one keeper transaction the way a real cluster needs it:
//!
//! 1. the blockhash at `confirmed`, with its `lastValidBlockHeight` and the slot it was
//!    read at;
//! 2. a simulation at the same commitment with `replaceRecentBlockhash` and
//!    `minContextSlot` (a node behind that slot refuses instead of answering from an
//!    older bank; simulating at the client's default, `finalized`, fails with
//!    `BlockhashNotFound` on every real node);
//! 3. the compute-unit limit from the simulation, the priority fee from recent fees
//!    (capped, doubled per earlier expiry of the same action);
//! 4. one send, then statuses polled and the same signed bytes rebroadcast until the
//!    transaction is `confirmed` or its blockhash has expired (block height past
//!    `lastValidBlockHeight`). Only then may the action be signed again, so an action is
//!    never in flight twice.
//!
//! Outcomes are plain data; the loop classifies them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anchor_lang::prelude::Pubkey;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
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
use crate::errors::ProgramFailure;

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

pub struct Sender {
    rpc: Arc<RpcClient>,
    policy: PriorityFeePolicy,
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
    pub fn new(rpc: Arc<RpcClient>, policy: PriorityFeePolicy) -> Self {
        Self { rpc, policy }
    }

    /// An RPC error's text without the endpoint's key (see `config::scrub`).
    fn scrub(&self, text: String) -> String {
        crate::config::scrub(&text, &self.rpc.url())
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
            .rpc
            .send(
                RpcRequest::GetLatestBlockhash,
                serde_json::json!([{ "commitment": "confirmed" }]),
            )
            .await
            .map_err(|e| self.scrub(format!("getLatestBlockhash: {e}")))?;
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
        let sim = match self
            .rpc
            .simulate_transaction_with_config(
                &probe,
                RpcSimulateTransactionConfig {
                    sig_verify: false,
                    replace_recent_blockhash: true,
                    commitment: Some(CommitmentConfig::confirmed()),
                    min_context_slot: Some(min_slot),
                    ..Default::default()
                },
            )
            .await
        {
            Ok(r) => r.value,
            Err(e) => {
                return Simulated::Refused(SendOutcome::Transport(
                    self.scrub(format!("simulateTransaction: {e}")),
                ))
            }
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
        let (blockhash, last_valid_block_height, slot) = match self.blockhash().await {
            Ok(b) => b,
            Err(e) => return SendOutcome::Transport(e),
        };
        let units = match self.simulate_at(ixs, payer, blockhash, slot).await {
            Simulated::Ok { units } => units,
            Simulated::Refused(o) => return o,
        };
        // The simulation ran on state read before the landing: a pool moved back to
        // the oracle can add a swap the simulation skipped. Never ask for less than the
        // instruction's entry in the CU table.
        let limit = unit_limit(units).max(budget).min(MAX_COMPUTE_UNITS);
        let recent: Vec<u64> = match self.rpc.get_recent_prioritization_fees(fee_accounts).await {
            Ok(f) => f.iter().map(|f| f.prioritization_fee).collect(),
            Err(e) => {
                return SendOutcome::Transport(
                    self.scrub(format!("getRecentPrioritizationFees: {e}")),
                )
            }
        };
        let price = escalated_fee(priority_fee(&recent, &self.policy), expiries, &self.policy);
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

    async fn broadcast(&self, tx: &Transaction) -> Result<Signature, String> {
        self.rpc
            .send_transaction_with_config(
                tx,
                RpcSendTransactionConfig {
                    // Just simulated; and the keeper rebroadcasts itself.
                    skip_preflight: true,
                    max_retries: Some(0),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| e.to_string())
    }

    /// One look at a transaction in flight: `Landed` or `Program` once `confirmed`,
    /// `Expired` once the block height at `confirmed` is past its last valid one and it
    /// has no status, else `Pending` (rebroadcast if due). A status seen only at
    /// `processed` is not landed: that block may still be dropped.
    pub async fn check(&self, f: &mut InFlight) -> SendOutcome {
        let sig = f.signature;
        let status = match self.rpc.get_signature_statuses(&[sig]).await {
            Ok(r) => r.value.into_iter().next().flatten(),
            Err(e) => {
                tracing::debug!(error = %self.scrub(e.to_string()), "getSignatureStatuses");
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
            .rpc
            .get_block_height_with_commitment(CommitmentConfig::confirmed())
            .await
        {
            Ok(h) if h > f.last_valid_block_height => {
                // The blockhash is gone: it can no longer land. One last look at the
                // status (it may have landed in the meantime).
                if let Ok(r) = self.rpc.get_signature_statuses(&[sig]).await {
                    if r.value.into_iter().next().flatten().is_some() {
                        return SendOutcome::Pending(sig);
                    }
                }
                return SendOutcome::Expired(sig);
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

    /// Which program raised `code`, from the landed transaction's logs.
    /// (`getTransaction` may answer null just after confirmation: a few tries.)
    async fn attribute(&self, sig: &Signature, outer: &Pubkey, code: u32) -> ProgramFailure {
        let mut logs = Vec::new();
        for attempt in 0..3 {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            let got = self
                .rpc
                .get_transaction_with_config(
                    sig,
                    RpcTransactionConfig {
                        encoding: Some(UiTransactionEncoding::Json),
                        commitment: Some(CommitmentConfig::confirmed()),
                        max_supported_transaction_version: Some(0),
                    },
                )
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
