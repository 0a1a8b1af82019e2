//! The `piazza` binary itself: demo, serve, SIGTERM, reindex, users and tokens.

use crate::helpers::PgTestDb;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn piazza(data_dir: &Path, database_url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_piazza"));
    cmd.env("PIAZZA_DATA_DIR", data_dir)
        .env("PIAZZA_DATABASE_URL", database_url)
        .env("PIAZZA_BIND", "127.0.0.1:0")
        .env("PIAZZA_LOG", "info")
        .env_remove("PIAZZA_CONFIG");
    cmd
}

fn run_ok(mut cmd: Command) -> String {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Starts `piazza serve` and returns it with the address it reports.
fn serve(data_dir: &Path, database_url: &str) -> (Running, String) {
    let mut child = piazza(data_dir, database_url).arg("serve").stderr(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if !sent && line.contains("piazza is listening") {
                let addr = line.split("address=").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();
                tx.send(addr).unwrap();
                sent = true;
            }
        }
    });
    let addr = rx.recv_timeout(Duration::from_secs(60)).expect("serve reports its address");
    (Running(Some(child)), format!("http://{addr}"))
}

/// Kills the server if a test fails before stopping it.
struct Running(Option<Child>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn terminate(mut running: Running) -> std::process::ExitStatus {
    let mut child = running.0.take().unwrap();
    let pid = child.id() as i32;
    Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "serve did not stop within 20 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

async fn search_titles(base: &str, q: &str) -> Vec<String> {
    let body: serde_json::Value = reqwest::get(format!("{base}/api/v1/search?q={q}")).await.unwrap().json().await.unwrap();
    body["results"].as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap().to_owned()).collect()
}

async fn wait_for_titles(base: &str, q: &str, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if search_titles(base, q).await.iter().any(|t| t == want) {
            return;
        }
        assert!(Instant::now() < deadline, "{want:?} not found by {q:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every work page the home page links to.
async fn work_pages(base: &str, home: &str) -> Vec<String> {
    let mut pages = Vec::new();
    for id in home.split("href=\"/works/").skip(1).map(|s| s.split('"').next().unwrap().to_owned()) {
        pages.push(reqwest::get(format!("{base}/works/{id}")).await.unwrap().text().await.unwrap());
    }
    pages
}

async fn demo_serve_sigterm_and_index_recovery(database_url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("media-samples");
    let first = run_ok({
        let mut c = piazza(dir.path(), database_url);
        c.arg("demo").arg("--samples").arg(&samples);
        c
    });
    assert!(first.contains("6 new works") && first.contains("6 published"), "{first}");
    let second = run_ok({
        let mut c = piazza(dir.path(), database_url);
        c.arg("demo").arg("--samples").arg(&samples);
        c
    });
    assert!(second.contains("0 new works"), "demo is idempotent: {second}");

    let (child, base) = serve(dir.path(), database_url);
    let home = reqwest::get(format!("{base}/")).await.unwrap().text().await.unwrap();
    for title in ["Il fiume conosce i nomi", "La piazza di sera", "Tramonto sul Nera", "La fontana"] {
        assert!(home.contains(title), "home shows {title}");
    }
    // The demo call shows what curators do: a cover, featured works, the city's reply.
    let call = reqwest::get(format!("{base}/calls/la-voce-del-fiume")).await.unwrap().text().await.unwrap();
    assert!(call.contains("class=\"cover\"") && call.contains("In evidenza"), "{call}");
    let cover = call.split("class=\"cover\" src=\"").nth(1).unwrap().split('"').next().unwrap();
    assert_eq!(reqwest::get(format!("{base}{cover}")).await.unwrap().status(), 200);
    let pages = work_pages(&base, &home).await;
    assert!(pages.iter().any(|page| page.contains("L&#x27;Assessorato alla Cultura") || page.contains("L'Assessorato alla Cultura")), "a demo work has the city's reply");
    wait_for_titles(&base, "fiumi", "Il fiume conosce i nomi").await;
    let status = terminate(child);
    assert!(status.success(), "graceful shutdown exits 0, got {status}");

    // The index is lost: serve rebuilds it from the database.
    std::fs::remove_dir_all(dir.path().join("search-index")).unwrap();
    let (child, base) = serve(dir.path(), database_url);
    wait_for_titles(&base, "tramonto", "Tramonto sul Nera").await;
    assert!(terminate(child).success());

    // The index is corrupt: it is discarded and rebuilt, published works only.
    for entry in std::fs::read_dir(dir.path().join("search-index")).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() == "meta.json" {
            std::fs::File::create(&path).unwrap().write_all(b"{ not json").unwrap();
        }
    }
    let (child, base) = serve(dir.path(), database_url);
    wait_for_titles(&base, "fontana", "La fontana").await;
    assert!(terminate(child).success());

    let out = run_ok({
        let mut c = piazza(dir.path(), database_url);
        c.arg("reindex");
        c
    });
    assert!(out.contains("6 published works"), "{out}");
    let url = if database_url.is_empty() { format!("sqlite://{}?mode=rwc", dir.path().join("piazza.db").display()) } else { database_url.to_owned() };
    let db = piazza::db::Db::connect(&url, 1).await.unwrap();
    crate::helpers::check_jobs_left(&db, None).await;
    db.pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_serve_sigterm_and_index_recovery_sqlite() {
    demo_serve_sigterm_and_index_recovery("").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_serve_sigterm_and_index_recovery_postgres() {
    if let Some((_db, url)) = PgTestDb::create().await {
        demo_serve_sigterm_and_index_recovery(&url).await;
    }
}

#[test]
fn users_and_tokens_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_ok({
        let mut c = piazza(dir.path(), "");
        c.args(["user", "add", "--email", "Giulia@Comune.example", "--name", "Giulia", "--role", "curator"]);
        c
    });
    assert!(out.contains("giulia@comune.example") && out.contains("password: "), "{out}");
    let mut child = piazza(dir.path(), "")
        .args(["user", "add", "--email", "anna@example.org", "--name", "Anna", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"una-password-lunga\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("password:"), "a given password is not echoed");
    let dup = piazza(dir.path(), "").args(["user", "add", "--email", "anna@example.org", "--name", "Anna"]).output().unwrap();
    assert!(!dup.status.success());
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already exists"));
    let token = run_ok({
        let mut c = piazza(dir.path(), "");
        c.args(["token", "create", "--email", "giulia@comune.example"]);
        c
    });
    assert!(token.trim().len() >= 40);
    let bad = piazza(dir.path(), "").env("PIAZZA_JOB_CONCURRENCY", "0").arg("migrate").output().unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("PIAZZA_JOB_CONCURRENCY"), "config errors name the variable");
}

#[test]
fn media_process_runs_the_engine_on_one_file_and_prints_json() {
    let dir = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("media-samples");
    for (file, kind, expect) in [("tramonto-sul-nera.jpg", "photo", "w320.webp"), ("la-fontana.mp4", "film", "web.mp4")] {
        let out_dir = dir.path().join(kind);
        let out = Command::new(env!("CARGO_BIN_EXE_piazza"))
            .args(["media", "process"])
            .arg(samples.join(file))
            .args(["--kind", kind, "--out"])
            .arg(&out_dir)
            .env("PIAZZA_DATA_DIR", dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["ok"], true, "{json}");
        assert!(out_dir.join(expect).exists());
    }
    let playlist = dir.path().join("video.mp4");
    std::fs::write(&playlist, "#EXTM3U\n#EXTINF:1,\n/etc/passwd\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_piazza"))
        .args(["media", "process"])
        .arg(&playlist)
        .args(["--kind", "film", "--out"])
        .arg(dir.path().join("x"))
        .env("PIAZZA_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a refusal exits 2");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(json["error"], "unsupported_format");
    assert_eq!(json["class"], "permanent");
}
