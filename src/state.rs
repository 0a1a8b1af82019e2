//! The shared state every handler and the job runner see.

use crate::config::Config;
use crate::db::Db;
use crate::mail::Mailer;
use crate::media_pool::{MediaPool, RequestPool};
use crate::search::SearchIndex;
use crate::config::StorageKind;
use crate::storage::{LocalStore, MediaStore, S3Store};
use std::sync::Arc;
use tokio::sync::Notify;

/// Cloned for every request by every layer that needs it, so one reference count: a
/// struct of a dozen `Arc`s cost a dozen contended atomic updates per clone on each core.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub config: Arc<Config>,
    pub db: Db,
    pub store: Arc<dyn MediaStore>,
    /// The process's own search index; None in a `piazza worker`, which serves no search.
    pub search: Option<Arc<SearchIndex>>,
    /// Media jobs, at a lower OS priority than the web.
    pub media_pool: MediaPool,
    /// CPU work a person is waiting for (passwords, upload probes, covers).
    pub request_pool: RequestPool,
    /// Wakes the job runner when a job was queued by this process.
    pub jobs_notify: Arc<Notify>,
    /// Wakes the indexer when this process changed what the public may see.
    pub index_notify: Arc<Notify>,
    /// Account mail: the outbox and, when configured, SMTP.
    pub mailer: Arc<Mailer>,
    /// The city's face (from the configuration), shared by every page.
    pub city: Arc<crate::config::City>,
    /// The city's OpenID Connect provider, when `PIAZZA_OIDC__ISSUER` is set; its
    /// metadata is fetched at the first sign-in, not here.
    pub oidc: Option<Arc<crate::oidc::Provider>>,
}

impl AppState {
    /// Connects to the database (applying migrations), opens the media store and, when
    /// asked, the search index.
    pub async fn build(config: Config, with_search: bool) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&config.data_dir)?;
        std::fs::create_dir_all(config.tmp_dir())?;
        let db = Db::connect(&config.database_url(), 16).await?;
        db.migrate().await?;
        let store = open_store(&config).await?;
        let search = if with_search { Some(Arc::new(SearchIndex::open(&config.index_dir(), config.search_cache_mb as usize * 1024 * 1024)?)) } else { None };
        let mailer = Arc::new(Mailer::new(config.outbox_dir(), &config.smtp_url, &config.mail_from)?);
        let media_pool = MediaPool::new(config.job_concurrency, config.limits.timeout + std::time::Duration::from_secs(60), config.media_nice);
        let request_pool = RequestPool::new(config.request_concurrency, config.limits.timeout + std::time::Duration::from_secs(60));
        let oidc = crate::oidc::Provider::from_settings(&config.oidc)?.map(Arc::new);
        Ok(Self(Arc::new(Shared {
            oidc,
            city: Arc::new(config.city.clone()),
            config: Arc::new(config),
            db,
            store,
            search,
            media_pool,
            request_pool,
            jobs_notify: Arc::new(Notify::new()),
            index_notify: Arc::new(Notify::new()),
            mailer,
        })))
    }
}

/// The media store the configuration names.
pub async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn MediaStore>> {
    Ok(match config.storage {
        StorageKind::Fs => Arc::new(LocalStore::new(config.media_dir())?),
        StorageKind::S3 => {
            let store = S3Store::new(&config.s3_settings()).await?;
            store
                .ensure_bucket()
                .await
                .map_err(|e| anyhow::anyhow!("cannot use bucket {:?} at PIAZZA_S3_ENDPOINT: {e}", config.s3_bucket))?;
            Arc::new(store)
        }
    })
}
