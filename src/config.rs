//! One typed configuration: defaults, then an optional TOML file (`PIAZZA_CONFIG`), then
//! `PIAZZA_*` environment variables. Validated once at start-up.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use piazza_workers::Limits;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Address the HTTP server listens on (`PIAZZA_BIND`).
    pub bind: SocketAddr,
    /// Where the SQLite file, media, search index and temp files live (`PIAZZA_DATA_DIR`).
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`; empty means a SQLite file in the data dir.
    pub database_url: String,
    /// Public origin used in links and for CSRF checks, e.g. `https://piazza.comune.example`.
    /// Empty: derived from the request's Host header.
    pub public_url: String,
    /// Largest accepted upload for photos and films, in bytes.
    pub max_upload_bytes: u64,
    /// Largest accepted poem or story, in characters.
    pub max_text_chars: usize,
    /// Concurrent media jobs in this process (the bounded CPU pool size).
    pub job_concurrency: usize,
    /// Attempts before a transiently failing job is given up.
    pub job_max_attempts: i64,
    /// How long a claimed job stays leased without a heartbeat, in seconds.
    pub job_lease_secs: u64,
    /// Set `Secure` on cookies; on by default when `public_url` is https.
    pub secure_cookies: Option<bool>,
    /// Limits for the media engine.
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".parse().unwrap(),
            data_dir: PathBuf::from("./data"),
            database_url: String::new(),
            public_url: String::new(),
            max_upload_bytes: 200 * 1024 * 1024,
            max_text_chars: 60_000,
            job_concurrency: 2,
            job_max_attempts: 5,
            job_lease_secs: 60,
            secure_cookies: None,
            limits: Limits::default(),
        }
    }
}

impl Config {
    /// Loads defaults, the file named by `PIAZZA_CONFIG` if any, and `PIAZZA_*` variables
    /// (nested keys with a double underscore: `PIAZZA_LIMITS__MAX_DURATION_S=300`).
    pub fn load() -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Ok(path) = std::env::var("PIAZZA_CONFIG") {
            figment = figment.merge(Toml::file_exact(path));
        }
        let config: Config = figment
            .merge(Env::prefixed("PIAZZA_").split("__").ignore(&["config"]))
            .extract()
            .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        if self.job_concurrency == 0 {
            anyhow::bail!("PIAZZA_JOB_CONCURRENCY must be at least 1");
        }
        if self.max_upload_bytes < 1024 {
            anyhow::bail!("PIAZZA_MAX_UPLOAD_BYTES must be at least 1024");
        }
        if !self.database_url.is_empty()
            && !self.database_url.starts_with("sqlite:")
            && !self.database_url.starts_with("postgres://")
            && !self.database_url.starts_with("postgresql://")
        {
            anyhow::bail!("PIAZZA_DATABASE_URL must start with sqlite: or postgres://");
        }
        if !self.public_url.is_empty() && !self.public_url.starts_with("http") {
            anyhow::bail!("PIAZZA_PUBLIC_URL must be an http:// or https:// origin");
        }
        Ok(())
    }

    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}?mode=rwc", self.data_dir.join("piazza.db").display())
        } else {
            self.database_url.clone()
        }
    }

    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }

    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("search-index")
    }

    pub fn tmp_dir(&self) -> PathBuf {
        self.data_dir.join("tmp")
    }

    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies.unwrap_or_else(|| self.public_url.starts_with("https://"))
    }
}
