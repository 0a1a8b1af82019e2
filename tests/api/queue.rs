//! The job queue's contract, on both databases: leases, fencing, one live job per work,
//! no job claimed twice.

use crate::both_without_jobs;
use crate::helpers::TestApp;
use piazza::db::jobs::{self, TASK_PROCESS_WORK};
use piazza::db::works::{self, NewWork, Processed};
use piazza::domain::{Kind, Licence, Role};
use std::collections::HashSet;

async fn text_work(app: &TestApp, call_id: &str, author_id: &str, title: &str) -> String {
    let id = piazza::db::new_id();
    let work = NewWork {
        id: id.clone(),
        call_id: call_id.to_owned(),
        author_id: author_id.to_owned(),
        kind: Kind::Poem,
        title: title.to_owned(),
        description: String::new(),
        alt_text: String::new(),
        licence: Licence::Cc0,
        body_text: Some(format!("versi di {title}")),
        original: None,
        transcript: None,
        captions: None,
        desk: None,
    };
    works::insert_with_job(&app.state.db, &work, 5).await.unwrap();
    id
}

async fn setup(app: &TestApp) -> (String, String) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let call = app.open_call(&curator, "coda", &["poem"]).await;
    (call["id"].as_str().unwrap().to_owned(), curator.id)
}

async fn a_stale_worker_cannot_overwrite_a_newer_result(app: &TestApp) {
    let (call, author) = setup(app).await;
    let id = text_work(app, &call, &author, "uno").await;
    let db = &app.state.db;
    let stale = jobs::claim(db, 1).await.unwrap().expect("a job to claim");
    // The 1 ms lease expires at the database's next millisecond: claim until it is rescued.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let fresh = loop {
        if let Some(job) = jobs::claim(db, 60_000).await.unwrap() {
            break job;
        }
        assert!(std::time::Instant::now() < deadline, "the expired lease is rescued");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    };
    assert_eq!(stale.id, fresh.id);
    assert_eq!(fresh.attempts, 2);
    assert!(!jobs::heartbeat(db, &stale, 60_000, 50).await.unwrap(), "the stale worker learns it lost the lease");
    let newer = Processed { body_html: Some("<p>newer</p>".into()), ..Processed::default() };
    assert!(works::finish_processing(db, &fresh, &newer).await.unwrap().is_some());
    let older = Processed { body_html: Some("<p>older</p>".into()), ..Processed::default() };
    assert!(works::finish_processing(db, &stale, &older).await.unwrap().is_none(), "late completion refused");
    assert!(!works::fail_processing(db, &stale, "x", "y").await.unwrap(), "late failure refused");
    let work = works::find(db, &id).await.unwrap().unwrap();
    assert_eq!(work.body_html.as_deref(), Some("<p>newer</p>"));
    assert_eq!(work.status.as_str(), "pending_review");
    assert!(jobs::claim(db, 60_000).await.unwrap().is_none(), "nothing left to run");
}
both_without_jobs!(a_stale_worker_cannot_overwrite_a_newer_result, a_stale_worker_cannot_overwrite_a_newer_result);

async fn a_work_has_at_most_one_live_job(app: &TestApp) {
    let (call, author) = setup(app).await;
    let id = text_work(app, &call, &author, "due").await;
    let mut tx = app.state.db.pool.begin().await.unwrap();
    jobs::enqueue(&mut tx, TASK_PROCESS_WORK, &id, 5).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(jobs::count_live(&app.state.db).await.unwrap(), 1);
    app.leaves_jobs(1, "no runner: the one queued job is what this test looks at");
}
both_without_jobs!(a_work_has_at_most_one_live_job, a_work_has_at_most_one_live_job);

async fn concurrent_claimers_never_share_a_job(app: &TestApp) {
    let (call, author) = setup(app).await;
    for i in 0..40 {
        text_work(app, &call, &author, &format!("opera {i}")).await;
    }
    let mut claimers = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let db = app.state.db.clone();
        claimers.spawn(async move {
            let mut mine = Vec::new();
            while let Some(job) = jobs::claim(&db, 60_000).await.expect("claim never fails with 'database is locked'") {
                mine.push(job.id);
                let done = works::finish_processing(&db, &job, &Processed::default()).await.expect("finish");
                assert!(done.is_some());
            }
            mine
        });
    }
    let mut all = Vec::new();
    while let Some(mine) = claimers.join_next().await {
        all.extend(mine.unwrap());
    }
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), 40, "every job claimed once");
    assert_eq!(unique.len(), 40, "no job claimed twice");
}
both_without_jobs!(concurrent_claimers_never_share_a_job, concurrent_claimers_never_share_a_job);

async fn transient_failures_are_retried_and_keep_their_error(app: &TestApp) {
    let (call, author) = setup(app).await;
    text_work(app, &call, &author, "tre").await;
    let db = &app.state.db;
    let job = jobs::claim(db, 60_000).await.unwrap().unwrap();
    assert!(jobs::retry_later(db, &job, "media store: timeout", 60_000).await.unwrap());
    assert!(jobs::claim(db, 60_000).await.unwrap().is_none(), "backoff: not runnable yet");
    use sqlx::Row;
    let row = sqlx::query("select state, last_error, attempts from job where id = $1").bind(job.id).fetch_one(&db.pool).await.unwrap();
    assert_eq!(row.get::<String, _>("state"), "queued");
    assert_eq!(row.get::<String, _>("last_error"), "media store: timeout");
    assert_eq!(row.get::<i64, _>("attempts"), 1);
    sqlx::query("update job set run_after = 0 where id = $1").bind(job.id).execute(&db.pool).await.unwrap();
    let again = jobs::claim(db, 60_000).await.unwrap().expect("runnable after the delay");
    assert_eq!(again.attempts, 2);
    assert!(works::finish_processing(db, &again, &Processed::default()).await.unwrap().is_some(), "the retry completes");
}
both_without_jobs!(transient_failures_are_retried_and_keep_their_error, transient_failures_are_retried_and_keep_their_error);

async fn the_reconciler_requeues_works_stuck_without_a_job(app: &TestApp) {
    let (call, author) = setup(app).await;
    let id = text_work(app, &call, &author, "persa").await;
    let db = &app.state.db;
    // The job vanished (an operator deleted it, a restore from an older backup...).
    sqlx::query("delete from job where work_id = $1").bind(&id).execute(&db.pool).await.unwrap();
    sqlx::query("update work set updated_at = 0 where id = $1").bind(&id).execute(&db.pool).await.unwrap();
    assert_eq!(piazza::jobs::maintenance::reconcile_once(&app.state, 60_000).await.unwrap(), 1);
    assert_eq!(jobs::count_live(db).await.unwrap(), 1);
    assert_eq!(piazza::jobs::maintenance::reconcile_once(&app.state, 0).await.unwrap(), 0, "a live job is enough");
    assert!(piazza::jobs::run_one(&app.state).await.unwrap());
    assert_eq!(works::find(db, &id).await.unwrap().unwrap().status.as_str(), "pending_review");
}
both_without_jobs!(the_reconciler_requeues_works_stuck_without_a_job, the_reconciler_requeues_works_stuck_without_a_job);

async fn the_sweeper_removes_orphans_and_keeps_what_is_referenced(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "pulizie", &["photo"]).await;
    let id = app
        .submit_ok(&anna, &[("call", "pulizie"), ("kind", "photo"), ("title", "Resta"), ("licence", "cc0-1.0"), ("alt_text", "una foto")], Some(("a.jpg", crate::media_fixtures::jpeg(300, 200))))
        .await;
    assert!(piazza::jobs::run_one(&app.state).await.unwrap());
    let store = &app.state.store;
    let dir = tempfile::tempdir().unwrap();
    for key in ["originals/0000dead", "works/0000dead/abcdef0123456789/w320.webp", &format!("works/{id}/ffffffffffffffff/w320.webp")] {
        let path = dir.path().join("x");
        std::fs::write(&path, b"left behind").unwrap();
        store.put_file(key, &path).await.unwrap();
    }
    std::fs::write(app.state.config.tmp_dir().join("upload-crashed"), b"half").unwrap();
    let before: Vec<String> = store.list("").await.unwrap().into_iter().map(|o| o.key).collect();
    // A negative grace makes everything old enough.
    let report = piazza::jobs::maintenance::sweep_once(&app.state, -60_000).await.unwrap();
    assert_eq!(report.orphan_objects, 3, "{report:?}");
    assert_eq!(report.temp_files, 1);
    let mut after: Vec<String> = store.list("").await.unwrap().into_iter().map(|o| o.key).collect();
    after.sort();
    let mut expected: Vec<String> = piazza::db::works::rendition_keys(&app.state.db, &id).await.unwrap();
    expected.push(format!("originals/{id}"));
    expected.sort();
    assert_eq!(after, expected, "kept exactly the original and the recorded renditions (before: {before:?})");
}
both_without_jobs!(the_sweeper_removes_orphans_and_keeps_what_is_referenced, the_sweeper_removes_orphans_and_keeps_what_is_referenced);
