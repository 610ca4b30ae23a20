//! Nothing lost (SPEC §5: a 2xx is durably committed): files written whole and once, imports and
//! pleas that cannot overwrite each other, audit events committed with what they record, jobs
//! completed only by the worker holding their lease, mail runs published only once committed,
//! and letters whose file went missing rendered again only if they come out identical.

use crate::helpers::{error_body, sample, TestApp};
use crate::on_both_backends;
use diesel::connection::SimpleConnection;
use pleadesk::domain::Role;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

/// Runs fault-injection SQL (a trigger) against the test's database, in its backend's dialect.
pub async fn inject(app: &TestApp, sqlite: &'static str, postgres: &'static str) {
    let sql = if app.database_url.starts_with("sqlite") { sqlite } else { postgres };
    app.with_db(move |c| c.batch_execute(sql).expect("fault injected")).await;
}

async fn count(app: &TestApp, table: &'static str) -> i64 {
    app.with_db(move |c| {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}")).get_result::<N>(c).unwrap().n
    })
    .await
}

/// Files under `dir` (recursively), by name.
fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(e.file_name().to_string_lossy().into_owned());
            }
        }
    }
    out
}

// ---- B2: evidence ------------------------------------------------------------------------------

/// The plea form for DV-2026-000103 with this file attached.
fn plea_form(csrf: &str, evidence: &[u8]) -> Form {
    let pdf = Part::bytes(evidence.to_vec()).file_name("receipt.pdf").mime_str("application/pdf").unwrap();
    crate::pages::plea_fields(csrf).part("evidence", pdf)
}

/// Residents on two phones (or a double tap) send the same file at the same moment: one
/// document, one file, no 500, no temporary file left behind.
async fn identical_uploads_at_the_same_moment_give_one_document(app: TestApp) {
    app.with_current_samples().await;
    let rounds = 6;
    for round in 0..rounds {
        let evidence = format!("%PDF-1.4\n% receipt number {round}\n").into_bytes();
        // Four browsers each look the ticket up first (the plea form needs a draft) ...
        let mut ready = Vec::new();
        for _ in 0..4 {
            let b = crate::pages::browser();
            let start = b.get(app.url("/lookup")).send().await.unwrap().text().await.unwrap();
            let csrf = crate::pages::csrf_of(&start);
            let found = crate::pages::look_up(&b, &app, &csrf, "DV-2026-000103", "1").await;
            assert_eq!(crate::pages::see_other(&found), "/case");
            ready.push((b, csrf));
        }
        // ... then all send the same file at once.
        let sends = ready.iter().map(|(b, csrf)| {
            let form = plea_form(csrf, &evidence);
            b.post(app.url("/plea")).multipart(form).send()
        });
        for resp in futures_util::future::join_all(sends).await {
            let resp = resp.unwrap();
            assert!(!resp.status().is_server_error(), "round {round}: {}", resp.status());
            assert_eq!(crate::pages::see_other(&resp), "/plea/review", "round {round}: the upload was taken");
        }
    }
    assert_eq!(count(&app, "documents").await, rounds, "one document per distinct file");
    let files = files_under(&app.data_dir.path().join("data/evidence"));
    assert_eq!(files.len() as i64, rounds, "one stored file per distinct file, no temporaries: {files:?}");
    assert!(files.iter().all(|f| f.ends_with(".pdf") && !f.starts_with('.')), "{files:?}");
}

// ---- B3: import and plea -----------------------------------------------------------------------

/// One citation per round, open for pleas today, with one charge fined `fine`.
fn race_csv(rounds: std::ops::Range<usize>, fine: &str) -> Vec<u8> {
    let today = chrono::Utc::now().with_timezone(&chrono_tz::America::Denver).date_naive();
    let issued = today - chrono::Duration::days(3);
    let court = today + chrono::Duration::days(60);
    let mut csv = pleadesk::import::citations::COLUMNS.join(",") + "\n";
    for n in rounds {
        csv.push_str(&format!(
            "DV-2026-0009{n:02},DPD,{issued}T08:14:00-06:00,Speer Blvd & Lincoln St,P2211,{court},Ana,,Ruiz,1990-05-0{d},820 S Pearl St,,Denver,CO,80209,,,,,,,en,1,42-4-604,{fine},4\n",
            d = 1 + n % 9
        ));
    }
    csv.into_bytes()
}

/// An import that changes a citation's charges and a plea to that citation, sent at the same
/// moment, many times, in both orders (and once each one after the other). Whatever wins, the plea on file is to the charges on file:
/// either the import was refused for that citation (a plea was there first) or the plea was
/// made to the charges as the import left them (or refused because they changed under it).
async fn an_import_and_a_plea_cannot_overwrite_each_other(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    // 24 rounds race; which side wins a race is up to the scheduler (one run on PostgreSQL saw the
    // plea win all 24), so the last two rounds send one side after the other, plea first and then
    // import first: every run checks both outcomes, and the races check that neither overwrites.
    let races = 24;
    let rounds = races + 2;
    let first = app.post_import(&clerk, "text/csv", race_csv(0..rounds, "100.00")).await;
    assert_eq!(first.status(), 200);
    let (mut pleas_won, mut imports_won) = (0, 0);
    for n in 0..rounds {
        let number = format!("DV-2026-0009{n:02}");
        let dob = format!("1990-05-0{}", 1 + n % 9);
        let plea = async {
            app.client
                .post(app.url("/api/v1/public/pleas"))
                .json(&json!({
                    "citation_number": number, "date_of_birth": dob,
                    "pleas": [{"charge_seq": 1, "plea": "guilty"}],
                    "signature_name": "Ana Ruiz", "attest": true
                }))
                .send()
                .await
                .unwrap()
        };
        let import = app.post_import(&clerk, "text/csv", race_csv(n..n + 1, "80.00"));
        let (plea, import) = if n == races {
            let p = plea.await;
            (p, import.await)
        } else if n == races + 1 {
            let i = import.await;
            (plea.await, i)
        } else if n % 2 == 0 {
            let (i, p) = futures_util::future::join(import, plea).await;
            (p, i)
        } else {
            futures_util::future::join(plea, import).await
        };
        let plea_status = plea.status().as_u16();
        assert!(plea_status == 201 || plea_status == 409, "round {n}: plea answered {plea_status}");
        assert_eq!(import.status(), 200, "round {n}");
        let summary: Value = import.json().await.unwrap();
        let updated = summary["updated"] == 1;
        let refused = summary["rejected"]
            .as_array()
            .is_some_and(|r| r.len() == 1 && r[0]["error"].as_str().is_some_and(|e| e.contains("already has a plea")));
        assert!(updated ^ refused, "round {n}: the import either updated or refused the citation: {summary}");
        let n_ = number.clone();
        let (stored_fine, pleaded_fines): (i64, Vec<i64>) = app
            .with_db(move |c| {
                use diesel::prelude::*;
                use pleadesk::db::schema::{charges, citations, letters};
                let id: i64 =
                    citations::table.filter(citations::citation_number.eq(&n_)).select(citations::id).first(c).unwrap();
                let fine =
                    charges::table.filter(charges::citation_id.eq(id)).select(charges::fine_cents).first(c).unwrap();
                // What the plea was made to: the charges its receipt was written from.
                let data: Vec<String> = letters::table
                    .filter(letters::citation_id.eq(id))
                    .filter(letters::submission_id.is_not_null())
                    .select(letters::data)
                    .load(c)
                    .unwrap();
                let fines = data
                    .iter()
                    .map(|d| serde_json::from_str::<Value>(d).unwrap()["charges"][0]["fine_cents"].as_i64().unwrap())
                    .collect();
                (fine, fines)
            })
            .await;
        assert_eq!(stored_fine, if updated { 8000 } else { 10000 }, "round {n}");
        if plea_status == 201 {
            pleas_won += 1;
            assert_eq!(pleaded_fines, vec![stored_fine], "round {n}: the plea is to the charges on file");
        } else {
            assert!(pleaded_fines.is_empty(), "round {n}: a refused plea leaves nothing");
            assert!(updated, "round {n}: a plea is refused only because the import changed the charges");
        }
        if refused {
            assert_eq!(plea_status, 201, "round {n}: the import is refused only because of a plea");
        } else {
            imports_won += 1;
        }
    }
    assert!(pleas_won > 0 && imports_won > 0, "both sides won some rounds: {pleas_won} pleas, {imports_won} imports");
}

// ---- B4: the import's audit event --------------------------------------------------------------

/// If the audit event of an import cannot be written, the import's changes are not committed
/// either: no change without its record.
async fn an_import_is_committed_with_its_audit_event(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    inject(
        &app,
        "CREATE TRIGGER no_audit BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'the audit trail is unavailable'); END;",
        "CREATE FUNCTION no_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the audit trail is unavailable'; END $$;
         CREATE TRIGGER no_audit BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION no_audit();",
    )
    .await;
    let resp = app.post_import(&clerk, "text/csv", sample("citations.csv")).await;
    if resp.status() == 200 {
        let summary: Value = resp.json().await.unwrap();
        assert_eq!(summary["imported"], 0, "{summary}");
    }
    assert_eq!(count(&app, "citations").await, 0, "nothing imported without its audit event");
    assert_eq!(count(&app, "charges").await, 0);

    inject(&app, "DROP TRIGGER no_audit;", "DROP TRIGGER no_audit ON events;").await;
    let summary: Value = app.post_import(&clerk, "text/csv", sample("citations.csv")).await.json().await.unwrap();
    assert_eq!(summary["imported"], 12);
    let details: Vec<String> = app
        .with_db(|c| {
            use diesel::prelude::*;
            use pleadesk::db::schema::events;
            events::table.filter(events::action.eq("citations.import")).select(events::details).load(c).unwrap()
        })
        .await;
    assert_eq!(details.len(), 1, "{details:?}");
    assert!(details[0].contains("\"imported\":12"), "{details:?}");
}

// ---- B5: leases --------------------------------------------------------------------------------

/// A worker that stalled past its lease, while another took the job over, cannot complete or
/// fail it: the newer claim's outcome counts.
async fn a_stale_worker_cannot_complete_or_fail_a_job(app: TestApp) {
    app.with_samples().await;
    let ctx = app.worker.letters.clone();
    app.with_db(move |c| {
        use pleadesk::domain::{CitationNumber, LetterType};
        use pleadesk::jobs::queue;
        let number = CitationNumber::parse("DV-2026-000102").unwrap();
        pleadesk::services::letters::create(c, &number, LetterType::PleaForm, &ctx, "test").unwrap();
        let now = pleadesk::db::now();
        let stale = queue::claim(c, "worker-a", now).unwrap().expect("the render job");
        let later = now + chrono::Duration::seconds(queue::LEASE_SECS + 1);
        let fresh = queue::claim(c, "worker-b", later).unwrap().expect("the lease ran out: claimed again");
        assert_eq!(fresh.id, stale.id);
        assert!(!queue::complete(c, &stale, "worker-a").unwrap(), "the stale worker's completion is refused");
        assert_eq!(
            queue::fail(c, &stale, "worker-a", "late", queue::Cause::Job, later).unwrap(),
            None,
            "and so is its failure"
        );
        // The same worker name claiming again is a new lease too.
        let again = queue::claim(c, "worker-b", later + chrono::Duration::seconds(queue::LEASE_SECS + 1))
            .unwrap()
            .expect("claimed a third time");
        assert!(!queue::complete(c, &fresh, "worker-b").unwrap(), "an earlier lease of the same worker is stale");
        assert!(queue::complete(c, &again, "worker-b").unwrap(), "the current lease completes");
        let jobs = queue::list(c, pleadesk::domain::JobStatus::Done, 10).unwrap();
        assert_eq!(jobs.len(), 1);
        assert_eq!((jobs[0].id, jobs[0].attempts), (stale.id, 3));
    })
    .await;
}

// ---- B6: the mail run and missing letters ------------------------------------------------------

/// The commit that marks the letters printed fails (here: a deferred constraint that fails at
/// COMMIT): no mail-run file is published, nothing is left behind, no letter is marked.
async fn a_mail_run_whose_commit_fails_leaves_no_file(app: TestApp) {
    let clerk = app.with_samples().await;
    for number in ["DV-2026-000102", "DV-2026-000104"] {
        let resp =
            app.post_json(&clerk, &format!("/api/v1/citations/{number}/letters"), &json!({"type": "plea_form"})).await;
        assert_eq!(resp.status(), 201);
    }
    inject(
        &app,
        "CREATE TABLE commit_guard (letter_id BIGINT REFERENCES letters (id) DEFERRABLE INITIALLY DEFERRED);
         CREATE TRIGGER fail_at_commit AFTER UPDATE OF status ON letters
         BEGIN INSERT INTO commit_guard (letter_id) VALUES (-1); END;",
        "CREATE TABLE commit_guard (letter_id BIGINT REFERENCES letters (id) DEFERRABLE INITIALLY DEFERRED);
         CREATE FUNCTION fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS
           $$ BEGIN INSERT INTO commit_guard (letter_id) VALUES (-1); RETURN NEW; END $$;
         CREATE TRIGGER fail_at_commit AFTER UPDATE OF status ON letters FOR EACH ROW EXECUTE FUNCTION fail_at_commit();",
    )
    .await;
    let resp = app.client.post(app.url("/api/v1/letters/print-run")).bearer_auth(&clerk).send().await.unwrap();
    assert_eq!(resp.status(), 500);
    let runs = app.data_dir.path().join("data/print-runs");
    assert_eq!(files_under(&runs), Vec::<String>::new(), "no mail run published, no temporary left");
    let out = app.data_dir.path().join("run.pdf");
    let cmd = app.cli().args(["letters", "print", "--out", out.to_str().unwrap()]).output().unwrap();
    assert_eq!(cmd.status.code(), Some(1), "{cmd:?}");
    assert!(!out.exists(), "the CLI publishes nothing either");
    assert_eq!(files_under(app.data_dir.path()).iter().filter(|f| f.contains("run.pdf")).count(), 0);
    let queued: Value = app.get(&clerk, "/api/v1/letters?status=queued").await.json().await.unwrap();
    assert_eq!(queued["letters"].as_array().unwrap().len(), 2, "no letter marked printed");

    // Once the commit can succeed, the run is published and the letters are printed.
    inject(&app, "DROP TRIGGER fail_at_commit;", "DROP TRIGGER fail_at_commit ON letters;").await;
    let cmd = app.cli().args(["letters", "print", "--out", out.to_str().unwrap()]).output().unwrap();
    assert!(cmd.status.success(), "{cmd:?}");
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF-"));
    let printed: Value = app.get(&clerk, "/api/v1/letters?status=printed").await.json().await.unwrap();
    assert_eq!(printed["letters"].as_array().unwrap().len(), 2);
}

/// A letter whose stored file is gone is rendered again from its stored data and served only if
/// it matches the recorded checksum; if the templates changed since, a clear error — never a
/// different PDF.
async fn a_missing_letter_file_is_rendered_again_only_if_identical(app: TestApp) {
    let clerk = app.with_samples().await;
    let letter: Value = app
        .post_json(&clerk, "/api/v1/citations/DV-2026-000102/letters", &json!({"type": "plea_form"}))
        .await
        .json()
        .await
        .unwrap();
    let id = letter["id"].as_i64().unwrap();
    let original = app.get(&clerk, &format!("/api/v1/letters/{id}/pdf")).await.bytes().await.unwrap();
    let path = app.data_dir.path().join(format!("data/letters/0000/letter-{id}.pdf"));
    assert_eq!(std::fs::read(&path).unwrap(), original.as_ref());

    std::fs::remove_file(&path).unwrap();
    let again = app.get(&clerk, &format!("/api/v1/letters/{id}/pdf")).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.bytes().await.unwrap(), original, "rendered again, byte for byte");
    assert_eq!(std::fs::read(&path).unwrap(), original.as_ref(), "and stored again");

    // The court edits the template; the file goes missing again.
    let dir = app.data_dir.path().join("templates/letters/en");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("plea_form.txt"), "# Plea form\n\nDear {{ recipient.name }}, this text is new.\n").unwrap();
    std::fs::remove_file(&path).unwrap();
    if app.database_url.starts_with("postgres") {
        // PostgreSQL keeps the PDF itself: it is served from there, as stored.
        let resp = app.get(&clerk, &format!("/api/v1/letters/{id}/pdf")).await;
        assert_eq!(resp.bytes().await.unwrap(), original, "fetched from the database");
        std::fs::remove_file(&path).unwrap();
        // As for a letter stored before the database kept files: only the data folder had it.
        app.with_db(|c| {
            use diesel::prelude::*;
            diesel::delete(pleadesk::db::schema::blobs::table).execute(c).unwrap()
        })
        .await;
    }
    let resp = app.get(&clerk, &format!("/api/v1/letters/{id}/pdf")).await;
    let body = error_body(resp, 409, "conflict").await;
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("missing") && message.contains("different"), "{message}");
    assert!(!path.exists(), "no different PDF stored in its place");
    // The mail run refuses too rather than print a different letter.
    let resp = app.client.post(app.url("/api/v1/letters/print-run")).bearer_auth(&clerk).send().await.unwrap();
    error_body(resp, 409, "conflict").await;
    let queued: Value = app.get(&clerk, "/api/v1/letters?status=queued").await.json().await.unwrap();
    assert_eq!(queued["letters"].as_array().unwrap().len(), 1);
}

on_both_backends!(
    identical_uploads_at_the_same_moment_give_one_document,
    an_import_and_a_plea_cannot_overwrite_each_other,
    an_import_is_committed_with_its_audit_event,
    a_stale_worker_cannot_complete_or_fail_a_job,
    a_mail_run_whose_commit_fails_leaves_no_file,
    a_missing_letter_file_is_rendered_again_only_if_identical,
);
