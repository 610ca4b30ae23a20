use crate::helpers::{drop_pg_database, fresh_pg_database};
use diesel::connection::SimpleConnection;
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
