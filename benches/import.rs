//! Import throughput: generates 100,000 charge rows (about 50,000 citations), imports them into a
//! fresh database, then imports the same file again (all unchanged). Runs on SQLite always and on
//! PostgreSQL when PLEADESK_TEST_PG names a server. `cargo bench --bench import`
//! (`BENCH_ROWS=N` to change the size).
//!
//! SQLite runs twice in the same sitting: as shipped (`synchronous=FULL`, every commit synced)
//! and with `synchronous=NORMAL` (what PleaDesk used before issue 7), and prints the ratio — for
//! the import (one commit per 500 citations) and for single small commits like a plea's
//! (`BENCH_COMMITS=N`, default 2,000).

use diesel::{Connection, RunQueryDsl};
use pleadesk::db;
use pleadesk::domain::deadline::ResponseDueRule;
use pleadesk::import::{self, rows, ImportRules};
use std::fmt::Write;
use std::time::Instant;

const CODES: &[(&str, &str, u32)] = &[
    ("42-4-1101-C", "135.00", 4),
    ("42-4-604", "100.00", 4),
    ("42-4-1409", "500.00", 4),
    ("42-4-237", "65.00", 0),
    ("42-3-121", "50.00", 0),
];

fn generate(rows_wanted: usize) -> Vec<u8> {
    let mut out = String::with_capacity(rows_wanted * 260);
    out.push_str(&import::citations::COLUMNS.join(","));
    out.push('\n');
    let mut written = 0;
    let mut n = 0;
    while written < rows_wanted {
        n += 1;
        let charges = 1 + (n % 3).min(rows_wanted - written - 1);
        for seq in 1..=charges {
            let (code, fine, points) = CODES[(n + seq) % CODES.len()];
            let _ = writeln!(
                out,
                "BN-{n:07},DPD,2026-10-{day:02}T08:14:00-06:00,\"E Colfax Ave & N Grant St, Denver\",P{badge},2026-12-{court:02},Maria,Elena,Hernández-{n},19{yy:02}-04-12,{n} N Lafayette St,Apt 3,Denver,CO,80218,CO-09-{n:07},CO,P{n:06},CO,person{n}@example.org,303-555-0101,{lang},{seq},{code},{fine},{points}",
                day = 1 + n % 28,
                badge = n % 900,
                court = 1 + n % 28,
                yy = 40 + n % 60,
                lang = if n % 3 == 0 { "es" } else { "en" },
            );
            written += 1;
        }
    }
    out.into_bytes()
}

/// Rows per second of the first import, and single commits per second.
struct Rates {
    import: f64,
    commits: f64,
}

fn run(label: &str, url: &str, csv: &[u8], rows_count: usize, synchronous: Option<&str>) -> Rates {
    use diesel::connection::SimpleConnection;
    let pool = db::connect(url).expect("database");
    let mut conn = pool.get().expect("connection");
    if let Some(mode) = synchronous {
        conn.batch_execute(&format!("PRAGMA synchronous = {mode}")).expect("pragma");
    }
    db::migrate(&mut conn).expect("migrate");
    let offenses = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/offenses.csv")).unwrap();
    let offense_rows = rows::from_csv(&offenses, import::offenses::COLUMNS).unwrap();
    import::offenses::import(&mut conn, offense_rows).unwrap();
    let rules =
        ImportRules { court_tz: chrono_tz::America::Denver, response_due: ResponseDueRule::BeforeCourtDate(10) };
    let mut rates = Rates { import: 0.0, commits: 0.0 };
    for pass in ["first import", "same file again"] {
        let start = Instant::now();
        let parsed = rows::from_csv(csv, import::citations::COLUMNS).unwrap();
        let parse_secs = start.elapsed().as_secs_f64();
        let summary = import::citations::import(&mut conn, parsed, &rules, "cli").unwrap();
        let secs = start.elapsed().as_secs_f64();
        assert!(summary.rejected.is_empty(), "{:?}", &summary.rejected[..3.min(summary.rejected.len())]);
        println!(
            "{label:8} {pass:16} {rows_count} rows in {secs:6.2} s = {:>9.0} rows/s (CSV parse {parse_secs:.2} s; imported {}, unchanged {})",
            rows_count as f64 / secs,
            summary.imported,
            summary.unchanged
        );
        if rates.import == 0.0 {
            rates.import = rows_count as f64 / secs;
        }
    }
    let commits: usize = std::env::var("BENCH_COMMITS").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000);
    let start = Instant::now();
    for i in 0..commits {
        let event = pleadesk::audit::Event {
            actor: "cli",
            action: "bench.commit",
            subject_type: "bench",
            subject_id: "-",
            outcome: "ok",
            details: serde_json::json!({ "i": i }),
        };
        pleadesk::audit::record(&mut conn, &event).expect("commit");
    }
    let secs = start.elapsed().as_secs_f64();
    rates.commits = commits as f64 / secs;
    println!("{label:8} {commits} single-event commits in {secs:6.2} s = {:>9.0} commits/s", rates.commits);
    rates
}

fn main() {
    let rows_count: usize = std::env::var("BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let csv = generate(rows_count);
    println!("generated {rows_count} rows, {:.1} MB", csv.len() as f64 / 1e6);

    let dir = tempfile::tempdir().unwrap();
    let full = run("sqlite", &format!("sqlite://{}", dir.path().join("full.db").display()), &csv, rows_count, None);
    let normal = run(
        "sqlite/NORMAL",
        &format!("sqlite://{}", dir.path().join("normal.db").display()),
        &csv,
        rows_count,
        Some("NORMAL"),
    );
    println!(
        "synchronous=FULL vs NORMAL: import {:.2}x, single commits {:.2}x (throughput, FULL / NORMAL)",
        full.import / normal.import,
        full.commits / normal.commits
    );

    match std::env::var("PLEADESK_TEST_PG") {
        Ok(admin) if !admin.is_empty() => {
            let name = format!("pleadesk_bench_{}", std::process::id());
            let mut c = diesel::PgConnection::establish(&admin).expect("PostgreSQL at PLEADESK_TEST_PG");
            diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut c).unwrap();
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            run("postgres", &format!("{base}/{name}"), &csv, rows_count, None);
            diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut c).unwrap();
        }
        _ => println!("postgres skipped: set PLEADESK_TEST_PG to a server URL to measure it"),
    }
}
