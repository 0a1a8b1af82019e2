//! The city's OpenID Connect provider (its SPID/CIE gateway or its Keycloak), as a client of
//! it: discovery (fetched at the first sign-in, kept for an hour with its key set, fetched
//! again when a token names a key it does not hold), the authorization URL with PKCE,
//! `state` and `nonce`, and the code exchanged for an ID token whose signature, issuer,
//! audience, expiry and nonce are checked. Knows nothing of accounts, rows or pages: that is
//! `service::oidc`.

use crate::config::OidcSettings;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, SignatureVerificationError, TokenResponse,
};
use std::time::{Duration, Instant};
use tokio::sync::RwLock;

/// How long discovered metadata and keys are kept before they are fetched again.
const METADATA_TTL: Duration = Duration::from_secs(3600);
/// A token naming an unknown key fetches the keys again at once, but not again within this
/// time, so forged tokens cannot make us hammer the provider.
const REFETCH_AT_MOST_EVERY: Duration = Duration::from_secs(30);
/// A provider that does not answer within this is treated as down.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// Why talking to the provider failed. The text is for the log, never for the visitor.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// Discovery, the key set, the token or the userinfo endpoint did not answer (or
    /// answered with something that is not OpenID Connect).
    #[error("provider unreachable: {0}")]
    Unreachable(String),
    /// The token endpoint refused the code (used already, expired, for another client).
    #[error("code refused by the provider: {0}")]
    CodeRefused(String),
    /// The ID token failed a check (signature, issuer, audience, expiry, nonce, at_hash).
    #[error("id token refused: {0}")]
    BadToken(String),
}

/// A sign-in about to leave for the provider: where to send the browser, and the secrets
/// the callback needs to check the answer (kept by the caller until then).
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// Who the provider says signed in: only what the piazza needs.
#[derive(Debug, Clone)]
pub struct Person {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
}

/// The claims the piazza keeps: subject, email (with whether the provider checked it) and a
/// name (`name`, else given and family name). Nothing else is read, not even a fiscal code.
/// A macro because the ID token's claims and userinfo's have the same getters but no
/// common trait.
macro_rules! person_of {
    ($claims:expr) => {{
        let claims = $claims;
        let name = text(claims.name().and_then(|n| n.get(None)).map(|n| n.as_str())).or_else(|| {
            let given = text(claims.given_name().and_then(|n| n.get(None)).map(|n| n.as_str()));
            let family = text(claims.family_name().and_then(|n| n.get(None)).map(|n| n.as_str()));
            let both = [given, family].into_iter().flatten().collect::<Vec<_>>().join(" ");
            (!both.is_empty()).then_some(both)
        });
        Person {
            subject: claims.subject().as_str().to_owned(),
            email: text(claims.email().map(|e| e.as_str())),
            email_verified: claims.email_verified().unwrap_or(false),
            name,
        }
    }};
}

struct Discovered {
    metadata: CoreProviderMetadata,
    fetched: Instant,
    /// Fetched because a token named a key we did not hold.
    forced: bool,
}

/// The configured provider; one per process, its metadata fetched lazily.
pub struct Provider {
    issuer: IssuerUrl,
    client_id: ClientId,
    client_secret: Option<ClientSecret>,
    scopes: Vec<String>,
    http: reqwest::Client,
    discovered: RwLock<Option<Discovered>>,
}

impl Provider {
    /// The provider of the settings, or None when sign-in through one is not configured.
    /// Contacts nobody: the server starts whether or not the provider is up.
    pub fn from_settings(settings: &OidcSettings) -> anyhow::Result<Option<Self>> {
        if !settings.enabled() {
            return Ok(None);
        }
        let issuer = IssuerUrl::new(settings.issuer.clone()).map_err(|e| anyhow::anyhow!("PIAZZA_OIDC__ISSUER: {e}"))?;
        // Following redirects would let a provider's answer point our requests anywhere.
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(HTTP_TIMEOUT).build()?;
        Ok(Some(Self {
            issuer,
            client_id: ClientId::new(settings.client_id.clone()),
            client_secret: (!settings.client_secret.is_empty()).then(|| ClientSecret::new(settings.client_secret.clone())),
            scopes: settings.scope_list(),
            http,
            discovered: RwLock::new(None),
        }))
    }

    /// The issuer, as identities are recorded under it.
    pub fn issuer(&self) -> &str {
        self.issuer.as_str()
    }

    /// The metadata, fetched when missing or older than an hour; with `refresh` (a token
    /// named a key we do not hold), fetched again unless that was just done for the same reason.
    async fn metadata(&self, refresh: bool) -> Result<CoreProviderMetadata, OidcError> {
        let fresh_enough = |d: &Discovered| {
            let age = d.fetched.elapsed();
            if refresh { d.forced && age < REFETCH_AT_MOST_EVERY } else { age < METADATA_TTL }
        };
        if let Some(d) = self.discovered.read().await.as_ref().filter(|d| fresh_enough(d)) {
            return Ok(d.metadata.clone());
        }
        let mut slot = self.discovered.write().await;
        if let Some(d) = slot.as_ref().filter(|d| fresh_enough(d)) {
            return Ok(d.metadata.clone());
        }
        let metadata = CoreProviderMetadata::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|e| OidcError::Unreachable(format!("discovery: {}", error_chain(&e))))?;
        tracing::info!(keys = metadata.jwks().keys().len(), "oidc provider metadata fetched");
        *slot = Some(Discovered { metadata: metadata.clone(), fetched: Instant::now(), forced: refresh });
        Ok(metadata)
    }

    fn client(&self, metadata: CoreProviderMetadata, redirect_uri: &str) -> Result<OidcClient, OidcError> {
        let redirect = RedirectUrl::new(redirect_uri.to_owned()).map_err(|e| OidcError::Unreachable(format!("redirect uri: {e}")))?;
        Ok(CoreClient::from_provider_metadata(metadata, self.client_id.clone(), self.client_secret.clone()).set_redirect_uri(redirect))
    }

    /// Where to send the browser: the authorization code flow with a fresh `state`,
    /// `nonce` and PKCE (S256) verifier.
    pub async fn authorize(&self, redirect_uri: &str) -> Result<Authorization, OidcError> {
        let client = self.client(self.metadata(false).await?, redirect_uri)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client.authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random);
        for scope in &self.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        Ok(Authorization { url: url.to_string(), state: state.secret().clone(), nonce: nonce.secret().clone(), pkce_verifier: verifier.secret().clone() })
    }

    /// Exchanges the code for tokens and checks the ID token; the person's claims come from
    /// it, and from the userinfo endpoint for what it leaves out (for the same subject).
    pub async fn finish(&self, redirect_uri: &str, code: &str, nonce: &str, pkce_verifier: &str) -> Result<Person, OidcError> {
        let client = self.client(self.metadata(false).await?, redirect_uri)?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Unreachable(format!("no token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(answer) => OidcError::CodeRefused(answer.to_string()),
                RequestTokenError::Parse(e, _) => OidcError::BadToken(format!("token response: {e}")),
                other => OidcError::Unreachable(format!("token endpoint: {}", error_chain(&other))),
            })?;
        let id_token = response.id_token().ok_or_else(|| OidcError::BadToken("no id token in the answer".into()))?;
        let nonce = Nonce::new(nonce.to_owned());
        let verified = {
            let verifier = client.id_token_verifier();
            match id_token.claims(&verifier, &nonce) {
                Err(ClaimsVerificationError::SignatureVerification(SignatureVerificationError::NoMatchingKey)) => None,
                other => Some(other.map(|c| c.clone()).map_err(|e| OidcError::BadToken(e.to_string()))?),
            }
        };
        // A key we do not hold: the provider may have rotated its keys since we fetched them.
        let (client, claims) = match verified {
            Some(claims) => (client, claims),
            None => {
                let client = self.client(self.metadata(true).await?, redirect_uri)?;
                let claims = id_token.claims(&client.id_token_verifier(), &nonce).map_err(|e| OidcError::BadToken(e.to_string()))?.clone();
                (client, claims)
            }
        };
        if let Some(expected) = claims.access_token_hash() {
            let verifier = client.id_token_verifier();
            let alg = id_token.signing_alg().map_err(|e| OidcError::BadToken(e.to_string()))?;
            let key = id_token.signing_key(&verifier).map_err(|e| OidcError::BadToken(e.to_string()))?;
            let actual = AccessTokenHash::from_token(response.access_token(), alg, key).map_err(|e| OidcError::BadToken(e.to_string()))?;
            if actual != *expected {
                return Err(OidcError::BadToken("access token hash does not match".into()));
            }
        }
        let mut person = person_of!(&claims);
        let wants_more = person.email.is_none() || person.name.is_none();
        if let (true, Some(_)) = (wants_more, client.user_info_url()) {
            let info: CoreUserInfoClaims = client
                .user_info(response.access_token().to_owned(), Some(claims.subject().clone()))
                .map_err(|e| OidcError::Unreachable(format!("userinfo: {e}")))?
                .request_async(&self.http)
                .await
                .map_err(|e| OidcError::Unreachable(format!("userinfo: {}", error_chain(&e))))?;
            let more = person_of!(&info);
            if person.email.is_none() {
                person.email = more.email;
                person.email_verified = more.email_verified;
            }
            person.name = person.name.or(more.name);
        }
        Ok(person)
    }
}

type OidcClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// A claim's text, trimmed, if it has any.
fn text(claim: Option<&str>) -> Option<String> {
    claim.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// An error with its causes, for the log (reqwest's top-level text hides the reason).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
