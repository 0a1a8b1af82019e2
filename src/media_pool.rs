//! The two bounded pools that keep CPU work off the async runtime.
//!
//! - [`MediaPool`]: media jobs (decoding, resizing, encoding, FFmpeg). Its own threads, at a
//!   lower OS priority (nice), so a transcode takes only the CPU the web does not want.
//!   Threads an engine starts (FFmpeg's, scoped encoders) inherit that priority.
//! - [`RequestPool`]: CPU work a person is waiting for (password hashing, upload probes,
//!   cover pictures), at normal priority, never queued behind a 15-minute film.
//!
//! Each pool's size bounds both its CPU use and its peak memory, whatever the queue length.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{oneshot, Semaphore};

#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    #[error("media work exceeded its time budget")]
    TimedOut,
    #[error("media work panicked")]
    Panicked,
}

type Task = Box<dyn FnOnce() + Send + 'static>;

/// Media jobs on `size` dedicated threads at OS priority `nice` (Linux; elsewhere normal).
#[derive(Clone)]
pub struct MediaPool {
    queue: std::sync::mpsc::Sender<Task>,
    timeout: Duration,
}

impl MediaPool {
    pub fn new(size: usize, timeout: Duration, nice: i32) -> Self {
        let (queue, tasks) = std::sync::mpsc::channel::<Task>();
        let tasks = Arc::new(Mutex::new(tasks));
        for n in 0..size.max(1) {
            let tasks = tasks.clone();
            std::thread::Builder::new()
                .name(format!("piazza-media-{n}"))
                .spawn(move || {
                    lower_priority(nice);
                    loop {
                        // The lock is held only while waiting for the next task.
                        let next = tasks.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        match next {
                            Ok(task) => task(),
                            Err(_) => return,
                        }
                    }
                })
                .expect("media threads can be started");
        }
        Self { queue, timeout }
    }

    /// Runs `work` on a media thread once one is free. The engine enforces its own
    /// deadlines inside FFmpeg; this outer timeout, counted from the start of the work,
    /// only stops waiting for a stuck call.
    pub async fn run<T, F>(&self, work: F) -> Result<T, PoolError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (started_tx, started) = oneshot::channel::<()>();
        let (done_tx, done) = oneshot::channel();
        let task: Task = Box::new(move || {
            let _ = started_tx.send(());
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
            let _ = done_tx.send(outcome);
        });
        if self.queue.send(task).is_err() {
            return Err(PoolError::Panicked);
        }
        if started.await.is_err() {
            return Err(PoolError::Panicked);
        }
        match tokio::time::timeout(self.timeout, done).await {
            Ok(Ok(Ok(value))) => Ok(value),
            Ok(Ok(Err(_))) | Ok(Err(_)) => Err(PoolError::Panicked),
            Err(_) => Err(PoolError::TimedOut),
        }
    }
}

/// Sets the calling thread's nice value (Linux keeps it per thread).
fn lower_priority(nice: i32) {
    if nice == 0 {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        // SAFETY: setpriority with PRIO_PROCESS and a thread id only changes that thread's
        // nice value; gettid has no preconditions.
        let done = unsafe { libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, nice) };
        if done != 0 {
            tracing::warn!(nice, "could not lower the priority of a media thread");
        }
    }
}

/// The current thread's nice value (the pool's tests read it).
pub fn current_nice() -> i32 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: getpriority only reads the calling thread's nice value.
        unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) }
    }
    #[cfg(not(target_os = "linux"))]
    {
        0
    }
}

/// CPU work on the request path: tokio's blocking threads, at most `size` at once.
#[derive(Clone)]
pub struct RequestPool {
    permits: Arc<Semaphore>,
    timeout: Duration,
}

impl RequestPool {
    pub fn new(size: usize, timeout: Duration) -> Self {
        Self { permits: Arc::new(Semaphore::new(size.max(1))), timeout }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn media_threads_run_at_lower_priority_and_survive_panics() {
        let pool = MediaPool::new(1, Duration::from_secs(5), 10);
        let nice = pool.run(current_nice).await.unwrap();
        assert_eq!(nice, 10);
        // A thread the engine starts inherits it.
        let child = pool.run(|| std::thread::spawn(current_nice).join().unwrap()).await.unwrap();
        assert_eq!(child, 10);
        assert!(matches!(pool.run(|| panic!("boom")).await, Err(PoolError::Panicked)));
        assert_eq!(pool.run(|| 2 + 2).await.unwrap(), 4);
        // The request path keeps the normal priority.
        let request = RequestPool::new(1, Duration::from_secs(5));
        assert_eq!(request.run(current_nice).await.unwrap(), current_nice());
    }
}
