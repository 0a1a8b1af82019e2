//! Passwords, session and API tokens. Only hashes of tokens are stored, so a database leak
//! does not hand out sessions.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// How long a browser session lasts.
pub const SESSION_DAYS: i64 = 30;

/// Hashes a password with argon2id (CPU-heavy: call it on the media pool or a blocking thread).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

/// Checks a password against a stored hash; false on any mismatch or malformed hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// A new random token (256 bits, URL-safe).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database stores in place of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The synchronizer token of a browser session, put in every form and checked on every
/// cookie-authenticated POST. Derived from the session secret with a one-way hash and its
/// own prefix, so it needs no storage, works on every web node, changes with the session,
/// and a token seen in a page reveals nothing about the cookie.
pub fn csrf_token(session_token: &str) -> String {
    let digest = Sha256::new().chain_update(b"piazza csrf v1\0").chain_update(session_token.as_bytes()).finalize();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A readable random password for `piazza user add` when none is given.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    (0..16)
        .map(|i| {
            let c = ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char;
            if i > 0 && i % 4 == 0 { format!("-{c}") } else { c.to_string() }
        })
        .collect()
}

/// Normalises an email for lookup: trimmed and lowercased.
pub fn normalise_email(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    (!local.is_empty() && domain.contains('.') && email.len() <= 254 && !email.contains(char::is_whitespace))
        .then_some(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_and_tokens_hash() {
        let hash = hash_password("segreto").unwrap();
        assert!(verify_password("segreto", &hash));
        assert!(!verify_password("sbagliato", &hash));
        assert_ne!(new_token(), new_token());
        assert_eq!(token_hash("a"), token_hash("a"));
        assert_eq!(normalise_email(" Anna@Comune.Terni.IT "), Some("anna@comune.terni.it".into()));
        assert_eq!(normalise_email("nobody"), None);
    }
}

/// A real hash of nothing, verified against when an email is unknown so that sign-in
/// takes the same time whether or not the account exists.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("no account has this password").expect("argon2 with default parameters"))
}
