//! Prometheus metrics at `/metrics`: HTTP requests and latency by route
//! template, GraphQL requests and latency by operation name and type, GraphQL
//! errors by code, open subscription sockets, SQL statements, the connection
//! pool, and the build.

use crate::state::AppState;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::DbBackend;
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock, PoisonError};

const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process-wide recorder's handle, installed on first use (tests build many
/// apps in one process; there is one recorder).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new();
        let builder = builder
            .set_buckets_for_metric(
                Matcher::Full("http_request_duration_seconds".into()),
                LATENCY_BUCKETS,
            )
            .and_then(|b| {
                b.set_buckets_for_metric(
                    Matcher::Full("graphql_request_duration_seconds".into()),
                    LATENCY_BUCKETS,
                )
            })
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed");
        }
        metrics::gauge!("coalition_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
        metrics::gauge!(OPEN_SUBSCRIPTION_SOCKETS).set(0.0);
        handle
    })
}

/// The metrics in Prometheus text format, with pool gauges read now.
pub fn render(state: &AppState) -> String {
    let handle = handle();
    let (size, idle) = match state.db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = state.db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => {
            let pool = state.db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
    };
    metrics::gauge!("db_pool_connections").set(f64::from(size));
    metrics::gauge!("db_pool_idle_connections").set(idle as f64);
    metrics::counter!("db_statements_total").absolute(state.statements.get());
    handle.render()
}

/// Most distinct operation names labelled; later names count as `other`, so
/// that clients cannot grow the metrics without bound.
pub const MAX_OPERATION_NAMES: usize = 100;

/// Longest operation name labelled.
const MAX_NAME_LENGTH: usize = 64;

/// An operation name that may be shown in logs and labels: a GraphQL name
/// (letters, digits, `_`) of reasonable length, else `None`.
pub fn safe_operation_name(name: &str) -> Option<&str> {
    let mut chars = name.chars();
    let starts = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    (starts
        && name.len() <= MAX_NAME_LENGTH
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then_some(name)
}

/// The `operation` label of a GraphQL request: `anonymous` without a name,
/// the name if it is safe and among the first [`MAX_OPERATION_NAMES`] seen,
/// else `other`.
pub fn operation_label(name: Option<&str>) -> String {
    static SEEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let Some(name) = name else {
        return "anonymous".into();
    };
    let Some(name) = safe_operation_name(name) else {
        return "other".into();
    };
    let mut seen = SEEN
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if seen.contains(name) || seen.len() < MAX_OPERATION_NAMES && seen.insert(name.to_owned()) {
        name.to_owned()
    } else {
        "other".into()
    }
}

/// Counts one GraphQL operation and its duration.
pub fn record_operation(name: Option<&str>, kind: Option<&'static str>, seconds: f64) {
    let operation = operation_label(name);
    let kind = kind.unwrap_or("unknown");
    metrics::counter!("graphql_requests_total", "operation" => operation.clone(), "type" => kind)
        .increment(1);
    metrics::histogram!("graphql_request_duration_seconds", "operation" => operation, "type" => kind)
        .record(seconds);
}

const OPEN_SUBSCRIPTION_SOCKETS: &str = "graphql_subscription_sockets_open";

/// Counts a subscription socket as open for as long as it lives.
pub struct OpenSocket(());

impl OpenSocket {
    /// Counts the socket as open.
    pub fn open() -> OpenSocket {
        metrics::gauge!(OPEN_SUBSCRIPTION_SOCKETS).increment(1.0);
        OpenSocket(())
    }
}

impl Drop for OpenSocket {
    fn drop(&mut self) {
        metrics::gauge!(OPEN_SUBSCRIPTION_SOCKETS).decrement(1.0);
    }
}
