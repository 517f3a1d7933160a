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
