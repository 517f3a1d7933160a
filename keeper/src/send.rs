//! Sending one keeper transaction: simulate for the compute-unit limit, price it from
//! recent prioritization fees (capped), send, and confirm with a timeout. Outcomes are
//! plain data; the loop classifies them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anchor_lang::prelude::Pubkey;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::config::{RpcSendTransactionConfig, RpcSimulateTransactionConfig};
use solana_sdk::clock::Slot;
use solana_sdk::instruction::{Instruction, InstructionError};
use solana_sdk::signature::{Keypair, Signature, Signer};
use solana_sdk::transaction::{Transaction, TransactionError};

use crate::config::PriorityFeePolicy;

/// The most a transaction may ask for.
pub const MAX_COMPUTE_UNITS: u32 = 1_400_000;
/// Margin over the simulated units: +15% and a fixed 5,000 (the real run may take a
/// slightly different branch, e.g. a pool that moved).
pub const CU_MARGIN_PCT: u64 = 15;
pub const CU_MARGIN_FIXED: u64 = 5_000;
/// How long to wait for a landed status.
pub const CONFIRM_TIMEOUT: Duration = Duration::from_secs(30);
const CONFIRM_POLL: Duration = Duration::from_millis(200);

#[derive(Clone, Debug, PartialEq)]
pub enum SendOutcome {
    Landed {
        signature: Signature,
        slot: Slot,
    },
    /// The program (or the DEX) refused it: in simulation (no signature) or on chain.
    Program {
        code: u32,
        signature: Option<Signature>,
    },
    /// RPC or transport trouble (including a non-program simulation failure).
    Transport(String),
    /// Sent, but no status within [`CONFIRM_TIMEOUT`].
    Timeout(Signature),
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

/// The custom code of an instruction error, if that is what failed.
pub fn custom_code(e: &TransactionError) -> Option<u32> {
    match e {
        TransactionError::InstructionError(_, InstructionError::Custom(c)) => Some(*c),
        _ => None,
    }
}

pub struct Sender {
    rpc: Arc<RpcClient>,
    policy: PriorityFeePolicy,
}

impl Sender {
    pub fn new(rpc: Arc<RpcClient>, policy: PriorityFeePolicy) -> Self {
        Self { rpc, policy }
    }

    fn build(
        ixs: &[Instruction],
        payer: &Keypair,
        limit: u32,
        price: u64,
        blockhash: solana_sdk::hash::Hash,
    ) -> Transaction {
        let mut all = vec![
            ComputeBudgetInstruction::set_compute_unit_limit(limit),
            ComputeBudgetInstruction::set_compute_unit_price(price),
        ];
        all.extend_from_slice(ixs);
        Transaction::new_signed_with_payer(&all, Some(&payer.pubkey()), &[payer], blockhash)
    }

    /// Sends `ixs` paid and signed by `payer`; `fee_accounts` are the writable accounts
    /// whose recent fees set the price. The compute-unit limit comes from the simulation
    /// (with a margin); where simulation meters nothing (a native local endpoint reports
    /// 0 units), it is `budget`, the instruction's entry in the CU table
    /// ([`crate::builders::cu_budget`]).
    pub async fn send(
        &self,
        ixs: &[Instruction],
        payer: &Keypair,
        fee_accounts: &[Pubkey],
        budget: u32,
    ) -> SendOutcome {
        let blockhash = match self.rpc.get_latest_blockhash().await {
            Ok(h) => h,
            Err(e) => return SendOutcome::Transport(format!("getLatestBlockhash: {e}")),
        };
        let probe = Self::build(ixs, payer, MAX_COMPUTE_UNITS, 0, blockhash);
        let sim = match self
            .rpc
            .simulate_transaction_with_config(
                &probe,
                RpcSimulateTransactionConfig {
                    sig_verify: false,
                    ..Default::default()
                },
            )
            .await
        {
            Ok(r) => r.value,
            Err(e) => return SendOutcome::Transport(format!("simulateTransaction: {e}")),
        };
        if let Some(err) = &sim.err {
            return match custom_code(err) {
                Some(code) => SendOutcome::Program {
                    code,
                    signature: None,
                },
                None => SendOutcome::Transport(format!("simulation failed: {err}")),
            };
        }
        let limit = match sim.units_consumed {
            Some(0) | None => budget.min(MAX_COMPUTE_UNITS),
            Some(units) => unit_limit(units),
        };
        let recent: Vec<u64> = match self.rpc.get_recent_prioritization_fees(fee_accounts).await {
            Ok(f) => f.iter().map(|f| f.prioritization_fee).collect(),
            Err(e) => return SendOutcome::Transport(format!("getRecentPrioritizationFees: {e}")),
        };
        let price = priority_fee(&recent, &self.policy);
        let tx = Self::build(ixs, payer, limit, price, blockhash);
        let signature = match self
            .rpc
            .send_transaction_with_config(
                &tx,
                RpcSendTransactionConfig {
                    // Just simulated above.
                    skip_preflight: true,
                    ..Default::default()
                },
            )
            .await
        {
            Ok(s) => s,
            Err(e) => return SendOutcome::Transport(format!("sendTransaction: {e}")),
        };
        self.confirm(signature).await
    }

    async fn confirm(&self, signature: Signature) -> SendOutcome {
        let start = Instant::now();
        while start.elapsed() < CONFIRM_TIMEOUT {
            match self.rpc.get_signature_statuses(&[signature]).await {
                Ok(r) => {
                    if let Some(Some(status)) = r.value.into_iter().next() {
                        return match status.err {
                            None => SendOutcome::Landed {
                                signature,
                                slot: status.slot,
                            },
                            Some(err) => match custom_code(&err) {
                                Some(code) => SendOutcome::Program {
                                    code,
                                    signature: Some(signature),
                                },
                                None => SendOutcome::Transport(format!("landed with {err}")),
                            },
                        };
                    }
                }
                Err(e) => tracing::debug!(error = %e, "getSignatureStatuses"),
            }
            tokio::time::sleep(CONFIRM_POLL).await;
        }
        SendOutcome::Timeout(signature)
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
    fn custom_codes_come_from_instruction_errors_only() {
        assert_eq!(
            custom_code(&TransactionError::InstructionError(
                2,
                InstructionError::Custom(6012)
            )),
            Some(6012)
        );
        assert_eq!(custom_code(&TransactionError::BlockhashNotFound), None);
    }
}
