//! Resumable uploads (tus 1.0.0) against a real server with tus-js-client, the tus
//! project's JavaScript client, running in Node.js (`tests/browser/tus_upload.mjs`): on the
//! filesystem and on SeaweedFS with two web nodes behind a balancer that sends each request
//! to the next node and cuts one chunk off halfway; a wrong checksum; someone else's
//! upload; an expired one. The same journeys as `resumable.rs` drives with tuspy, so both
//! clients the issue names are held to them.

use crate::helpers::{service_missing, Backend, Person, TestApp};
use crate::resumable::{film, head, id_of, offset, plays, submit_upload, MIB};
use crate::seaweed::Seaweed;
use piazza::domain::Role;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The oldest Node.js tus-js-client supports (its `engines`).
const NODE_MAJOR: u32 = 18;
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(180);
/// Short waits before the client tries again: a cut chunk's bytes are recorded within
/// moments, and until then the client is told 423 or 409 and asks HEAD again.
const RETRY_DELAYS: [u64; 6] = [200, 500, 1000, 2000, 3000, 5000];

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Whether tus-js-client can run here: Node.js, and the version `tests/browser/package.json`
/// pins installed (`npm ci --prefix tests/browser`, which `scripts/test` runs). When not,
/// fails the test, or with `PIAZZA_TEST_SKIP_SERVICES=1` says so loudly and gives false.
fn tus_js_client_here() -> bool {
    let problem = (|| {
        let node = std::process::Command::new("node").arg("--version").output();
        let Ok(node) = node.as_ref().map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned()) else {
            return Some("`node` is not on PATH (scripts/setup-system installs it)".to_owned());
        };
        let major: u32 = node.trim_start_matches('v').split('.').next().and_then(|m| m.parse().ok()).unwrap_or(0);
        if major < NODE_MAJOR {
            return Some(format!("Node.js {node} is older than the {NODE_MAJOR} that tus-js-client needs"));
        }
        let read_json = |path: PathBuf| -> Option<Value> { serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok() };
        let wanted = read_json(browser_dir().join("package.json")).expect("tests/browser/package.json is readable JSON");
        let wanted = wanted["dependencies"]["tus-js-client"].as_str().expect("package.json pins tus-js-client").to_owned();
        match read_json(browser_dir().join("node_modules/tus-js-client/package.json")) {
            Some(installed) if installed["version"] == wanted.as_str() => None,
            Some(installed) => Some(format!("tests/browser/node_modules has tus-js-client {}, not {wanted}; run npm ci --prefix tests/browser", installed["version"])),
            None => Some("tests/browser/node_modules is missing; run npm ci --prefix tests/browser (scripts/test does)".to_owned()),
        }
    })();
    match problem {
        Some(problem) => {
            service_missing("Node.js with tus-js-client", &problem);
            false
        }
        None => true,
    }
}

/// What one run of the script printed: a line per request and per answer, then the outcome.
struct Run {
    events: Vec<Value>,
}

impl Run {
    fn outcome(&self) -> &Value {
        self.events.last().expect("the script prints its outcome")
    }

    /// The requests of one method, in order: `offset` is the `Upload-Offset` they carried.
    fn requests(&self, method: &str) -> Vec<&Value> {
        self.events.iter().filter(|e| e["event"] == "request" && e["method"] == method).collect()
    }

    /// The answers to one method, in order: `status`, `from` (the request's offset) and
    /// `offset` (the answer's).
    fn answers(&self, method: &str) -> Vec<&Value> {
        self.events.iter().filter(|e| e["event"] == "response" && e["method"] == method).collect()
    }

    /// The upload's address without the origin, as the server's routes name it.
    fn upload_path(&self) -> String {
        let url = self.outcome()["url"].as_str().unwrap_or_else(|| panic!("no upload address: {self}"));
        format!("/api/v1/uploads/{}", id_of(url))
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for event in &self.events {
            writeln!(f, "{event}")?;
        }
        Ok(())
    }
}

/// Runs `tests/browser/tus_upload.mjs` with `job` (see the script for its fields), from
/// `tests/browser` so that Node.js finds tus-js-client there.
async fn tus_js(job: Value) -> Run {
    let script = browser_dir().join("tus_upload.mjs");
    let mut command = tokio::process::Command::new("node");
    command.arg(&script).arg(job.to_string()).current_dir(browser_dir()).kill_on_drop(true);
    let output = match tokio::time::timeout(SCRIPT_TIMEOUT, command.output()).await {
        Ok(output) => output.expect("starting node"),
        Err(_) => panic!("tus_upload.mjs did not finish in {} s", SCRIPT_TIMEOUT.as_secs()),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "tus_upload.mjs failed ({}):\n{stdout}\n{stderr}", output.status);
    let events = stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}\n{stderr}"))).collect();
    Run { events }
}

/// The job fields every run shares.
fn job(file: &Path, who: &Person, chunk: u64) -> serde_json::Map<String, Value> {
    let job = json!({ "file": file, "token": who.token, "chunkSize": chunk, "retryDelays": RETRY_DELAYS });
    job.as_object().unwrap().clone()
}

fn film_metadata(call: &str, name: &str) -> Value {
    json!({ "call": call, "kind": "film", "filename": name, "filetype": "video/mp4" })
}

/// Bytes that are not all alike, so a chunk stored at the wrong place would show.
fn pattern(len: usize) -> Vec<u8> {
    (0..len as u64).map(|i| (i % 251) as u8 ^ (i >> 16) as u8).collect()
}

/// The finished upload's object, read back from the store.
async fn stored_upload(app: &TestApp, upload: &str) -> Vec<u8> {
    use sqlx::Row;
    let row = sqlx::query("select object_key, completed_at from upload where id = $1").bind(upload).fetch_one(&app.state.db.pool).await.unwrap();
    assert!(row.get::<Option<i64>, _>("completed_at").is_some(), "upload {upload} is finished");
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("upload");
    app.state.store.fetch_to(&row.get::<String, _>("object_key"), &copy).await.unwrap();
    std::fs::read(copy).unwrap()
}

/// One request as the balancer passed it on.
#[derive(Debug, Clone)]
struct Exchange {
    /// The order in which requests arrived.
    seq: usize,
    node: usize,
    method: String,
    /// The request's `Upload-Offset`.
    offset: Option<u64>,
    /// The node's answer; None when the balancer cut the request off.
    status: Option<u16>,
    /// The body bytes passed on before the cut.
    cut_after: Option<u64>,
}

/// Which PATCH to cut off (the first is 1), and after how many of its body bytes.
#[derive(Clone, Copy)]
struct Cut {
    nth_patch: usize,
    after: u64,
}

/// A load balancer in front of the web nodes, in the test: each request goes to the next
/// node in turn (it tells the node `Connection: close`, so the client opens a connection
/// per request and consecutive chunks reach different nodes), and one PATCH is cut off
/// after part of its body, as a phone losing its signal would.
struct Balancer {
    base: String,
    shared: Arc<Shared>,
    accepting: tokio::task::JoinHandle<()>,
}

struct Shared {
    nodes: Vec<String>,
    cut: Option<Cut>,
    requests: AtomicUsize,
    patches: AtomicUsize,
    log: Mutex<Vec<Exchange>>,
}

impl Balancer {
    async fn start(nodes: &[String], cut: Option<Cut>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let nodes = nodes.iter().map(|n| n.trim_start_matches("http://").to_owned()).collect();
        let shared = Arc::new(Shared { nodes, cut, requests: AtomicUsize::new(0), patches: AtomicUsize::new(0), log: Mutex::new(Vec::new()) });
        let accepting = {
            let shared = shared.clone();
            tokio::spawn(async move {
                while let Ok((client, _)) = listener.accept().await {
                    tokio::spawn(shared.clone().relay(client));
                }
            })
        };
        Self { base, shared, accepting }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Every request passed on so far, in the order they arrived.
    fn exchanges(&self) -> Vec<Exchange> {
        let mut log = self.shared.log.lock().unwrap().clone();
        log.sort_by_key(|e| e.seq);
        log
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

impl Shared {
    /// Passes one request on to the next node and its answer back.
    async fn relay(self: Arc<Self>, mut client: TcpStream) {
        let mut buffer = Vec::new();
        let head_end = loop {
            if let Some(at) = find(&buffer, b"\r\n\r\n") {
                break at + 4;
            }
            let mut read = vec![0u8; 64 * 1024];
            match client.read(&mut read).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&read[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let mut lines = head.split("\r\n").filter(|l| !l.is_empty());
        let request_line = lines.next().unwrap_or_default().to_owned();
        let headers: Vec<(String, String)> =
            lines.filter_map(|l| l.split_once(':')).map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned())).collect();
        let method = request_line.split(' ').next().unwrap_or_default().to_owned();
        let offset = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("upload-offset")).and_then(|(_, v)| v.parse().ok());
        let seq = self.requests.fetch_add(1, Ordering::SeqCst);
        let node = seq % self.nodes.len();
        let mut exchange = Exchange { seq, node, method: method.clone(), offset, status: None, cut_after: None };

        let mut upstream = TcpStream::connect(&self.nodes[node]).await.expect("the web node accepts connections");
        let mut forwarded = format!("{request_line}\r\n");
        for (name, value) in headers.iter().filter(|(n, _)| !n.eq_ignore_ascii_case("connection")) {
            forwarded.push_str(&format!("{name}: {value}\r\n"));
        }
        forwarded.push_str("Connection: close\r\n\r\n");
        upstream.write_all(forwarded.as_bytes()).await.unwrap();
        let body = &buffer[head_end..];

        let this_is_cut = method == "PATCH" && self.cut.is_some_and(|cut| self.patches.fetch_add(1, Ordering::SeqCst) + 1 == cut.nth_patch);
        if let (true, Some(cut)) = (this_is_cut, self.cut) {
            let mut passed = (body.len() as u64).min(cut.after);
            upstream.write_all(&body[..passed as usize]).await.unwrap();
            let mut read = vec![0u8; 64 * 1024];
            while passed < cut.after {
                let n = client.read(&mut read).await.unwrap();
                assert!(n > 0, "the client sent less than the balancer meant to pass on before the cut");
                let take = (n as u64).min(cut.after - passed);
                upstream.write_all(&read[..take as usize]).await.unwrap();
                passed += take;
            }
            upstream.flush().await.unwrap();
            // Let the node read what arrived before the connection goes.
            tokio::time::sleep(Duration::from_millis(300)).await;
            drop(upstream);
            drop(client);
            exchange.cut_after = Some(passed);
            self.log.lock().unwrap().push(exchange);
            return;
        }

        upstream.write_all(body).await.unwrap();
        let (mut client_read, mut client_write) = client.into_split();
        let (mut upstream_read, mut upstream_write) = upstream.into_split();
        let sending = tokio::spawn(async move {
            let _ = tokio::io::copy(&mut client_read, &mut upstream_write).await;
        });
        // The answer, until the node closes the connection after it.
        let mut answer_head = Vec::new();
        let mut read = vec![0u8; 64 * 1024];
        loop {
            match upstream_read.read(&mut read).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if answer_head.len() < 32 {
                        answer_head.extend_from_slice(&read[..n]);
                    }
                    if client_write.write_all(&read[..n]).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = client_write.shutdown().await;
        sending.abort();
        // "HTTP/1.1 204 No Content"
        exchange.status = String::from_utf8_lossy(&answer_head).split(' ').nth(1).and_then(|s| s.parse().ok());
        self.log.lock().unwrap().push(exchange);
    }
}

/// The journey: tus-js-client sends a film in chunks through the balancer, the third chunk
/// is cut off halfway, the client asks HEAD where the upload stands and goes on from
/// there, and the finished upload, byte for byte the film, becomes a work that plays.
/// Returns what the balancer saw.
async fn film_survives_a_cut_connection(app: &TestApp, nodes: &[String], chunk: u64, megabytes: u32) -> Vec<Exchange> {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "borghi", &["film"]).await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = film(dir.path(), 6, megabytes);
    let file = dir.path().join("borgo.mp4");
    std::fs::write(&file, &bytes).unwrap();
    let length = bytes.len() as u64;
    assert!(length > 4 * chunk, "the film spans several chunks ({length} bytes)");

    let balancer = Balancer::start(nodes, Some(Cut { nth_patch: 3, after: chunk / 2 })).await;
    let mut job = job(&file, &anna, chunk);
    job.insert("endpoint".into(), balancer.url("/api/v1/uploads").into());
    job.insert("metadata".into(), film_metadata("borghi", "borgo.mp4"));
    let run = tus_js(Value::Object(job)).await;
    assert_eq!(run.outcome()["event"], "success", "{run}");

    let exchanges = balancer.exchanges();
    let cuts: Vec<&Exchange> = exchanges.iter().filter(|e| e.cut_after.is_some()).collect();
    assert_eq!(cuts.len(), 1, "exactly one chunk was cut off: {exchanges:#?}");
    let (cut_at, passed) = (cuts[0].offset.unwrap(), cuts[0].cut_after.unwrap());
    assert_eq!((cut_at, passed), (2 * chunk, chunk / 2), "the third chunk, halfway");
    let kept = cut_at + passed;
    assert!(0 < kept && kept < length);

    // After the cut the client asked HEAD, was told the offset past the bytes that arrived,
    // and went on from exactly there: nothing that arrived was lost or sent twice.
    let cut_request = run.events.iter().position(|e| e["event"] == "request" && e["method"] == "PATCH" && e["offset"] == cut_at).unwrap();
    let after_cut = &run.events[cut_request + 1..];
    assert!(!after_cut.iter().any(|e| e["event"] == "response" && e["method"] == "PATCH" && e["from"] == cut_at && e["status"] == 204), "{run}");
    let told = after_cut.iter().find(|e| e["event"] == "response" && e["method"] == "HEAD" && e["offset"] == kept);
    assert!(told.is_some(), "HEAD reported the {kept} bytes kept after the cut:\n{run}");
    let resumed = after_cut.iter().find(|e| e["event"] == "response" && e["method"] == "PATCH" && e["status"] == 204).unwrap();
    assert_eq!(resumed["from"], kept, "the first chunk stored after the cut starts where HEAD said:\n{run}");
    let stored: Vec<&Value> = run.answers("PATCH").into_iter().filter(|a| a["status"] == 204).collect();
    assert_eq!(stored.last().unwrap()["offset"], length, "{run}");

    let upload = run.upload_path();
    assert_eq!(stored_upload(app, id_of(&upload)).await, bytes, "the finished upload is the film, byte for byte");

    let response = submit_upload(app, nodes.last().unwrap(), &anna, "borghi", id_of(&upload), "Il borgo").await;
    assert_eq!(response.status(), 202, "{}", response.text().await.unwrap());
    let id = response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let work = app.wait_processed(&anna, &id).await;
    assert_eq!(work["status"], "pending_review", "{work}");
    plays(app, &curator, &id, 6.0).await;
    exchanges
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tus_js_film_survives_a_cut_connection_on_the_filesystem() {
    if !tus_js_client_here() {
        return;
    }
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |c| c.max_upload_bytes = 64 * MIB).await else { return };
    let base = app.base.clone();
    film_survives_a_cut_connection(&app, &[base], MIB, 6).await;
    let leftovers: Vec<String> = app.stored_files().into_iter().filter(|f| f.contains("uploads/")).collect();
    assert!(leftovers.is_empty(), "the upload's growing file is gone: {leftovers:?}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tus_js_film_survives_a_cut_connection_on_s3_across_two_web_nodes() {
    if !tus_js_client_here() {
        return;
    }
    let Some(weed) = Seaweed::start().await else { return };
    let Some(app) = TestApp::spawn_with(Backend::Postgres, |c| {
        weed.configure(c, "tusjs");
        c.max_upload_bytes = 64 * MIB;
    })
    .await
    else {
        return;
    };
    let second = app.second_node().await;
    // 2 MiB chunks of a 12 MB film: the cut chunk ends with 5 MiB buffered (a part), the
    // others are tails kept in the store and joined with the next chunk on the other node.
    let exchanges = film_survives_a_cut_connection(&app, &[app.base.clone(), second.base.clone()], 2 * MIB, 12).await;
    for node in 0..2 {
        let stored = exchanges.iter().filter(|e| e.node == node && e.method == "PATCH" && e.status == Some(204)).count();
        assert!(stored >= 2, "node {node} stored {stored} chunks; the chunks alternate between the nodes: {exchanges:#?}");
    }
    crate::resumable::nothing_left_in(&weed, "tusjs").await;
    second.stop().await;
    app.stop().await;
}

/// A chunk whose `Upload-Checksum` does not match is refused with 460 and dropped whole;
/// tus-js-client does not send it again and reports the 460. Resumed with right
/// checksums, the upload ends with the file's bytes exactly.
async fn a_wrong_checksum_is_refused(app: &TestApp) {
    if !tus_js_client_here() {
        return;
    }
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "corti", &["film"]).await;
    let dir = tempfile::tempdir().unwrap();
    let data = pattern(700_000);
    let file = dir.path().join("corto.mp4");
    std::fs::write(&file, &data).unwrap();
    let chunk = 256 * 1024;

    let mut first = job(&file, &anna, chunk);
    first.insert("endpoint".into(), app.url("/api/v1/uploads").into());
    first.insert("metadata".into(), film_metadata("corti", "corto.mp4"));
    first.insert("checksums".into(), true.into());
    first.insert("wrongChecksumAt".into(), chunk.into());
    let run = tus_js(Value::Object(first)).await;
    assert_eq!(run.outcome()["event"], "error", "{run}");
    assert_eq!(run.outcome()["status"], 460, "{run}");
    let patches: Vec<(&Value, &Value)> = run.requests("PATCH").iter().map(|r| (&r["offset"], &r["checksum"])).collect();
    assert_eq!(patches, [(&json!(0), &json!("right")), (&json!(chunk), &json!("wrong"))], "not sent again:\n{run}");
    let answers: Vec<&Value> = run.answers("PATCH").iter().map(|a| &a["status"]).collect();
    assert_eq!(answers, [&json!(204), &json!(460)], "{run}");
    let upload = run.upload_path();
    assert_eq!(offset(app, &anna, &upload).await, chunk, "the damaged chunk left the offset where it was");

    let mut again = job(&file, &anna, chunk);
    again.insert("uploadUrl".into(), app.url(&upload).into());
    again.insert("checksums".into(), true.into());
    let run = tus_js(Value::Object(again)).await;
    assert_eq!(run.outcome()["event"], "success", "{run}");
    assert_eq!(run.requests("PATCH")[0]["offset"], chunk, "resumed from HEAD's offset:\n{run}");
    assert_eq!(stored_upload(app, id_of(&upload)).await, data);
}
crate::both!(tus_js_a_wrong_checksum_is_refused_with_460, a_wrong_checksum_is_refused);

/// Someone else's upload does not exist for a person: resuming it by its address,
/// tus-js-client is told 404 and, given only the address, reports it; given an endpoint
/// too, it starts an upload of that person's own from the first byte. The owner's
/// upload is as it was.
async fn someone_elses_upload_is_not_found(app: &TestApp) {
    if !tus_js_client_here() {
        return;
    }
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    let bruno = app.person("Bruno", Role::Citizen).await;
    app.open_call(&curator, "corti", &["film"]).await;
    let dir = tempfile::tempdir().unwrap();
    let data = pattern(600_000);
    let file = dir.path().join("corto.mp4");
    std::fs::write(&file, &data).unwrap();
    let chunk = 200_000;

    let mut started = job(&file, &anna, chunk);
    started.insert("endpoint".into(), app.url("/api/v1/uploads").into());
    started.insert("metadata".into(), film_metadata("corti", "corto.mp4"));
    started.insert("stopAfterChunks".into(), 1.into());
    let run = tus_js(Value::Object(started)).await;
    assert_eq!(run.outcome()["event"], "stopped", "{run}");
    let upload = run.upload_path();
    let before = head(app, &app.base, &anna, &upload).await;
    assert_eq!(before.status(), 200);
    assert_eq!(before.headers()["upload-offset"], chunk.to_string().as_str());
    let expires = before.headers()["upload-expires"].clone();

    let mut only_address = job(&file, &bruno, chunk);
    only_address.insert("uploadUrl".into(), app.url(&upload).into());
    let run = tus_js(Value::Object(only_address.clone())).await;
    assert_eq!(run.outcome()["event"], "error", "{run}");
    assert_eq!(run.outcome()["status"], 404, "{run}");
    assert!(run.requests("PATCH").is_empty(), "no byte was sent:\n{run}");

    let mut with_endpoint = only_address;
    with_endpoint.insert("endpoint".into(), app.url("/api/v1/uploads").into());
    with_endpoint.insert("metadata".into(), film_metadata("corti", "corto.mp4"));
    let run = tus_js(Value::Object(with_endpoint)).await;
    assert_eq!(run.outcome()["event"], "success", "{run}");
    let own = run.upload_path();
    assert_ne!(own, upload, "a new upload, not Anna's:\n{run}");
    assert_eq!(run.answers("HEAD")[0]["status"], 404, "{run}");
    assert_eq!(run.answers("POST")[0]["status"], 201, "{run}");
    assert_eq!(run.requests("PATCH")[0]["offset"], 0, "from the first byte:\n{run}");
    assert_eq!(offset(app, &bruno, &own).await, data.len() as u64);
    assert_eq!(head(app, &app.base, &anna, &own).await.status(), 404, "and it is Bruno's alone");
    assert_eq!(stored_upload(app, id_of(&own)).await, data);

    let after = head(app, &app.base, &anna, &upload).await;
    assert_eq!(after.status(), 200);
    assert_eq!(after.headers()["upload-offset"], chunk.to_string().as_str(), "Anna's upload is as it was");
    assert_eq!(after.headers()["upload-expires"], expires, "not touched, so its expiry did not move");
}
crate::both!(tus_js_someone_elses_upload_is_not_found, someone_elses_upload_is_not_found);

/// An upload left a day without a chunk has expired: tus-js-client, resuming it, is told
/// 410 and sends nothing; the sweeper then removes it and aborts its S3 multipart upload,
/// and it is not found at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tus_js_an_expired_upload_is_gone_and_its_multipart_upload_aborted() {
    if !tus_js_client_here() {
        return;
    }
    let Some(weed) = Seaweed::start().await else { return };
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |c| {
        weed.configure(c, "tusjs-expiry");
        c.max_upload_bytes = 64 * MIB;
    })
    .await
    else {
        return;
    };
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "corti", &["film"]).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lungo.mp4");
    std::fs::write(&file, pattern((12 * MIB) as usize)).unwrap();
    // One chunk of 9 MiB: a full part (8 MiB) in the multipart upload and a tail.
    let chunk = 9 * MIB;
    let mut started = job(&file, &anna, chunk);
    started.insert("endpoint".into(), app.url("/api/v1/uploads").into());
    started.insert("metadata".into(), film_metadata("corti", "lungo.mp4"));
    started.insert("stopAfterChunks".into(), 1.into());
    let run = tus_js(Value::Object(started)).await;
    assert_eq!(run.outcome()["event"], "stopped", "{run}");
    assert_eq!(run.outcome()["offset"], chunk, "{run}");
    let upload = run.upload_path();
    let open = weed.client().list_multipart_uploads().bucket("tusjs-expiry").send().await.unwrap();
    assert_eq!(open.uploads().len(), 1, "the upload's bytes are in a multipart upload");

    // A day passes without a chunk.
    sqlx::query("update upload set expires_at = $1").bind(piazza::db::now_ms() - 1).execute(&app.state.db.pool).await.unwrap();
    let mut resume = job(&file, &anna, chunk);
    resume.insert("uploadUrl".into(), app.url(&upload).into());
    let run = tus_js(Value::Object(resume.clone())).await;
    assert_eq!(run.outcome()["event"], "error", "{run}");
    assert_eq!(run.outcome()["status"], 410, "gone:\n{run}");
    assert!(run.requests("PATCH").is_empty(), "no byte was sent:\n{run}");

    let report = piazza::jobs::maintenance::sweep_once(&app.state, 24 * 3_600_000).await.unwrap();
    assert_eq!(report.expired_uploads, 1);
    let open = weed.client().list_multipart_uploads().bucket("tusjs-expiry").send().await.unwrap();
    assert!(open.uploads().is_empty(), "its multipart upload was aborted");
    let keys = weed.keys("tusjs-expiry").await;
    assert!(!keys.iter().any(|k| k.contains("/uploads/") || k.contains("/originals/")), "{keys:?}");
    let run = tus_js(Value::Object(resume)).await;
    assert_eq!(run.outcome()["event"], "error", "{run}");
    assert_eq!(run.outcome()["status"], 404, "and then not found at all:\n{run}");
    app.stop().await;
}
