//! Several RPC endpoints with failover. Reads go to the endpoint in use; when a call
//! fails there (a transport error, the deadline, a 429, a node behind `minContextSlot`)
//! the same call is tried on the next endpoint, each once, and the one that answered
//! stays in use (sticky: no flapping back to a primary that just failed). Transactions
//! are broadcast through every endpoint: each provider forwards to the leaders on its own
//! paths, and the same signed bytes land at most once.

use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::Error as ClientError;
use solana_sdk::commitment_config::CommitmentConfig;

use crate::config::{redact_url, scrub};

struct Node {
    url: String,
    rpc: Arc<RpcClient>,
}

pub struct Endpoints {
    nodes: Vec<Node>,
    active: AtomicUsize,
    failovers: AtomicU64,
}

impl Endpoints {
    /// Clients for `urls` (the first is the primary), each with `timeout` on every call.
    pub fn new(urls: &[String], timeout: Duration) -> Self {
        assert!(!urls.is_empty(), "at least one endpoint");
        Self {
            nodes: urls
                .iter()
                .map(|u| Node {
                    url: u.clone(),
                    rpc: Arc::new(RpcClient::new_with_timeout_and_commitment(
                        u.clone(),
                        timeout,
                        CommitmentConfig::confirmed(),
                    )),
                })
                .collect(),
            active: AtomicUsize::new(0),
            failovers: AtomicU64::new(0),
        }
    }

    /// One endpoint (tests, and tools that were given a client).
    pub fn single(rpc: Arc<RpcClient>) -> Self {
        Self {
            nodes: vec![Node {
                url: rpc.url(),
                rpc,
            }],
            active: AtomicUsize::new(0),
            failovers: AtomicU64::new(0),
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The endpoint in use.
    pub fn active(&self) -> Arc<RpcClient> {
        self.nodes[self.active_index()].rpc.clone()
    }

    pub fn active_index(&self) -> usize {
        self.active.load(Ordering::Relaxed) % self.nodes.len()
    }

    /// The endpoint in use as logs may show it.
    pub fn active_url(&self) -> String {
        redact_url(&self.nodes[self.active_index()].url)
    }

    /// How many times the keeper moved to another endpoint.
    pub fn failovers(&self) -> u64 {
        self.failovers.load(Ordering::Relaxed)
    }

    /// Every endpoint's client (broadcasts).
    pub fn all(&self) -> impl Iterator<Item = &Arc<RpcClient>> {
        self.nodes.iter().map(|n| &n.rpc)
    }

    /// `text` with every endpoint's URL cut to scheme, host and port.
    pub fn scrub(&self, text: &str) -> String {
        self.nodes
            .iter()
            .fold(text.to_string(), |t, n| scrub(&t, &n.url))
    }

    /// Runs `call` on the endpoint in use only, without failing over: for optional
    /// methods some nodes do not serve (transaction history), whose refusal says
    /// nothing about the node's health.
    pub async fn call_active<T, F, Fut>(&self, what: &str, call: F) -> Result<T, String>
    where
        F: FnOnce(Arc<RpcClient>) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        let i = self.active_index();
        call(self.nodes[i].rpc.clone()).await.map_err(|e| {
            self.scrub(&format!(
                "{what} via {}: {e}",
                redact_url(&self.nodes[i].url)
            ))
        })
    }

    /// Runs `call` on the endpoint in use, then on each other endpoint in turn until one
    /// answers; that one stays in use. The error is the last endpoint's, scrubbed, with
    /// `what` and the endpoint named.
    pub async fn call<T, F, Fut>(&self, what: &str, call: F) -> Result<T, String>
    where
        F: Fn(Arc<RpcClient>) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        let n = self.nodes.len();
        let first = self.active_index();
        let mut last = String::new();
        for k in 0..n {
            let i = (first + k) % n;
            match call(self.nodes[i].rpc.clone()).await {
                Ok(v) => {
                    if k > 0
                        && self
                            .active
                            .compare_exchange(first, i, Ordering::Relaxed, Ordering::Relaxed)
                            .is_ok()
                    {
                        self.failovers.fetch_add(1, Ordering::Relaxed);
                        tracing::warn!(
                            from = %redact_url(&self.nodes[first].url),
                            to = %redact_url(&self.nodes[i].url),
                            "RPC failover"
                        );
                    }
                    return Ok(v);
                }
                Err(e) => {
                    last = self.scrub(&format!(
                        "{what} via {}: {e}",
                        redact_url(&self.nodes[i].url)
                    ));
                    if n > 1 {
                        tracing::debug!(error = %last, "endpoint failed; trying the next");
                    }
                }
            }
        }
        Err(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed_port_url() -> String {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        format!("http://127.0.0.1:{port}/SECRET")
    }

    #[tokio::test]
    async fn a_call_moves_to_the_next_endpoint_and_stays_there() {
        // Two dead endpoints and one that answers (a plain HTTP stub: any JSON-RPC
        // `getSlot` reply).
        let stub = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let live = format!("http://{}", stub.local_addr().unwrap());
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            loop {
                let (mut s, _) = stub.accept().await.unwrap();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 8192];
                    let _ = s.read(&mut buf).await;
                    let body = r#"{"jsonrpc":"2.0","result":42,"id":1}"#;
                    let resp = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = s.write_all(resp.as_bytes()).await;
                });
            }
        });
        let dead = closed_port_url();
        let ep = Endpoints::new(
            &[dead.clone(), closed_port_url(), live],
            Duration::from_secs(2),
        );
        assert_eq!(ep.active_index(), 0);
        let slot = ep
            .call("getSlot", |rpc| async move { rpc.get_slot().await })
            .await;
        assert_eq!(slot, Ok(42));
        assert_eq!(ep.active_index(), 2);
        assert_eq!(ep.failovers(), 1);
        // Sticky: the next call starts at the endpoint that answered.
        assert_eq!(
            ep.call("getSlot", |rpc| async move { rpc.get_slot().await })
                .await,
            Ok(42)
        );
        assert_eq!(ep.failovers(), 1);

        // All down: the last error, named, without the URL's key.
        let all_dead = Endpoints::new(&[dead, closed_port_url()], Duration::from_secs(2));
        let e = all_dead
            .call("getSlot", |rpc| async move { rpc.get_slot().await })
            .await
            .unwrap_err();
        assert!(e.starts_with("getSlot via http://127.0.0.1:"), "{e}");
        assert!(!e.contains("SECRET"), "{e}");
        assert_eq!(all_dead.failovers(), 0);
    }
}
