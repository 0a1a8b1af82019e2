//! The site's one stylesheet, with the city's accent appended, and the version that names
//! its content (pages link `/static/piazza.css?v=<version>`, kept for a year).

const STYLESHEET: &str = include_str!("../../templates/piazza.css");

/// The stylesheet as served with the city's `accent`.
pub fn with_accent(accent: &str) -> String {
    format!("{STYLESHEET}:root {{ --accent: {accent}; }}\n")
}

/// A short hash of the stylesheet as served with `accent`: pages link
/// `/static/piazza.css?v=<it>`, so a new stylesheet (or accent) is a new address.
pub fn css_version(accent: &str) -> &'static str {
    // One entry per accent the process serves (one, but for tests): hashed once, kept.
    static VERSIONS: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<String, &'static str>>> = std::sync::LazyLock::new(Default::default);
    let mut versions = VERSIONS.lock().unwrap_or_else(|e| e.into_inner());
    versions.entry(accent.to_owned()).or_insert_with(|| Box::leak(short_hash(&with_accent(accent)).into_boxed_str()))
}

fn short_hash(text: &str) -> String {
    use sha2::Digest;
    hex::encode(&sha2::Sha256::digest(text.as_bytes())[..6])
}

