//! Scale-out with real processes: `piazza serve --no-jobs` web nodes and `piazza worker`
//! processes over PostgreSQL and SeaweedFS, and the faults that come with them.

use crate::helpers::PgTestDb;
use crate::media_fixtures;
use crate::seaweed::Seaweed;
use sqlx::Row;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BUCKET: &str = "scale";

struct Cluster {
    weed: Seaweed,
    _pg: PgTestDb,
    db_url: String,
    root: tempfile::TempDir,
    lease_secs: u64,
    pool: sqlx::PgPool,
    children: Vec<Child>,
}

struct Web {
    base: String,
}

impl Cluster {
    async fn start(lease_secs: u64) -> Option<Self> {
        let weed = Seaweed::start().await?;
        let (pg, db_url) = PgTestDb::create().await?;
        let pool = sqlx::PgPool::connect(&db_url).await.unwrap();
        let cluster = Self { weed, _pg: pg, db_url, root: tempfile::tempdir().unwrap(), lease_secs, pool, children: Vec::new() };
        let out = cluster.command("admin").arg("migrate").output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        Some(cluster)
    }

    fn command(&self, node: &str) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_piazza"));
        cmd.env_remove("PIAZZA_CONFIG")
            .env("PIAZZA_DATA_DIR", self.root.path().join(node))
            .env("PIAZZA_DATABASE_URL", &self.db_url)
            .env("PIAZZA_BIND", "127.0.0.1:0")
            .env("PIAZZA_STORAGE", "s3")
            .env("PIAZZA_S3_ENDPOINT", &self.weed.endpoint)
            .env("PIAZZA_S3_BUCKET", BUCKET)
            .env("PIAZZA_S3_ACCESS_KEY_ID", "test")
            .env("PIAZZA_S3_SECRET_ACCESS_KEY", "test-secret")
            .env("PIAZZA_S3_PREFIX", "city/")
            .env("PIAZZA_JOB_CONCURRENCY", "1")
            .env("PIAZZA_JOB_LEASE_SECS", self.lease_secs.to_string())
            .env("PIAZZA_LOG", "info");
        cmd
    }

    fn log_path(&self, node: &str) -> PathBuf {
        self.root.path().join(format!("{node}.log"))
    }

    /// A web node without the job runner; returns once it listens.
    fn web(&mut self, node: &str) -> Web {
        let mut child = self.command(node).args(["serve", "--no-jobs"]).stderr(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = self.log_path(node);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut file = std::fs::File::create(log).unwrap();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("piazza is listening") {
                    let addr = line.split("address=").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();
                    let _ = tx.send(addr);
                }
                use std::io::Write;
                let _ = writeln!(file, "{line}");
            }
        });
        let addr = rx.recv_timeout(Duration::from_secs(60)).expect("web node listens");
        self.children.push(child);
        Web { base: format!("http://{addr}") }
    }

    /// A worker process; its log goes to `{node}.log`.
    fn worker(&mut self, node: &str) -> u32 {
        let log = std::fs::File::create(self.log_path(node)).unwrap();
        let child = self.command(node).arg("worker").stderr(log).stdout(Stdio::null()).spawn().unwrap();
        let pid = child.id();
        self.children.push(child);
        pid
    }

    fn cli(&self, args: &[&str]) -> String {
        let out = self.command("admin").args(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn token(&self, email: &str, name: &str, role: &str) -> String {
        self.cli(&["user", "add", "--email", email, "--name", name, "--role", role]);
        self.cli(&["token", "create", "--email", email]).trim().to_owned()
    }

    fn alive(&mut self, pid: u32) -> bool {
        self.children.iter_mut().find(|c| c.id() == pid).is_some_and(|c| c.try_wait().unwrap().is_none())
    }

    async fn count(&self, sql: &str) -> i64 {
        sqlx::query(sql).fetch_one(&self.pool).await.unwrap().get::<i64, _>(0)
    }

    async fn wait_until(&self, what: &str, sql: &str, want: i64, patience: Duration) {
        let deadline = Instant::now() + patience;
        loop {
            let n = self.count(sql).await;
            if n == want {
                return;
            }
            assert!(Instant::now() < deadline, "{what}: {n} != {want} after {patience:?}\n{}", self.logs());
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    fn logs(&self) -> String {
        let mut out = String::new();
        for entry in std::fs::read_dir(self.root.path()).unwrap().flatten() {
            if entry.path().extension().is_some_and(|e| e == "log") {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(8).collect();
                out += &format!("--- {} ({} bytes)\n{}\n", entry.path().display(), text.len(), tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
            }
        }
        out
    }

    /// Derivative keys in the store for one work, without the installation prefix.
    async fn stored_derivatives(&self, work_id: &str) -> HashSet<String> {
        let client = self.weed.client();
        let listed = client.list_objects_v2().bucket(BUCKET).prefix(format!("city/works/{work_id}/")).send().await.unwrap();
        listed.contents().iter().filter_map(|o| o.key()).map(|k| k.trim_start_matches("city/").to_owned()).collect()
    }

    async fn rendition_keys(&self, work_id: &str) -> HashSet<String> {
        sqlx::query("select storage_key from rendition where work_id = $1")
            .bind(work_id)
            .fetch_all(&self.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<String, _>(0))
            .collect()
    }

    /// The library's own sweeper, run against the cluster's database and store.
    async fn sweep(&self) {
        let mut config = piazza::config::Config {
            data_dir: self.root.path().join("sweeper"),
            database_url: self.db_url.clone(),
            ..Default::default()
        };
        self.weed.configure(&mut config, BUCKET);
        config.s3_prefix = "city/".into();
        let state = piazza::state::AppState::build(config, false).await.unwrap();
        piazza::jobs::maintenance::sweep_once(&state, 0).await.unwrap();
        state.db.pool.close().await;
    }
}

impl Drop for Cluster {
    /// Stops every process, then fails the test if it left a job queued or running (not
    /// while it is already failing).
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = Command::new("kill").args(["-CONT", &child.id().to_string()]).status();
            let _ = child.kill();
            let _ = child.wait();
        }
        if !std::thread::panicking() {
            crate::helpers::check_jobs_left_blocking(&self.db_url, None);
        }
    }
}

fn signal(pid: u32, sig: &str) {
    assert!(Command::new("kill").args([sig, &pid.to_string()]).status().unwrap().success());
}

async fn upload(client: &reqwest::Client, base: &str, token: &str, fields: Vec<(&'static str, String)>, file: Option<(&str, Vec<u8>)>) -> String {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k, v);
    }
    if let Some((name, bytes)) = file {
        form = form.part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    }
    let r = client.post(format!("{base}/api/v1/works")).bearer_auth(token).multipart(form).send().await.unwrap();
    let status = r.status();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(status, 202, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

async fn open_call(client: &reqwest::Client, base: &str, token: &str) {
    let r = client
        .post(format!("{base}/api/v1/calls"))
        .bearer_auth(token)
        .json(&serde_json::json!({
            "slug": "grande", "title": "La grande chiamata", "question": "Che cosa vedi?",
            "kinds": ["poem", "story", "photo", "film"],
            "opens_at": "2020-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
}

fn film(dir: &Path, seconds: u32, size: &str) -> Vec<u8> {
    let out = dir.join(format!("film-{seconds}-{size}.mp4"));
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", &format!("testsrc2=size={size}:rate=25"), "-f", "lavfi", "-i", "sine=frequency=300"])
        .args(["-t", &seconds.to_string(), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::read(out).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_web_nodes_and_three_workers_process_200_uploads_exactly_once() {
    let Some(mut cluster) = Cluster::start(20).await else { return };
    let web1 = cluster.web("web1");
    let web2 = cluster.web("web2");
    for i in 1..=3 {
        cluster.worker(&format!("worker{i}"));
    }
    let curator = cluster.token("giulia@comune.example", "Giulia", "curator");
    let citizen = cluster.token("anna@example.org", "Anna", "citizen");
    let client = reqwest::Client::new();
    open_call(&client, &web1.base, &curator).await;
    let dir = tempfile::tempdir().unwrap();
    let clip = film(dir.path(), 1, "160x90");

    let mut uploads = futures_util::stream::FuturesUnordered::new();
    let mut ids = Vec::new();
    let mut kinds: HashMap<String, &str> = HashMap::new();
    for i in 0..200u32 {
        let base = if i % 2 == 0 { web1.base.clone() } else { web2.base.clone() };
        let (client, token, clip) = (client.clone(), citizen.clone(), clip.clone());
        let kind: &'static str = match i % 20 {
            0 => "film",
            1..=7 => "photo",
            8..=9 => "story",
            _ => "poem",
        };
        uploads.push(async move {
            let mut fields = vec![("call", "grande".to_owned()), ("kind", kind.to_owned()), ("title", format!("Opera {i}")), ("licence", "cc0-1.0".to_owned())];
            let file = match kind {
                "photo" => {
                    fields.push(("alt_text", "una foto di prova".to_owned()));
                    Some(("foto.jpg", media_fixtures::jpeg(96 + i % 7, 64)))
                }
                "film" => Some(("clip.mp4", clip)),
                _ => {
                    fields.push(("text", format!("versi numero {i}\nsul fiume")));
                    None
                }
            };
            (upload(&client, &base, &token, fields, file).await, kind)
        });
        if uploads.len() >= 8 {
            use futures_util::StreamExt;
            let (id, kind) = uploads.next().await.unwrap();
            kinds.insert(id.clone(), kind);
            ids.push(id);
        }
    }
    use futures_util::StreamExt;
    while let Some((id, kind)) = uploads.next().await {
        kinds.insert(id.clone(), kind);
        ids.push(id);
    }
    assert_eq!(ids.len(), 200);

    cluster.wait_until("processed", "select count(*) from work where status = 'pending_review'", 200, Duration::from_secs(300)).await;
    assert_eq!(cluster.count("select count(*) from job").await, 200, "one job per work");
    assert_eq!(cluster.count("select count(*) from job where state = 'done' and attempts = 1").await, 200, "each run exactly once");
    let leases_left = cluster.count("select count(lease_token) from job").await;
    assert_eq!(leases_left, 0, "leases are cleared when jobs end");

    for id in &ids {
        let stored = cluster.stored_derivatives(id).await;
        let recorded = cluster.rendition_keys(id).await;
        assert_eq!(stored, recorded, "exactly the recorded derivatives exist for {} {id}", kinds[id]);
        let expected = match kinds[id] {
            "photo" => 2,
            "film" => 3,
            _ => 0,
        };
        assert!(recorded.len() >= expected, "{id}: {recorded:?}");
    }

    for id in &ids {
        let r = client.post(format!("{}/api/v1/works/{id}/review", web2.base)).bearer_auth(&curator).json(&serde_json::json!({"decision": "approve"})).send().await.unwrap();
        assert_eq!(r.status(), 200);
    }
    // Both nodes tail the same change sequence: the same query gets the same answer.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mut answers = Vec::new();
        for web in [&web1, &web2] {
            let body: serde_json::Value = client.get(format!("{}/api/v1/search?q=fiume&per_page=50", web.base)).send().await.unwrap().json().await.unwrap();
            answers.push(body["results"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>());
        }
        if answers[0].len() == 50 && answers[0] == answers[1] {
            break;
        }
        assert!(Instant::now() < deadline, "web nodes disagree: {} vs {} results", answers[0].len(), answers[1].len());
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// What the fault tests talk to: one web node, a curator's token, an open call.
struct City {
    base: String,
    token: String,
    client: reqwest::Client,
    films: tempfile::TempDir,
}

impl City {
    /// Uploads a generated 640x360 film of `seconds`; returns the work's id.
    async fn upload_film(&self, title: &str, seconds: u32) -> String {
        let fields = vec![("call", "grande".into()), ("kind", "film".into()), ("title", title.into()), ("licence", "cc0-1.0".into())];
        upload(&self.client, &self.base, &self.token, fields, Some(("f.mp4", film(self.films.path(), seconds, "640x360")))).await
    }
}

/// A cluster with one web node (no workers yet) and an open call.
async fn one_web_node(lease_secs: u64) -> Option<(Cluster, City)> {
    let mut cluster = Cluster::start(lease_secs).await?;
    let web = cluster.web("web");
    let token = cluster.token("anna@example.org", "Anna", "curator");
    let client = reqwest::Client::new();
    open_call(&client, &web.base, &token).await;
    Some((cluster, City { base: web.base, token, client, films: tempfile::tempdir().unwrap() }))
}

/// Waits until the only job is claimed and its transcode under way: a heartbeat has
/// recorded the engine's progress, so the worker is inside the transcode, not before it.
async fn wait_mid_transcode(cluster: &Cluster) {
    cluster.wait_until("transcoding", "select count(*) from job where state = 'running' and progress > 0", 1, Duration::from_secs(60)).await;
}

/// Waits until the database sees the running job's lease as expired, so another worker
/// may take it over.
async fn wait_lease_expired(cluster: &Cluster) {
    let expired = "select count(*) from job where state = 'running' \
                   and lease_expires_at < cast(extract(epoch from clock_timestamp()) * 1000 as bigint)";
    cluster.wait_until("lease expired", expired, 1, Duration::from_secs(60)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_transcode_is_replaced_and_the_job_finishes_once() {
    let Some((mut cluster, city)) = one_web_node(2).await else { return };
    let first = cluster.worker("doomed");
    let id = city.upload_film("Lungo", 20).await;
    wait_mid_transcode(&cluster).await;
    signal(first, "-KILL");
    cluster.worker("rescuer");
    cluster.wait_until("finished by the second worker", "select count(*) from work where status = 'pending_review'", 1, Duration::from_secs(180)).await;
    let row = sqlx::query("select state, attempts from job where work_id = $1").bind(&id).fetch_one(&cluster.pool).await.unwrap();
    assert_eq!(row.get::<String, _>(0), "done");
    assert_eq!(row.get::<i64, _>(1), 2, "claimed by the dead worker, then by the rescuer");
    cluster.sweep().await;
    assert_eq!(cluster.stored_derivatives(&id).await, cluster.rendition_keys(&id).await, "exactly one set of derivatives");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_paused_past_its_lease_cannot_overwrite_the_result() {
    let Some((mut cluster, city)) = one_web_node(2).await else { return };
    let sleeper = cluster.worker("sleeper");
    let id = city.upload_film("Pausa", 20).await;
    wait_mid_transcode(&cluster).await;
    signal(sleeper, "-STOP");
    wait_lease_expired(&cluster).await;
    cluster.worker("second");
    cluster.wait_until("finished by the second worker", "select count(*) from work where status = 'pending_review'", 1, Duration::from_secs(180)).await;
    let recorded = cluster.rendition_keys(&id).await;
    let stored = cluster.stored_derivatives(&id).await;
    signal(sleeper, "-CONT");
    // The sleeper wakes, finishes its transcode and tries to record it.
    let log = cluster.log_path("sleeper");
    let deadline = Instant::now() + Duration::from_secs(120);
    while !std::fs::read_to_string(&log).unwrap_or_default().contains("result refused") {
        assert!(Instant::now() < deadline, "the stale worker never tried to complete:\n{}", cluster.logs());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(cluster.alive(sleeper), "the stale worker keeps running");
    assert_eq!(cluster.rendition_keys(&id).await, recorded, "the second worker's result stands");
    assert_eq!(cluster.stored_derivatives(&id).await, stored, "its files were not replaced");
    assert_eq!(cluster.count("select count(*) from job where state = 'done'").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_database_connections_lose_no_job_and_run_none_twice() {
    let Some((mut cluster, city)) = one_web_node(3).await else { return };
    let mut ids = Vec::new();
    for i in 0..40 {
        let (kind, file) = if i % 4 == 0 { ("photo", Some(("p.jpg", media_fixtures::jpeg(400, 300)))) } else { ("poem", None) };
        let mut fields = vec![("call", "grande".to_owned()), ("kind", kind.to_owned()), ("title", format!("N{i}")), ("licence", "cc0-1.0".to_owned()), ("alt_text", "foto".to_owned())];
        if kind == "poem" {
            fields.push(("text", "versi".to_owned()));
        }
        ids.push(upload(&city.client, &city.base, &city.token, fields, file).await);
    }
    let workers = [cluster.worker("w1"), cluster.worker("w2")];
    // Terminate every other backend of this database, repeatedly, while jobs are claimed:
    // a fault injected for six seconds (the pause paces it); the outcome is waited for below.
    let db_name = cluster.db_url.rsplit('/').next().unwrap().to_owned();
    let mut killed = 0i64;
    let deadline = Instant::now() + Duration::from_secs(6);
    while Instant::now() < deadline {
        let n = sqlx::query("select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()")
            .bind(&db_name)
            .fetch_one(&cluster.pool)
            .await
            .unwrap()
            .get::<i64, _>(0);
        killed += n;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert!(killed > 0, "connections were terminated");
    cluster.wait_until("all processed", "select count(*) from work where status = 'pending_review'", 40, Duration::from_secs(120)).await;
    assert_eq!(cluster.count("select count(*) from job").await, 40, "no job duplicated");
    assert_eq!(cluster.count("select count(*) from job where state = 'done'").await, 40, "no job lost");
    let recorded_once = cluster.count("select count(*) from (select work_id from rendition group by work_id, name having count(*) > 1) d").await;
    assert_eq!(recorded_once, 0, "no rendition recorded twice");
    for pid in workers {
        let alive = cluster.alive(pid);
        assert!(alive, "workers survive losing their connections:\n{}", cluster.logs());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_stops_cleanly_on_sigterm_after_finishing_its_job() {
    let Some((mut cluster, city)) = one_web_node(5).await else { return };
    let worker = cluster.worker("polite");
    // Long enough that the transcode is still going when the heartbeat (every 5/3 s) shows
    // it: a 12 s film took 1.7 s here, finished before the first heartbeat, and the test
    // waited for a progress it could never see.
    city.upload_film("Breve", 60).await;
    wait_mid_transcode(&cluster).await;
    signal(worker, "-TERM");
    let child = cluster.children.iter_mut().find(|c| c.id() == worker).unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the worker did not stop after finishing its job");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "{status}");
    assert_eq!(cluster.count("select count(*) from job where state = 'done' and attempts = 1").await, 1, "the job in progress was finished, not abandoned");
}
