//! The keeper's send path against agave's own validator (`solana-test-validator`, in
//! process: real banking stage, real commitment levels, real RPC), with instructions
//! that need no custom program (memo and transfer):
//!
//! - blockhash at `confirmed`, simulation at `confirmed` with `replaceRecentBlockhash`
//!   and `minContextSlot`, the compute-unit limit from the simulation's metered units,
//!   the priority fee from what recent transactions on the same account paid
//!   (`getSignaturesForAddress` + `getTransaction`), landed only at `confirmed`;
//! - a simulation refusal attributed to the program that raised it, nothing sent;
//! - a lost first copy landed by the rebroadcast, the same bytes never landing twice;
//! - a transaction whose blockhash has expired: called expired only once the block
//!   height at `confirmed` is past its `lastValidBlockHeight`, with no status.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hedge_keeper::config::PriorityFeePolicy;
use hedge_keeper::endpoints::Endpoints;
use hedge_keeper::send::{unit_limit, InFlight, SendOutcome, Sender, Simulated};
use hedge_vault_client::errors::ProgramFailure;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::config::RpcTransactionConfig;
use solana_sdk::commitment_config::CommitmentConfig;
use solana_sdk::instruction::Instruction;
use solana_sdk::message::VersionedMessage;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{Keypair, Signature, Signer};
use solana_sdk::transaction::Transaction;
use solana_system_interface::instruction as system_instruction;
use solana_test_validator::TestValidatorGenesis;
use solana_transaction_status::UiTransactionEncoding;

const POLICY: PriorityFeePolicy = PriorityFeePolicy {
    max_micro_lamports: 1_000_000,
    percentile: 75,
    budget_lamports_per_hour: 1_000_000_000,
};

/// Follows a transaction until it is final, as the keeper's loop does.
async fn follow(
    sender: &Sender,
    flight: &mut Option<InFlight>,
    first: SendOutcome,
    within: Duration,
) -> SendOutcome {
    let deadline = Instant::now() + within;
    let mut o = first;
    while let SendOutcome::Pending(_) = o {
        assert!(Instant::now() < deadline, "still pending after {within:?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
        o = sender.check(flight.as_mut().expect("in flight")).await;
    }
    o
}

/// (compute-unit limit, price) a landed transaction set, and its metered units.
async fn landed(rpc: &RpcClient, sig: &Signature) -> (u32, u64, u64) {
    let t = rpc
        .get_transaction_with_config(
            sig,
            RpcTransactionConfig {
                encoding: Some(UiTransactionEncoding::Base64),
                commitment: Some(CommitmentConfig::confirmed()),
                max_supported_transaction_version: Some(0),
            },
        )
        .await
        .expect("getTransaction");
    let units = Option::<u64>::from(t.transaction.meta.unwrap().compute_units_consumed).unwrap();
    let m: VersionedMessage = t.transaction.transaction.decode().unwrap().message;
    let keys = m.static_account_keys();
    let mut limit = 0;
    for ix in m.instructions() {
        if keys[ix.program_id_index as usize] == solana_compute_budget_interface::ID {
            if let [2, rest @ ..] = ix.data.as_slice() {
                limit = u32::from_le_bytes(rest[..4].try_into().unwrap());
            }
        }
    }
    (limit, hedge_keeper::fees::price_of(&m), units)
}

fn memo(text: &str, signer: &Pubkey) -> Instruction {
    spl_memo::build_memo(text.as_bytes(), &[signer])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keepers_send_path_on_agaves_validator() {
    let (validator, mint) = TestValidatorGenesis::default().start_async().await;
    // spl-memo is one of the programs the test validator loads at genesis.
    let rpc = Arc::new(RpcClient::new_with_commitment(
        validator.rpc_url(),
        CommitmentConfig::confirmed(),
    ));
    let payer = Keypair::new();
    let fund = system_instruction::transfer(&mint.pubkey(), &payer.pubkey(), 10_000_000_000);
    let hash = rpc.get_latest_blockhash().await.unwrap();
    let tx = Transaction::new_signed_with_payer(&[fund], Some(&mint.pubkey()), &[&mint], hash);
    rpc.send_and_confirm_transaction(&tx).await.unwrap();

    // Another writer pays 25,000 micro-lamports per CU on `hot`.
    let hot = Pubkey::new_unique();
    const PAID: u64 = 25_000;
    for i in 0..4u64 {
        let ixs = [
            ComputeBudgetInstruction::set_compute_unit_price(PAID),
            system_instruction::transfer(&mint.pubkey(), &hot, 1_000_000 + i),
        ];
        let hash = rpc.get_latest_blockhash().await.unwrap();
        let tx = Transaction::new_signed_with_payer(&ixs, Some(&mint.pubkey()), &[&mint], hash);
        rpc.send_and_confirm_transaction(&tx).await.unwrap();
    }

    let sender = Sender::new(Arc::new(Endpoints::single(rpc.clone())), POLICY);
    let balance = |k: Pubkey| {
        let rpc = rpc.clone();
        async move {
            rpc.get_balance_with_commitment(&k, CommitmentConfig::processed())
                .await
                .unwrap()
                .value
        }
    };

    // 1. The whole path: lands at `confirmed`, the limit from the metered simulation,
    //    the price from what the other writer paid.
    let hot_before = balance(hot).await;
    let ixs = [
        memo("hedge-keeper send path", &payer.pubkey()),
        system_instruction::transfer(&payer.pubkey(), &hot, 5_000),
    ];
    let mut flight = None;
    let o = sender.send(&ixs, &payer, &[hot], 0, 0, &mut flight).await;
    let o = follow(&sender, &mut flight, o, Duration::from_secs(30)).await;
    let SendOutcome::Landed { signature, slot } = o else {
        panic!("{o:?}")
    };
    let st = rpc
        .get_signature_statuses(&[signature])
        .await
        .unwrap()
        .value[0]
        .clone()
        .unwrap();
    assert!(
        st.satisfies_commitment(CommitmentConfig::confirmed()),
        "{st:?}"
    );
    assert_eq!(st.slot, slot);
    let (limit, price, units) = landed(&rpc, &signature).await;
    assert!(units > 0, "a real validator meters");
    // The simulation ran the same instructions plus the two compute-budget ones.
    assert!(
        limit >= unit_limit(units) - 1_000 && limit <= unit_limit(units) + 1_000,
        "{limit} vs {units}"
    );
    assert_eq!(price, PAID, "the bid follows what was paid on the account");
    assert_eq!(balance(hot).await, hot_before + 5_000);

    // 2. Refused in simulation: attributed to the system program, nothing sent.
    let before = balance(payer.pubkey()).await;
    let too_much = [system_instruction::transfer(
        &payer.pubkey(),
        &hot,
        u64::MAX / 2,
    )];
    match sender.simulate(&too_much, &payer).await {
        Simulated::Refused(SendOutcome::Program { failure, signature }) => {
            assert_eq!(signature, None);
            // SystemError::ResultWithNegativeLamports, raised by the system program.
            assert_eq!(
                failure,
                ProgramFailure::Other {
                    program: solana_system_interface::program::ID,
                    code: 1
                }
            );
        }
        other => panic!("{other:?}"),
    }
    let o = sender.send(&too_much, &payer, &[], 0, 0, &mut flight).await;
    assert!(
        matches!(
            o,
            SendOutcome::Program {
                signature: None,
                ..
            }
        ),
        "{o:?}"
    );
    assert!(flight.is_none());
    assert_eq!(balance(payer.pubkey()).await, before);

    // 3. The first copy never reached a leader: the loop's rebroadcast lands it, and
    //    the same bytes sent again land nothing twice.
    let (hash, lvbh) = rpc
        .get_latest_blockhash_with_commitment(CommitmentConfig::confirmed())
        .await
        .unwrap();
    let lost = Transaction::new_signed_with_payer(
        &[system_instruction::transfer(&payer.pubkey(), &hot, 7_000)],
        Some(&payer.pubkey()),
        &[&payer],
        hash,
    );
    let hot_before = balance(hot).await;
    let long_ago = Instant::now() - Duration::from_secs(60);
    let mut f = Some(InFlight {
        signature: lost.signatures[0],
        tx: lost.clone(),
        last_valid_block_height: lvbh,
        last_broadcast: long_ago,
        sent_at: long_ago,
    });
    let o = sender.check(f.as_mut().unwrap()).await;
    let o = follow(&sender, &mut f, o, Duration::from_secs(30)).await;
    assert!(matches!(o, SendOutcome::Landed { .. }), "{o:?}");
    for _ in 0..3 {
        let _ = rpc.send_transaction(&lost).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(balance(hot).await, hot_before + 7_000, "landed once");

    // 4. Expiry: a transaction signed on a blockhash that is then left to age. The
    //    keeper keeps it in flight (rebroadcasting) until the block height at
    //    `confirmed` passes its last valid one, then calls it expired: no status.
    let (hash, lvbh) = rpc
        .get_latest_blockhash_with_commitment(CommitmentConfig::confirmed())
        .await
        .unwrap();
    let stale = Transaction::new_signed_with_payer(
        &[system_instruction::transfer(&payer.pubkey(), &hot, 9_000)],
        Some(&payer.pubkey()),
        &[&payer],
        hash,
    );
    let hot_before = balance(hot).await;
    loop {
        let h = rpc
            .get_block_height_with_commitment(CommitmentConfig::confirmed())
            .await
            .unwrap();
        if h > lvbh {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let mut f = Some(InFlight {
        signature: stale.signatures[0],
        tx: stale.clone(),
        last_valid_block_height: lvbh,
        last_broadcast: long_ago,
        sent_at: long_ago,
    });
    let o = sender.check(f.as_mut().unwrap()).await;
    let SendOutcome::Expired(sig) = o else {
        panic!("{o:?}")
    };
    assert_eq!(sig, stale.signatures[0]);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(rpc.get_signature_statuses(&[sig]).await.unwrap().value[0].is_none());
    assert_eq!(
        balance(hot).await,
        hot_before,
        "an expired transaction never lands"
    );
    drop(validator);
}
