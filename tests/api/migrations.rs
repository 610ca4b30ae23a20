use crate::helpers::{drop_pg_database, fresh_pg_database};
use diesel::connection::SimpleConnection;
use diesel_migrations::EmbeddedMigrations;
use pleadesk::db;

/// How many migrations ship (one folder each; both backends have the same ones).
fn shipped() -> usize {
    std::fs::read_dir(format!("{}/migrations/sqlite", env!("CARGO_MANIFEST_DIR"))).unwrap().count()
}

/// Every migration runs up, down and up again, leaving a working schema.
fn round_trip(url: &str) {
    let pool = db::connect(url).unwrap();
    let mut conn = pool.get().unwrap();
    let all = shipped();
    assert!(all >= 5);
    assert_eq!(db::migrate(&mut conn).unwrap(), all);
    conn.batch_execute("INSERT INTO court_holidays (day, name) VALUES ('2026-12-25', 'Christmas')").unwrap();
    assert_eq!(db::revert_all(&mut conn).unwrap(), all);
    assert!(conn.batch_execute("SELECT * FROM citations").is_err(), "tables are gone after down");
    assert_eq!(db::migrate(&mut conn).unwrap(), all);
    conn.batch_execute("SELECT email_status FROM letters; SELECT preferred_language FROM citations; SELECT id, citation_number, status FROM citations; SELECT hash, prev_hash FROM events; SELECT * FROM court_holidays; SELECT original_name FROM documents").unwrap();
    conn.batch_execute("SELECT token_hash, data, expires_at FROM drafts").unwrap();
    assert_eq!(db::migrate(&mut conn).unwrap(), 0);
}

#[test]
fn sqlite_migrations_go_up_down_and_up() {
    let dir = tempfile::tempdir().unwrap();
    round_trip(&format!("sqlite://{}", dir.path().join("m.db").display()));
}

#[test]
#[cfg_attr(not(pg_tests), ignore = "set PLEADESK_TEST_PG to a PostgreSQL server URL to run this")]
fn postgres_migrations_go_up_down_and_up() {
    let (url, admin, name) = fresh_pg_database();
    round_trip(&url);
    drop_pg_database(&admin, &name);
}

#[test]
fn both_backends_have_the_same_migrations() {
    let names = |b: &str| {
        let mut v: Vec<String> = std::fs::read_dir(format!("{}/migrations/{b}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names("sqlite"), names("postgres"));
}

/// Letters stored under the old type names (`offer`, `hearing`, `default`) take the names SPEC §3
/// gives them, in the column and in the data they are rendered from, when the renaming runs.
fn old_letter_type_names_are_renamed<C>(conn: &mut C, migrations: fn() -> EmbeddedMigrations, url: &str)
where
    C: diesel::Connection + diesel_migrations::MigrationHarness<C::Backend>,
    EmbeddedMigrations: diesel::migration::MigrationSource<C::Backend>,
{
    use diesel::prelude::*;
    conn.run_pending_migrations(migrations()).unwrap();
    let renaming = "20261129170000";
    while conn.applied_migrations().unwrap().iter().any(|v| v.to_string() == renaming) {
        conn.revert_last_migration(migrations()).unwrap();
    }
    for old in ["offer", "hearing", "default", "plea_form"] {
        conn.batch_execute(&format!(
            "INSERT INTO letters (letter_type, language, recipient, data, status, created_at) \
             VALUES ('{old}', 'en', '{{}}', '{{\"letter_id\":0,\"letter_type\":\"{old}\",\"language\":\"en\"}}', \
             'queued', '2026-11-29 12:00:00')"
        ))
        .unwrap();
    }
    conn.run_pending_migrations(migrations()).unwrap();
    let pool = db::connect(url).unwrap();
    let mut c = pool.get().unwrap();
    use pleadesk::db::schema::letters;
    let rows: Vec<(String, String)> =
        letters::table.order(letters::id).select((letters::letter_type, letters::data)).load(&mut c).unwrap();
    let names: Vec<&str> = rows.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(names, ["plea_offer", "hearing_notice", "default_notice", "plea_form"]);
    for (kind, data) in &rows {
        let data: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(data["letter_type"], kind.as_str(), "the stored data says the same");
        assert!(kind.parse::<pleadesk::domain::LetterType>().is_ok());
    }
}

#[test]
fn sqlite_letters_take_the_new_type_names() {
    use diesel::Connection;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    let mut conn = diesel::SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    old_letter_type_names_are_renamed(&mut conn, || db::SQLITE_MIGRATIONS, &format!("sqlite://{}", path.display()));
}

#[test]
#[cfg_attr(not(pg_tests), ignore = "set PLEADESK_TEST_PG to a PostgreSQL server URL to run this")]
fn postgres_letters_take_the_new_type_names() {
    use diesel::Connection;
    let (url, admin, name) = fresh_pg_database();
    let mut conn = diesel::PgConnection::establish(&url).unwrap();
    old_letter_type_names_are_renamed(&mut conn, || db::POSTGRES_MIGRATIONS, &url);
    drop(conn);
    drop_pg_database(&admin, &name);
}
