//! Every method the sandbox serves, called over HTTP and websocket, with each raw response
//! deserialized into agave's own client type for that method (a missing or mistyped
//! field fails the test), plus the error shapes clients rely on.

mod common;

use std::str::FromStr;
use std::time::Duration;

use anchor_lang::Discriminator;
use base64::Engine;
use futures::StreamExt;
use hedge_sandbox::rpc::HTTP_METHODS;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use solana_account_decoder::{UiAccount, UiAccountData, UiAccountEncoding};
use solana_pubsub_client::nonblocking::pubsub_client::PubsubClient;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::ErrorKind;
use solana_rpc_client_api::request::{RpcError, RpcRequest};
use solana_rpc_client_api::response::{
    Response, RpcBlockhash, RpcKeyedAccount, RpcPrioritizationFee, RpcSimulateTransactionResult,
    RpcVersionInfo,
};
use solana_sdk::epoch_info::EpochInfo;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{read_keypair_file, Signer};
use solana_sdk::transaction::Transaction;
use solana_transaction_status::{
    EncodedConfirmedTransactionWithStatusMeta, TransactionStatus, UiTransactionEncoding,
};

async fn call<T: DeserializeOwned>(rpc: &RpcClient, method: &'static str, params: Value) -> T {
    let raw: Value = rpc
        .send(RpcRequest::Custom { method }, params)
        .await
        .unwrap_or_else(|e| panic!("{method}: {e}"));
    serde_json::from_value(raw.clone()).unwrap_or_else(|e| panic!("{method}: {e}\nresponse: {raw}"))
}

fn rpc_error(e: solana_rpc_client_api::client_error::Error) -> (i64, String, Value) {
    match e.kind {
        ErrorKind::RpcError(RpcError::RpcResponseError {
            code,
            message,
            data,
        }) => (code, message, json!(format!("{data:?}"))),
        other => panic!("not an RPC error: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_method_matches_agave_types() {
    let s = common::start(&["--no-keeper", "--no-trader"]).await;
    let rpc = RpcClient::new_with_commitment(
        s.info.rpc_url.clone(),
        solana_sdk::commitment_config::CommitmentConfig::confirmed(),
    );
    let lp = read_keypair_file(s.wallet("lp")).unwrap();
    let vault = s.vault();
    let mut seen = std::collections::BTreeSet::new();
    let mut mark = |m: &'static str| {
        seen.insert(m);
    };

    // Accounts, in every encoding.
    let r: Response<Option<UiAccount>> = call(
        &rpc,
        "getAccountInfo",
        json!([vault.to_string(), {"encoding": "base64"}]),
    )
    .await;
    mark("getAccountInfo");
    let acc = r.value.expect("vault exists");
    assert_eq!(acc.owner, hedge_vault::ID.to_string());
    let plain = acc.decode::<solana_sdk::account::Account>().unwrap().data;
    let r: Response<Option<UiAccount>> = call(
        &rpc,
        "getAccountInfo",
        json!([vault.to_string(), {"encoding": "base64+zstd"}]),
    )
    .await;
    let zstd = r
        .value
        .unwrap()
        .decode::<solana_sdk::account::Account>()
        .unwrap()
        .data;
    assert_eq!(plain, zstd);
    let r: Response<Vec<Option<UiAccount>>> = call(
        &rpc,
        "getMultipleAccounts",
        json!([[vault.to_string(), Pubkey::new_unique().to_string()], {"encoding": "base64"}]),
    )
    .await;
    mark("getMultipleAccounts");
    assert!(r.value[0].is_some() && r.value[1].is_none());

    // jsonParsed token account, and token queries.
    let quote_mint: Pubkey = s.info.quote_mint.parse().unwrap();
    let r: Response<Vec<RpcKeyedAccount>> = call(
        &rpc,
        "getTokenAccountsByOwner",
        json!([lp.pubkey().to_string(), {"mint": quote_mint.to_string()}, {"encoding": "jsonParsed"}]),
    )
    .await;
    mark("getTokenAccountsByOwner");
    assert_eq!(r.value.len(), 1);
    let UiAccountData::Json(parsed) = &r.value[0].account.data else {
        panic!("jsonParsed token account: {:?}", r.value[0].account.data);
    };
    assert_eq!(parsed.program, "spl-token");
    assert_eq!(parsed.parsed["info"]["mint"], quote_mint.to_string());
    let lp_quote = r.value[0].pubkey.clone();
    let r: Response<solana_account_decoder::parse_token::UiTokenAmount> =
        call(&rpc, "getTokenAccountBalance", json!([lp_quote])).await;
    mark("getTokenAccountBalance");
    assert_eq!(r.value.decimals, 6);
    assert!(r.value.amount.parse::<u64>().unwrap() > 0);

    // Program accounts with memcmp and dataSize filters.
    let disc = bs58::encode(hedge_vault::state::Vault::DISCRIMINATOR).into_string();
    let r: Vec<RpcKeyedAccount> = call(
        &rpc,
        "getProgramAccounts",
        json!([hedge_vault::ID.to_string(), {"encoding": "base64", "filters": [
            {"memcmp": {"offset": 0, "bytes": disc}},
            {"dataSize": plain.len()}
        ]}]),
    )
    .await;
    mark("getProgramAccounts");
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].pubkey, vault.to_string());
    let r: Response<Vec<RpcKeyedAccount>> = call(
        &rpc,
        "getProgramAccounts",
        json!([hedge_vault::ID.to_string(), {"encoding": "base64", "withContext": true,
            "filters": [{"dataSize": 1}]}]),
    )
    .await;
    assert!(r.value.is_empty());

    let r: Response<u64> = call(&rpc, "getBalance", json!([lp.pubkey().to_string()])).await;
    mark("getBalance");
    assert!(r.value > 0);
    let r: Response<RpcBlockhash> = call(&rpc, "getLatestBlockhash", json!([])).await;
    mark("getLatestBlockhash");
    let r2: Response<bool> = call(&rpc, "isBlockhashValid", json!([r.value.blockhash])).await;
    mark("isBlockhashValid");
    assert!(r2.value);
    let r3: Response<bool> = call(
        &rpc,
        "isBlockhashValid",
        json!([solana_sdk::hash::Hash::new_unique().to_string()]),
    )
    .await;
    assert!(!r3.value);

    // A transaction: fee, simulate, send, status, fetch.
    let to = Pubkey::new_unique();
    let hash = rpc.get_latest_blockhash().await.unwrap();
    let ix = solana_system_interface::instruction::transfer(&lp.pubkey(), &to, 1_000_000);
    let tx = Transaction::new_signed_with_payer(&[ix], Some(&lp.pubkey()), &[&lp], hash);
    let wire = base64::engine::general_purpose::STANDARD.encode(bincode::serialize(&tx).unwrap());
    let msg = base64::engine::general_purpose::STANDARD.encode(tx.message.serialize());
    let r: Response<Option<u64>> = call(&rpc, "getFeeForMessage", json!([msg])).await;
    mark("getFeeForMessage");
    assert_eq!(r.value, Some(5_000));
    let r: Response<RpcSimulateTransactionResult> = call(
        &rpc,
        "simulateTransaction",
        json!([wire, {"encoding": "base64", "sigVerify": true}]),
    )
    .await;
    mark("simulateTransaction");
    assert!(r.value.err.is_none());
    assert!(r.value.logs.unwrap().iter().any(|l| l.contains("success")));
    let sig: String = call(
        &rpc,
        "sendTransaction",
        json!([wire, {"encoding": "base64"}]),
    )
    .await;
    mark("sendTransaction");
    assert_eq!(sig, tx.signatures[0].to_string());
    let r: Response<Vec<Option<TransactionStatus>>> =
        call(&rpc, "getSignatureStatuses", json!([[sig]])).await;
    mark("getSignatureStatuses");
    let status = r.value[0].clone().expect("processed");
    assert!(status.err.is_none());
    let t: EncodedConfirmedTransactionWithStatusMeta = call(
        &rpc,
        "getTransaction",
        json!([sig, {"encoding": "json", "maxSupportedTransactionVersion": 0}]),
    )
    .await;
    mark("getTransaction");
    let meta = t.transaction.meta.expect("meta");
    assert_eq!(meta.fee, 5_000);
    assert_eq!(t.slot, status.slot);
    let t: Option<EncodedConfirmedTransactionWithStatusMeta> = call(
        &rpc,
        "getTransaction",
        json!([
            solana_sdk::signature::Signature::new_unique().to_string(),
            "json"
        ]),
    )
    .await;
    assert!(t.is_none());
    // The typed client agrees.
    let typed = rpc
        .get_transaction(&tx.signatures[0], UiTransactionEncoding::Base64)
        .await
        .unwrap();
    assert_eq!(typed.slot, status.slot);
    assert_eq!(rpc.get_balance(&to).await.unwrap(), 1_000_000);
    // Newest first, only once confirmed; `processed` is refused as agave refuses it.
    let listed: Vec<solana_rpc_client_api::response::RpcConfirmedTransactionStatusWithSignature> =
        call(
            &rpc,
            "getSignaturesForAddress",
            json!([to.to_string(), {"commitment": "confirmed", "limit": 10}]),
        )
        .await;
    mark("getSignaturesForAddress");
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].signature, sig);
    assert_eq!(listed[0].slot, status.slot);
    assert!(listed[0].err.is_none() && listed[0].block_time.is_some());
    // (The typed client's plain call asks at agave's default, `finalized`.)
    let typed = rpc
        .get_signatures_for_address_with_config(
            &lp.pubkey(),
            solana_rpc_client::rpc_client::GetConfirmedSignaturesForAddress2Config {
                commitment: Some(solana_sdk::commitment_config::CommitmentConfig::confirmed()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!typed.is_empty());
    assert!(
        typed.windows(2).all(|w| w[0].slot >= w[1].slot),
        "newest first"
    );
    let e = rpc
        .send::<Value>(
            RpcRequest::Custom {
                method: "getSignaturesForAddress",
            },
            json!([to.to_string(), {"commitment": "processed"}]),
        )
        .await
        .unwrap_err();
    assert_eq!(rpc_error(e).0, -32602);

    // A block engine's bundle methods (Jito's API): a tip is required; then it lands.
    let tips: Vec<String> = call(&rpc, "getTipAccounts", json!([])).await;
    mark("getTipAccounts");
    assert_eq!(tips.len(), 8);
    let tip: Pubkey = tips[3].parse().unwrap();
    let hash = rpc.get_latest_blockhash().await.unwrap();
    let untipped = Transaction::new_signed_with_payer(
        &[solana_system_interface::instruction::transfer(
            &lp.pubkey(),
            &to,
            3,
        )],
        Some(&lp.pubkey()),
        &[&lp],
        hash,
    );
    let e = rpc
        .send::<Value>(
            RpcRequest::Custom {
                method: "sendBundle",
            },
            json!([[bs58::encode(bincode::serialize(&untipped).unwrap()).into_string()]]),
        )
        .await
        .unwrap_err();
    let (code, message, _) = rpc_error(e);
    assert_eq!(code, -32602);
    assert!(message.contains("tip account"), "{message}");
    let processed = solana_sdk::commitment_config::CommitmentConfig::processed();
    let tip_before = rpc
        .get_balance_with_commitment(&tip, processed)
        .await
        .unwrap()
        .value;
    let tipped = Transaction::new_signed_with_payer(
        &[
            solana_system_interface::instruction::transfer(&lp.pubkey(), &to, 3),
            solana_system_interface::instruction::transfer(&lp.pubkey(), &tip, 1_000),
        ],
        Some(&lp.pubkey()),
        &[&lp],
        hash,
    );
    let id: String = call(
        &rpc,
        "sendBundle",
        json!([
            [base64::engine::general_purpose::STANDARD.encode(bincode::serialize(&tipped).unwrap())],
            {"encoding": "base64"}
        ]),
    )
    .await;
    mark("sendBundle");
    assert_eq!(id.len(), 64);
    assert_eq!(
        rpc.get_balance_with_commitment(&tip, processed)
            .await
            .unwrap()
            .value,
        tip_before + 1_000
    );

    // Chain facts.
    let slot: u64 = call(&rpc, "getSlot", json!([])).await;
    mark("getSlot");
    let height: u64 = call(&rpc, "getBlockHeight", json!([])).await;
    mark("getBlockHeight");
    let epoch: EpochInfo = call(&rpc, "getEpochInfo", json!([])).await;
    mark("getEpochInfo");
    assert!(epoch.absolute_slot >= slot && height > 0);
    let rent: u64 = call(&rpc, "getMinimumBalanceForRentExemption", json!([165])).await;
    mark("getMinimumBalanceForRentExemption");
    assert_eq!(rent, 2_039_280);
    let fees: Vec<RpcPrioritizationFee> = call(
        &rpc,
        "getRecentPrioritizationFees",
        json!([[vault.to_string()]]),
    )
    .await;
    mark("getRecentPrioritizationFees");
    assert!(!fees.is_empty() && fees.len() <= 150);
    let v: RpcVersionInfo = call(&rpc, "getVersion", json!([])).await;
    mark("getVersion");
    assert_eq!(v.solana_core, "2.3.13");
    let g: String = call(&rpc, "getGenesisHash", json!([])).await;
    mark("getGenesisHash");
    assert_eq!(g, solana_sdk::hash::Hash::from_str(&g).unwrap().to_string());
    let h: String = call(&rpc, "getHealth", json!([])).await;
    mark("getHealth");
    assert_eq!(h, "ok");
    let who = Pubkey::new_unique();
    let sig: String = call(
        &rpc,
        "requestAirdrop",
        json!([who.to_string(), 2_000_000_000u64]),
    )
    .await;
    mark("requestAirdrop");
    assert!(!sig.is_empty());
    assert_eq!(rpc.get_balance(&who).await.unwrap(), 2_000_000_000);

    // Every listed method was called above.
    let listed: std::collections::BTreeSet<&str> = HTTP_METHODS.iter().copied().collect();
    assert_eq!(seen, listed);

    // Errors: preflight failure carries the simulation with its logs; unknown methods
    // answer -32601; bad params -32602.
    let hash = rpc.get_latest_blockhash().await.unwrap();
    let ix = solana_system_interface::instruction::transfer(&lp.pubkey(), &to, u64::MAX / 2);
    let bad = Transaction::new_signed_with_payer(&[ix], Some(&lp.pubkey()), &[&lp], hash);
    let wire = base64::engine::general_purpose::STANDARD.encode(bincode::serialize(&bad).unwrap());
    let e = rpc
        .send::<Value>(
            RpcRequest::SendTransaction,
            json!([wire, {"encoding": "base64"}]),
        )
        .await
        .unwrap_err();
    let (code, message, data) = rpc_error(e);
    assert_eq!(code, -32002);
    assert!(
        message.starts_with("Transaction simulation failed"),
        "{message}"
    );
    assert!(data.to_string().contains("logs"), "{data}");
    let e = rpc
        .send::<Value>(
            RpcRequest::Custom {
                method: "getNoSuchThing",
            },
            json!([]),
        )
        .await
        .unwrap_err();
    assert_eq!(rpc_error(e).0, -32601);
    let e = rpc
        .send::<Value>(RpcRequest::GetBalance, json!(["not-a-key"]))
        .await
        .unwrap_err();
    assert_eq!(rpc_error(e).0, -32602);
    let e = rpc
        .send::<Value>(
            RpcRequest::GetAccountInfo,
            json!([vault.to_string(), {"encoding": "base58"}]),
        )
        .await
        .unwrap_err();
    assert_eq!(rpc_error(e).0, -32602);
    // The server is still serving after all of that.
    assert!(rpc.get_slot().await.is_ok());
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_subscriptions() {
    let s = common::start(&["--no-keeper", "--no-trader"]).await;
    let rpc = RpcClient::new_with_commitment(
        s.info.rpc_url.clone(),
        solana_sdk::commitment_config::CommitmentConfig::confirmed(),
    );
    let lp = read_keypair_file(s.wallet("lp")).unwrap();
    let oracle: Pubkey = s.info.oracle.parse().unwrap();
    let ws = PubsubClient::new(&s.info.ws_url).await.expect("websocket");
    let wait = Duration::from_secs(20);

    let (mut slots, unsub_slots) = ws.slot_subscribe().await.unwrap();
    let a = tokio::time::timeout(wait, slots.next())
        .await
        .unwrap()
        .unwrap();
    let b = tokio::time::timeout(wait, slots.next())
        .await
        .unwrap()
        .unwrap();
    assert!(b.slot > a.slot && b.parent == b.slot - 1);
    unsub_slots().await;

    // The oracle moves every second.
    let (mut acc, unsub_acc) = ws
        .account_subscribe(
            &oracle,
            Some(solana_rpc_client_api::config::RpcAccountInfoConfig {
                encoding: Some(UiAccountEncoding::Base64),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    let n = tokio::time::timeout(wait, acc.next())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        n.value.owner,
        hedge_vault::oracle::PYTH_RECEIVER_PROGRAM.to_string(),
        "the default oracle is the live format, PriceUpdateV2"
    );
    unsub_acc().await;

    // A signature, subscribed before it is sent (as web3.js confirms).
    let hash = rpc.get_latest_blockhash().await.unwrap();
    let ix = solana_system_interface::instruction::transfer(
        &lp.pubkey(),
        &Pubkey::new_unique(),
        5_000_000,
    );
    let tx = Transaction::new_signed_with_payer(&[ix], Some(&lp.pubkey()), &[&lp], hash);
    let (mut sig, _unsub) = ws
        .signature_subscribe(&tx.signatures[0], None)
        .await
        .unwrap();
    rpc.send_transaction(&tx).await.unwrap();
    let n = tokio::time::timeout(wait, sig.next())
        .await
        .unwrap()
        .unwrap();
    match n.value {
        solana_rpc_client_api::response::RpcSignatureResult::ProcessedSignature(p) => {
            assert!(p.err.is_none())
        }
        other => panic!("{other:?}"),
    }
    // And one subscribed after it landed is answered at once.
    let (mut again, _u) = ws
        .signature_subscribe(&tx.signatures[0], None)
        .await
        .unwrap();
    assert!(tokio::time::timeout(wait, again.next())
        .await
        .unwrap()
        .is_some());
    drop(sig);
    drop(again);
    s.stop().await;
}

/// A transfer of `lamports` from `from` to `to`, signed with `hash`, as base64.
fn transfer_b64(
    from: &solana_sdk::signature::Keypair,
    to: &Pubkey,
    lamports: u64,
    hash: solana_sdk::hash::Hash,
) -> (String, String) {
    let ix = solana_system_interface::instruction::transfer(&from.pubkey(), to, lamports);
    let tx = Transaction::new_signed_with_payer(&[ix], Some(&from.pubkey()), &[from], hash);
    (
        base64::engine::general_purpose::STANDARD.encode(bincode::serialize(&tx).unwrap()),
        tx.signatures[0].to_string(),
    )
}

async fn slot_at(rpc: &RpcClient, level: &str) -> u64 {
    call(rpc, "getSlot", json!([{ "commitment": level }])).await
}

async fn latest(rpc: &RpcClient, level: &str) -> (String, u64, u64) {
    let r: Response<RpcBlockhash> =
        call(rpc, "getLatestBlockhash", json!([{ "commitment": level }])).await;
    (
        r.value.blockhash,
        r.value.last_valid_block_height,
        r.context.slot,
    )
}

async fn status_of(rpc: &RpcClient, sig: &str) -> Option<TransactionStatus> {
    let r: Response<Vec<Option<TransactionStatus>>> = call(
        rpc,
        "getSignatureStatuses",
        json!([[sig], { "searchTransactionHistory": true }]),
    )
    .await;
    r.value.into_iter().next().flatten()
}

/// Processed, confirmed and finalized differ as on a cluster (agave's documented
/// behaviour): `confirmed` trails the working slot by 1, `finalized` by 32; blockhashes,
/// balances and `getLatestBlockhash` are per level; a blockhash younger than a level's
/// slot is unknown there (the keeper's old bug: a `confirmed` blockhash simulated at the
/// default `finalized` fails with `BlockhashNotFound`); `minContextSlot` is honoured
/// (-32016); statuses move from processed to confirmed to finalized; a blockhash
/// expires once the block height passes its `lastValidBlockHeight` (150 blocks), after
/// which a send is dropped and a preflight refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commitment_levels_behave_like_a_validator() {
    let s = common::start(&["--no-keeper", "--no-trader"]).await;
    let rpc = RpcClient::new(s.info.rpc_url.clone());
    let lp = read_keypair_file(s.wallet("lp")).unwrap();

    // Let the chain run past the finalized depth.
    while slot_at(&rpc, "processed").await < 40 {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (p, c, f) = (
        slot_at(&rpc, "processed").await,
        slot_at(&rpc, "confirmed").await,
        slot_at(&rpc, "finalized").await,
    );
    assert!(f < c && c <= p, "{f} < {c} <= {p}");
    assert!(
        (31..=34).contains(&(p - f)),
        "finalized trails by ~32: {p} - {f}"
    );
    assert!(p - c <= 2, "confirmed trails by ~1: {p} - {c}");
    // The default commitment is finalized (agave's).
    let d: u64 = call(&rpc, "getSlot", json!([])).await;
    assert!(d <= f + 2 && d + 2 >= f, "{d} vs {f}");

    // Blockhashes per level.
    let (hc, lvbh_c, slot_c) = latest(&rpc, "confirmed").await;
    let (hf, lvbh_f, _) = latest(&rpc, "finalized").await;
    assert_ne!(hc, hf);
    assert!(lvbh_f < lvbh_c);
    let valid = |hash: String, level: &'static str| {
        let rpc = &rpc;
        async move {
            let r: Response<bool> = call(
                rpc,
                "isBlockhashValid",
                json!([hash, { "commitment": level }]),
            )
            .await;
            r.value
        }
    };
    assert!(valid(hc.clone(), "confirmed").await);
    assert!(
        !valid(hc.clone(), "finalized").await,
        "a confirmed blockhash is unknown at finalized"
    );
    assert!(valid(hf.clone(), "confirmed").await && valid(hf.clone(), "finalized").await);

    // The keeper's old bug: simulate with the confirmed blockhash at the default level.
    let to = Pubkey::new_unique();
    let hash_c = solana_sdk::hash::Hash::from_str(&hc).unwrap();
    let (tx_b64, _) = transfer_b64(&lp, &to, 1_000_000, hash_c);
    let sim: Response<RpcSimulateTransactionResult> = call(
        &rpc,
        "simulateTransaction",
        json!([tx_b64, { "encoding": "base64" }]),
    )
    .await;
    assert_eq!(
        sim.value.err,
        Some(solana_sdk::transaction::TransactionError::BlockhashNotFound),
        "simulated at finalized"
    );
    // The fix: the same commitment, the blockhash replaced, a minContextSlot.
    let sim: Response<RpcSimulateTransactionResult> = call(
        &rpc,
        "simulateTransaction",
        json!([tx_b64, { "encoding": "base64", "commitment": "confirmed",
                         "replaceRecentBlockhash": true, "sigVerify": false,
                         "minContextSlot": slot_c }]),
    )
    .await;
    assert_eq!(sim.value.err, None, "{:?}", sim.value.logs);
    assert!(sim.context.slot >= slot_c);
    // A preflight at finalized refuses it too; at confirmed it is sent.
    let e = rpc
        .send::<Value>(
            RpcRequest::SendTransaction,
            json!([tx_b64, { "encoding": "base64" }]),
        )
        .await
        .unwrap_err();
    assert_eq!(rpc_error(e).0, -32002, "preflight failure");

    // minContextSlot ahead of a level's slot: -32016, for reads and simulation.
    let ahead = p + 1_000;
    for (method, params) in [
        (
            "getSlot",
            json!([{ "commitment": "processed", "minContextSlot": ahead }]),
        ),
        (
            "getBalance",
            json!([lp.pubkey().to_string(), { "commitment": "confirmed", "minContextSlot": ahead }]),
        ),
        (
            "getLatestBlockhash",
            json!([{ "commitment": "finalized", "minContextSlot": ahead }]),
        ),
        (
            "simulateTransaction",
            json!([tx_b64, { "encoding": "base64", "commitment": "confirmed", "minContextSlot": ahead }]),
        ),
    ] {
        let e = rpc
            .send::<Value>(RpcRequest::Custom { method }, params)
            .await
            .unwrap_err();
        assert_eq!(rpc_error(e).0, -32016, "{method}");
    }

    // A transfer: seen at processed at once, at finalized only ~32 slots later; its
    // status moves processed → confirmed → finalized, and `getTransaction` answers at
    // a level only once the transaction has reached it.
    let (tx_b64, sig) = transfer_b64(&lp, &to, 1_000_000, hash_c);
    let _: String = call(
        &rpc,
        "sendTransaction",
        json!([tx_b64, { "encoding": "base64", "preflightCommitment": "confirmed" }]),
    )
    .await;
    let balance = |level: &'static str| {
        let rpc = &rpc;
        async move {
            let r: Response<u64> = call(
                rpc,
                "getBalance",
                json!([to.to_string(), { "commitment": level }]),
            )
            .await;
            r.value
        }
    };
    assert_eq!(balance("processed").await, 1_000_000);
    assert_eq!(balance("finalized").await, 0, "not finalized yet");
    let mut seen = Vec::new();
    let mut finalized_tx_while_confirmed = None;
    let deadline = std::time::Instant::now() + Duration::from_secs(40);
    loop {
        let st = status_of(&rpc, &sig)
            .await
            .expect("a status once processed");
        let level = format!("{:?}", st.confirmation_status.clone().unwrap());
        if seen.last() != Some(&level) {
            seen.push(level.clone());
        }
        if level == "Confirmed" && finalized_tx_while_confirmed.is_none() {
            let t: Option<Value> = call(
                &rpc,
                "getTransaction",
                json!([sig, { "commitment": "finalized", "encoding": "json" }]),
            )
            .await;
            finalized_tx_while_confirmed = Some(t.is_none());
            assert!(st.confirmations.is_some_and(|n| n > 0));
        }
        if level == "Finalized" {
            assert_eq!(st.confirmations, None);
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not finalized in 40 s: {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(seen.last().unwrap(), "Finalized");
    assert!(seen.contains(&"Confirmed".to_string()), "{seen:?}");
    assert_eq!(
        finalized_tx_while_confirmed,
        Some(true),
        "getTransaction at finalized waits"
    );
    assert_eq!(balance("finalized").await, 1_000_000);
    let t: EncodedConfirmedTransactionWithStatusMeta = call(
        &rpc,
        "getTransaction",
        json!([sig, { "commitment": "finalized", "encoding": "json" }]),
    )
    .await;
    assert!(t.transaction.meta.unwrap().err.is_none());

    // Expiry: a blockhash lives until the block height passes its last valid one.
    let (hp, lvbh, _) = latest(&rpc, "processed").await;
    let hash_p = solana_sdk::hash::Hash::from_str(&hp).unwrap();
    let height: u64 = call(
        &rpc,
        "getBlockHeight",
        json!([{ "commitment": "processed" }]),
    )
    .await;
    assert_eq!(lvbh, height + 150, "150 blocks of life");
    loop {
        let h: u64 = call(
            &rpc,
            "getBlockHeight",
            json!([{ "commitment": "processed" }]),
        )
        .await;
        if h > lvbh {
            break;
        }
        assert!(
            valid(hp.clone(), "processed").await,
            "still valid at height {h} <= {lvbh}"
        );
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    assert!(!valid(hp.clone(), "processed").await, "expired");
    let (late_b64, late_sig) = transfer_b64(&lp, &to, 7, hash_p);
    // With preflight: refused, named.
    let e = rpc
        .send::<Value>(
            RpcRequest::SendTransaction,
            json!([late_b64, { "encoding": "base64", "preflightCommitment": "processed" }]),
        )
        .await
        .unwrap_err();
    assert_eq!(rpc_error(e).0, -32002);
    // Without: the node takes the bytes and drops them; it never lands.
    let got: String = call(
        &rpc,
        "sendTransaction",
        json!([late_b64, { "encoding": "base64", "skipPreflight": true }]),
    )
    .await;
    assert_eq!(got, late_sig);
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    assert!(status_of(&rpc, &late_sig).await.is_none());
    s.stop().await;
}
