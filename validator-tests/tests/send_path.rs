//! The keeper's send path against agave's own validator (`solana-test-validator`, in
//! process: real banking stage, real commitment levels, real RPC), with instructions
//! that need no custom program (memo and transfer):
//!
//! - blockhash at `confirmed`, simulation at `confirmed` with `replaceRecentBlockhash`
//!   and `minContextSlot`, the compute-unit limit from the simulation's metered units,
//!   the priority fee from what others paid on the same account (a node without
//!   transaction history, as agave's default: from the per-slot minimums), landed only
//!   at `confirmed`;
//! - a simulation refusal attributed to the program that raised it, nothing sent;
//! - a lost first copy landed by the rebroadcast, the same bytes never landing twice;
//! - a transaction that cannot land: kept in flight (rebroadcast) while its blockhash
//!   lives, called expired only once the block height at `confirmed` is past its
//!   `lastValidBlockHeight` and the node no longer knows the blockhash.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hedge_keeper::config::PriorityFeePolicy;
use hedge_keeper::endpoints::Endpoints;
use hedge_keeper::fees::fee_lamports;
use hedge_keeper::send::{unit_limit, InFlight, SendOutcome, Sender, Simulated};
use hedge_vault_client::errors::ProgramFailure;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client::rpc_client::GetConfirmedSignaturesForAddress2Config;
use solana_sdk::commitment_config::CommitmentConfig;
use solana_sdk::instruction::Instruction;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{Keypair, Signer};
use solana_sdk::transaction::Transaction;
use solana_system_interface::instruction as system_instruction;
use solana_test_validator::TestValidatorGenesis;

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

fn memo(text: &str, signer: &Pubkey) -> Instruction {
    spl_memo::build_memo(text.as_bytes(), &[signer])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keepers_send_path_on_agaves_validator() {
    // The test validator keeps no transaction history (agave's default without
    // `--enable-rpc-transaction-history`): `getSignaturesForAddress` and
    // `getTransaction` answer -32011, so the keeper's fee estimate must fall back to the
    // per-slot minimums, and must not fail over because of it.
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

    let sender_endpoints = Arc::new(Endpoints::single(rpc.clone()));
    let sender = Sender::new(sender_endpoints.clone(), POLICY);
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
    let payer_before = balance(payer.pubkey()).await;
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
    // No history here: the estimate came from the per-slot minimums (the other writer's
    // 25,000), and the keeper stayed on its endpoint.
    let e = rpc
        .get_signatures_for_address_with_config(
            &hot,
            GetConfirmedSignaturesForAddress2Config {
                commitment: Some(CommitmentConfig::confirmed()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("history"), "{e}");
    assert_eq!(sender_endpoints.failovers(), 0);
    // What the payer paid: the 5,000 transferred, the 5,000 signature fee, and a
    // priority fee of PAID micro-lamports per CU over a limit from the metered
    // simulation (a memo with a signer and a transfer: some 20–25k CU measured, plus the
    // margin).
    let priority = payer_before - balance(payer.pubkey()).await - 5_000 - 5_000;
    let (lo, hi) = (
        fee_lamports(PAID, 5_000),
        fee_lamports(PAID, unit_limit(60_000)),
    );
    assert!(
        (lo..=hi).contains(&priority),
        "priority fee {priority} outside {lo}..={hi}"
    );
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

    // 4. Expiry: a transaction that can never land (its fee payer has no SOL: the
    //    banking stage drops it, no status) but whose blockhash is live. The keeper keeps
    //    it in flight, rebroadcasting, while the block height at `confirmed` is at or
    //    below its `lastValidBlockHeight`, and calls it expired only after.
    let broke = Keypair::new();
    let (hash, lvbh) = rpc
        .get_latest_blockhash_with_commitment(CommitmentConfig::confirmed())
        .await
        .unwrap();
    let never = Transaction::new_signed_with_payer(
        &[system_instruction::transfer(&broke.pubkey(), &hot, 9_000)],
        Some(&broke.pubkey()),
        &[&broke],
        hash,
    );
    let mut f = Some(InFlight {
        signature: never.signatures[0],
        tx: never.clone(),
        last_valid_block_height: lvbh,
        last_broadcast: long_ago,
        sent_at: long_ago,
    });
    let mut pending_checks = 0;
    let deadline = Instant::now() + Duration::from_secs(180);
    let expired = loop {
        assert!(Instant::now() < deadline, "not expired within 180 s");
        match sender.check(f.as_mut().unwrap()).await {
            SendOutcome::Pending(_) => pending_checks += 1,
            other => break other,
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let SendOutcome::Expired(sig) = expired else {
        panic!("{expired:?}")
    };
    assert_eq!(sig, never.signatures[0]);
    let h = rpc
        .get_block_height_with_commitment(CommitmentConfig::confirmed())
        .await
        .unwrap();
    assert!(
        h > lvbh,
        "expired only past its last valid height: {h} > {lvbh}"
    );
    // About 150 blocks of checks (every 0.5 s) kept it in flight first.
    assert!(pending_checks > 50, "{pending_checks} checks in flight");
    assert!(rpc.get_signature_statuses(&[sig]).await.unwrap().value[0].is_none());
    assert!(!rpc
        .is_blockhash_valid(&hash, CommitmentConfig::confirmed())
        .await
        .unwrap());
    drop(validator);
}
