//! `hedge-admin` against the sandbox: a governance cycle (show, a tightening applied at
//! once, a loosening refused before its timelock and applied after), multisig output
//! that decodes to the instructions it stands for, roles, keepers and series, and every
//! kind of bad input refused by name with nothing changed.

use std::path::{Path, PathBuf};

use hedge_admin::cli::Cli;
use hedge_admin::errors::AdminError;
use hedge_admin::multisig;
use hedge_admin::Outcome;
use hedge_vault::state::{pause, Vault};
use hedge_vault_client::ix::admin as ix;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::request::RpcRequest;
use solana_sdk::instruction::Instruction;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{read_keypair_file, write_keypair_file, Keypair, Signer};

use crate::common::{self, Running};

/// Runs `hedge-admin` with `args` (global flags first) and returns its output and result.
async fn admin(
    s: &Running,
    keypair: Option<&Path>,
    args: &[&str],
) -> (String, Result<Outcome, AdminError>) {
    let mut argv: Vec<String> = vec![
        "hedge-admin".into(),
        "--rpc-url".into(),
        s.info.rpc_url.clone(),
        "--vault".into(),
        s.info.vault.clone(),
    ];
    if let Some(k) = keypair {
        argv.push("--keypair".into());
        argv.push(k.display().to_string());
    }
    argv.extend(args.iter().map(|a| a.to_string()));
    raw_admin(argv).await
}

async fn raw_admin(argv: Vec<String>) -> (String, Result<Outcome, AdminError>) {
    use clap::Parser;
    let cli = Cli::try_parse_from(&argv).unwrap_or_else(|e| panic!("{argv:?}: {e}"));
    // The admin's RPC client is blocking: off the async runtime.
    tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        let r = hedge_admin::run(&cli, &mut out);
        (String::from_utf8(out).unwrap(), r)
    })
    .await
    .unwrap()
}

async fn vault_bytes(rpc: &RpcClient, key: &Pubkey) -> Vec<u8> {
    rpc.get_account(key).await.expect("vault").data
}

fn decode(bytes: &[u8]) -> Vault {
    bytemuck::pod_read_unaligned(&bytes[8..8 + std::mem::size_of::<Vault>()])
}

fn risk_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The printed multisig lines, decoded.
fn printed(out: &str) -> (Vec<Instruction>, Vec<Instruction>) {
    let mut squads = Vec::new();
    let mut realms = Vec::new();
    for line in out.lines() {
        if let Some(b58) = line.strip_prefix(multisig::SQUADS_PREFIX) {
            squads = multisig::decode_squads_message(b58)
                .expect("a Squads message")
                .1;
        }
        if let Some(b64) = line.strip_prefix(multisig::REALMS_PREFIX) {
            realms.push(multisig::decode_realms_instruction(b64).expect("a Realms instruction"));
        }
    }
    (squads, realms)
}

/// The instruction as it reads back from a message, where the fee payer is writable.
fn as_paid_by(mut ix: Instruction, payer: &Pubkey) -> Instruction {
    for a in &mut ix.accounts {
        if a.pubkey == *payer {
            a.is_writable = true;
        }
    }
    ix
}

/// True when the command was refused before sending, naming the program's `error`.
fn refused_as(r: &Result<Outcome, AdminError>, error: &str) -> bool {
    matches!(r, Err(AdminError::Refused { error: e, .. }) if *e == error)
}

/// The last line of `out` naming `what` (a diff follows the parameter table).
fn line_with<'a>(out: &'a str, what: &str) -> &'a str {
    out.lines().rev().find(|l| l.contains(what)).unwrap_or("")
}

async fn advance_clock(rpc: &RpcClient, seconds: i64) {
    let _: i64 = rpc
        .send(
            RpcRequest::Custom {
                method: "sandbox_advanceClock",
            },
            serde_json::json!([seconds]),
        )
        .await
        .expect("sandbox_advanceClock");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn governance_cycle_through_the_cli() {
    let s = common::start(&[
        "--no-trader",
        "--no-keeper",
        "--timelock-s",
        "120",
        "--withdraw-delay-s",
        "30",
    ])
    .await;
    let rpc = RpcClient::new_with_commitment(
        s.info.rpc_url.clone(),
        solana_sdk::commitment_config::CommitmentConfig::confirmed(),
    );
    let vault = s.vault();
    let authority = s.wallet("authority");
    let guardian = s.wallet("guardian");
    let dir = PathBuf::from(&s.info.wallet_dir);

    // show: roles, parameters, no pending change, the series.
    let (out, r) = admin(&s, None, &["show"]).await;
    r.expect("show");
    assert!(out.contains(&s.info.authority), "{out}");
    assert!(out.contains("pending risk change: none"), "{out}");
    assert!(out.contains("spread_bps"), "{out}");
    assert!(out.contains("active, expires in"), "{out}");

    // A tightening applies at once, and the guardian may propose it.
    let tighten = risk_file(
        &dir,
        "tighten.toml",
        "spread_bps = 150\nmax_utilization_bps = 7500\n",
    );
    let (out, r) = admin(
        &s,
        Some(&guardian),
        &["propose-risk", tighten.to_str().unwrap()],
    )
    .await;
    r.expect("a tightening by the guardian");
    assert!(
        line_with(&out, "spread_bps").contains("100 → 150   tightens"),
        "{out}"
    );
    assert!(out.contains("applied."), "{out}");
    let v = decode(&vault_bytes(&rpc, &vault).await);
    assert_eq!(
        (v.risk.spread_bps, v.risk.max_utilization_bps),
        (150, 7_500)
    );
    assert_eq!(v.pending_risk_eta, 0);

    // A loosening: not the guardian's to propose; the authority's waits for the timelock.
    let loosen = risk_file(&dir, "loosen.toml", "spread_bps = 120\n");
    let before = vault_bytes(&rpc, &vault).await;
    let (_, r) = admin(
        &s,
        Some(&guardian),
        &["propose-risk", loosen.to_str().unwrap()],
    )
    .await;
    assert!(
        matches!(
            &r,
            Err(AdminError::WrongSigner {
                role: "authority",
                ..
            })
        ),
        "{r:?}"
    );
    assert_eq!(vault_bytes(&rpc, &vault).await, before, "nothing sent");
    let (out, r) = admin(
        &s,
        Some(&authority),
        &["propose-risk", loosen.to_str().unwrap()],
    )
    .await;
    r.expect("a loosening by the authority");
    assert!(
        out.contains("it loosens: it waits for the timelock"),
        "{out}"
    );
    assert!(out.contains("pending: applies from"), "{out}");
    let v = decode(&vault_bytes(&rpc, &vault).await);
    assert_eq!(v.risk.spread_bps, 150);
    assert_eq!(v.pending_risk.spread_bps, 120);

    // Applying before the timelock is refused by name, before sending.
    let before = vault_bytes(&rpc, &vault).await;
    let (_, r) = admin(&s, Some(&authority), &["apply-risk"]).await;
    assert!(refused_as(&r, "TimelockNotElapsed"), "{r:?}");
    assert_eq!(vault_bytes(&rpc, &vault).await, before);
    let (out, _) = admin(&s, None, &["show"]).await;
    assert!(
        line_with(&out, "spread_bps").contains("150 → 120   loosens"),
        "{out}"
    );
    assert!(out.contains("(in "), "the countdown: {out}");

    // After the timelock it applies.
    advance_clock(&rpc, 121).await;
    let (_, r) = admin(&s, Some(&authority), &["apply-risk"]).await;
    r.expect("applied after the timelock");
    let v = decode(&vault_bytes(&rpc, &vault).await);
    assert_eq!((v.risk.spread_bps, v.pending_risk_eta), (120, 0));

    // --print-only: nothing is sent; both encodings read back to the very instructions
    // the command built, which are the client's own builder's, signed by the authority.
    let before = vault_bytes(&rpc, &vault).await;
    let (out, r) = admin(
        &s,
        None,
        &["pause", "deposit", "buy-option", "--print-only"],
    )
    .await;
    let o = r.expect("print-only");
    assert_eq!(o.signature, None);
    assert_eq!(vault_bytes(&rpc, &vault).await, before, "nothing sent");
    let auth_key: Pubkey = s.info.authority.parse().unwrap();
    let expected = ix::set_pause(auth_key, vault, pause::DEPOSIT | pause::BUY_OPTION);
    assert_eq!(o.instructions, vec![expected.clone()]);
    let (squads, realms) = printed(&out);
    assert_eq!(realms, vec![expected.clone()]);
    assert_eq!(squads, vec![as_paid_by(expected, &auth_key)]);
    // A multisig signer named explicitly must hold the role.
    let stranger = Pubkey::new_unique().to_string();
    let (_, r) = admin(
        &s,
        None,
        &["pause", "deposit", "--print-only", "--signer", &stranger],
    )
    .await;
    assert!(matches!(&r, Err(AdminError::WrongSigner { .. })), "{r:?}");
    // Print-only apply before a timelock: allowed (a multisig prepares it), with a note.
    let loosen2 = risk_file(&dir, "loosen2.toml", "spread_bps = 110\n");
    admin(
        &s,
        Some(&authority),
        &["propose-risk", loosen2.to_str().unwrap()],
    )
    .await
    .1
    .expect("proposed");
    let (out, r) = admin(&s, None, &["apply-risk", "--print-only"]).await;
    r.expect("print-only apply");
    assert!(out.contains("execute it after that"), "{out}");

    // Pause: the guardian may add bits, only the authority clears them.
    admin(&s, Some(&guardian), &["pause", "deposit"])
        .await
        .1
        .expect("guardian pauses");
    assert_eq!(
        decode(&vault_bytes(&rpc, &vault).await).paused,
        pause::DEPOSIT
    );
    let (_, r) = admin(&s, Some(&guardian), &["unpause", "deposit"]).await;
    assert!(
        matches!(
            &r,
            Err(AdminError::WrongSigner {
                role: "authority",
                ..
            })
        ),
        "{r:?}"
    );
    let (_, r) = admin(&s, Some(&authority), &["pause", "deposit"]).await;
    assert!(matches!(&r, Err(AdminError::Unchanged)), "{r:?}");
    admin(&s, Some(&authority), &["unpause", "all"])
        .await
        .1
        .expect("unpause");
    assert_eq!(decode(&vault_bytes(&rpc, &vault).await).paused, 0);

    // Keepers and roles.
    let k = Pubkey::new_unique().to_string();
    admin(&s, Some(&authority), &["set-keeper", &k])
        .await
        .1
        .expect("add keeper");
    let v = decode(&vault_bytes(&rpc, &vault).await);
    assert!(v.keepers.contains(&k.parse().unwrap()));
    let (_, r) = admin(
        &s,
        Some(&authority),
        &["set-keeper", &Pubkey::new_unique().to_string(), "--remove"],
    )
    .await;
    assert!(refused_as(&r, "KeeperNotFound"), "{r:?}");
    admin(&s, Some(&authority), &["set-keeper", &k, "--remove"])
        .await
        .1
        .expect("remove keeper");
    let risk_admin = Keypair::new();
    let ra_path = dir.join("risk-admin.json");
    write_keypair_file(&risk_admin, &ra_path).unwrap();
    rpc.request_airdrop(&risk_admin.pubkey(), 1_000_000_000)
        .await
        .unwrap();
    admin(
        &s,
        Some(&authority),
        &[
            "set-roles",
            "--risk-admin",
            &risk_admin.pubkey().to_string(),
        ],
    )
    .await
    .1
    .expect("set-roles");
    assert_eq!(
        decode(&vault_bytes(&rpc, &vault).await).risk_admin,
        risk_admin.pubkey()
    );

    // Series: the risk admin lists one; an IV change right after listing is too soon; a
    // series with open interest cannot be delisted; the new one can.
    let next = decode(&vault_bytes(&rpc, &vault).await).next_series_id;
    let (out, r) = admin(
        &s,
        Some(&ra_path),
        &[
            "list-series",
            "--kind",
            "put",
            "--strike",
            "92.5",
            "--expiry",
            "+14d",
            "--iv",
            "75%",
            "--max-oi",
            "500",
            "--min-trade",
            "0.1",
        ],
    )
    .await;
    r.expect("list-series by the risk admin");
    assert!(out.contains(&format!("lists series {next}")), "{out}");
    let (out, _) = admin(&s, None, &["show"]).await;
    assert!(out.contains("92.5"), "{out}");
    // Stored at the oracle's exponent: 92.5 = 9,250,000,000 × 10^-8.
    let book_key: Pubkey = s.info.book.parse().unwrap();
    let book_bytes = rpc.get_account(&book_key).await.unwrap().data;
    let book: hedge_vault::state::OptionBook = bytemuck::pod_read_unaligned(
        &book_bytes[8..8 + std::mem::size_of::<hedge_vault::state::OptionBook>()],
    );
    let listed = book
        .series
        .iter()
        .find(|x| x.series_id == next)
        .expect("listed");
    assert_eq!(
        (listed.strike, listed.strike_expo, listed.kind),
        (9_250_000_000, -8, 1)
    );
    assert_eq!(
        (listed.max_open_interest, listed.min_trade_size),
        (500_000_000_000, 100_000_000)
    );
    let (_, r) = admin(&s, Some(&ra_path), &["set-iv", &next.to_string(), "80%"]).await;
    assert!(refused_as(&r, "IvChangeTooSoon"), "{r:?}");
    let opened = s.info.series[0].to_string();
    let (_, r) = admin(&s, Some(&ra_path), &["delist-series", &opened]).await;
    assert!(refused_as(&r, "SeriesHasOpenInterest"), "{r:?}");
    admin(&s, Some(&ra_path), &["delist-series", &next.to_string()])
        .await
        .1
        .expect("delist");
    let (_, r) = admin(&s, Some(&ra_path), &["delist-series", &next.to_string()]).await;
    assert!(refused_as(&r, "SeriesNotFound"), "{r:?}");

    // Authority transfer: proposed, refused to a stranger, accepted by the new one.
    let new_auth = Keypair::new();
    let new_path = dir.join("new-authority.json");
    write_keypair_file(&new_auth, &new_path).unwrap();
    rpc.request_airdrop(&new_auth.pubkey(), 1_000_000_000)
        .await
        .unwrap();
    admin(
        &s,
        Some(&authority),
        &["propose-authority", &new_auth.pubkey().to_string()],
    )
    .await
    .1
    .expect("propose-authority");
    let (_, r) = admin(&s, Some(&guardian), &["accept-authority"]).await;
    assert!(
        matches!(
            &r,
            Err(AdminError::WrongSigner {
                role: "pending authority",
                ..
            })
        ),
        "{r:?}"
    );
    admin(&s, Some(&new_path), &["accept-authority"])
        .await
        .1
        .expect("accept-authority");
    let v = decode(&vault_bytes(&rpc, &vault).await);
    assert_eq!(
        (v.authority, v.pending_authority),
        (new_auth.pubkey(), Pubkey::default())
    );
    // The old authority has lost the role.
    let (_, r) = admin(&s, Some(&authority), &["pause", "deposit"]).await;
    assert!(
        matches!(&r, Err(AdminError::WrongSigner { role: "authority or guardian", signer, .. }) if *signer == auth_key),
        "{r:?}"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_admin_input_is_refused_by_name_and_changes_nothing() {
    let s = common::start(&["--no-trader", "--no-keeper"]).await;
    let rpc = RpcClient::new_with_commitment(
        s.info.rpc_url.clone(),
        solana_sdk::commitment_config::CommitmentConfig::confirmed(),
    );
    let vault = s.vault();
    let authority = s.wallet("authority");
    let trader = s.wallet("trader");
    let dir = PathBuf::from(&s.info.wallet_dir);
    let before = vault_bytes(&rpc, &vault).await;

    let typo = risk_file(&dir, "typo.toml", "spred_bps = 150\n");
    let (_, r) = admin(
        &s,
        Some(&authority),
        &["propose-risk", typo.to_str().unwrap()],
    )
    .await;
    assert!(
        matches!(
            &r,
            Err(AdminError::UnknownParam {
                suggestion: Some("spread_bps"),
                ..
            })
        ),
        "{r:?}"
    );
    let wide = risk_file(&dir, "wide.toml", "spread_bps = 5000\n");
    let (_, r) = admin(
        &s,
        Some(&authority),
        &["propose-risk", wide.to_str().unwrap()],
    )
    .await;
    assert!(
        matches!(
            &r,
            Err(AdminError::OutOfBounds {
                name: "spread_bps",
                value: 5_000,
                min: 0,
                max: 2_000
            })
        ),
        "{r:?}"
    );
    let crossed = risk_file(&dir, "crossed.toml", "maintenance_margin_bps = 20000\n");
    let (_, r) = admin(
        &s,
        Some(&authority),
        &["propose-risk", crossed.to_str().unwrap()],
    )
    .await;
    assert!(matches!(&r, Err(AdminError::RuleBroken { .. })), "{r:?}");
    let same = risk_file(&dir, "same.toml", "spread_bps = 100\n");
    let (_, r) = admin(
        &s,
        Some(&authority),
        &["propose-risk", same.to_str().unwrap()],
    )
    .await;
    assert!(matches!(&r, Err(AdminError::Unchanged)), "{r:?}");

    // Wrong signer for the role: a trader's keypair.
    let (_, r) = admin(&s, Some(&trader), &["pause", "all"]).await;
    let trader_key = read_keypair_file(&trader).unwrap().pubkey();
    assert!(
        matches!(&r, Err(AdminError::WrongSigner { command: "pause", signer, .. }) if *signer == trader_key),
        "{r:?}"
    );
    let (_, r) = admin(
        &s,
        Some(&trader),
        &[
            "set-series-limits",
            &s.info.series[0].to_string(),
            "--max-oi",
            "2000",
            "--min-trade",
            "0.1",
        ],
    )
    .await;
    assert!(
        matches!(
            &r,
            Err(AdminError::WrongSigner {
                role: "authority or risk admin",
                ..
            })
        ),
        "{r:?}"
    );

    // Not a hedge vault: the book, a token mint, an empty address.
    for other in [
        s.info.book.clone(),
        s.info.quote_mint.clone(),
        Pubkey::new_unique().to_string(),
    ] {
        let (_, r) = raw_admin(vec![
            "hedge-admin".into(),
            "--rpc-url".into(),
            s.info.rpc_url.clone(),
            "--vault".into(),
            other.clone(),
            "show".into(),
        ])
        .await;
        assert!(
            matches!(&r, Err(AdminError::NotAHedgeVault { .. })),
            "{other}: {r:?}"
        );
    }

    // An unreachable endpoint, with its API key kept out of the message.
    let dead = common::free_port_pair();
    let (_, r) = raw_admin(vec![
        "hedge-admin".into(),
        "--rpc-url".into(),
        format!("http://127.0.0.1:{dead}/secret-key"),
        "--vault".into(),
        s.info.vault.clone(),
        "show".into(),
    ])
    .await;
    match &r {
        Err(e @ AdminError::Rpc { .. }) => assert!(!e.to_string().contains("secret-key"), "{e}"),
        other => panic!("{other:?}"),
    }

    // Missing or malformed input.
    let (_, r) = admin(&s, None, &["pause", "all"]).await;
    assert!(
        matches!(
            &r,
            Err(AdminError::Config {
                key: "--keypair",
                ..
            })
        ),
        "{r:?}"
    );
    let (_, r) = admin(&s, Some(&authority), &["set-keeper", "not-an-address"]).await;
    assert!(
        matches!(&r, Err(AdminError::Config { key: "keeper", .. })),
        "{r:?}"
    );
    let (_, r) = admin(
        &s,
        Some(&authority),
        &[
            "list-series",
            "--kind",
            "call",
            "--strike",
            "100",
            "--expiry",
            "+1d",
            "--iv",
            "900%",
            "--max-oi",
            "1",
            "--min-trade",
            "1",
        ],
    )
    .await;
    assert!(refused_as(&r, "IvOutOfRange"), "{r:?}");
    let (_, r) = admin(
        &s,
        Some(&authority),
        &[
            "list-series",
            "--kind",
            "call",
            "--strike",
            "100",
            "--expiry",
            "2020-01-01T00:00:00Z",
            "--iv",
            "80%",
            "--max-oi",
            "1",
            "--min-trade",
            "1",
        ],
    )
    .await;
    assert!(refused_as(&r, "InvalidExpiry"), "{r:?}");
    let (_, r) = admin(&s, Some(&authority), &["apply-risk"]).await;
    assert!(refused_as(&r, "NoPendingRiskParams"), "{r:?}");
    let (_, r) = admin(&s, Some(&authority), &["accept-authority"]).await;
    assert!(refused_as(&r, "NoPendingAuthority"), "{r:?}");

    assert_eq!(vault_bytes(&rpc, &vault).await, before, "nothing changed");
    s.stop().await;
}
