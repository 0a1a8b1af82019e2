//! Start-up: bind the listener first (tests ask for port 0 and learn the real port), then
//! run the HTTP server, the in-process job runner and the indexer until shutdown.

use crate::config::Config;
use crate::state::AppState;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// How long a stopping process waits for jobs in progress before leaving them to their lease.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

pub struct Application {
    listener: TcpListener,
    state: AppState,
    run_jobs: bool,
}

impl Application {
    pub async fn build(config: Config, run_jobs: bool) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(config.bind)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {} (PIAZZA_BIND): {e}", config.bind))?;
        let state = AppState::build(config, true).await?;
        Ok(Self { listener, state, run_jobs })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` fires, then lets jobs in progress finish within the grace period.
    pub async fn run_until(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let state = self.state;
        let indexer = tokio::spawn(run_indexer(state.clone(), shutdown.clone()));
        let runner = self.run_jobs.then(|| tokio::spawn(crate::jobs::run(state.clone(), shutdown.clone())));
        tracing::info!(address = %self.listener.local_addr()?, jobs = self.run_jobs, "piazza is listening");
        let app = crate::http::router::router(state);
        // The peer address reaches handlers (sign-in limits per client address).
        let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
        axum::serve(self.listener, app).with_graceful_shutdown(shutdown.clone().cancelled_owned()).await?;
        if let Some(runner) = runner {
            if tokio::time::timeout(SHUTDOWN_GRACE, runner).await.is_err() {
                tracing::warn!("jobs still running at shutdown; their leases will expire and another worker will take them");
            }
        }
        indexer.abort();
        Ok(())
    }
}

/// Keeps this process's search index in step with the database's change sequence.
pub async fn run_indexer(state: AppState, shutdown: CancellationToken) {
    let Some(index) = state.search.clone() else { return };
    let rt = tokio::runtime::Handle::current();
    loop {
        let (index, db, rt) = (index.clone(), state.db.clone(), rt.clone());
        match tokio::task::spawn_blocking(move || index.catch_up(&rt, &db)).await {
            Ok(Ok(n)) if n > 0 => tracing::debug!(changes = n, "search index caught up"),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "search index could not catch up; retrying"),
            Err(e) => tracing::error!(error = %e, "search indexer panicked"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = state.index_notify.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
        }
    }
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
