//! `migrations/deploy.ts` against the sandbox: a dry run (plans, sends nothing), an
//! apply (creates a second vault with its keeper and series), a re-apply (nothing to
//! do, nothing sent), the same through the `anchor migrate` entry, a mismatch (reported
//! field by field, nothing changed), and bad input (named, exit 2).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hedge_vault::state::{OptionBook, SeriesStatus, Vault};
use serde_json::{json, Value};
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{write_keypair_file, Keypair, Signer};

const VAULT_ID: u16 = 5;

fn migrations_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../migrations")
}

/// Runs the script with `args` (blocking; call from `spawn_blocking`).
fn deploy(args: &[String]) -> Output {
    Command::new("npx")
        .arg("tsx")
        .arg("deploy.ts")
        .args(args)
        .current_dir(migrations_dir())
        .output()
        .expect("npx runs")
}

async fn run(args: Vec<String>) -> (i32, String, String) {
    let out = tokio::task::spawn_blocking(move || deploy(&args))
        .await
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn vault_state(rpc: &RpcClient, key: &Pubkey) -> Option<Vec<u8>> {
    rpc.get_account_with_commitment(key, rpc.commitment())
        .await
        .unwrap()
        .value
        .map(|a| a.data)
}

fn write_config(path: &Path, config: &Value) {
    std::fs::write(path, serde_json::to_string_pretty(config).unwrap()).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_script_plans_applies_is_idempotent_and_reports_mismatches() {
    assert!(
        migrations_dir().join("node_modules/tsx").exists(),
        "the migration script's packages are not installed: run `npm ci --prefix migrations` (scripts/test.sh does)"
    );
    let s = common::start(&["--no-keeper", "--no-trader"]).await;
    let rpc = RpcClient::new_with_commitment(
        s.info.rpc_url.clone(),
        solana_sdk::commitment_config::CommitmentConfig::confirmed(),
    );
    let dir = PathBuf::from(&s.info.wallet_dir);

    // A deployer with SOL.
    let deployer = Keypair::new();
    let deployer_file = dir.join("deployer.json");
    write_keypair_file(&deployer, &deployer_file).unwrap();
    let sig = rpc
        .request_airdrop(&deployer.pubkey(), 20_000_000_000)
        .await
        .unwrap();
    rpc.poll_for_signature(&sig).await.unwrap();

    // The config: the example's risk values, on the sandbox's mints, oracle and pool.
    let mut config: Value = serde_json::from_str(
        &std::fs::read_to_string(migrations_dir().join("config/example.json")).unwrap(),
    )
    .unwrap();
    let now = chrono_now(&rpc).await;
    let expiry = now + 7 * 86_400;
    let v = &mut config["vaults"][0];
    v["name"] = json!("sandbox vault 5");
    v["vaultId"] = json!(VAULT_ID);
    v["quoteMint"] = json!(s.info.quote_mint);
    v["underlyingMint"] = json!(s.info.underlying_mint);
    v["oracle"] = json!({ "account": s.info.oracle_legacy, "kind": "pythLegacy" });
    v["dexPool"] = json!(s.info.pool);
    v["keepers"] = json!([s.info.keeper]);
    v["series"] = json!([
        { "kind": "call", "strike": "110", "expiry": expiry, "ivPpm": 600000, "maxOpenInterest": "1000000000000", "minTradeSize": "1" },
        { "kind": "put", "strike": "92.5", "expiry": expiry, "ivPpm": 650000, "maxOpenInterest": "1000000000000", "minTradeSize": "1" },
    ]);
    let config_file = dir.join("deploy.json");
    write_config(&config_file, &config);
    let args = |config: &Path, extra: &[&str]| -> Vec<String> {
        let mut a = vec![
            "--cluster".to_string(),
            s.info.rpc_url.clone(),
            "--keypair".to_string(),
            deployer_file.display().to_string(),
            "--config".to_string(),
            config.display().to_string(),
        ];
        a.extend(extra.iter().map(|x| x.to_string()));
        a
    };

    let quote: Pubkey = s.info.quote_mint.parse().unwrap();
    let underlying: Pubkey = s.info.underlying_mint.parse().unwrap();
    let vault = Pubkey::find_program_address(
        &[
            b"vault",
            deployer.pubkey().as_ref(),
            quote.as_ref(),
            underlying.as_ref(),
            &VAULT_ID.to_le_bytes(),
        ],
        &hedge_vault::ID,
    )
    .0;

    // 1. Dry run: the plan, and nothing on chain.
    let (code, out, err) = run(args(&config_file, &["--dry-run"])).await;
    assert_eq!(code, 0, "dry run failed\n{out}\n{err}");
    assert!(
        out.contains(&format!("plan: sandbox vault 5: create vault {vault}")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "plan: sandbox vault 5: add keeper {}",
            s.info.keeper
        )),
        "{out}"
    );
    assert_eq!(out.matches("list series").count(), 2, "{out}");
    assert!(
        out.contains("dry run: 4 action(s) planned, nothing sent"),
        "{out}"
    );
    assert!(
        vault_state(&rpc, &vault).await.is_none(),
        "a dry run created the vault"
    );

    // 2. Apply: the vault as configured.
    let (code, out, err) = run(args(&config_file, &[])).await;
    assert_eq!(code, 0, "apply failed\n{out}\n{err}");
    assert!(
        out.contains("applied 4 action(s); verified against the config"),
        "{out}"
    );
    let data = vault_state(&rpc, &vault).await.expect("the vault exists");
    let onchain: Vault = *bytemuck::from_bytes(&data[8..8 + std::mem::size_of::<Vault>()]);
    assert_eq!(onchain.authority, deployer.pubkey());
    assert_eq!(onchain.dex_pool, s.info.pool.parse::<Pubkey>().unwrap());
    assert_eq!(
        onchain.oracle,
        s.info.oracle_legacy.parse::<Pubkey>().unwrap()
    );
    assert_eq!(onchain.risk, hedge_vault::state::RiskParams::DEFAULT);
    assert!(onchain.is_keeper(&s.info.keeper.parse().unwrap()));
    let book_data = vault_state(&rpc, &onchain.book).await.unwrap();
    let book: OptionBook =
        *bytemuck::from_bytes(&book_data[8..8 + std::mem::size_of::<OptionBook>()]);
    let listed: Vec<_> = book
        .series
        .iter()
        .filter(|s| s.status() == SeriesStatus::Active)
        .map(|s| (s.kind, s.strike, s.strike_expo, s.expiry, s.iv_ppm))
        .collect();
    assert_eq!(
        listed,
        vec![
            (0, 11_000_000_000, -8, expiry, 600_000),
            (1, 9_250_000_000, -8, expiry, 650_000)
        ]
    );

    // 3. Re-apply: nothing to do, nothing sent.
    let (code, out, err) = run(args(&config_file, &[])).await;
    assert_eq!(code, 0, "re-apply failed\n{out}\n{err}");
    assert!(
        out.contains("nothing to do: 1 vault(s) match the config"),
        "{out}"
    );
    assert!(!out.contains("apply:") && !out.contains("done:"), "{out}");
    assert_eq!(vault_state(&rpc, &vault).await.unwrap(), data);

    // 3b. The `anchor migrate` entry (the module's export, called with a provider from
    // the cluster and wallet, config from the environment): the same no-op.
    let shim = |config: Option<&Path>| {
        let mut cmd = Command::new("npx");
        cmd.arg("tsx")
            .arg("test/anchor-migrate-shim.ts")
            .arg(&s.info.rpc_url)
            .arg(&deployer_file)
            .current_dir(migrations_dir())
            .env_remove("HEDGE_DEPLOY_CONFIG");
        if let Some(c) = config {
            cmd.env("HEDGE_DEPLOY_CONFIG", c);
        }
        cmd
    };
    let (mut with, mut without) = (shim(Some(&config_file)), shim(None));
    let (with, without) = tokio::task::spawn_blocking(move || {
        (
            with.output().expect("npx runs"),
            without.output().expect("npx runs"),
        )
    })
    .await
    .unwrap();
    let out = String::from_utf8_lossy(&with.stdout);
    assert!(with.status.success(), "anchor migrate entry failed\n{out}");
    assert!(
        out.contains("nothing to do: 1 vault(s) match the config"),
        "{out}"
    );
    let err = String::from_utf8_lossy(&without.stderr);
    assert_eq!(without.status.code(), Some(2), "{err}");
    assert!(err.contains("set HEDGE_DEPLOY_CONFIG"), "{err}");

    // 4. A config that disagrees: every differing field named, nothing changed, exit 1.
    let mut bad = config.clone();
    let v = &mut bad["vaults"][0];
    v["risk"]["spreadBps"] = json!(150);
    v["dexPool"] = json!(s.info.oracle_pull_v2);
    v["series"][0]["ivPpm"] = json!(550000);
    v["keepers"] = json!([s.info.keeper, s.info.trader]);
    v["series"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "kind": "call", "strike": "120", "expiry": expiry, "ivPpm": 600000, "maxOpenInterest": "1", "minTradeSize": "1" }));
    let bad_file = dir.join("deploy-mismatch.json");
    write_config(&bad_file, &bad);
    let (code, out, err) = run(args(&bad_file, &[])).await;
    assert_eq!(code, 1, "a mismatch must exit 1\n{out}\n{err}");
    assert!(
        out.contains("mismatch: 3 field(s) differ from the config; nothing was changed"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "dexPool: config {}, chain {}",
            s.info.oracle_pull_v2, s.info.pool
        )),
        "{out}"
    );
    assert!(
        out.contains("risk.spreadBps: config 150, chain 100"),
        "{out}"
    );
    assert!(out.contains("ivPpm: config 550000, chain 600000"), "{out}");
    // The additions the same config asks for are not made either.
    assert!(!out.contains("apply:") && !out.contains("done:"), "{out}");
    assert_eq!(vault_state(&rpc, &vault).await.unwrap(), data);
    let book_after = vault_state(&rpc, &onchain.book).await.unwrap();
    assert_eq!(book_after, book_data);

    // 5. Bad input is named and changes nothing: a config error, a flag, a dead cluster.
    let mut broken = config.clone();
    broken["vaults"][0]["risk"]
        .as_object_mut()
        .unwrap()
        .remove("feeBps");
    broken["vaults"][0]["quoteMint"] = json!("not-a-key");
    let broken_file = dir.join("deploy-broken.json");
    write_config(&broken_file, &broken);
    let (code, _, err) = run(args(&broken_file, &[])).await;
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("vaults[0].quoteMint: not a public key"),
        "{err}"
    );
    assert!(err.contains("vaults[0].risk.feeBps: missing"), "{err}");
    let (code, _, err) = run(args(&config_file, &["--bogus"])).await;
    assert_eq!(code, 2);
    assert!(err.contains("unknown flag --bogus"), "{err}");
    let mut dead = args(&config_file, &[]);
    dead[1] = format!("http://127.0.0.1:{}", common::free_port_pair());
    let (code, _, err) = run(dead).await;
    assert_eq!(code, 2);
    assert!(err.contains("the cluster did not answer"), "{err}");
    assert_eq!(vault_state(&rpc, &vault).await.unwrap(), data);

    s.stop().await;
}

/// The chain's unix time (the Clock sysvar), which series expiries are judged by.
async fn chrono_now(rpc: &RpcClient) -> i64 {
    let clock = rpc
        .get_account(&solana_sdk::sysvar::clock::ID)
        .await
        .unwrap();
    i64::from_le_bytes(clock.data[32..40].try_into().unwrap())
}
