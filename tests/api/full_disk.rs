//! The data folder full or read-only (issue 10): requests that must write a file answer 503 with
//! a message and keep nothing half-done; the letters waiting to be written are retried later —
//! without using up their attempts, however long it lasts — and written once there is room.
//! The data folder is a small file system of the test's own (tmpfs, mounted as root).

use crate::helpers::{spawn, Backend, TestApp};
use chrono::Duration;
use pleadesk::domain::Role;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs of `size` mounted on a fresh folder; unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> SmallDisk {
        let dir = tempfile::tempdir().unwrap();
        mount(&["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs", &dir.path().display().to_string()]);
        SmallDisk { dir }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// Fills what is left with one file; its path.
    fn fill(&self) -> PathBuf {
        use std::io::Write;
        let filler = self.dir.path().join("filler");
        let mut f = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 4096];
        while f.write_all(&chunk).and_then(|_| f.sync_all()).is_ok() {}
        filler
    }

    fn read_only(&self, yes: bool) {
        let mode = if yes { "remount,ro" } else { "remount,rw" };
        mount(&["-o", mode, &self.dir.path().display().to_string()]);
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}

fn mount(args: &[&str]) {
    let out = Command::new("mount").args(args).output().expect("mount runs");
    assert!(out.status.success(), "mount {args:?} (the test runs as root): {}", String::from_utf8_lossy(&out.stderr));
}

/// A guilty plea on the API; the id of its receipt letter.
async fn plead(app: &TestApp, number: &str, dob: &str, charges: &[i32]) -> i64 {
    let body = json!({
        "citation_number": number, "date_of_birth": dob,
        "pleas": charges.iter().map(|s| json!({"charge_seq": s, "plea": "guilty"})).collect::<Vec<_>>(),
        "language": "en", "signature_name": "Signed", "attest": true
    });
    let r = app.client.post(app.url("/api/v1/public/pleas")).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 201, "a plea needs no file: it is taken ({:?})", r.text().await);
    r.json::<Value>().await.unwrap()["letter_id"].as_i64().expect("a receipt letter")
}

/// Runs the worker `passes` times, a few minutes apart from `from` on.
async fn work(app: &TestApp, from: chrono::NaiveDateTime, passes: i64) {
    for i in 0..passes {
        app.run_jobs_at(from + Duration::minutes(3 * i)).await;
    }
}

/// The letter-rendering jobs with `status`, as staff see them.
async fn render_jobs(app: &TestApp, admin: &str, status: &str) -> Vec<Value> {
    let r: Value = app.get(admin, &format!("/api/v1/jobs?status={status}")).await.json().await.unwrap();
    r["jobs"].as_array().unwrap().iter().filter(|j| j["kind"] == "render_letter").cloned().collect()
}

/// Every answer that had to store a file while the disk could not take it.
async fn refused_uploads(app: &TestApp, clerk: &str) {
    let r = crate::scans::upload(app, clerk, vec![(crate::console_scans::blank_png(), "blank.png")]).await;
    let body = crate::helpers::error_body(r, 503, "unavailable").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("cannot store files"), "{body}");
}

async fn a_full_or_read_only_data_folder_refuses_files_with_503_and_letters_wait(backend: Backend) {
    let disk = SmallDisk::mount("2m");
    let data = disk.path().join("data");
    let app = spawn(backend, &[("PLEADESK_DATA_DIR", &data.display().to_string())]).await;
    app.with_current_samples().await;
    let clerk = app.token(Role::Clerk).await;
    let admin = app.token(Role::Admin).await;
    let now = pleadesk::db::now();
    let documents = || {
        app.with_db(|c| {
            use diesel::prelude::*;
            pleadesk::db::schema::documents::table.count().get_result::<i64>(c).unwrap()
        })
    };
    let before = documents().await;

    // Full.
    let filler = disk.fill();
    let first = plead(&app, "DV-2026-000103", "1992-07-01", &[1, 2]).await;
    refused_uploads(&app, &clerk).await;
    // Ten passes over half an hour: more than the render job's attempts, and none is used up.
    work(&app, now, 10).await;
    assert!(render_jobs(&app, &admin, "parked").await.is_empty(), "the letter is not parked");
    let waiting = render_jobs(&app, &admin, "queued").await;
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(waiting[0]["attempts"], 0, "no attempt used up: {}", waiting[0]);
    assert!(waiting[0]["last_error"].as_str().unwrap().contains("cannot store files"), "{}", waiting[0]);
    // Room again: the letter is written on the next pass.
    std::fs::remove_file(&filler).unwrap();
    work(&app, now + Duration::minutes(40), 1).await;
    assert!(render_jobs(&app, &admin, "queued").await.is_empty());
    assert_eq!(app.get(&clerk, &format!("/api/v1/letters/{first}/pdf")).await.status(), 200);

    // Read-only.
    disk.read_only(true);
    let second = plead(&app, "DV-2026-000104", "2001-02-19", &[1, 2]).await;
    refused_uploads(&app, &clerk).await;
    work(&app, now + Duration::minutes(50), 3).await;
    assert_eq!(render_jobs(&app, &admin, "queued").await.len(), 1, "the letter waits");
    disk.read_only(false);
    work(&app, now + Duration::minutes(70), 1).await;
    assert!(render_jobs(&app, &admin, "queued").await.is_empty());
    assert!(render_jobs(&app, &admin, "parked").await.is_empty());
    assert_eq!(app.get(&clerk, &format!("/api/v1/letters/{second}/pdf")).await.status(), 200);

    // Nothing half-done: no document row without its file, no temporary file left.
    assert_eq!(documents().await, before, "the refused uploads left no document");
    assert!(no_partial_files(&data), "no temporary file is left in the data folder");
}

fn no_partial_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().flatten().all(|e| {
        let p = e.path();
        if p.is_dir() {
            no_partial_files(&p)
        } else {
            !p.file_name().unwrap().to_string_lossy().ends_with(".partial")
        }
    })
}

#[actix_web::test]
#[cfg_attr(not(can_mount), ignore = "run as root to mount the small file system this needs")]
async fn sqlite_a_full_or_read_only_data_folder() {
    a_full_or_read_only_data_folder_refuses_files_with_503_and_letters_wait(Backend::Sqlite).await;
}

#[actix_web::test]
#[cfg_attr(any(not(can_mount), not(pg_tests)), ignore = "run as root, with PLEADESK_TEST_PG set")]
async fn postgres_a_full_or_read_only_data_folder() {
    a_full_or_read_only_data_folder_refuses_files_with_503_and_letters_wait(Backend::Postgres).await;
}
