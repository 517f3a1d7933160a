//! The sandbox end to end: a hedge lands and it stops cleanly; a busy port is named; two
//! keepers on one vault over real RPC; the keeper's start-up checks against an endpoint;
//! the governance CLI (`admin/`); the dApp served beside the endpoint.

mod admin;
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
        (vec!["--short-series-s", "100"], "--short-series-s"),
        (vec!["--timelock-s", "10"], "--timelock-s"),
        (vec!["--trade-cutoff-s", "100000"], "--trade-cutoff-s"),
        (vec!["--withdraw-delay-s", "700"], "--withdraw-delay-s"),
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

    // `--dry-run`: decides and simulates the due hedge, signs and sends nothing (not
    // even the missing bounty account).
    let rpc = RpcClient::new_with_commitment(
        s.info.rpc_url.clone(),
        solana_sdk::commitment_config::CommitmentConfig::confirmed(),
    );
    let mut cfg = s.keeper_config("keeper");
    cfg.dry_run = true;
    let metrics = Metrics::new();
    let mut k = Keeper::connect(cfg, metrics.clone())
        .await
        .expect("connects");
    let bounty = k.bounty_account_of(&s.vault()).unwrap();
    let mut simulated = None;
    for _ in 0..10 {
        for (_, o) in k.cycle().await.expect("cycle") {
            if let VaultOutcome::DryRun(action, sim) = o {
                simulated = Some((action, sim));
            }
        }
        if simulated.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    let (action, sim) = simulated.expect("a dry run of the due hedge");
    assert!(
        matches!(action, decision::Action::Rebalance { .. }),
        "{action:?}"
    );
    assert!(
        matches!(sim, hedge_keeper::send::Simulated::Ok { .. }),
        "{sim:?}"
    );
    assert_eq!(vault_state(&rpc, &s.vault()).await.rebalance_count, 0);
    assert_eq!(Metrics::total(&metrics.sent, "rebalance"), 0);
    assert!(rpc.get_account(&bounty).await.is_err(), "nothing created");
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

/// Runs the keeper's cycles until a hedge has landed and nothing is in flight (or
/// `within` passes); every outcome, in order.
async fn cycle_until_hedged(k: &mut Keeper, within: Duration) -> Vec<VaultOutcome> {
    let mut outcomes = Vec::new();
    let deadline = Instant::now() + within;
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
    outcomes
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
    let sender = Sender::new(
        std::sync::Arc::new(hedge_keeper::endpoints::Endpoints::single(rpc.clone())),
        s.keeper_config("keeper").priority_fee,
    );
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
    let outcomes = cycle_until_hedged(&mut k, Duration::from_secs(60)).await;
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

fn rebalances_landed(m: &Metrics) -> u64 {
    Metrics::total(&m.landed, "rebalance")
}

async fn wait_until(what: &str, within: Duration, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !ok() {
        assert!(Instant::now() < deadline, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Several RPC endpoints: the keeper starts with its primary down, fails over when the
/// endpoint in use goes away mid-run, and rides out a dropped websocket; every hedge it
/// counts as landed is one hedge on chain (nothing executed twice).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rpc_failover_and_a_dropped_websocket_lose_nothing() {
    let s = common::start(&["--no-keeper", "--no-trader", "--speed", "3000"]).await;
    let rpc = RpcClient::new_with_commitment(
        s.info.rpc_url.clone(),
        solana_sdk::commitment_config::CommitmentConfig::confirmed(),
    );
    let vault = s.vault();
    let direct = s.info.rpc_url.clone();
    let dead = || format!("http://127.0.0.1:{}/KEY", common::free_port_pair());

    // Start-up: a dead primary is named in the log and the keeper starts on the
    // fallback; all endpoints dead is refused, named, without the URLs' keys.
    let mut cfg = s.keeper_config("keeper");
    cfg.rpc_url = dead();
    cfg.rpc_fallback_urls = vec![direct.clone()];
    Keeper::connect(cfg, Metrics::new())
        .await
        .expect("starts on the fallback");
    let mut cfg = s.keeper_config("keeper");
    cfg.rpc_url = dead();
    cfg.rpc_fallback_urls = vec![dead()];
    let e = Keeper::connect(cfg, Metrics::new())
        .await
        .err()
        .expect("no endpoint answers");
    assert_eq!(e.key, "rpc_fallback_urls", "{e}");
    assert!(
        e.problem.contains("no endpoint answers") && !e.problem.contains("KEY"),
        "{e}"
    );

    // The loop: the primary and the websocket through proxies that can be taken away.
    let rpc_proxy = common::Proxy::start(s.port).await;
    let ws_proxy = common::Proxy::start(s.port + 1).await;
    let primary = format!("http://127.0.0.1:{}", rpc_proxy.port);
    let mut cfg = s.keeper_config("keeper");
    cfg.rpc_url = primary.clone();
    cfg.rpc_fallback_urls = vec![direct.clone()];
    cfg.ws_url = format!("ws://127.0.0.1:{}", ws_proxy.port);
    let metrics = Metrics::new();
    let k = Keeper::connect(cfg, metrics.clone())
        .await
        .expect("connects");
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(k.run(stop_rx));
    let health = || {
        metrics
            .status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    };
    wait_until(
        "a hedge through the primary",
        Duration::from_secs(60),
        || {
            rebalances_landed(&metrics) >= 1
                && health().websocket == "connected"
                && health().rpc_endpoint == primary
        },
    )
    .await;
    assert_eq!(health().rpc_failovers, 0);

    // The websocket drops: the keeper reconnects (and polls meanwhile).
    ws_proxy.cut();
    wait_until("the websocket reconnected", Duration::from_secs(30), || {
        health().websocket_connects >= 2 && health().websocket == "connected"
    })
    .await;

    // The primary goes away mid-run: the next call fails over, and hedges go on.
    let before = rebalances_landed(&metrics);
    rpc_proxy.refuse(true);
    rpc_proxy.cut();
    wait_until(
        "a hedge through the fallback",
        Duration::from_secs(90),
        || rebalances_landed(&metrics) > before,
    )
    .await;
    let h = health();
    assert_eq!(h.rpc_endpoint, direct, "{h:?}");
    assert!(h.rpc_failovers >= 1, "{h:?}");

    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(30), task)
        .await
        .expect("the loop stops")
        .expect("no panic");
    // Let anything still in flight land or expire before counting.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let v = vault_state(&rpc, &vault).await;
    assert_eq!(
        v.rebalance_count,
        rebalances_landed(&metrics),
        "every hedge landed once"
    );
    // A second transaction for a hedge already made would be refused by the program as
    // a race (the band, the interval): there was none.
    let races = metrics
        .failed
        .get_or_create(&hedge_keeper::metrics::FailureLabels {
            action: "rebalance".into(),
            reason: "benign_race".into(),
        })
        .get();
    assert_eq!(races, 0);
    s.stop().await;
}

/// The compute-unit limit and price a transaction set (its compute-budget instructions).
fn budget_of(m: &solana_sdk::message::VersionedMessage) -> (u32, u64) {
    let keys = m.static_account_keys();
    let mut limit = 0;
    for ix in m.instructions() {
        if keys[ix.program_id_index as usize] == solana_compute_budget_interface::ID {
            if let [2, rest @ ..] = ix.data.as_slice() {
                limit = u32::from_le_bytes(rest[..4].try_into().unwrap());
            }
        }
    }
    (limit, hedge_keeper::fees::price_of(m))
}

/// Priority fees: the per-slot minimums are mostly 0 on an account that is not written
/// every slot, so the keeper bids what recent transactions on the same account paid;
/// and never more than the hourly budget leaves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn priority_fees_follow_what_was_paid_within_the_hourly_budget() {
    use hedge_keeper::config::PriorityFeePolicy;
    use hedge_keeper::fees::fee_lamports;
    use hedge_keeper::send::{SendOutcome, Sender};
    use solana_compute_budget_interface::ComputeBudgetInstruction;
    use solana_sdk::commitment_config::CommitmentConfig;
    let s = common::start(&["--no-keeper", "--no-trader"]).await;
    let rpc = std::sync::Arc::new(RpcClient::new_with_commitment(
        s.info.rpc_url.clone(),
        CommitmentConfig::confirmed(),
    ));
    let keeper = solana_sdk::signature::read_keypair_file(s.wallet("keeper")).unwrap();
    let other = solana_sdk::signature::read_keypair_file(s.wallet("lp")).unwrap();
    // A contended account: others write it paying 40,000 micro-lamports per CU.
    let hot = Pubkey::new_unique();
    const PAID: u64 = 40_000;
    for i in 0..5u64 {
        let ixs = [
            ComputeBudgetInstruction::set_compute_unit_price(PAID),
            solana_system_interface::instruction::transfer(&other.pubkey(), &hot, 1_000_000 + i),
        ];
        let hash = rpc.get_latest_blockhash().await.unwrap();
        let tx = solana_sdk::transaction::Transaction::new_signed_with_payer(
            &ixs,
            Some(&other.pubkey()),
            &[&other],
            hash,
        );
        rpc.send_and_confirm_transaction(&tx).await.unwrap();
    }
    // Thirty slots on (the node reports its last 150), most slots never wrote `hot`.
    let written = rpc.get_slot().await.unwrap();
    while rpc.get_slot().await.unwrap() < written + 30 {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let minimums: Vec<u64> = rpc
        .get_recent_prioritization_fees(&[hot])
        .await
        .unwrap()
        .iter()
        .map(|f| f.prioritization_fee)
        .collect();
    let generous = PriorityFeePolicy {
        max_micro_lamports: 1_000_000,
        percentile: 75,
        budget_lamports_per_hour: 1_000_000_000,
    };
    // What the per-slot minimums alone would bid: nothing.
    assert_eq!(
        hedge_keeper::send::priority_fee(&minimums, &generous),
        0,
        "{minimums:?}"
    );

    let landed_budget = |sig| {
        let rpc = rpc.clone();
        async move {
            let t = rpc
                .get_transaction_with_config(
                    &sig,
                    solana_rpc_client_api::config::RpcTransactionConfig {
                        encoding: Some(solana_transaction_status::UiTransactionEncoding::Base64),
                        commitment: Some(CommitmentConfig::confirmed()),
                        max_supported_transaction_version: Some(0),
                    },
                )
                .await
                .unwrap();
            budget_of(&t.transaction.transaction.decode().unwrap().message)
        }
    };
    let pay = |lamports| {
        [solana_system_interface::instruction::transfer(
            &keeper.pubkey(),
            &hot,
            lamports,
        )]
    };
    let endpoints = std::sync::Arc::new(hedge_keeper::endpoints::Endpoints::single(rpc.clone()));
    let sender = Sender::new(endpoints.clone(), generous);
    let mut flight = None;
    let o = sender
        .send(&pay(7), &keeper, &[hot], 10_000, 0, &mut flight)
        .await;
    let o = follow(&sender, &mut flight, o, Duration::from_secs(15)).await;
    let SendOutcome::Landed { signature, .. } = o else {
        panic!("{o:?}")
    };
    let (_, price) = landed_budget(signature).await;
    assert_eq!(price, PAID, "the keeper bids what the others paid");

    // A budget of 300 lamports an hour: the first bid is cut to fit it, the next gets
    // nothing; the transactions still land.
    let tight = Sender::new(
        endpoints,
        PriorityFeePolicy {
            budget_lamports_per_hour: 300,
            ..generous
        },
    );
    let mut spent = 0;
    let mut prices = Vec::new();
    for lamports in [8, 9] {
        let o = tight
            .send(&pay(lamports), &keeper, &[hot], 10_000, 0, &mut flight)
            .await;
        let o = follow(&tight, &mut flight, o, Duration::from_secs(15)).await;
        let SendOutcome::Landed { signature, .. } = o else {
            panic!("{o:?}")
        };
        let (limit, price) = landed_budget(signature).await;
        spent += fee_lamports(price, limit);
        prices.push(price);
    }
    assert!(spent <= 300, "{prices:?}");
    assert!(prices[0] > 0 && prices[0] < PAID, "{prices:?}");
    assert_eq!(prices[1], 0, "{prices:?}");
    assert_eq!(tight.priority_fees_signed_last_hour(), spent);
    s.stop().await;
}

/// The bundle path (`send_path = "bundle"`, a block engine's `sendBundle`): hedges go
/// as bundles that tip one of the engine's tip accounts and bid no compute-unit price;
/// each lands once. A bad engine URL stops the keeper at start, named.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hedges_go_as_tipped_bundles_on_the_bundle_path() {
    use hedge_keeper::config::SendPath;
    use solana_sdk::commitment_config::CommitmentConfig;
    let s = common::start(&["--no-keeper", "--no-trader"]).await;
    let rpc = RpcClient::new_with_commitment(s.info.rpc_url.clone(), CommitmentConfig::confirmed());
    let vault = s.vault();
    let tips = hedge_sandbox::rpc::tip_accounts();
    let tipped = |rpc: &RpcClient| {
        let tips = tips.clone();
        let rpc = RpcClient::new_with_commitment(rpc.url(), CommitmentConfig::processed());
        async move {
            let mut sum = 0;
            for t in &tips {
                sum += rpc.get_balance(t).await.unwrap();
            }
            sum
        }
    };
    let mut bad = s.keeper_config("keeper");
    bad.send_path = SendPath::Bundle {
        url: format!("http://127.0.0.1:{}/uuid=KEY", common::free_port_pair()),
        tip_lamports: 5_000,
    };
    let e = Keeper::connect(bad, Metrics::new())
        .await
        .err()
        .expect("an unreachable engine is refused at start");
    assert_eq!(e.key, "bundle_url", "{e}");
    assert!(!e.problem.contains("KEY"), "{e}");

    let mut cfg = s.keeper_config("keeper");
    const TIP: u64 = 5_000;
    cfg.send_path = SendPath::Bundle {
        url: s.info.rpc_url.clone(),
        tip_lamports: TIP,
    };
    // Start-up creates the keeper's bounty account: also a bundle, also tipped.
    let before = tipped(&rpc).await;
    let mut k = Keeper::connect(cfg, Metrics::new())
        .await
        .expect("connects");
    assert_eq!(
        tipped(&rpc).await - before,
        TIP,
        "the bounty account's creation"
    );
    let before = tipped(&rpc).await;
    let outcomes = cycle_until_hedged(&mut k, Duration::from_secs(60)).await;
    let landed = outcomes
        .iter()
        .filter(|o| matches!(o, VaultOutcome::Landed(_)))
        .count() as u64;
    let hedges = outcomes
        .iter()
        .filter(|o| matches!(o, VaultOutcome::Landed(decision::Action::Rebalance { .. })))
        .count() as u64;
    assert!(hedges >= 1, "{outcomes:?}");
    assert_eq!(vault_state(&rpc, &vault).await.rebalance_count, hedges);
    // One tip per landed transaction, to the engine's accounts.
    assert_eq!(tipped(&rpc).await - before, TIP * landed, "{outcomes:?}");
    // The hedge carried the tip and bid no compute-unit price.
    let newest = rpc
        .get_signatures_for_address_with_config(
            &vault,
            solana_rpc_client::rpc_client::GetConfirmedSignaturesForAddress2Config {
                commitment: Some(CommitmentConfig::confirmed()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let sig = newest[0].signature.parse().unwrap();
    let t = rpc
        .get_transaction_with_config(
            &sig,
            solana_rpc_client_api::config::RpcTransactionConfig {
                encoding: Some(solana_transaction_status::UiTransactionEncoding::Base64),
                commitment: Some(CommitmentConfig::confirmed()),
                max_supported_transaction_version: Some(0),
            },
        )
        .await
        .unwrap();
    let m = t.transaction.transaction.decode().unwrap().message;
    assert_eq!(budget_of(&m).1, 0, "no compute-unit price on a bundle");
    assert!(
        m.static_account_keys().iter().any(|k| tips.contains(k)),
        "the hedge tips the engine"
    );
    s.stop().await;
}

/// One plain HTTP/1.1 request on the endpoint's port; returns the status line and body.
async fn http(port: u16, method: &str, path: &str, body: &str) -> (String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut c = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    c.write_all(req.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    c.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (
        head.lines().next().unwrap_or("").to_string(),
        body.to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dapp_and_the_world_are_served_beside_the_endpoint() {
    let outer = std::env::temp_dir().join(format!("hedge-app-{}", std::process::id()));
    let app = outer.join("app");
    std::fs::create_dir_all(app.join("assets")).unwrap();
    // Beside the app: reachable only by leaving it.
    std::fs::write(outer.join("sentinel.txt"), "secret").unwrap();
    std::fs::write(app.join("index.html"), "<title>hedge vault</title>").unwrap();
    std::fs::write(app.join("assets/main.js"), "console.log(1)").unwrap();
    let app_s = app.display().to_string();
    let s = common::start(&[
        "--no-trader",
        "--no-keeper",
        "--app-dir",
        &app_s,
        "--short-series-s",
        "400",
    ])
    .await;
    assert_eq!(
        s.info.app_url.as_deref(),
        Some(format!("http://127.0.0.1:{}/", s.port).as_str())
    );

    let (status, body) = http(s.port, "GET", "/?vault=x", "").await;
    assert!(status.contains("200"), "{status}");
    assert!(body.contains("hedge vault"), "{body}");
    let (status, body) = http(s.port, "GET", "/assets/main.js", "").await;
    assert!(
        status.contains("200") && body.contains("console.log"),
        "{status} {body}"
    );
    for path in ["/../sentinel.txt", "/assets/../../sentinel.txt"] {
        let (status, body) = http(s.port, "GET", path, "").await;
        assert!(
            status.contains("404") && !body.contains("secret"),
            "{path}: {status}"
        );
    }

    // The world, as the dApp reads it when the URL names no vault.
    let (_, body) = http(s.port, "GET", "/sandbox.json", "").await;
    let world: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(world["vault"], s.info.vault.as_str());
    assert_eq!(world["trader_2"], s.info.trader_2.as_str());
    let short = s.info.short_series.expect("the short series");
    assert_eq!(world["short_series"], short);
    assert!(s.info.series.contains(&short));

    // JSON-RPC is untouched on the same port.
    let (status, body) = http(
        s.port,
        "POST",
        "/",
        r#"{"jsonrpc":"2.0","id":1,"method":"getHealth"}"#,
    )
    .await;
    assert!(
        status.contains("200") && body.contains("ok"),
        "{status} {body}"
    );

    // Every wallet the README names exists.
    for name in [
        "keeper",
        "lp",
        "trader",
        "trader-2",
        "authority",
        "guardian",
    ] {
        assert!(s.wallet(name).is_file(), "{name}.json");
    }
    s.stop().await;
    std::fs::remove_dir_all(outer).unwrap();
}
