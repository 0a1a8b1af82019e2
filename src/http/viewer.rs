//! Who is asking: a bearer token for the API, or the session cookie of a browser.

use super::error::AppError;
use crate::db::users::User;
use crate::i18n::Lang;
use crate::service::accounts;
use crate::service::Actor;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts, HeaderMap};
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "piazza_session";
pub const LANG_COOKIE: &str = "piazza_lang";

/// The person making the request, if signed in, and the language to answer in.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: Option<User>,
    pub lang: Lang,
    /// The synchronizer token for this browser's forms (empty without a session cookie).
    pub csrf: String,
    /// The city's face on every page (its name, logo, footer links).
    pub face: Arc<crate::config::City>,
}

impl Viewer {
    pub fn require(&self) -> Result<&User, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthenticated)
    }

    pub fn require_curator(&self) -> Result<&User, AppError> {
        let user = self.require()?;
        if user.role.can_curate() {
            Ok(user)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The viewer as the application layer sees them.
    pub fn actor(&self) -> Actor<'_> {
        Actor::new(self.user.as_ref())
    }

    pub fn is_curator(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role.can_curate())
    }
}

/// The value of one cookie, if the request carries it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The visitor's language: the one they chose (a cookie), else their browser's, else Italian.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .or_else(|| headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).map(Lang::from_accept_language))
        .unwrap_or(Lang::It)
}

/// Whether a request carries a credential (a bearer token or a session cookie): its answer
/// may hold a secret, and is the person's own.
pub fn credentialed(headers: &HeaderMap) -> bool {
    headers.contains_key(header::AUTHORIZATION) || cookie(headers, SESSION_COOKIE).is_some_and(|v| !v.is_empty())
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            // A bearer token that does not match is an error, not an anonymous visit:
            // a client with a typo should hear about it.
            let token = auth.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).ok_or(AppError::Unauthenticated)?;
            let user = accounts::by_api_token(state, token.trim()).await?.ok_or(AppError::Unauthenticated)?;
            return Ok(Viewer { user: Some(user), lang, csrf: String::new(), face: state.city.clone() });
        }
        let session = cookie(&parts.headers, SESSION_COOKIE).filter(|t| !t.is_empty());
        let user = match session {
            Some(token) => accounts::by_session(state, token).await?,
            None => None,
        };
        let csrf = session.map(crate::auth::csrf_token).unwrap_or_default();
        Ok(Viewer { user, lang, csrf, face: state.city.clone() })
    }
}

/// The address of the client: the TCP peer, or with `trust_proxy` the last address in
/// `X-Forwarded-For` (the one our own proxy appended; earlier entries are the client's word).
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl ClientAddr {
    /// The key that limits per address count under: the IPv4 address, or the /64 network
    /// of an IPv6 one (one household or phone is given a whole /64 and can pick any
    /// address in it, so counting single addresses would count nothing).
    pub fn bucket(&self) -> String {
        match self.0.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
            Ok(std::net::IpAddr::V6(v6)) => v6.to_ipv4_mapped().map(|v4| v4.to_string()).unwrap_or_default(),
            _ => self.0.clone(),
        }
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if state.config.trust_proxy {
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .last();
            if let Some(address) = forwarded.and_then(|a| a.parse::<std::net::IpAddr>().ok()) {
                return Ok(ClientAddr(address.to_string()));
            }
        }
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string());
        // Without a peer (a server not started by `Application`) every client shares one bucket.
        Ok(ClientAddr(peer.unwrap_or_else(|| "unknown".into())))
    }
}
