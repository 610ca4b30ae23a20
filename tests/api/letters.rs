//! Letters end to end: created by staff, rendered once and stored, downloaded byte for byte, the
//! mail run, a broken template, the acknowledgement queued with a plea, several workers on one
//! queue. Read back on paper: `letters_paper.rs`; sent by email: `letters_email.rs`.

use crate::helpers::{error_body, TestApp};
use crate::on_both_backends;
use pleadesk::domain::Role;
use serde_json::{json, Value};

pub async fn create_letter(app: &TestApp, token: &str, number: &str, kind: &str) -> Value {
    let resp = app.post_json(token, &format!("/api/v1/citations/{number}/letters"), &json!({"type": kind})).await;
    assert_eq!(resp.status(), 201, "creating a {kind} letter");
    resp.json().await.unwrap()
}

pub async fn letter_pdf(app: &TestApp, token: &str, id: i64) -> Vec<u8> {
    let resp = app.get(token, &format!("/api/v1/letters/{id}/pdf")).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    resp.bytes().await.unwrap().to_vec()
}

/// Records a plea for a citation directly (the plea endpoints come with the intake issue).
pub async fn record_plea(app: &TestApp, number: &'static str, pleas: &'static [(i32, &'static str)]) -> i64 {
    use diesel::prelude::*;
    use pleadesk::db::schema::{citations, pleas as pleas_t, submissions};
    app.with_db(move |c| {
        let id: i64 =
            citations::table.filter(citations::citation_number.eq(number)).select(citations::id).first(c).unwrap();
        let now = pleadesk::db::now();
        let sub: i64 = diesel::insert_into(submissions::table)
            .values((
                submissions::citation_id.eq(id),
                submissions::confirmation.eq(format!("PD-TEST-{id}")),
                submissions::channel.eq("online"),
                submissions::status.eq("linked"),
                submissions::received_at.eq(now),
                submissions::language.eq("en"),
                submissions::created_at.eq(now),
                submissions::updated_at.eq(now),
            ))
            .returning(submissions::id)
            .get_result(c)
            .unwrap();
        for (seq, plea) in pleas {
            diesel::insert_into(pleas_t::table)
                .values((pleas_t::submission_id.eq(sub), pleas_t::charge_seq.eq(*seq), pleas_t::plea.eq(*plea)))
                .execute(c)
                .unwrap();
        }
        sub
    })
    .await
}

fn pdf_pages(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf).expect("a PDF").get_pages().len()
}

async fn a_letter_is_rendered_once_stored_and_downloaded_byte_for_byte(app: TestApp) {
    let clerk = app.with_samples().await;
    let letter = create_letter(&app, &clerk, "DV-2026-000103", "plea_form").await;
    assert_eq!(letter["type"], "plea_form");
    assert_eq!(letter["language"], "es", "the defendant's preferred language");
    assert_eq!(letter["status"], "queued");
    assert_eq!(letter["citation_number"], "DV-2026-000103");
    assert!(letter.get("render_error").is_none(), "{letter}");
    let id = letter["id"].as_i64().unwrap();
    let first = letter_pdf(&app, &clerk, id).await;
    let again = letter_pdf(&app, &clerk, id).await;
    assert_eq!(first, again, "the same bytes every time");
    assert!(first.starts_with(b"%PDF-"));
    assert_eq!(letter["sha256"], hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&first)));
    assert_eq!(letter["pages"].as_u64().unwrap() as usize, pdf_pages(&first));
    assert!(first.len() < 60 * 1024, "a subset font keeps letters small: {} bytes", first.len());

    let listed: Value = app.get(&clerk, "/api/v1/letters?status=queued").await.json().await.unwrap();
    assert_eq!(listed["letters"].as_array().unwrap().len(), 1);
    assert_eq!(listed["letters"][0]["id"], id);

    // The queued render job finds the letter done; the email goes to the outbox folder (no SMTP
    // server configured), exactly once.
    let stats = app.run_jobs().await;
    assert_eq!((stats.done, stats.retried, stats.parked), (2, 0, 0), "render (no-op) + email");
    assert_eq!(letter_pdf(&app, &clerk, id).await, first, "the job did not render it again");
    let outbox = app.data_dir.path().join("data/outbox");
    let emails: Vec<_> = std::fs::read_dir(&outbox).unwrap().collect();
    assert_eq!(emails.len(), 1);
    let again = app.run_jobs().await;
    assert_eq!(again.done, 0);
    assert_eq!(std::fs::read_dir(&outbox).unwrap().count(), 1, "exactly one email per letter");
    let listed: Value = app.get(&clerk, "/api/v1/letters").await.json().await.unwrap();
    assert!(listed["letters"][0]["emailed_at"].is_string());

    // Errors: unknown type, unknown case, letters not built yet, a missing letter.
    let resp = app.post_json(&clerk, "/api/v1/citations/DV-2026-000103/letters", &json!({"type": "postcard"})).await;
    let body = error_body(resp, 422, "invalid").await;
    assert!(body["error"]["fields"]["type"].as_str().unwrap().contains("plea_form"));
    let resp = app.post_json(&clerk, "/api/v1/citations/DV-2099-000001/letters", &json!({"type": "plea_form"})).await;
    error_body(resp, 404, "not_found").await;
    let resp = app.post_json(&clerk, "/api/v1/citations/DV-2026-000103/letters", &json!({"type": "offer"})).await;
    error_body(resp, 422, "invalid").await;
    let resp =
        app.post_json(&clerk, "/api/v1/citations/DV-2026-000102/letters", &json!({"type": "acknowledgement"})).await;
    let body = error_body(resp, 409, "conflict").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("no plea on file"));
    error_body(app.get(&clerk, "/api/v1/letters/999999/pdf").await, 404, "not_found").await;
    let prosecutor = app.token(Role::Prosecutor).await;
    let resp =
        app.post_json(&prosecutor, "/api/v1/citations/DV-2026-000103/letters", &json!({"type": "plea_form"})).await;
    error_body(resp, 403, "forbidden").await;
}

async fn the_mail_run_merges_every_queued_letter_and_marks_them_printed(app: TestApp) {
    let clerk = app.with_samples().await;
    record_plea(&app, "DV-2026-000101", &[(1, "guilty")]).await;
    let mut expected_pages = 0;
    let mut ids = Vec::new();
    for (number, kind) in
        [("DV-2026-000101", "acknowledgement"), ("DV-2026-000103", "plea_form"), ("DV-2026-000102", "plea_form")]
    {
        let l = create_letter(&app, &clerk, number, kind).await;
        let pages = l["pages"].as_u64().unwrap() as usize;
        // Each letter starts on an odd page: a blank page first if the run so far is odd.
        expected_pages += expected_pages % 2 + pages;
        ids.push(l["id"].as_i64().unwrap());
    }
    let resp = app.client.post(app.url("/api/v1/letters/print-run")).bearer_auth(&clerk).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    assert_eq!(resp.headers()["x-letters"], "3");
    let resp_pages = resp.headers()["x-pages"].to_str().unwrap().to_string();
    let run = resp.bytes().await.unwrap();
    assert_eq!(pdf_pages(&run), expected_pages);
    assert_eq!(resp_pages, expected_pages.to_string());
    let listed: Value = app.get(&clerk, "/api/v1/letters?status=printed").await.json().await.unwrap();
    assert_eq!(listed["letters"].as_array().unwrap().len(), 3);
    // Nothing left: the next run says so.
    let resp = app.client.post(app.url("/api/v1/letters/print-run")).bearer_auth(&clerk).send().await.unwrap();
    let body = error_body(resp, 409, "conflict").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("no queued letters"));
    // The CLI prints the same way.
    create_letter(&app, &clerk, "DV-2026-000104", "plea_form").await;
    let out = app.data_dir.path().join("run.pdf");
    let cmd = app.cli().args(["letters", "print", "--out", out.to_str().unwrap()]).output().unwrap();
    assert!(cmd.status.success(), "{cmd:?}");
    assert!(String::from_utf8_lossy(&cmd.stdout).contains("mail run: 1 letters"));
    assert_eq!(pdf_pages(&std::fs::read(&out).unwrap()), 2);
}

async fn a_failed_mail_run_marks_nothing(app: TestApp) {
    let clerk = app.with_samples().await;
    create_letter(&app, &clerk, "DV-2026-000102", "plea_form").await;
    let damaged = create_letter(&app, &clerk, "DV-2026-000103", "plea_form").await;
    // Damage the second letter's stored file.
    let id = damaged["id"].as_i64().unwrap();
    let path: String = app
        .with_db(move |c| {
            use diesel::prelude::*;
            use pleadesk::db::schema::letters;
            letters::table.find(id).select(letters::storage_path).first::<Option<String>>(c).unwrap().unwrap()
        })
        .await;
    let mut bytes = std::fs::read(&path).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 0xff;
    std::fs::write(&path, bytes).unwrap();
    // PostgreSQL keeps the PDF too (a damaged copy in the data folder is replaced from there):
    // damage that copy as well.
    app.with_db(move |c| {
        use diesel::prelude::*;
        use pleadesk::db::schema::{blob_chunks, letters};
        let sha: Option<String> = letters::table.find(id).select(letters::sha256).first(c).unwrap();
        diesel::update(blob_chunks::table.filter(blob_chunks::sha256.nullable().eq(sha)))
            .set(blob_chunks::data.eq(b"damaged".to_vec()))
            .execute(c)
            .unwrap()
    })
    .await;
    let out = app.data_dir.path().join("run.pdf");
    let cmd = app.cli().args(["letters", "print", "--out", out.to_str().unwrap()]).output().unwrap();
    assert_eq!(cmd.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&cmd.stderr).contains("checksum"), "{cmd:?}");
    assert!(!out.exists(), "no partial mail run is left behind");
    let leftovers: Vec<_> = std::fs::read_dir(app.data_dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("run.pdf"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left behind: {leftovers:?}");
    let listed: Value = app.get(&clerk, "/api/v1/letters?status=queued").await.json().await.unwrap();
    assert_eq!(listed["letters"].as_array().unwrap().len(), 2, "no letter was marked printed");
}

async fn a_broken_template_parks_the_job_and_staff_see_why(app: TestApp) {
    let clerk = app.with_samples().await;
    // The court edits a template and breaks it (the server is already running).
    let dir = app.data_dir.path().join("templates/letters/en");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("plea_form.txt"), "# Plea form\n\nDear {{ recipient.name }},\n[nonsense]\n").unwrap();
    let letter = create_letter(&app, &clerk, "DV-2026-000102", "plea_form").await;
    let err = letter["render_error"].as_str().unwrap();
    assert!(
        err.contains("plea_form.txt") && err.contains("line 4") && err.contains("unknown slot [nonsense]"),
        "{err}"
    );
    assert_eq!(letter["pages"], Value::Null, "no half-made letter");
    error_body(app.get(&clerk, &format!("/api/v1/letters/{}/pdf", letter["id"])).await, 409, "conflict").await;
    // The job tries five times, then is parked with its error for staff to see.
    for day in 1..=5 {
        app.run_jobs_at(pleadesk::db::now() + chrono::Duration::days(day)).await;
    }
    let parked: Value = app.get(&clerk, "/api/v1/jobs?status=parked").await.json().await.unwrap();
    let jobs = parked["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 1, "{parked}");
    assert_eq!(jobs[0]["kind"], "render_letter");
    assert_eq!(jobs[0]["attempts"], 5);
    assert!(jobs[0]["last_error"].as_str().unwrap().contains("line 4"));
    // Fixed template, job retried by an admin: the letter is made.
    std::fs::remove_file(dir.join("plea_form.txt")).unwrap();
    let admin = app.token(Role::Admin).await;
    let resp = app
        .client
        .post(app.url(&format!("/api/v1/jobs/{}/retry", jobs[0]["id"])))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let stats = app.run_jobs().await;
    assert!(stats.done >= 1);
    let pdf = letter_pdf(&app, &clerk, letter["id"].as_i64().unwrap()).await;
    assert!(pdf.starts_with(b"%PDF-") && pdf.len() > 1000);
}

async fn an_acknowledgement_is_queued_with_the_plea(app: TestApp) {
    let clerk = app.with_samples().await;
    let sub = record_plea(&app, "DV-2026-000103", &[(1, "no_contest"), (2, "request_offer")]).await;
    let ctx = app.worker.letters.clone();
    let letter_id = app
        .with_db(move |c| {
            pleadesk::db::write_transaction(c, |c| pleadesk::services::letters::queue_acknowledgement(c, sub, &ctx))
                .unwrap()
        })
        .await;
    let stats = app.run_jobs().await;
    assert_eq!((stats.done, stats.parked), (2, 0), "render + email");
    let pdf = letter_pdf(&app, &clerk, letter_id).await;
    // The receipt: what was pleaded, what happens next, how to pay, the advisement, the closing.
    assert_eq!(pdf_pages(&pdf), 2);
}

on_both_backends!(
    a_letter_is_rendered_once_stored_and_downloaded_byte_for_byte,
    the_mail_run_merges_every_queued_letter_and_marks_them_printed,
    a_failed_mail_run_marks_nothing,
    a_broken_template_parks_the_job_and_staff_see_why,
    an_acknowledgement_is_queued_with_the_plea,
    several_workers_share_the_queue,
    a_worker_told_to_stop_finishes_its_job_and_leaves_the_rest,
);

/// Several workers on one queue (FOR UPDATE SKIP LOCKED on PostgreSQL, IMMEDIATE transactions
/// on SQLite): every job runs exactly once.
async fn several_workers_share_the_queue(app: TestApp) {
    use pleadesk::domain::{CitationNumber, LetterType};
    app.with_samples().await;
    let ctx = app.worker.letters.clone();
    app.with_db(move |c| {
        for n in 101..=112 {
            let number = CitationNumber::parse(&format!("DV-2026-000{n}")).unwrap();
            pleadesk::services::letters::create(c, &number, LetterType::PleaForm, &ctx, "test").unwrap();
        }
    })
    .await;
    let now = pleadesk::db::now();
    let passes = (0..4).map(|_| {
        let worker = app.worker.clone();
        actix_web::rt::task::spawn_blocking(move || worker.run_once(now).unwrap())
    });
    let done: u32 = futures_util::future::join_all(passes).await.into_iter().map(|r| r.unwrap().done).sum();
    let (jobs, finished): (i64, i64) = app
        .with_db(|c| {
            use diesel::prelude::*;
            use pleadesk::db::schema::jobs;
            let all = jobs::table.count().get_result(c).unwrap();
            let finished = jobs::table.filter(jobs::status.eq("done")).count().get_result(c).unwrap();
            (all, finished)
        })
        .await;
    assert!(jobs >= 12 + 6, "12 renders and an email for each defendant with an address: {jobs}");
    assert_eq!(finished, jobs, "every job ran");
    assert_eq!(done as i64, jobs, "and none ran twice");
}

/// A node told to stop (SIGTERM in a rolling restart) finishes the job in hand and leaves the rest
/// of the queue to its next start or another node's worker, instead of working through it all
/// before it exits.
async fn a_worker_told_to_stop_finishes_its_job_and_leaves_the_rest(app: TestApp) {
    use std::sync::atomic::{AtomicBool, Ordering};
    app.with_samples().await;
    let clerk = app.token(Role::Clerk).await;
    for n in 101..=106 {
        create_letter(&app, &clerk, &format!("DV-2026-000{n}"), "plea_form").await;
    }
    /// Asks the pass to stop as soon as its first job is done (as a SIGTERM arriving then would).
    struct StopAfterOne<'a>(&'a AtomicBool);
    impl pleadesk::progress::Progress for StopAfterOne<'_> {
        fn stage(&self, _: &str, _: Option<u64>) {}
        fn advance(&self, _: u64) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let worker = app.worker.clone();
    let stats = actix_web::rt::task::spawn_blocking(move || {
        let stopping = AtomicBool::new(false);
        worker.run_until_stopping(pleadesk::db::now(), &StopAfterOne(&stopping), &stopping).unwrap()
    })
    .await
    .unwrap();
    assert_eq!(stats.done, 1, "the job in hand is finished, no other is started");
    let (queued, running): (i64, i64) = app
        .with_db(|c| {
            use diesel::prelude::*;
            use pleadesk::db::schema::jobs;
            let mut of = |s: &str| jobs::table.filter(jobs::status.eq(s)).count().get_result::<i64>(c).unwrap();
            (of("queued"), of("running"))
        })
        .await;
    // Five renders wait (and the email of the first letter, if its defendant gave an address).
    assert!(queued >= 5 && running == 0, "the rest wait in the queue, none held: {queued} queued, {running} running");
    // The next pass (this node started again, or another node) does them.
    assert!(app.run_jobs().await.done as i64 >= queued);
}
