//! How long a failed sign-in takes for a name that does not exist and for a known name with a
//! wrong password (a report, not a test). Both run argon2 once — the test
//! `sign_in_timing::*::every_failed_sign_in_runs_argon2_once` proves that by counting; this
//! prints the times, so that a reviewer can see the two are within noise.
//! `cargo bench --bench sign_in` (`BENCH_SIGN_INS=N` rounds of each, default 60), on a fresh
//! SQLite database in a temporary folder.

use chrono::Duration;
use pleadesk::domain::Role;
use pleadesk::{auth, db, error::AppError, services::staff_auth};
use std::time::Instant;

fn figures(what: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    let mean = ms.iter().sum::<f64>() / ms.len() as f64;
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    println!(
        "{what:28} n={} mean {mean:.1} ms, median {:.1}, p10 {:.1}, p90 {:.1}, min {:.1}, max {:.1}",
        ms.len(),
        at(0.5),
        at(0.1),
        at(0.9),
        ms[0],
        ms[ms.len() - 1]
    );
}

fn main() {
    let rounds: usize = std::env::var("BENCH_SIGN_INS").ok().and_then(|v| v.parse().ok()).unwrap_or(60);
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let pool = db::connect(&url).expect("database");
    let mut conn = pool.get().expect("connection");
    db::migrate(&mut conn).expect("migrate");
    // Four failures per account, so that none reaches the lock-out.
    let accounts: Vec<String> = (0..rounds.div_ceil(4))
        .map(|i| {
            let name = format!("clerk-{i}");
            auth::add_user(&mut conn, &name, Role::Clerk).expect("user");
            name
        })
        .collect();
    let idle = Duration::minutes(30);
    let mut timed = |name: &str| {
        let t = Instant::now();
        let answer = staff_auth::sign_in(&mut conn, name, "not-the-password", idle);
        assert!(matches!(answer, Err(AppError::BadSignIn)), "{name}: {:?}", answer.map(|_| ()));
        t.elapsed().as_secs_f64() * 1000.0
    };
    let first = timed("nobody-first");
    let (mut unknown, mut wrong) = (Vec::new(), Vec::new());
    for i in 0..rounds {
        unknown.push(timed(&format!("nobody-{i}")));
        wrong.push(timed(&accounts[i / 4]));
    }
    figures("unknown name", unknown);
    figures("known name, wrong password", wrong);
    println!("first unknown name after start-up: {first:.1} ms");
}
