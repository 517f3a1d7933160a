//! The sandbox end to end: a hedge lands and it stops cleanly; a busy port is named; two
//! keepers on one vault over real RPC; the keeper's start-up checks against an endpoint.

mod common;

use std::time::{Duration, Instant};

use hedge_keeper::config::ConfigError;
use hedge_keeper::decision::{self, code, Fetched, Idle};
use hedge_keeper::errors::Class;
use hedge_keeper::metrics::Metrics;
use hedge_keeper::run::{Keeper, VaultOutcome};
use hedge_sandbox::{self as sandbox, Control, SandboxArgs};
use hedge_vault::error::VaultError;
use hedge_vault::state::Vault;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{write_keypair_file, Keypair, Signer};

async fn vault_state(rpc: &RpcClient, key: &Pubkey) -> Vault {
    let a = rpc.get_account(key).await.expect("vault account");
    decision::decode_vault(&Fetched {
        key,
        owner: &a.owner,
        data: &a.data,
    })
    .expect("a vault")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_smoke_a_hedge_lands_and_it_stops_cleanly() {
    let s = common::start(&["--trade-every-ms", "1500", "--speed", "2000"]).await;
    let rpc = RpcClient::new_with_commitment(
        s.info.rpc_url.clone(),
        solana_sdk::commitment_config::CommitmentConfig::confirmed(),
    );
    let vault = s.vault();
    // The opening trade left the vault short 20 calls: the keeper hedges within seconds.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut landed = 0;
    while Instant::now() < deadline {
        landed = vault_state(&rpc, &vault).await.rebalance_count;
        if landed >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(landed >= 2, "no hedge landed in 60 s");
    let port = s.port;
    let report = s.stop().await;
    assert!(report.keeper_landed >= 2, "{report:?}");
    assert!(report.rebalances >= report.keeper_landed);
    assert!(report.slots > 0 && report.oracle_updates > 0);
    let (p50, p99) = report.reaction_slots_p50_p99.expect("latencies recorded");
    assert!(p50 <= p99);
    // Stopped cleanly: both ports are free again.
    assert!(std::net::TcpListener::bind(("127.0.0.1", port)).is_ok());
    assert!(std::net::TcpListener::bind(("127.0.0.1", port + 1)).is_ok());
}

#[tokio::test]
async fn a_busy_port_is_named_with_the_flag_to_use() {
    let port = common::free_port_pair();
    let _held = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let args = SandboxArgs::from_flags(&["--port", &port.to_string()]).unwrap();
    let err = sandbox::run(args, Control::default()).await.unwrap_err();
    assert!(err.contains(&format!("port {port} is busy")), "{err}");
    assert!(err.contains("--port"), "{err}");
}

#[test]
fn bad_sandbox_flags_are_named() {
    for (flags, key) in [
        (vec!["--sigma", "-1"], "--sigma"),
        (vec!["--speed", "0"], "--speed"),
        (vec!["--start-price", "0"], "--start-price"),
        (vec!["--keepers", "9"], "--keepers"),
        (vec!["--metrics-addr", "nowhere"], "--metrics-addr"),
    ] {
        let args = SandboxArgs::from_flags(&flags).unwrap();
        let err = args.validate().unwrap_err();
        assert!(err.starts_with(key), "{flags:?}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_keepers_share_a_vault_safely() {
    let s = common::start(&[
        "--no-keeper",
        "--no-trader",
        "--keepers",
        "2",
        "--speed",
        "3000",
    ])
    .await;
    let rpc = RpcClient::new_with_commitment(
        s.info.rpc_url.clone(),
        solana_sdk::commitment_config::CommitmentConfig::confirmed(),
    );
    let vault = s.vault();
    let mut a = Keeper::connect(s.keeper_config("keeper"), Metrics::new())
        .await
        .expect("keeper 1 connects");
    let mut b = Keeper::connect(s.keeper_config("keeper-2"), Metrics::new())
        .await
        .expect("keeper 2 connects");
    assert!(a.is_registered(&vault) && b.is_registered(&vault));

    let mut outcomes = Vec::new();
    let mut first_hedge_price = None;
    let mut hedged_after_move = false;
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline && !hedged_after_move {
        // Both decide from the same state and send at the same time.
        let (ra, rb) = tokio::join!(a.cycle(), b.cycle());
        for (_, o) in ra.expect("cycle").into_iter().chain(rb.expect("cycle")) {
            outcomes.push(o);
        }
        let v = vault_state(&rpc, &vault).await;
        if v.rebalance_count > 0 {
            match first_hedge_price {
                None => first_hedge_price = Some(v.last_hedge_price),
                Some(p) if v.last_hedge_price != p => hedged_after_move = true,
                _ => {}
            }
        }
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    assert!(
        hedged_after_move,
        "no second hedge after a price move in 60 s"
    );
    let landed = outcomes
        .iter()
        .filter(|o| matches!(o, VaultOutcome::Landed(_)))
        .count() as u64;
    let v = vault_state(&rpc, &vault).await;
    // Every landed transaction is one hedge on chain: none was doubled.
    assert_eq!(landed, v.rebalance_count);
    // Redundant calls were refused as benign races or seen as not due; nothing else failed.
    assert!(
        !outcomes
            .iter()
            .any(|o| matches!(o, VaultOutcome::Failed(_, Class::Failed | Class::Backoff))),
        "{outcomes:?}"
    );

    // A third, unregistered keypair watches only: the hedge is not its to send.
    let stranger = Keypair::new();
    let path = std::path::PathBuf::from(&s.info.wallet_dir).join("stranger.json");
    write_keypair_file(&stranger, &path).unwrap();
    let mut cfg = s.keeper_config("stranger");
    cfg.keypair = stranger.insecure_clone();
    // The vault pays bounties (liquidation, the fallback) to the keeper's quote ATA.
    // Without SOL to create it the keeper refuses to start, named, and creates nothing.
    let v = vault_state(&rpc, &vault).await;
    assert!(v.risk.bounty_bps > 0 && v.risk.max_bounty > 0);
    let mint = rpc.get_account(&v.quote_mint).await.unwrap();
    let ata = hedge_keeper::run::bounty_account(&stranger.pubkey(), &v.quote_mint, &mint.owner);
    let mut unfunded = s.keeper_config("stranger");
    unfunded.keypair = stranger.insecure_clone();
    let e = Keeper::connect(unfunded, Metrics::new())
        .await
        .err()
        .expect("an unfunded keeper without a bounty account does not start");
    assert_eq!(e.key, "keypair", "{e}");
    assert!(
        e.problem.contains("bounty account") && e.problem.contains(&ata.to_string()),
        "{e}"
    );
    assert!(rpc.get_account(&ata).await.is_err(), "nothing was created");
    // Funded, it creates the account (idempotently) and starts.
    let sig = rpc
        .request_airdrop(&stranger.pubkey(), 1_000_000_000)
        .await
        .unwrap();
    while !rpc.confirm_transaction(&sig).await.unwrap() {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut c = Keeper::connect(cfg, Metrics::new())
        .await
        .expect("connects");
    let created = rpc
        .get_account(&ata)
        .await
        .expect("the bounty account exists");
    assert_eq!(created.owner, mint.owner);
    assert_eq!(c.bounty_account_of(&vault), Some(ata));
    assert!(!c.is_registered(&vault));
    for (_, o) in c.cycle().await.expect("cycle") {
        assert!(
            !matches!(
                o,
                VaultOutcome::Landed(hedge_keeper::decision::Action::Rebalance { .. })
            ),
            "{o:?}"
        );
        if let VaultOutcome::Idle(Idle::NotDue(c)) = o {
            assert!(
                c == code(VaultError::NotKeeper) || c == code(VaultError::DeltaWithinBand),
                "{c}"
            );
        }
    }
    assert!(stranger.pubkey() != Pubkey::default());
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keeper_startup_checks_name_the_key() {
    let s = common::start(&["--no-keeper", "--no-trader"]).await;
    let check = |e: ConfigError, key: &str, text: &str| {
        assert_eq!(e.key, key, "{e}");
        assert!(e.problem.contains(text), "{e}");
    };
    // A vault that does not exist.
    let mut cfg = s.keeper_config("keeper");
    let missing = Pubkey::new_unique();
    cfg.vaults = vec![missing];
    check(
        Keeper::connect(cfg, Metrics::new()).await.err().unwrap(),
        "vaults",
        "does not exist",
    );
    // An account that is not a vault (the oracle).
    let mut cfg = s.keeper_config("keeper");
    cfg.vaults = vec![s.info.oracle.parse().unwrap()];
    check(
        Keeper::connect(cfg, Metrics::new()).await.err().unwrap(),
        "vaults",
        "not a hedge vault",
    );
    // An unreachable endpoint.
    let mut cfg = s.keeper_config("keeper");
    cfg.rpc_url = format!("http://127.0.0.1:{}", common::free_port_pair());
    check(
        Keeper::connect(cfg, Metrics::new()).await.err().unwrap(),
        "rpc_url",
        "unreachable",
    );
    s.stop().await;
}

async fn set_faults(rpc: &RpcClient, faults: serde_json::Value) {
    let _: serde_json::Value = rpc
        .send(
            solana_rpc_client_api::request::RpcRequest::Custom {
                method: "sandbox_setFaults",
            },
            serde_json::json!([faults]),
        )
        .await
        .expect("sandbox_setFaults");
}

/// Follows a transaction in flight until it is final (or `within` passes).
async fn follow(
    sender: &hedge_keeper::send::Sender,
    flight: &mut Option<hedge_keeper::send::InFlight>,
    first: hedge_keeper::send::SendOutcome,
    within: Duration,
) -> hedge_keeper::send::SendOutcome {
    use hedge_keeper::send::SendOutcome;
    let deadline = Instant::now() + within;
    let mut o = first;
    while let SendOutcome::Pending(_) = o {
        assert!(Instant::now() < deadline, "still pending after {within:?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
        o = sender.check(flight.as_mut().expect("in flight")).await;
    }
    o
}

/// The keeper's send path against the sandbox's validator semantics and injected
/// faults: it confirms at `confirmed`, rebroadcasts a dropped copy, waits out a copy
/// that lands after its confirmation timeout, rides out HTTP 429s, and calls a
/// transaction expired only once its blockhash is past `lastValidBlockHeight`, after
/// which a new one may be signed. Every action lands at most once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_send_path_rebroadcasts_waits_and_expires_without_doubling() {
    use hedge_keeper::send::{SendOutcome, Sender, CONFIRM_WAIT};
    use solana_sdk::commitment_config::CommitmentConfig;
    let s = common::start(&["--no-keeper", "--no-trader"]).await;
    let rpc = std::sync::Arc::new(RpcClient::new_with_commitment(
        s.info.rpc_url.clone(),
        CommitmentConfig::confirmed(),
    ));
    let payer = solana_sdk::signature::read_keypair_file(s.wallet("keeper")).unwrap();
    let sender = Sender::new(rpc.clone(), s.keeper_config("keeper").priority_fee);
    let to = Pubkey::new_unique();
    let pay = |lamports: u64| {
        [solana_system_interface::instruction::transfer(
            &payer.pubkey(),
            &to,
            lamports,
        )]
    };
    let balance = || {
        let rpc = rpc.clone();
        async move {
            rpc.get_balance_with_commitment(&to, CommitmentConfig::processed())
                .await
                .unwrap()
                .value
        }
    };

    // Plain: landed means confirmed, never just processed.
    let mut flight = None;
    let o = sender
        .send(&pay(1_000_000), &payer, &[], 10_000, 0, &mut flight)
        .await;
    let o = follow(&sender, &mut flight, o, Duration::from_secs(10)).await;
    let SendOutcome::Landed { signature, .. } = o else {
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

    // The first copy is lost: the rebroadcast lands it, once.
    set_faults(&rpc, serde_json::json!({ "dropSends": 1 })).await;
    let o = sender
        .send(&pay(2_000_000), &payer, &[], 10_000, 0, &mut flight)
        .await;
    let o = follow(&sender, &mut flight, o, Duration::from_secs(15)).await;
    assert!(matches!(o, SendOutcome::Landed { .. }), "{o:?}");
    assert_eq!(balance().await, 3_000_000);

    // Every copy lands 5 s late, after the send's confirmation wait: handed back in
    // flight, then landed; the copies rebroadcast meanwhile land nothing twice.
    assert!(CONFIRM_WAIT < Duration::from_secs(5));
    set_faults(
        &rpc,
        serde_json::json!({ "delaySends": 1000, "delayMs": 5000 }),
    )
    .await;
    let o = sender
        .send(&pay(4_000_000), &payer, &[], 10_000, 0, &mut flight)
        .await;
    assert!(matches!(o, SendOutcome::Pending(_)), "{o:?}");
    let o = follow(&sender, &mut flight, o, Duration::from_secs(20)).await;
    assert!(matches!(o, SendOutcome::Landed { .. }), "{o:?}");
    set_faults(&rpc, serde_json::json!({})).await;
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(balance().await, 7_000_000, "landed exactly once");

    // The node took it but the answer was lost: followed as in flight, not re-signed.
    set_faults(&rpc, serde_json::json!({ "errorAfterSend": 1 })).await;
    let o = sender
        .send(&pay(500_000), &payer, &[], 10_000, 0, &mut flight)
        .await;
    let o = follow(&sender, &mut flight, o, Duration::from_secs(15)).await;
    assert!(matches!(o, SendOutcome::Landed { .. }), "{o:?}");
    assert_eq!(balance().await, 7_500_000, "landed once");

    // Rate limited (429 with Retry-After): the client waits and goes on.
    set_faults(&rpc, serde_json::json!({ "rateLimited": 3 })).await;
    let o = sender
        .send(&pay(8_000_000), &payer, &[], 10_000, 0, &mut flight)
        .await;
    let o = follow(&sender, &mut flight, o, Duration::from_secs(15)).await;
    assert!(matches!(o, SendOutcome::Landed { .. }), "{o:?}");
    assert_eq!(balance().await, 15_500_000);

    // Every copy lost: pending until the blockhash has expired (150 blocks, about a
    // minute here), then expired with nothing landed; a new transaction then lands.
    set_faults(&rpc, serde_json::json!({ "dropSends": 1_000_000 })).await;
    let started = Instant::now();
    let o = sender
        .send(&pay(16_000_000), &payer, &[], 10_000, 0, &mut flight)
        .await;
    let lvbh = flight.as_ref().unwrap().last_valid_block_height;
    let o = follow(&sender, &mut flight, o, Duration::from_secs(120)).await;
    let SendOutcome::Expired(lost) = o else {
        panic!("{o:?}")
    };
    assert!(
        started.elapsed() > Duration::from_secs(50),
        "not before its life is over"
    );
    let h = rpc
        .get_block_height_with_commitment(CommitmentConfig::confirmed())
        .await
        .unwrap();
    assert!(h > lvbh, "{h} > {lvbh}");
    assert!(rpc.get_signature_statuses(&[lost]).await.unwrap().value[0].is_none());
    assert_eq!(balance().await, 15_500_000);
    set_faults(&rpc, serde_json::json!({})).await;
    let o = sender
        .send(&pay(16_000_000), &payer, &[], 10_000, 1, &mut flight)
        .await;
    let o = follow(&sender, &mut flight, o, Duration::from_secs(10)).await;
    assert!(matches!(o, SendOutcome::Landed { .. }), "{o:?}");
    assert_eq!(balance().await, 31_500_000);
    s.stop().await;
}

/// The keeper loop under a lost first copy and late landings: an action in flight is
/// never signed again, and every hedge landed on chain is one the keeper reported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keeper_never_signs_an_action_twice_while_it_is_in_flight() {
    let s = common::start(&["--no-keeper", "--no-trader"]).await;
    let rpc = RpcClient::new_with_commitment(
        s.info.rpc_url.clone(),
        solana_sdk::commitment_config::CommitmentConfig::confirmed(),
    );
    let vault = s.vault();
    let mut k = Keeper::connect(s.keeper_config("keeper"), Metrics::new())
        .await
        .expect("connects");
    set_faults(
        &rpc,
        serde_json::json!({ "dropSends": 1, "delaySends": 1000, "delayMs": 4000 }),
    )
    .await;
    let mut outcomes = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        for (_, o) in k.cycle().await.expect("cycle") {
            outcomes.push(o);
        }
        if outcomes
            .iter()
            .any(|o| matches!(o, VaultOutcome::Landed(decision::Action::Rebalance { .. })))
            && k.in_flight() == 0
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    set_faults(&rpc, serde_json::json!({})).await;
    // Let any held copy be released before counting.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let v = vault_state(&rpc, &vault).await;
    let landed = outcomes
        .iter()
        .filter(|o| matches!(o, VaultOutcome::Landed(decision::Action::Rebalance { .. })))
        .count() as u64;
    assert!(landed >= 1, "{outcomes:?}");
    assert_eq!(v.rebalance_count, landed, "{outcomes:?}");
    // Between a send and its end (landed, failed, expired) only "in flight".
    let mut open = false;
    let mut waited = 0;
    for o in &outcomes {
        match o {
            VaultOutcome::Sent(..) => {
                assert!(!open, "signed again while in flight: {outcomes:?}");
                open = true;
            }
            VaultOutcome::InFlight(_) => {
                assert!(open);
                waited += 1;
            }
            VaultOutcome::Landed(_) | VaultOutcome::Failed(..) | VaultOutcome::Expired(_) => {
                open = false
            }
            _ => assert!(!open, "{o:?} while in flight: {outcomes:?}"),
        }
    }
    assert!(
        waited > 0,
        "the late landings were waited out: {outcomes:?}"
    );

    // `hedge-keeper status`: the vault as the keeper sees it, and why it would do
    // nothing right after its hedge (the band, or the interval), or that the next is due.
    let r = k.status(&vault).await.expect("status");
    assert!(r.registered && r.bounty_account_exists && !r.unwind, "{r}");
    assert!(r.oracle_age_s.is_some_and(|a| (0..30).contains(&a)), "{r}");
    assert!(r.last_hedge_age_s.is_some_and(|a| a < 120), "{r}");
    let a = r.assessment.expect("an assessment with a live oracle");
    assert!(a.band > 0.0 && a.health > 1.0, "{r}");
    let text = r.to_string();
    for field in [
        "net delta",
        "health",
        "oracle age",
        "last hedge",
        "paused           nothing",
        "(registered)",
        "bounty account",
        "(exists)",
        "fee payer",
        "would do",
    ] {
        assert!(text.contains(field), "{field}: {text}");
    }
    match r.action {
        decision::Action::Nothing(Idle::NotDue(c)) => {
            assert!(
                c == code(VaultError::DeltaWithinBand)
                    || c == code(VaultError::HedgeIntervalNotElapsed),
                "{text}"
            );
            assert!(
                text.contains("would do         nothing: the program would refuse:"),
                "{text}"
            );
        }
        // The price moves on: a new hedge may be due already, consistent with Δ.
        decision::Action::Rebalance { min_out } => {
            assert!(min_out > 0 && a.delta.abs() > a.band, "{text}");
            assert!(text.contains("would do         rebalance"), "{text}");
        }
        other => panic!("{other:?}\n{text}"),
    }
    s.stop().await;
}
