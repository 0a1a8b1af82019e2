//! The bounded pool that runs decoding, resizing, encoding and FFmpeg off the async
//! runtime. Its size bounds both CPU use and peak memory, whatever the queue length.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct MediaPool {
    permits: Arc<Semaphore>,
    timeout: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    #[error("media work exceeded its time budget")]
    TimedOut,
    #[error("media work panicked")]
    Panicked,
}

impl MediaPool {
    pub fn new(size: usize, timeout: Duration) -> Self {
        Self { permits: Arc::new(Semaphore::new(size.max(1))), timeout }
    }

    /// Runs `work` on a blocking thread once a slot is free. The engine enforces its own
    /// deadlines inside FFmpeg; this outer timeout only stops waiting for a stuck call.
    pub async fn run<T, F>(&self, work: F) -> Result<T, PoolError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permit = self.permits.clone().acquire_owned().await.expect("pool semaphore never closes");
        let task = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        });
        match tokio::time::timeout(self.timeout, task).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(_)) => Err(PoolError::Panicked),
            Err(_) => Err(PoolError::TimedOut),
        }
    }
}
