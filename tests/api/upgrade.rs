//! Upgrading a database that holds data: the schema of the previous release is built with
//! its own migrations, filled, and then brought up to date by `Db::migrate`, on SQLite (where
//! 0005 rebuilds `civic_call`, `work` and every table that points at `work`) and PostgreSQL.

use crate::helpers::PgTestDb;
use piazza::db::{Backend, Db};
use sqlx::Row;

/// Runs only the migrations before `first_new` from `dir`, as the previous release did.
async fn migrate_until(db: &Db, dir: &str, first_new: &str) {
    let old = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let name = entry.file_name().into_string().unwrap();
        if name.as_str() < first_new {
            std::fs::copy(entry.path(), old.path().join(&name)).unwrap();
        }
    }
    sqlx::migrate::Migrator::new(old.path()).await.unwrap().run(&db.pool).await.unwrap();
}

async fn exec(db: &Db, sql: &str) {
    sqlx::query(sql).execute(&db.pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(&db.pool).await.unwrap().get::<i64, _>(0)
}

async fn data_survives_the_calls_and_curation_migration(db: &Db, dir: &str) {
    migrate_until(db, dir, "0005").await;
    exec(db, "insert into app_user (id, email, name, role, password_hash, created_at, updated_at, email_verified_at)
              values ('u1', 'anna@example.org', 'Anna', 'citizen', 'x', 1, 1, 1), ('c1', 'cura@example.org', 'Cura', 'curator', 'x', 1, 1, 1)").await;
    exec(db, "insert into civic_call (id, slug, title, description, question, kinds, opens_at, closes_at, state, created_by, created_at, updated_at, max_works_per_person)
              values ('k1', 'fiume', 'Il fiume', '', 'Che cosa?', 'poem,photo', 1, 9999999999999, 'open', 'c1', 1, 1, 3)").await;
    exec(db, "insert into work (id, call_id, author_id, kind, title, description, alt_text, licence, status, body_text, body_html, published_at, created_at, updated_at)
              values ('w1', 'k1', 'u1', 'poem', 'Acqua', '', '', 'cc0-1.0', 'published', 'acqua', '<p>acqua</p>', 5, 2, 5)").await;
    exec(db, "insert into rendition (work_id, name, mime, width, height, size_bytes, sha256, storage_key, created_at)
              values ('w1', 'w320.webp', 'image/webp', 320, 200, 10, 'ab', 'works/w1/ab/w320.webp', 3)").await;
    exec(db, "insert into work_reply (work_id, author_id, body, created_at, updated_at) values ('w1', 'c1', 'Grazie', 6, 6)").await;
    exec(db, "insert into appreciation (work_id, user_id, created_at) values ('w1', 'c1', 7)").await;
    exec(db, "insert into work_report (work_id, user_id, reason, created_at) values ('w1', 'c1', 'prova', 8)").await;

    db.migrate().await.expect("the new migrations apply to a database with data");

    let row = sqlx::query("select title, status, body_html, revision, shortlisted_at from work where id = 'w1'").fetch_one(&db.pool).await.unwrap();
    assert_eq!(row.get::<String, _>("title"), "Acqua");
    assert_eq!(row.get::<String, _>("status"), "published");
    assert_eq!(row.get::<String, _>("body_html"), "<p>acqua</p>");
    assert_eq!(row.get::<i64, _>("revision"), 1);
    assert!(row.get::<Option<i64>, _>("shortlisted_at").is_none());
    let call = sqlx::query("select max_works_per_person, licences, alt_text_required, state from civic_call where id = 'k1'").fetch_one(&db.pool).await.unwrap();
    assert_eq!(call.get::<Option<i64>, _>("max_works_per_person"), Some(3));
    assert_eq!(call.get::<String, _>("licences"), "cc-by-4.0,cc-by-sa-4.0,cc0-1.0,all-rights-reserved", "existing calls offer every licence");
    assert_eq!(call.get::<i64, _>("alt_text_required"), 1);
    for table in ["rendition", "work_reply", "appreciation", "work_report"] {
        assert_eq!(count(db, &format!("select count(*) from {table}")).await, 1, "{table} kept its row");
    }
    assert_eq!(count(db, "select count(*) from reason_template").await, 5, "the ready-made reasons are there");
    if db.backend == Backend::Sqlite {
        assert_eq!(count(db, "select count(*) from pragma_foreign_key_check").await, 0, "every reference points at a live table");
    }
    // The new states are accepted, and the children still cascade from the rebuilt `work`.
    exec(db, "update work set status = 'changes_requested' where id = 'w1'").await;
    exec(db, "update civic_call set state = 'results' where id = 'k1'").await;
    exec(db, "delete from work where id = 'w1'").await;
    for table in ["rendition", "work_reply", "appreciation", "work_report"] {
        assert_eq!(count(db, &format!("select count(*) from {table}")).await, 0, "{table} cascades from work");
    }
    let bad = sqlx::query("update civic_call set state = 'forgotten' where id = 'k1'").execute(&db.pool).await;
    assert!(bad.is_err(), "the state check is still there");
}

#[tokio::test]
async fn sqlite_upgrades_with_data() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("piazza.db").display());
    let db = Db::connect(&url, 1).await.unwrap();
    data_survives_the_calls_and_curation_migration(&db, "migrations/sqlite").await;
    db.pool.close().await;
}

#[tokio::test]
async fn postgres_upgrades_with_data() {
    let Some((_pg, url)) = PgTestDb::create().await else { return };
    let db = Db::connect(&url, 2).await.unwrap();
    data_survives_the_calls_and_curation_migration(&db, "migrations/postgres").await;
    db.pool.close().await;
}
