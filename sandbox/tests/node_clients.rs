//! The sandbox driven by the real JavaScript clients (@solana/web3.js and
//! @coral-xyz/anchor with the committed IDL): `tests/node/clients.mjs`.

mod common;

use std::path::PathBuf;
use std::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web3js_and_anchor_clients_work_against_the_sandbox() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/node");
    assert!(
        dir.join("node_modules/@solana/web3.js").exists(),
        "the Node clients are not installed: run `npm ci --prefix tests/node` (scripts/test.sh does)"
    );
    let s = common::start(&["--no-keeper", "--no-trader"]).await;
    let (rpc, wallets) = (s.info.rpc_url.clone(), s.info.wallet_dir.clone());
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("clients.mjs")
            .arg(rpc)
            .arg(wallets)
            .current_dir(dir)
            .output()
            .expect("node runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("node clients: ok"),
        "node clients failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    s.stop().await;
}
