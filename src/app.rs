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
        let header_timeout = Duration::from_secs(state.config.header_timeout_s);
        let app = crate::http::router::router(state.clone());
        serve(self.listener, app, header_timeout, shutdown.clone()).await;
        if let Some(runner) = runner {
            if tokio::time::timeout(SHUTDOWN_GRACE, runner).await.is_err() {
                tracing::warn!("jobs still running at shutdown; their leases will expire and another worker will take them");
            }
        }
        indexer.abort();
        Ok(())
    }
}

/// Serves HTTP/1.1 on `listener` until `shutdown`, then lets requests in flight finish (for
/// at most the grace period). Unlike `axum::serve`, a client must send its request headers
/// within `header_timeout`, so half-sent requests cannot hold connections. (HTTP/2 is left
/// to the TLS proxy in front: detecting it would wait for a preface without any timeout.)
pub async fn serve(listener: TcpListener, app: axum::Router, header_timeout: Duration, shutdown: CancellationToken) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::Service;

    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(header_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    // The peer address reaches handlers (sign-in limits per client address).
    let mut make = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    loop {
        let (stream, peer) = tokio::select! {
            _ = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors, usually: wait a moment rather than spin.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let Ok(service) = make.call(peer).await;
        let service = hyper_util::service::TowerToHyperService::new(service);
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that hangs up or times out is not an error of ours.
            let _ = connection.await;
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still running at shutdown were cut off");
    }
}

/// Keeps this process's search index in step with the database's change sequence.
pub async fn run_indexer(state: AppState, shutdown: CancellationToken) {
    let Some(index) = state.search.clone() else { return };
    loop {
        match crate::service::gallery::catch_up_index(&state, &index, None).await {
            Ok(n) if n > 0 => tracing::debug!(batches = n, "search index caught up"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "search index could not catch up; retrying"),
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
