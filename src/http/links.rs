//! Where links in mail and feeds point, and where a form may send a browser back to. Both
//! take their input from the request, so both are written for a hostile one.

use super::error::AppError;
use crate::state::AppState;
use axum::http::{header, HeaderMap, StatusCode};
use std::net::Ipv4Addr;

/// The origin put into links in mail: the configured public URL; without one, the request's
/// Host only when it names this machine exactly (a demo on a laptop). A Host chosen by an
/// attacker would otherwise send a victim a reset link to the attacker's site.
pub fn link_base(state: &AppState, headers: &HeaderMap) -> Result<String, AppError> {
    if !state.config.public_url.is_empty() {
        return Ok(state.config.public_url.trim_end_matches('/').to_owned());
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    if let Some(origin) = local_origin(host) {
        return Ok(origin);
    }
    tracing::error!("PIAZZA_PUBLIC_URL is not set: links in mail cannot be made for a non-local host");
    Err(AppError::client(StatusCode::SERVICE_UNAVAILABLE, "public_url_required"))
}

/// The link base for mail, if this request can make one.
pub fn mail_base(state: &AppState, headers: &HeaderMap) -> Option<String> {
    link_base(state, headers).ok()
}

/// `http://` + the Host, rebuilt from its parts, when the Host is an authority naming this
/// machine: exactly `localhost`, a loopback IPv4 address or `[::1]`, with an optional
/// numeric port and nothing else (no user part, path, or second colon).
pub fn local_origin(host: &str) -> Option<String> {
    let (name, port) = split_authority(host)?;
    let local = name == "localhost" || name == "[::1]" || name.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback());
    if !local {
        return None;
    }
    Some(match port {
        Some(port) => format!("http://{name}:{port}"),
        None => format!("http://{name}"),
    })
}

/// Splits `host[:port]` into a lowercase host and a port, or None if it is anything else.
/// The host is a bracketed IPv6 literal, or letters, digits, dots and dashes.
fn split_authority(authority: &str) -> Option<(String, Option<u16>)> {
    let (name, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        inside.parse::<std::net::Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (format!("[{}]", inside.to_ascii_lowercase()), port)
    } else {
        let (name, port) = match authority.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (authority, None),
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') {
            return None;
        }
        (name.to_ascii_lowercase(), port)
    };
    let port = match port {
        None => None,
        Some(p) if !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => Some(p.parse::<u16>().ok()?),
        Some(_) => return None,
    };
    Some((name, port))
}

/// Where a form may send the browser afterwards: a path on this site (one leading `/`, not
/// `//`, no backslash, no control or space characters, which browsers strip or rewrite into
/// a jump to another host). Anything else goes home.
pub fn same_origin_path(back: &str) -> &str {
    let safe = back.starts_with('/')
        && !back.starts_with("//")
        && !back.contains('\\')
        && !back.chars().any(|c| c.is_control() || c.is_whitespace());
    if safe { back } else { "/" }
}

/// The tagging authority of feed ids (RFC 4151): the public URL's host, else `localhost`.
/// Ids must not change with the Host a reader used, so they never come from the request.
pub fn tag_authority(public_url: &str) -> String {
    let rest = public_url.split_once("://").map(|(_, r)| r).unwrap_or("");
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    match split_authority(authority) {
        Some((name, _)) if !name.starts_with('[') => name,
        _ => "localhost".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exact_local_authorities_make_links() {
        assert_eq!(local_origin("localhost:8080").as_deref(), Some("http://localhost:8080"));
        assert_eq!(local_origin("LOCALHOST").as_deref(), Some("http://localhost"));
        assert_eq!(local_origin("127.0.0.1:3000").as_deref(), Some("http://127.0.0.1:3000"));
        assert_eq!(local_origin("127.8.9.1").as_deref(), Some("http://127.8.9.1"));
        assert_eq!(local_origin("[::1]:8080").as_deref(), Some("http://[::1]:8080"));
        for forged in [
            "localhost:@evil.example",
            "127.0.0.1:1@evil.example",
            "[::1]:@evil.example",
            "localhost:80:81",
            "localhost:",
            "localhost:99999",
            "localhost/evil.example",
            "localhost#@evil.example",
            "evil.example",
            "localhost.evil.example",
            "10.0.0.1",
            "[::2]",
            "[::1]evil",
            "",
            "user@localhost",
        ] {
            assert_eq!(local_origin(forged), None, "{forged}");
        }
    }

    #[test]
    fn back_paths_stay_on_this_site() {
        assert_eq!(same_origin_path("/calls/fiume?page=2"), "/calls/fiume?page=2");
        for hostile in ["//evil.example", "/\t/evil.example", "/\n", "/\\evil.example", "https://evil.example", "", "/ /x", "evil"] {
            assert_eq!(same_origin_path(hostile), "/", "{hostile:?}");
        }
    }

    #[test]
    fn feed_ids_use_the_configured_host() {
        assert_eq!(tag_authority("https://piazza.comune.example/"), "piazza.comune.example");
        assert_eq!(tag_authority("https://Piazza.Comune.Example:8443"), "piazza.comune.example");
        assert_eq!(tag_authority(""), "localhost");
    }
}
