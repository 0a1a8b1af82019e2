//! One typed configuration: defaults, then an optional TOML file (`PIAZZA_CONFIG`), then
//! `PIAZZA_*` environment variables. Validated once at start-up.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use piazza_workers::Limits;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone, Serialize, Deserialize)]
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
    /// OS priority (nice, 0–19) of the media job threads and the FFmpeg threads they start,
    /// so pages and sign-in stay quick while films transcode (`PIAZZA_MEDIA_NICE`).
    pub media_nice: i32,
    /// CPU work on the request path at once: password hashing, upload probes, covers
    /// (`PIAZZA_REQUEST_CONCURRENCY`).
    pub request_concurrency: usize,
    /// Seconds a client has to send a request's headers (`PIAZZA_HEADER_TIMEOUT_S`).
    pub header_timeout_s: u64,
    /// Seconds a form or JSON body may send nothing before 408 (`PIAZZA_BODY_IDLE_TIMEOUT_S`).
    pub body_idle_timeout_s: u64,
    /// An upload must deliver `upload_min_bytes` in every `upload_window_s` seconds, or it
    /// is cut off with 408: slow is fine, stalled is not (`PIAZZA_UPLOAD_WINDOW_S`,
    /// `PIAZZA_UPLOAD_MIN_BYTES`; the default, 16 KB a minute, is far below 2G's speed).
    pub upload_window_s: u64,
    pub upload_min_bytes: u64,
    /// Sign-ups one client address may make in an hour (`PIAZZA_SIGNUPS_PER_ADDRESS_PER_HOUR`).
    pub signups_per_address_per_hour: i64,
    /// Sign-ups the whole piazza accepts in an hour (`PIAZZA_SIGNUPS_PER_HOUR`): a ceiling
    /// against floods of throwaway accounts from many addresses.
    pub signups_per_hour: i64,
    /// Claim-code lookups and claims one client address may make in an hour
    /// (`PIAZZA_CLAIM_LOOKUPS_PER_ADDRESS_PER_HOUR`): a person checks a few times; someone
    /// guessing codes is stopped long before a guess could land.
    pub claim_lookups_per_address_per_hour: i64,
    /// Attempts before a transiently failing job is given up.
    pub job_max_attempts: i64,
    /// How long a claimed job stays leased without a heartbeat, in seconds.
    pub job_lease_secs: u64,
    /// Set `Secure` on cookies; on by default when `public_url` is https.
    pub secure_cookies: Option<bool>,
    /// Limits for the media engine.
    pub limits: Limits,
    /// Where media lives: `fs` (the data dir) or `s3` (`PIAZZA_STORAGE`).
    pub storage: StorageKind,
    /// S3-compatible endpoint, e.g. `http://127.0.0.1:8333` or `https://s3.eu-south-1.amazonaws.com`.
    pub s3_endpoint: String,
    pub s3_region: String,
    pub s3_bucket: String,
    pub s3_access_key_id: String,
    /// Never logged: `Config`'s Debug output redacts it.
    pub s3_secret_access_key: String,
    /// Path-style addressing (`endpoint/bucket/key`); on by default for non-AWS endpoints.
    pub s3_path_style: Option<bool>,
    /// Prepended to every key, so several installations can share a bucket.
    pub s3_prefix: String,
    /// Open reports that take a published work out of the gallery until a curator decides.
    pub report_hide_threshold: i64,
    /// Hours an unfinished resumable upload is kept after its last chunk, and a finished
    /// one before it is made into a work (`PIAZZA_UPLOAD_EXPIRY_HOURS`).
    pub upload_expiry_hours: u64,
    /// Resumable uploads one person may have open at once (`PIAZZA_MAX_OPEN_UPLOADS`).
    pub max_open_uploads: i64,
    /// Hours after which an object with no work row, or an unfinished multipart upload, is removed.
    pub orphan_grace_hours: u64,
    /// SMTP server for account mail, e.g. `smtp://127.0.0.1:25` or `smtps://user:pass@host:465`
    /// (`PIAZZA_SMTP_URL`). Empty: messages are only written to `data/outbox/`.
    /// Never logged: it may hold a password.
    pub smtp_url: String,
    /// Sender of account mail (`PIAZZA_MAIL_FROM`), e.g. `Piazza <piazza@comune.example>`.
    pub mail_from: String,
    /// Take the client address from the last `X-Forwarded-For` entry (`PIAZZA_TRUST_PROXY`);
    /// set it only behind a reverse proxy that writes that header, or clients could pick
    /// their own address and escape the sign-in limits.
    pub trust_proxy: bool,
    /// Memory for anonymous pages kept rendered, in MiB (`PIAZZA_PAGE_CACHE_MB`; 0: none).
    pub page_cache_mb: u64,
    /// Memory for search answers kept to give again while the index is unchanged, in MiB
    /// (`PIAZZA_SEARCH_CACHE_MB`; 0: none).
    pub search_cache_mb: u64,
    /// The municipality whose piazza this is (`PIAZZA_CITY__*`).
    pub city: City,
    /// Sign-in through the city's OpenID Connect provider (`PIAZZA_OIDC__*`); off when
    /// no issuer is set.
    pub oidc: OidcSettings,
    /// Whether people may sign up and sign in with a password (`PIAZZA_PASSWORD_SIGNIN`).
    /// A city that wants every account behind SPID/CIE turns it off; OIDC must be set then.
    pub password_signin: bool,
}

/// The city's OpenID Connect provider: its SPID/CIE gateway or its Keycloak.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct OidcSettings {
    /// `PIAZZA_OIDC__ISSUER`, e.g. `https://login.comune.example/realms/cittadini`; empty:
    /// no sign-in through a provider (no button, `/auth/oidc/*` answers 404).
    pub issuer: String,
    /// `PIAZZA_OIDC__CLIENT_ID`, as registered with the provider.
    pub client_id: String,
    /// `PIAZZA_OIDC__CLIENT_SECRET`; never logged. Empty: a public client (PKCE only).
    pub client_secret: String,
    /// `PIAZZA_OIDC__SCOPES`, space-separated, besides `openid` (always asked).
    pub scopes: String,
    /// `PIAZZA_OIDC__LABEL`, the button's text; empty: the catalogue's "Entra con SPID o
    /// CIE" in the visitor's language.
    pub label: String,
}

impl Default for OidcSettings {
    fn default() -> Self {
        Self { issuer: String::new(), client_id: String::new(), client_secret: String::new(), scopes: "profile email".into(), label: String::new() }
    }
}

impl OidcSettings {
    pub fn enabled(&self) -> bool {
        !self.issuer.is_empty()
    }

    /// The scopes to ask for besides `openid`, which the flow always adds.
    pub fn scope_list(&self) -> Vec<String> {
        self.scopes.split_whitespace().filter(|s| *s != "openid").map(str::to_owned).collect()
    }

    fn validate(&self) -> anyhow::Result<()> {
        if !self.enabled() {
            return Ok(());
        }
        // http only for this machine (a test provider); a real provider speaks https.
        let local = ["http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:", "http://localhost/", "http://[::1]:"];
        if !self.issuer.starts_with("https://") && !local.iter().any(|p| self.issuer.starts_with(p)) {
            anyhow::bail!("PIAZZA_OIDC__ISSUER must be an https:// URL (http:// only on this machine, for tests)");
        }
        if self.client_id.is_empty() {
            anyhow::bail!("PIAZZA_OIDC__CLIENT_ID is required when PIAZZA_OIDC__ISSUER is set");
        }
        if self.label.chars().count() > 80 {
            anyhow::bail!("PIAZZA_OIDC__LABEL is a button's text: at most 80 characters");
        }
        Ok(())
    }
}

/// The city's own face: its name in every page's header and footer, its logo, its colour,
/// and the pages Italian public sites link from their footer. Unset addresses are the
/// piazza's own pages (`/privacy`, `/legal-notes`, `/accessibility`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct City {
    /// `PIAZZA_CITY__NAME`, e.g. "Comune di Terni". Empty: the piazza's name only.
    pub name: String,
    /// `PIAZZA_CITY__LOGO`: an SVG, PNG, WebP or JPEG file (at most 512 KiB) shown in the
    /// header beside the name.
    pub logo: String,
    /// `PIAZZA_CITY__ACCENT`: links and headings, as `#rrggbb`; it must keep text readable
    /// on the page (a contrast of 4.5:1 or more, WCAG AA).
    pub accent: String,
    pub privacy_url: String,
    pub legal_url: String,
    pub accessibility_url: String,
}

impl Default for City {
    fn default() -> Self {
        Self {
            name: String::new(),
            logo: String::new(),
            accent: DEFAULT_ACCENT.into(),
            privacy_url: String::new(),
            legal_url: String::new(),
            accessibility_url: String::new(),
        }
    }
}

/// The piazza's own accent, a dark brick red.
pub const DEFAULT_ACCENT: &str = "#8a2b0f";
/// The page's background, which the accent must stand out on (`--paper` in the stylesheet).
const PAPER: (u8, u8, u8) = (0xfd, 0xfc, 0xf8);
/// The largest logo file.
pub const MAX_LOGO_BYTES: u64 = 512 * 1024;

impl City {
    fn validate(&self) -> anyhow::Result<()> {
        let Some(rgb) = parse_hex_colour(&self.accent) else {
            anyhow::bail!("PIAZZA_CITY__ACCENT must be a colour as #rrggbb, e.g. {DEFAULT_ACCENT}");
        };
        let ratio = contrast(rgb, PAPER);
        if ratio < 4.5 {
            anyhow::bail!("PIAZZA_CITY__ACCENT {} is too light to read on the page (contrast {ratio:.1}:1, at least 4.5:1 is needed): choose a darker shade", self.accent);
        }
        for (value, name) in [(&self.privacy_url, "PIAZZA_CITY__PRIVACY_URL"), (&self.legal_url, "PIAZZA_CITY__LEGAL_URL"), (&self.accessibility_url, "PIAZZA_CITY__ACCESSIBILITY_URL")] {
            let ok = value.is_empty() || value.starts_with("https://") || value.starts_with("http://") || (value.starts_with('/') && !value.starts_with("//"));
            if !ok || value.chars().any(|c| c.is_whitespace() || c == '"' || c == '<') {
                anyhow::bail!("{name} must be an http(s):// address or a path on this site");
            }
        }
        if !self.logo.is_empty() {
            if logo_type(&self.logo).is_none() {
                anyhow::bail!("PIAZZA_CITY__LOGO must be an .svg, .png, .webp or .jpg file");
            }
            let size = std::fs::metadata(&self.logo).map_err(|e| anyhow::anyhow!("PIAZZA_CITY__LOGO {}: {e}", self.logo))?.len();
            if size > MAX_LOGO_BYTES {
                anyhow::bail!("PIAZZA_CITY__LOGO is {} KiB; at most {} KiB", size / 1024, MAX_LOGO_BYTES / 1024);
            }
        }
        Ok(())
    }
}

/// The type a logo is served as, from its file name's ending.
pub fn logo_type(path: &str) -> Option<&'static str> {
    let lower = path.to_ascii_lowercase();
    [(".svg", "image/svg+xml"), (".png", "image/png"), (".webp", "image/webp"), (".jpg", "image/jpeg"), (".jpeg", "image/jpeg")]
        .into_iter()
        .find(|(ending, _)| lower.ends_with(ending))
        .map(|(_, mime)| mime)
}

/// `#rrggbb` as its three channels.
pub fn parse_hex_colour(text: &str) -> Option<(u8, u8, u8)> {
    let hex = text.strip_prefix('#').filter(|h| h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit()))?;
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some((channel(0)?, channel(2)?, channel(4)?))
}

/// The WCAG 2 contrast ratio of two sRGB colours.
fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let luminance = |(r, g, b): (u8, u8, u8)| {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    };
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageKind {
    Fs,
    S3,
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
            media_nice: 10,
            request_concurrency: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).clamp(2, 8),
            header_timeout_s: 10,
            body_idle_timeout_s: 30,
            upload_window_s: 60,
            upload_min_bytes: 16 * 1024,
            signups_per_address_per_hour: 10,
            signups_per_hour: 300,
            claim_lookups_per_address_per_hour: 30,
            job_max_attempts: 5,
            job_lease_secs: 60,
            secure_cookies: None,
            limits: Limits::default(),
            storage: StorageKind::Fs,
            s3_endpoint: String::new(),
            s3_region: "us-east-1".into(),
            s3_bucket: String::new(),
            s3_access_key_id: String::new(),
            s3_secret_access_key: String::new(),
            s3_path_style: None,
            s3_prefix: String::new(),
            orphan_grace_hours: 24,
            upload_expiry_hours: 24,
            max_open_uploads: 10,
            report_hide_threshold: 3,
            smtp_url: String::new(),
            mail_from: "Piazza <piazza@localhost>".into(),
            trust_proxy: false,
            page_cache_mb: 64,
            search_cache_mb: 16,
            city: City::default(),
            oidc: OidcSettings::default(),
            password_signin: true,
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
        if !(0..=19).contains(&self.media_nice) {
            anyhow::bail!("PIAZZA_MEDIA_NICE must be between 0 and 19");
        }
        if self.header_timeout_s == 0 || self.body_idle_timeout_s == 0 || self.upload_window_s == 0 {
            anyhow::bail!("PIAZZA_HEADER_TIMEOUT_S, PIAZZA_BODY_IDLE_TIMEOUT_S and PIAZZA_UPLOAD_WINDOW_S must be at least 1");
        }
        if self.request_concurrency == 0 {
            anyhow::bail!("PIAZZA_REQUEST_CONCURRENCY must be at least 1");
        }
        if self.claim_lookups_per_address_per_hour < 1 {
            anyhow::bail!("PIAZZA_CLAIM_LOOKUPS_PER_ADDRESS_PER_HOUR must be at least 1");
        }
        if self.signups_per_address_per_hour < 1 || self.signups_per_hour < 1 {
            anyhow::bail!("PIAZZA_SIGNUPS_PER_ADDRESS_PER_HOUR and PIAZZA_SIGNUPS_PER_HOUR must be at least 1");
        }
        if self.upload_expiry_hours == 0 || self.max_open_uploads < 1 {
            anyhow::bail!("PIAZZA_UPLOAD_EXPIRY_HOURS and PIAZZA_MAX_OPEN_UPLOADS must be at least 1");
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
        if self.storage == StorageKind::S3 {
            for (value, name) in [
                (&self.s3_endpoint, "PIAZZA_S3_ENDPOINT"),
                (&self.s3_bucket, "PIAZZA_S3_BUCKET"),
                (&self.s3_access_key_id, "PIAZZA_S3_ACCESS_KEY_ID"),
                (&self.s3_secret_access_key, "PIAZZA_S3_SECRET_ACCESS_KEY"),
            ] {
                if value.is_empty() {
                    anyhow::bail!("{name} is required when PIAZZA_STORAGE=s3");
                }
            }
            if !self.s3_endpoint.starts_with("http://") && !self.s3_endpoint.starts_with("https://") {
                anyhow::bail!("PIAZZA_S3_ENDPOINT must be an http:// or https:// URL");
            }
        }
        if !self.smtp_url.is_empty() && !self.smtp_url.starts_with("smtp://") && !self.smtp_url.starts_with("smtps://") {
            anyhow::bail!("PIAZZA_SMTP_URL must start with smtp:// or smtps://");
        }
        if self.mail_from.parse::<lettre::message::Mailbox>().is_err() {
            anyhow::bail!("PIAZZA_MAIL_FROM must be a mail address, e.g. \"Piazza <piazza@comune.example>\"");
        }
        if !self.public_url.is_empty() && !self.public_url.starts_with("http") {
            anyhow::bail!("PIAZZA_PUBLIC_URL must be an http:// or https:// origin");
        }
        self.oidc.validate()?;
        if !self.password_signin && !self.oidc.enabled() {
            anyhow::bail!("PIAZZA_PASSWORD_SIGNIN=false needs PIAZZA_OIDC__ISSUER: otherwise nobody could sign in");
        }
        self.city.validate()
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

    /// Account mail waiting for SMTP, or kept there when there is no SMTP server.
    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    pub fn tmp_dir(&self) -> PathBuf {
        self.data_dir.join("tmp")
    }

    /// The S3 settings, with path-style on by default unless the endpoint is AWS.
    pub fn s3_settings(&self) -> crate::storage::S3Settings {
        crate::storage::S3Settings {
            endpoint: self.s3_endpoint.clone(),
            region: self.s3_region.clone(),
            bucket: self.s3_bucket.clone(),
            access_key_id: self.s3_access_key_id.clone(),
            secret_access_key: self.s3_secret_access_key.clone(),
            path_style: self.s3_path_style.unwrap_or_else(|| !self.s3_endpoint.contains("amazonaws.com")),
            prefix: self.s3_prefix.clone(),
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies.unwrap_or_else(|| self.public_url.starts_with("https://"))
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("database", &if self.database_url.starts_with("postgres") { "postgres" } else { "sqlite" })
            .field("storage", &self.storage)
            .field("s3", &self.s3_settings())
            .field("job_concurrency", &self.job_concurrency)
            .field("smtp", &!self.smtp_url.is_empty())
            .field("trust_proxy", &self.trust_proxy)
            .field("oidc", &self.oidc.enabled())
            .field("password_signin", &self.password_signin)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oidc_needs_a_client_and_https_except_on_this_machine() {
        let oidc = |issuer: &str, client_id: &str| Config { oidc: OidcSettings { issuer: issuer.into(), client_id: client_id.into(), ..OidcSettings::default() }, ..Config::default() };
        assert!(Config::default().validate().is_ok(), "off by default");
        assert!(oidc("https://login.comune.example/realms/cittadini", "piazza").validate().is_ok());
        assert!(oidc("http://127.0.0.1:8443", "piazza").validate().is_ok(), "a provider on this machine (tests)");
        let plain = oidc("http://login.comune.example", "piazza").validate().unwrap_err().to_string();
        assert!(plain.contains("PIAZZA_OIDC__ISSUER") && plain.contains("https"), "{plain}");
        assert!(oidc("http://127.0.0.1.evil.example/", "piazza").validate().is_err());
        assert!(oidc("https://login.comune.example", "").validate().unwrap_err().to_string().contains("PIAZZA_OIDC__CLIENT_ID"));
        let nobody = Config { password_signin: false, ..Config::default() }.validate().unwrap_err().to_string();
        assert!(nobody.contains("PIAZZA_PASSWORD_SIGNIN"), "{nobody}");
        assert!(Config { password_signin: false, ..oidc("https://login.comune.example", "piazza") }.validate().is_ok());
        let scopes = OidcSettings { scopes: "openid  profile email".into(), ..OidcSettings::default() };
        assert_eq!(scopes.scope_list(), ["profile", "email"], "openid is always asked, once");
    }

    #[test]
    fn the_accent_must_be_readable_on_the_page() {
        assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 0.01);
        let city = |accent: &str| City { accent: accent.into(), ..City::default() };
        assert!(city(DEFAULT_ACCENT).validate().is_ok());
        assert!(city("#0066cc").validate().is_ok(), "Designers Italia's blue");
        let pale = city("#ffcc00").validate().unwrap_err().to_string();
        assert!(pale.contains("too light") && pale.contains("darker"), "{pale}");
        assert!(city("red").validate().unwrap_err().to_string().contains("#rrggbb"));
        let bad_link = City { privacy_url: "javascript:alert(1)".into(), ..City::default() };
        assert!(bad_link.validate().is_err());
        let protocol_relative = City { legal_url: "//evil.example/".into(), ..City::default() };
        assert!(protocol_relative.validate().is_err());
        assert!(City { accessibility_url: "https://form.agid.gov.it/view/x".into(), ..City::default() }.validate().is_ok());
    }
}
