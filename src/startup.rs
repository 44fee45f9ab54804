//! Building and running the service: open the database, migrate, wire state,
//! schema and router, bind the listener, serve until a shutdown signal.

use crate::auth::Authenticator;
use crate::config::HttpSettings;
use crate::graphql::{self, Limits};
use crate::referrals::feed::{ChangeKind, ReferralChange};
use crate::state::AppState;
use axum::Router;
use sea_orm::DbErr;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// How often `SENT` referrals past their response window are marked `EXPIRED`
/// (reads show them expired at once; the sweep writes it down with history).
const EXPIRY_SWEEP: std::time::Duration = std::time::Duration::from_secs(300);

/// Marks overdue referrals expired every few minutes, for as long as the process runs.
pub fn spawn_expiry_sweep(state: &AppState) {
    let db = state.db.clone();
    let feed = state.referral_feed.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EXPIRY_SWEEP);
        loop {
            tick.tick().await;
            match crate::referrals::expire_overdue(&db).await {
                Ok(expired) if expired.is_empty() => {}
                Ok(expired) => {
                    tracing::info!(
                        expired = expired.len(),
                        "referrals past their response window expired"
                    );
                    for row in &expired {
                        feed.publish(ReferralChange::of(row, ChangeKind::StatusChanged));
                    }
                }
                Err(e) => tracing::warn!(error = %e, "expiring overdue referrals failed"),
            }
        }
    });
}

/// How often clients past their retention period are erased.
const RETENTION_SWEEP: std::time::Duration = std::time::Duration::from_secs(6 * 3600);

/// Erases clients past their retention period every few hours (first at
/// start), for as long as the process runs. Replicas may sweep at once: an
/// erased client is skipped.
pub fn spawn_retention_sweep(state: &AppState) {
    let db = state.db.clone();
    let days = state.privacy.client_retention_days;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(RETENTION_SWEEP);
        loop {
            tick.tick().await;
            match crate::referrals::retention::sweep_retention(&db, days, chrono::Utc::now()).await
            {
                Ok(erased) if erased.is_empty() => {}
                Ok(erased) => {
                    tracing::info!(erased = erased.len(), "clients past retention erased");
                }
                Err(e) => tracing::warn!(error = %e, "the retention sweep failed"),
            }
        }
    });
}

/// Opens and migrates the database at `url`, adds the default taxonomy terms
/// that are missing, and wraps it in application state.
pub async fn state(url: &str, auth: Authenticator) -> Result<AppState, DbErr> {
    let (db, statements) = crate::db::connect(url).await?;
    crate::db::migrate(&db).await?;
    crate::directory::taxonomy::service::ensure_default_terms(&db)
        .await
        .map_err(|e| DbErr::Custom(format!("default taxonomy: {e}")))?;
    Ok(AppState {
        db,
        auth: Arc::new(auth),
        statements,
        time_zone: crate::state::DEFAULT_TIME_ZONE,
        referral_feed: Default::default(),
        privacy: Default::default(),
        publication: Default::default(),
    })
}

/// The full router over `state`: what `serve` runs and what tests call in process.
pub fn router(state: AppState, http: &HttpSettings, limits: Limits) -> Router {
    let schema = graphql::build(state.clone(), limits);
    crate::http::router(state, schema, http, limits.max_mutations)
}

/// A bound, ready-to-serve service.
pub struct Application {
    listener: TcpListener,
    router: Router,
}

impl Application {
    /// Binds the listener (port 0 picks a free port) over ready state.
    pub async fn build(
        state: AppState,
        bind: SocketAddr,
        http: &HttpSettings,
        limits: Limits,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(bind).await?;
        Ok(Application {
            listener,
            router: router(state, http, limits),
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until SIGTERM or Ctrl-C, then lets requests in flight finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        // The peer address feeds the login throttle.
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown_signal())
            .await
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
