//! Starting a sandbox inside a test: free ports, ready signal, clean stop.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::time::Duration;

use hedge_keeper::config::{Config, PriorityFeePolicy};
use hedge_sandbox::{self as sandbox, Control, SandboxArgs, SandboxReport, WorldInfo};
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::read_keypair_file;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

/// A port p with p and p + 1 free (the sandbox serves both).
pub fn free_port_pair() -> u16 {
    for _ in 0..200 {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
        let p = l.local_addr().unwrap().port();
        drop(l);
        if p < 65_000 && TcpListener::bind(("127.0.0.1", p + 1)).is_ok() {
            return p;
        }
    }
    panic!("no free port pair");
}

pub struct Running {
    pub info: WorldInfo,
    pub port: u16,
    stop: watch::Sender<bool>,
    task: JoinHandle<Result<SandboxReport, String>>,
}

impl Running {
    pub fn wallet(&self, name: &str) -> PathBuf {
        PathBuf::from(&self.info.wallet_dir).join(format!("{name}.json"))
    }

    pub fn vault(&self) -> Pubkey {
        self.info.vault.parse().unwrap()
    }

    /// Stops the sandbox and returns its report (it must stop within 60 s).
    pub async fn stop(self) -> SandboxReport {
        let _ = self.stop.send(true);
        tokio::time::timeout(Duration::from_secs(60), self.task)
            .await
            .expect("the sandbox stops within 60 s")
            .expect("the sandbox task does not panic")
            .expect("the sandbox run ends without error")
    }

    /// A keeper configuration for keypair file `name` against this sandbox.
    pub fn keeper_config(&self, name: &str) -> Config {
        let path = self.wallet(name);
        Config {
            rpc_url: self.info.rpc_url.clone(),
            rpc_fallback_urls: vec![],
            ws_url: self.info.ws_url.clone(),
            keypair: read_keypair_file(&path).expect("keypair file"),
            keypair_path: path,
            vaults: vec![self.vault()],
            poll_interval: Duration::from_millis(400),
            priority_fee: PriorityFeePolicy {
                max_micro_lamports: 10_000,
                percentile: 75,
                budget_lamports_per_hour:
                    hedge_keeper::config::DEFAULT_PRIORITY_FEE_BUDGET_LAMPORTS_PER_HOUR,
            },
            metrics_addr: "127.0.0.1:0".parse().unwrap(),
            dry_run: false,
            rpc_timeout: std::time::Duration::from_secs(10),
            min_out_tolerance_bps: hedge_keeper::config::DEFAULT_MIN_OUT_TOLERANCE_BPS,
            max_concurrent_sends: hedge_keeper::config::DEFAULT_MAX_CONCURRENT_SENDS,
            send_path: hedge_keeper::config::SendPath::Rpc,
        }
    }
}

/// Starts a sandbox with `flags` (plus a free port and a private wallet directory) and
/// waits until it serves.
pub async fn start(flags: &[&str]) -> Running {
    let port = free_port_pair();
    let dir =
        std::env::temp_dir().join(format!("hedge-sandbox-test-{port}-{}", std::process::id()));
    let port_s = port.to_string();
    let dir_s = dir.display().to_string();
    let mut all = vec![
        "--port",
        &port_s,
        "--wallet-dir",
        &dir_s,
        "--metrics-addr",
        "127.0.0.1:0",
        "--summary-every-s",
        "3600",
    ];
    all.extend_from_slice(flags);
    let args = SandboxArgs::from_flags(&all).expect("valid sandbox flags");
    let (stop, stop_rx) = watch::channel(false);
    let (ready_tx, ready_rx) = oneshot::channel();
    let task = tokio::spawn(sandbox::run(
        args,
        Control {
            stop: Some(stop_rx),
            ready: Some(ready_tx),
        },
    ));
    let info = match tokio::time::timeout(Duration::from_secs(120), ready_rx)
        .await
        .expect("the sandbox is ready within 120 s")
    {
        Ok(info) => info,
        Err(_) => panic!("the sandbox did not start: {:?}", task.await),
    };
    Running {
        info,
        port,
        stop,
        task,
    }
}

/// A TCP forwarder in front of one of the sandbox's ports, to take an endpoint away the
/// way a network does: refuse new connections (a provider down) and cut the open ones
/// (a dropped websocket, a load balancer that restarts).
pub struct Proxy {
    pub port: u16,
    refusing: std::sync::Arc<std::sync::atomic::AtomicBool>,
    cut: watch::Sender<u64>,
    task: JoinHandle<()>,
}

impl Proxy {
    pub async fn start(target_port: u16) -> Proxy {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy");
        let port = listener.local_addr().unwrap().port();
        let refusing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (cut, cut_rx) = watch::channel(0u64);
        let r = refusing.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                if r.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let mut cut_rx = cut_rx.clone();
                cut_rx.borrow_and_update();
                tokio::spawn(async move {
                    let Ok(mut outbound) =
                        tokio::net::TcpStream::connect(("127.0.0.1", target_port)).await
                    else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut_rx.changed() => {}
                    }
                });
            }
        });
        Proxy {
            port,
            refusing,
            cut,
            task,
        }
    }

    /// Refuse (close at once) every new connection, or serve again.
    pub fn refuse(&self, on: bool) {
        self.refusing.store(on, std::sync::atomic::Ordering::SeqCst);
    }

    /// Drops every open connection.
    pub fn cut(&self) {
        self.cut.send_modify(|n| *n += 1);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}
