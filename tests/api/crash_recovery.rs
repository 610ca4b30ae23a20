//! After a crash (issue 10): `serve`'s start-up sweep clears what a killed process left in the
//! data folder, a mail run committed but not yet renamed into place is finished, and the jobs a
//! dead worker of this machine held are taken up at once rather than when their leases run out.
//! A test cannot kill itself halfway through a write: each test makes, with the real commands,
//! the state such a kill leaves, then restarts the real binary. `scripts/chaos` kills the real
//! server under load.

use crate::helpers::TestApp;
use crate::on_both_backends;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

/// `pleadesk serve` on the test's database and data folder, stopped (SIGTERM) as soon as it
/// answers: a restart after a crash. Returns what it logged.
fn restart(app: &TestApp) -> String {
    let log = app.data_dir.path().join("restart.log");
    let mut child = app
        .cli()
        .args(["serve"])
        .env("PLEADESK_BIND", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("pleadesk serve starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines().map_while(Result::ok);
    let port = lines.find_map(|l| l.split("listening on port ").nth(1).map(|p| p.trim_end_matches(')').to_string()));
    let port = port.unwrap_or_else(|| panic!("serve started: {}", std::fs::read_to_string(&log).unwrap()));
    // Answering requests: its signal handling is in place.
    assert!(answers_health(&port), "serve answers");
    let status = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    lines.for_each(drop); // what it prints as it stops
    assert!(child.wait().unwrap().success());
    std::fs::read_to_string(&log).unwrap()
}

/// `GET /healthz` answers 200 on 127.0.0.1:`port`.
fn answers_health(port: &str) -> bool {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    stream.write_all(b"GET /healthz HTTP/1.0\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200")
}

async fn plead(app: &TestApp, number: &str, born: &str) -> Value {
    let body = json!({
        "citation_number": number, "date_of_birth": born, "pleas": [{"charge_seq": 1, "plea": "guilty"}],
        "signature_name": "A. Resident", "attest": true
    });
    let resp = app.client.post(app.url("/api/v1/public/pleas")).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 201);
    resp.json().await.unwrap()
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// A render killed after its file was written but before the letter recorded it, another killed
/// while writing, a scan upload killed before its document was recorded (its file and its page
/// images stored): the next start-up removes the unfinished file, sets the orphans aside and
/// drops the page images; the letter is rendered again. Files a live process holds — one being
/// written, one written and about to be recorded — are left alone.
async fn the_start_up_sweep_clears_what_a_killed_process_left(app: TestApp) {
    let clerk = app.with_current_samples().await;
    let id = plead(&app, "DV-2026-000102", "1975-11-30").await["letter_id"].as_i64().unwrap();
    let data = app.data_dir.path().join("data");
    let letter = data.join(format!("letters/0000/letter-{id}.pdf"));
    write(&letter, b"%PDF-1.7 a render its process did not record");
    let unfinished = data.join(format!("letters/0000/.letter-{id}.pdf.00112233aabbccdd.partial"));
    write(&unfinished, b"%PDF-1.7 half");
    let (scanned, shown) = ("ab".repeat(32), "cd".repeat(32));
    let scan = data.join(format!("scans/ab/{scanned}.pdf"));
    write(&scan, b"%PDF-1.4 a scan no document names");
    write(&data.join(format!("scans/pages/{shown}/1-page.jpg")), b"an image");
    // A live writer's files, held by this process.
    let being_written = pleadesk::storage::TempFile::beside(&data.join("letters/0000/letter-999999.pdf")).unwrap();
    let about_to_be_recorded = data.join(format!("evidence/ef/{}.png", "ef".repeat(32)));
    let held = pleadesk::storage::write_durably(&about_to_be_recorded, b"an upload").unwrap();

    let logged = restart(&app);
    assert!(logged.contains("start-up sweep"), "{logged}");
    assert!(!unfinished.exists(), "the unfinished file is removed");
    // Moved out of the way (the restarted worker may have rendered the letter since).
    let set_aside = std::fs::read(data.join(format!("orphaned/letters/0000/letter-{id}.pdf"))).unwrap();
    assert_eq!(set_aside, b"%PDF-1.7 a render its process did not record");
    assert!(!scan.exists() && data.join(format!("orphaned/scans/ab/{scanned}.pdf")).exists());
    assert!(!data.join(format!("scans/pages/{shown}")).exists(), "page images of no document are removed");
    assert!(being_written.temp_path().exists(), "a file being written is left to its writer");
    assert!(about_to_be_recorded.exists(), "a file about to be recorded is left to its writer");
    drop((being_written, held));

    // The letter's job is still queued: it is rendered and stored as if nothing had happened.
    app.run_jobs().await;
    let pdf = app.get(&clerk, &format!("/api/v1/letters/{id}/pdf")).await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(std::fs::read(&letter).unwrap(), pdf.bytes().await.unwrap().as_ref());
}

/// A mail run whose letters were marked printed but whose file was not renamed into place (here
/// the rename fails: a folder stands at the output's name; a kill between the commit and the
/// rename leaves the same): the next start-up puts the finished run in place, so no letter stays
/// marked printed without its PDF.
async fn a_mail_run_committed_but_not_in_place_is_finished_at_start_up(app: TestApp) {
    let clerk = app.with_samples().await;
    for number in ["DV-2026-000102", "DV-2026-000104"] {
        let resp =
            app.post_json(&clerk, &format!("/api/v1/citations/{number}/letters"), &json!({"type": "plea_form"})).await;
        assert_eq!(resp.status(), 201);
    }
    let folder = app.data_dir.path().join("runs");
    let out = folder.join("run.pdf");
    std::fs::create_dir_all(&out).unwrap();
    let cmd = app.cli().args(["letters", "print", "--out", out.to_str().unwrap()]).output().unwrap();
    assert_eq!(cmd.status.code(), Some(1), "{cmd:?}");
    assert!(String::from_utf8_lossy(&cmd.stderr).contains("marked printed"), "{cmd:?}");
    let printed: Value = app.get(&clerk, "/api/v1/letters?status=printed").await.json().await.unwrap();
    assert_eq!(printed["letters"].as_array().unwrap().len(), 2, "the commit happened");

    std::fs::remove_dir(&out).unwrap();
    // Another node starting now (its own data folder, the same database) leaves the run to the
    // node that wrote it: on another machine it would find neither of its files, and must not
    // report its letters as needing to be printed again.
    let other = crate::helpers::spawn_at(app.database_url.clone(), &[]).await;
    assert!(!out.exists(), "another node does not finish this node's mail run");
    drop(other);
    restart(&app);
    let run = std::fs::read(&out).expect("the mail run is in place");
    let pages = lopdf::Document::load_mem(&run).expect("a whole PDF").get_pages().len();
    assert!(pages >= 2, "both letters: {pages} pages");
    let names: Vec<String> =
        std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec!["run.pdf".to_string()], "no temporary file is left");
    // Finished once: a later start-up leaves it as it is.
    restart(&app);
    assert_eq!(std::fs::read(&out).unwrap(), run);
}

/// A job claimed by a worker of this machine whose process is gone is put back in the queue
/// when a worker starts, instead of waiting out its five-minute lease; a live worker's job is
/// left to it.
async fn jobs_of_a_dead_worker_of_this_machine_are_taken_up_at_once(app: TestApp) {
    app.with_current_samples().await;
    let letters = [
        plead(&app, "DV-2026-000101", "1988-04-12").await["letter_id"].as_i64().unwrap(),
        plead(&app, "DV-2026-000102", "1975-11-30").await["letter_id"].as_i64().unwrap(),
    ];
    let host = app.worker.name.rsplit_once('-').unwrap().0.to_string();
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    let (dead_worker, live_worker) = (format!("{host}-{dead}"), format!("{host}-{}", std::process::id()));
    app.with_db(move |c| {
        let now = pleadesk::db::now();
        pleadesk::jobs::queue::claim(c, &dead_worker, now).unwrap().expect("the first render job");
        pleadesk::jobs::queue::claim(c, &live_worker, now).unwrap().expect("the second render job");
    })
    .await;
    assert_eq!(app.run_jobs().await.done, 0, "both jobs are leased");

    let worker = app.worker.clone();
    let released = actix_web::rt::task::spawn_blocking(move || worker.release_abandoned().unwrap()).await.unwrap();
    assert_eq!(released, 1, "the dead worker's job only");
    app.run_jobs().await;
    let rendered = app
        .with_db(move |c| {
            let ids = pleadesk::db::letters::rendered_among(c, &letters).unwrap();
            letters.map(|l| ids.contains(&l))
        })
        .await;
    assert_eq!(rendered, [true, false], "the first letter is rendered; the live worker still has the second");
}

on_both_backends!(
    the_start_up_sweep_clears_what_a_killed_process_left,
    a_mail_run_committed_but_not_in_place_is_finished_at_start_up,
    jobs_of_a_dead_worker_of_this_machine_are_taken_up_at_once,
);
