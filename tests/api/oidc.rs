//! Sign-in with SPID or CIE: Piazza against a real OpenID Provider (oidc-provider, run by
//! `tests/browser/oidc_provider.mjs` with its own login and consent forms), the whole
//! redirect dance over HTTP with a cookie jar, on SQLite and PostgreSQL; and the refusals:
//! a wrong or replayed state, a callback opened in another browser, a code issued to
//! another client, an ID token for another audience, an unreachable provider, an existing
//! account's address, and password sign-in turned off.

use crate::helpers::{browser, extract_csrf, link, outbox_messages, post_form, service_missing, Backend, TestApp};
use piazza::config::{Config, OidcSettings};
use piazza::domain::Role;
use reqwest::StatusCode;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Duration;

const CLIENT_ID: &str = "piazza";
const CLIENT_SECRET: &str = "piazza-secret-for-tests";
/// Another site registered with the same provider.
const OTHER_CLIENT: &str = "another-site";
const SUB: &str = "lucia-0042";
const NAME: &str = "Lucia Bianchi";
const EMAIL: &str = "lucia.bianchi@example.org";
/// A person the provider knows no address of.
const NO_EMAIL: &str = "senza-posta-7";

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Why the provider cannot run here, if it cannot: Node.js or the pinned oidc-provider missing.
fn missing_provider() -> Option<String> {
    if std::process::Command::new("node").arg("--version").output().is_err() {
        return Some("`node` is not on PATH (scripts/setup-system installs it)".into());
    }
    let read_json = |path: PathBuf| -> Option<serde_json::Value> { serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok() };
    let wanted = read_json(browser_dir().join("package.json")).expect("tests/browser/package.json is readable JSON");
    let wanted = wanted["dependencies"]["oidc-provider"].as_str().expect("package.json pins oidc-provider").to_owned();
    match read_json(browser_dir().join("node_modules/oidc-provider/package.json")) {
        Some(installed) if installed["version"] == wanted.as_str() => None,
        _ => Some(format!("tests/browser/node_modules has no oidc-provider {wanted}; run npm ci --prefix tests/browser (scripts/test does)")),
    }
}

/// The provider's Node.js process, killed when the test ends, however it ends.
pub struct ProviderProcess {
    child: std::process::Child,
}

impl Drop for ProviderProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts the provider on `port` and waits for it to listen.
fn start_provider(port: u16, redirect_uri: &str, mode: &str) -> ProviderProcess {
    let clients = serde_json::json!([{ "id": CLIENT_ID, "secret": CLIENT_SECRET }, { "id": OTHER_CLIENT, "secret": "another-secret" }]);
    let accounts = serde_json::json!([
        { "sub": SUB, "name": NAME, "email": EMAIL, "email_verified": true },
        { "sub": NO_EMAIL, "given_name": "Senza", "family_name": "Posta" },
    ]);
    let mut child = std::process::Command::new("node")
        .arg(browser_dir().join("oidc_provider.mjs"))
        .current_dir(browser_dir())
        .env("OIDC_PORT", port.to_string())
        .env("OIDC_REDIRECT_URI", redirect_uri)
        .env("OIDC_CLIENTS", clients.to_string())
        .env("OIDC_ACCOUNTS", accounts.to_string())
        .env("OIDC_MODE", mode)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starting node");
    let stdout = child.stdout.take().unwrap();
    let guard = ProviderProcess { child };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("oidc provider listening") {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(30)).expect("the oidc provider did not start listening within 30 s");
    guard
}

/// Piazza configured for the provider on `port`, with `adjust` applied after.
async fn spawn_app(backend: Backend, port: u16, adjust: fn(&mut Config)) -> Option<TestApp> {
    TestApp::spawn_with(backend, |config| {
        config.oidc = OidcSettings {
            issuer: format!("http://127.0.0.1:{port}"),
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            ..OidcSettings::default()
        };
        adjust(config);
    })
    .await
}

/// Runs a scenario once per database, with the provider (`mode`) and Piazza configured for
/// it (`adjust` changes the rest of Piazza's configuration).
macro_rules! with_provider {
    ($name:ident, $mode:expr, $adjust:expr, $scenario:path) => {
        mod $name {
            use super::*;
            async fn run(backend: Backend) {
                if let Some(problem) = missing_provider() {
                    return service_missing("the oidc provider (Node.js and tests/browser/node_modules)", &problem);
                }
                let port = free_port();
                let Some(app) = spawn_app(backend, port, $adjust).await else { return };
                let provider = start_provider(port, &app.url("/auth/oidc/callback"), $mode);
                $scenario(&app).await;
                app.stop().await;
                drop(provider);
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run(Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run(Backend::Postgres).await
            }
        }
    };
}

fn location(response: &reqwest::Response) -> String {
    let at = response.url().clone();
    let to = response.headers().get("location").unwrap_or_else(|| panic!("{} from {at} has no location", response.status())).to_str().unwrap();
    at.join(to).unwrap().to_string()
}

/// The first form's action in a page, made absolute against `page_url`.
fn form_action(page_url: &reqwest::Url, html: &str) -> String {
    let at = html.find("<form").expect("a form") + html[html.find("<form").unwrap()..].find("action=\"").expect("an action") + "action=\"".len();
    page_url.join(&html[at..].split('"').next().unwrap().replace("&amp;", "&")).unwrap().to_string()
}

/// Follows the provider's answers from `url` (its authorization endpoint), filling in its
/// login form (as `sub`) and its consent form, until it sends the browser to Piazza's
/// callback; that URL is returned, not yet opened.
async fn through_provider(app: &TestApp, client: &reqwest::Client, mut url: String, sub: &str) -> String {
    let callback = app.url("/auth/oidc/callback");
    for _ in 0..20 {
        if url.starts_with(&callback) {
            return url;
        }
        let r = client.get(&url).send().await.unwrap();
        if r.status().is_redirection() {
            url = location(&r);
            continue;
        }
        let page_url = r.url().clone();
        assert_eq!(r.status(), 200, "the provider at {page_url}");
        let html = r.text().await.unwrap();
        let action = form_action(&page_url, &html);
        let fields: Vec<(&str, &str)> =
            if html.contains("name=\"login\"") { vec![("prompt", "login"), ("login", sub), ("password", "any")] } else { vec![("prompt", "consent")] };
        let r = client.post(&action).form(&fields).send().await.unwrap();
        assert!(r.status().is_redirection(), "the provider's form answered {}", r.status());
        url = location(&r);
    }
    panic!("the provider never sent the browser back to Piazza");
}

/// Starts a sign-in in `client`: the provider's authorization URL Piazza sent it to.
async fn start(app: &TestApp, client: &reqwest::Client) -> String {
    let r = client.get(app.url("/auth/oidc/start")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let to = location(&r);
    assert!(to.contains("code_challenge_method=S256") && to.contains("nonce=") && to.contains("state="), "{to}");
    to
}

/// The whole dance in `client`, up to the callback URL.
async fn signed_in_at_provider(app: &TestApp, client: &reqwest::Client) -> String {
    let authorize = start(app, client).await;
    through_provider(app, client, authorize, SUB).await
}

async fn is_signed_in(app: &TestApp, client: &reqwest::Client) -> bool {
    client.get(app.url("/me/account")).send().await.unwrap().status() == StatusCode::OK
}

async fn refused_with(response: reqwest::Response, status: StatusCode, words: &str) {
    assert_eq!(response.status(), status);
    let page = response.text().await.unwrap();
    assert!(page.contains(words), "the refusal page lacks {words:?}:\n{page}");
    assert!(page.contains("href=\"/auth/oidc/start\""), "a refusal offers to start again");
}

async fn a_first_sign_in_makes_an_account_and_a_replay_is_refused(app: &TestApp) {
    let page = app.client.get(app.url("/signin")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Entra con SPID o CIE") && page.contains("name=\"password\""), "both ways in:\n{page}");
    let english = app.client.get(app.url("/signin")).header("Accept-Language", "en").send().await.unwrap().text().await.unwrap();
    assert!(english.contains("Sign in with SPID or CIE"), "the default label is the catalogue's");

    let lucia = browser();
    let callback = signed_in_at_provider(app, &lucia).await;
    let r = lucia.get(&callback).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    assert_eq!(location(&r), app.url("/me/works"));
    let account = lucia.get(app.url("/me/account")).send().await.unwrap().text().await.unwrap();
    assert!(account.contains(NAME) && account.contains(EMAIL), "the provider's name and address:\n{account}");
    assert!(account.contains("Indirizzo confermato"), "a verified address counts as confirmed:\n{account}");
    assert_eq!(app.count("oidc_identity").await, 1);
    assert_eq!(app.count("oidc_login").await, 0, "the sign-in's row is used up");

    // The same callback again, in the same browser or another: the state is used up.
    refused_with(lucia.get(&callback).send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "è già stato usato").await;
    let stranger = browser();
    refused_with(stranger.get(&callback).send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "Accesso non riuscito").await;
    assert!(!is_signed_in(app, &stranger).await);

    // Signing in again finds the same account.
    let again = browser();
    let callback = signed_in_at_provider(app, &again).await;
    assert_eq!(again.get(&callback).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    assert!(is_signed_in(app, &again).await);
    assert_eq!(app.count("app_user").await, 1);
    assert_eq!(app.count("oidc_identity").await, 1);

    // No password to confirm a deletion with: the fresh sign-in confirms it, and the
    // identity goes with the account (signing in again makes a new one).
    let page = again.get(app.url("/me/account")).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("name=\"password\"") && page.contains("non ha una password"), "{page}");
    let r = post_form(app, &again, "/me/delete", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), app.url("/signin?done=deleted"));
    assert_eq!(app.count("oidc_identity").await, 0);
    let anew = browser();
    let callback = signed_in_at_provider(app, &anew).await;
    assert_eq!(anew.get(&callback).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("app_user").await, 2, "the deleted account's anonymous row, and a new account");
}

with_provider!(oidc_first_sign_in_makes_an_account_and_a_replay_is_refused, "provider", |_| {}, a_first_sign_in_makes_an_account_and_a_replay_is_refused);

async fn a_wrong_state_another_browser_or_another_clients_code_signs_nobody_in(app: &TestApp) {
    // A state that Piazza never made.
    let client = browser();
    let callback = signed_in_at_provider(app, &client).await;
    let mut forged = reqwest::Url::parse(&callback).unwrap();
    let pairs: Vec<(String, String)> = forged.query_pairs().map(|(k, v)| { let v = if k == "state" { "forged".to_owned() } else { v.into_owned() }; (k.into_owned(), v) }).collect();
    forged.query_pairs_mut().clear().extend_pairs(pairs);
    let r = client.get(forged.as_str()).header("Accept-Language", "en").send().await.unwrap();
    refused_with(r, StatusCode::UNPROCESSABLE_ENTITY, "this sign-in is no longer valid").await;
    assert!(!is_signed_in(app, &client).await);

    // The right callback URL, sent to someone else: their browser did not start it.
    let victim = browser();
    refused_with(victim.get(&callback).send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "in un altro browser").await;
    assert!(!is_signed_in(app, &victim).await);
    // ... and it is used up for the one who started it too.
    refused_with(client.get(&callback).send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "Ricomincia").await;
    assert!(!is_signed_in(app, &client).await);

    // Piazza's own start, completed at the provider for another client: the code is
    // that client's, and the provider will not give Piazza its tokens.
    let client = browser();
    let authorize = start(app, &client).await.replace(&format!("client_id={CLIENT_ID}"), &format!("client_id={OTHER_CLIENT}"));
    let callback = through_provider(app, &client, authorize, SUB).await;
    refused_with(client.get(&callback).send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "non ha confermato").await;
    assert!(!is_signed_in(app, &client).await);

    // The provider knows no address for this person: told what to do, no account made.
    let client = browser();
    let authorize = start(app, &client).await;
    let callback = through_provider(app, &client, authorize, NO_EMAIL).await;
    refused_with(client.get(&callback).send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "Aggiungi un indirizzo email").await;
    assert!(!is_signed_in(app, &client).await);

    // The provider said no (the person cancelled).
    let client = browser();
    let authorize = start(app, &client).await;
    let state = reqwest::Url::parse(&authorize).unwrap().query_pairs().find(|(k, _)| k == "state").unwrap().1.into_owned();
    let r = client.get(app.url(&format!("/auth/oidc/callback?error=access_denied&state={state}"))).send().await.unwrap();
    refused_with(r, StatusCode::UNPROCESSABLE_ENTITY, "annullato").await;
    assert_eq!(app.count("app_user").await, 0);
    assert_eq!(app.count("oidc_login").await, 0);
}

with_provider!(oidc_refuses_wrong_state_other_browser_and_other_clients_code, "provider", |_| {}, a_wrong_state_another_browser_or_another_clients_code_signs_nobody_in);

async fn an_id_token_for_another_audience_is_refused(app: &TestApp) {
    let client = browser();
    let authorize = start(app, &client).await;
    let r = client.get(&authorize).send().await.unwrap();
    let callback = location(&r);
    assert!(callback.starts_with(&app.url("/auth/oidc/callback")), "{callback}");
    refused_with(client.get(&callback).send().await.unwrap(), StatusCode::UNAUTHORIZED, "Non è stato possibile verificare").await;
    assert!(!is_signed_in(app, &client).await);
    assert_eq!(app.count("app_user").await, 0);
}

with_provider!(oidc_refuses_an_id_token_for_another_audience, "wrong-audience", |_| {}, an_id_token_for_another_audience_is_refused);

async fn a_token_signed_with_a_new_key_fetches_the_keys_again(app: &TestApp) {
    let client = browser();
    let authorize = start(app, &client).await;
    let callback = location(&client.get(&authorize).send().await.unwrap());
    let r = client.get(&callback).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    assert!(is_signed_in(app, &client).await);
}

with_provider!(oidc_fetches_the_keys_again_for_an_unknown_key, "rotated-key", |_| {}, a_token_signed_with_a_new_key_fetches_the_keys_again);

async fn an_existing_account_is_joined_only_through_its_mailed_link(app: &TestApp) {
    let owner = app.person(NAME, Role::Citizen).await;
    sqlx::query("update app_user set email = $1 where id = $2").bind(EMAIL).bind(&owner.id).execute(&app.state.db.pool).await.unwrap();

    let client = browser();
    let callback = signed_in_at_provider(app, &client).await;
    let r = client.get(&callback).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Esiste già un account Piazza con questo indirizzo email"));
    assert!(!is_signed_in(app, &client).await, "not signed in before the link is followed");
    assert_eq!(app.count("oidc_identity").await, 0);
    assert_eq!(app.count("app_user").await, 1, "no second account for the same address");

    let messages = outbox_messages(&app.state.config.outbox_dir());
    let mail = messages.iter().find(|m| m.contains("/auth/oidc/link?token=")).expect("a joining link was mailed");
    assert!(mail.contains(EMAIL));
    let joining = link(mail, "/auth/oidc/link");

    // Opened in another browser (whoever reads the mail but did not sign in): refused.
    let other = browser();
    assert_eq!(other.get(&joining).send().await.unwrap().status(), StatusCode::BAD_REQUEST);
    let token = joining.split("token=").nth(1).unwrap();
    let r = other.post(app.url("/auth/oidc/link")).header("Origin", &app.base).form(&[("token", token)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.count("oidc_identity").await, 0);

    // In the browser that signed in: a page with a button, then the account is joined.
    let r = client.get(&joining).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    let csrf = extract_csrf(&page).unwrap_or_default();
    let r = client.post(app.url("/auth/oidc/link")).header("Origin", &app.base).form(&[("csrf", csrf.as_str()), ("token", token)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(is_signed_in(app, &client).await);
    use sqlx::Row;
    let row = sqlx::query("select user_id from oidc_identity").fetch_one(&app.state.db.pool).await.unwrap();
    assert_eq!(row.get::<String, _>("user_id"), owner.id);

    // From now on the provider signs straight into the owner's account.
    let later = browser();
    let callback = signed_in_at_provider(app, &later).await;
    assert_eq!(later.get(&callback).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    let account = later.get(app.url("/me/account")).send().await.unwrap().text().await.unwrap();
    assert!(account.contains(EMAIL));
    assert_eq!(app.count("app_user").await, 1);
}

with_provider!(oidc_joins_an_existing_account_only_through_its_mailed_link, "provider", |_| {}, an_existing_account_is_joined_only_through_its_mailed_link);

fn passwords_off(config: &mut Config) {
    config.password_signin = false;
}

async fn password_sign_in_off_refuses_passwords_but_not_the_provider(app: &TestApp) {
    let someone = app.person("Marco", Role::Citizen).await;
    let page = app.client.get(app.url("/signin")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Entra con SPID o CIE"));
    assert!(!page.contains("name=\"password\""), "no password form:\n{page}");

    let client = browser();
    let r = client.post(app.url("/signin")).header("Origin", &app.base).form(&[("email", someone.email.as_str()), ("password", "password-for-tests")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("si entra solo con SPID o CIE"));
    assert!(!is_signed_in(app, &client).await);
    let form = [("email", "nuova@example.org"), ("name", "Nuova"), ("password", "una password lunga")];
    let r = client.post(app.url("/signup")).header("Origin", &app.base).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = client.post(app.url("/reset-password")).header("Origin", &app.base).form(&[("email", someone.email.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(client.get(app.url("/signup")).send().await.unwrap().status(), StatusCode::SEE_OTHER);

    let callback = signed_in_at_provider(app, &client).await;
    assert_eq!(client.get(&callback).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    assert!(is_signed_in(app, &client).await);
}

with_provider!(oidc_password_sign_in_off_refuses_passwords, "provider", passwords_off, password_sign_in_off_refuses_passwords_but_not_the_provider);

/// The provider is down: the server starts all the same, and the sign-in says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_an_unreachable_provider_is_said_in_words() {
    let port = free_port();
    let Some(app) = spawn_app(Backend::Sqlite, port, |_| {}).await else { return };
    let r = app.client.get(app.url("/auth/oidc/start")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_GATEWAY);
    let page = r.text().await.unwrap();
    assert!(page.contains("non risponde in questo momento"), "{page}");
    assert!(!page.contains("127.0.0.1"), "no technical detail:\n{page}");
    app.stop().await;
}
