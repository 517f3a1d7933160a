//! The keeper's Prometheus metrics and the `/metrics` endpoint.

use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ActionLabels {
    pub action: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FailureLabels {
    pub action: String,
    pub reason: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct VaultLabels {
    pub vault: String,
}

type FloatGauge = Gauge<f64, AtomicU64>;

pub struct Metrics {
    pub cycles: Counter,
    pub sent: Family<ActionLabels, Counter>,
    pub landed: Family<ActionLabels, Counter>,
    pub failed: Family<FailureLabels, Counter>,
    /// Oracle publish time → hedge landed (block time), seconds.
    pub reaction_seconds: Histogram,
    /// Oracle publish slot → hedge landed slot.
    pub reaction_slots: Histogram,
    pub delta: Family<VaultLabels, FloatGauge>,
    pub band: Family<VaultLabels, FloatGauge>,
    pub health: Family<VaultLabels, FloatGauge>,
    /// Seconds since the oracle's last publish (per vault).
    pub oracle_age: Family<VaultLabels, FloatGauge>,
    /// Seconds since the vault's last hedge, and the keeper grace period it is measured
    /// against (past it, anyone may hedge the vault for a bounty).
    pub last_hedge_age: Family<VaultLabels, FloatGauge>,
    pub keeper_grace: Family<VaultLabels, FloatGauge>,
    /// The fee payer's balance, lamports.
    pub balance: FloatGauge,
    /// What `/health` reports.
    pub status: Mutex<Health>,
    /// Every reaction latency in slots, for reports (p50/p99).
    pub reaction_slot_samples: Mutex<Vec<u64>>,
    registry: Registry,
}

impl Metrics {
    pub fn new() -> Arc<Self> {
        let mut registry = Registry::with_prefix("hedge_keeper");
        let cycles = Counter::default();
        let sent = Family::<ActionLabels, Counter>::default();
        let landed = Family::<ActionLabels, Counter>::default();
        let failed = Family::<FailureLabels, Counter>::default();
        let reaction_seconds =
            Histogram::new([0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0].into_iter());
        let reaction_slots =
            Histogram::new([1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0, 34.0, 55.0].into_iter());
        let delta = Family::<VaultLabels, FloatGauge>::default();
        let band = Family::<VaultLabels, FloatGauge>::default();
        let health = Family::<VaultLabels, FloatGauge>::default();
        let oracle_age = Family::<VaultLabels, FloatGauge>::default();
        let last_hedge_age = Family::<VaultLabels, FloatGauge>::default();
        let keeper_grace = Family::<VaultLabels, FloatGauge>::default();
        let balance = FloatGauge::default();
        registry.register(
            "oracle_age_seconds",
            "Seconds since the vault's oracle published (NaN: unreadable)",
            oracle_age.clone(),
        );
        registry.register(
            "last_hedge_age_seconds",
            "Seconds since the vault's last hedge",
            last_hedge_age.clone(),
        );
        registry.register(
            "keeper_grace_seconds",
            "The vault's keeper grace period (fallback hedging opens past it)",
            keeper_grace.clone(),
        );
        registry.register(
            "fee_payer_lamports",
            "The keeper's fee-payer balance",
            balance.clone(),
        );
        registry.register("cycles", "Keeper cycles run", cycles.clone());
        registry.register(
            "transactions_sent",
            "Transactions sent, by action",
            sent.clone(),
        );
        registry.register(
            "transactions_landed",
            "Transactions landed without error, by action",
            landed.clone(),
        );
        registry.register(
            "transactions_failed",
            "Transactions failed, by action and reason",
            failed.clone(),
        );
        registry.register(
            "reaction_latency_seconds",
            "Oracle publish time to hedge landed",
            reaction_seconds.clone(),
        );
        registry.register(
            "reaction_latency_slots",
            "Oracle publish slot to hedge landed slot",
            reaction_slots.clone(),
        );
        registry.register(
            "vault_delta",
            "Vault net delta, underlying atoms",
            delta.clone(),
        );
        registry.register(
            "vault_band",
            "Vault hedge band, underlying atoms",
            band.clone(),
        );
        registry.register(
            "vault_health",
            "Vault stressed assets / liabilities",
            health.clone(),
        );
        Arc::new(Self {
            cycles,
            sent,
            landed,
            failed,
            reaction_seconds,
            reaction_slots,
            delta,
            band,
            health,
            oracle_age,
            last_hedge_age,
            keeper_grace,
            balance,
            status: Mutex::new(Health::default()),
            reaction_slot_samples: Mutex::new(Vec::new()),
            registry,
        })
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }

    pub fn action(action: &str) -> ActionLabels {
        ActionLabels {
            action: action.to_string(),
        }
    }

    pub fn total(family: &Family<ActionLabels, Counter>, action: &str) -> u64 {
        family.get_or_create(&Self::action(action)).get()
    }

    pub fn failed_total(&self) -> u64 {
        ["rebalance", "liquidate", "settle", "mark"]
            .iter()
            .flat_map(|a| {
                [
                    "benign_race",
                    "retry_next_cycle",
                    "backoff",
                    "failed",
                    "expired",
                ]
                .map(|r| {
                    self.failed
                        .get_or_create(&FailureLabels {
                            action: a.to_string(),
                            reason: r.to_string(),
                        })
                        .get()
                })
            })
            .sum()
    }

    /// (p50, p99) of reaction latency in slots, if any hedge landed.
    pub fn reaction_slot_percentiles(&self) -> Option<(u64, u64)> {
        let mut v = self
            .reaction_slot_samples
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if v.is_empty() {
            return None;
        }
        v.sort_unstable();
        let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
        Some((at(0.5), at(0.99)))
    }
}

/// What `GET /health` answers: 200 while the keeper's loop completed a cycle recently
/// and the chain moves, 503 otherwise, with these fields as JSON either way.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Health {
    /// Unix seconds of the last cycle whose batched read succeeded.
    pub last_good_cycle: i64,
    /// The slot that read answered at, and the one before it.
    pub slot: u64,
    pub previous_slot: u64,
    /// "connected", "reconnecting" or "unavailable".
    pub websocket: String,
    /// Websocket connections made (1 + reconnections).
    pub websocket_connects: u64,
    pub fee_payer_lamports: u64,
    /// The RPC endpoint in use (scheme, host and port) and how many times the keeper
    /// failed over to another.
    pub rpc_endpoint: String,
    pub rpc_failovers: u64,
    /// Lamports of priority fees signed in the last hour (see the hourly budget).
    pub priority_fees_last_hour: u64,
    /// False once the loop task has ended (a panic, or shutdown).
    pub loop_running: bool,
    /// How stale the last good cycle may be before the keeper counts as unhealthy.
    pub max_cycle_age_s: i64,
}

impl Health {
    /// Healthy: the loop runs, a cycle read the chain within `max_cycle_age_s`, and the
    /// slot moved between the last two reads.
    pub fn ok(&self, now: i64) -> bool {
        self.loop_running
            && now - self.last_good_cycle <= self.max_cycle_age_s
            && self.slot > self.previous_slot
    }
}

/// Serves `GET /metrics` and `GET /health` on `addr` until `shutdown` resolves.
pub async fn serve(
    metrics: Arc<Metrics>,
    addr: SocketAddr,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let for_health = metrics.clone();
    let app = axum::Router::new()
        .route(
            "/health",
            axum::routing::get(move || {
                let m = for_health.clone();
                async move {
                    let h = m.status.lock().unwrap_or_else(|p| p.into_inner()).clone();
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.as_secs() as i64)
                        .unwrap_or(0);
                    let code = if h.ok(now) {
                        axum::http::StatusCode::OK
                    } else {
                        axum::http::StatusCode::SERVICE_UNAVAILABLE
                    };
                    (
                        code,
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        serde_json::to_string(&h).unwrap_or_default(),
                    )
                }
            }),
        )
        .route(
            "/metrics",
            axum::routing::get(move || {
                let m = metrics.clone();
                async move {
                    (
                        [(
                            axum::http::header::CONTENT_TYPE,
                            "application/openmetrics-text; version=1.0.0; charset=utf-8",
                        )],
                        m.render(),
                    )
                }
            }),
        );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
    });
    Ok(bound)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn serves_prometheus_text_on_metrics() {
        let m = Metrics::new();
        m.cycles.inc();
        m.sent.get_or_create(&Metrics::action("rebalance")).inc();
        m.delta
            .get_or_create(&VaultLabels { vault: "V".into() })
            .set(-1.5);
        m.reaction_slots.observe(2.0);
        m.reaction_slot_samples
            .lock()
            .unwrap()
            .extend([9, 1, 3, 2, 4]);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let addr = serve(m.clone(), "127.0.0.1:0".parse().unwrap(), async {
            let _ = rx.await;
        })
        .await
        .unwrap();
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut body = String::new();
        s.read_to_string(&mut body).await.unwrap();
        assert!(body.starts_with("HTTP/1.1 200"), "{body}");
        assert!(body.contains("hedge_keeper_cycles_total 1"), "{body}");
        assert!(
            body.contains("hedge_keeper_transactions_sent_total{action=\"rebalance\"} 1"),
            "{body}"
        );
        assert!(
            body.contains("hedge_keeper_vault_delta{vault=\"V\"} -1.5"),
            "{body}"
        );
        assert!(
            body.contains("hedge_keeper_reaction_latency_slots_bucket"),
            "{body}"
        );
        assert_eq!(m.reaction_slot_percentiles(), Some((3, 9)));
        let _ = tx.send(());
    }

    async fn get(addr: SocketAddr, path: &str) -> String {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await
        .unwrap();
        let mut body = String::new();
        s.read_to_string(&mut body).await.unwrap();
        body
    }

    #[tokio::test]
    async fn health_is_503_until_a_recent_cycle_saw_the_slot_move() {
        let m = Metrics::new();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let addr = serve(m.clone(), "127.0.0.1:0".parse().unwrap(), async {
            let _ = rx.await;
        })
        .await
        .unwrap();
        let body = get(addr, "/health").await;
        assert!(body.starts_with("HTTP/1.1 503"), "{body}");
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        *m.status.lock().unwrap() = Health {
            last_good_cycle: now,
            slot: 11,
            previous_slot: 10,
            websocket: "connected".into(),
            fee_payer_lamports: 5,
            loop_running: true,
            max_cycle_age_s: 30,
            ..Health::default()
        };
        let body = get(addr, "/health").await;
        assert!(body.starts_with("HTTP/1.1 200"), "{body}");
        assert!(body.contains("\"fee_payer_lamports\":5"), "{body}");
        // The loop ended (a panic): unhealthy even with a recent cycle.
        m.status.lock().unwrap().loop_running = false;
        assert!(get(addr, "/health").await.starts_with("HTTP/1.1 503"));
        // The chain stopped moving.
        let mut h = m.status.lock().unwrap().clone();
        h.loop_running = true;
        h.previous_slot = 11;
        assert!(!h.ok(now));
        let _ = tx.send(());
    }
}
