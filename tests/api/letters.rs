//! Letters end to end: created by staff, rendered once and stored, downloaded byte for byte,
//! read back with poppler, QR codes decoded with zbar, the mail run, and the outbox.

use crate::durable::inject;
use crate::helpers::{error_body, spawn, Backend, TestApp};
use crate::later_letters::page_png;
use crate::on_both_backends;
use pleadesk::domain::Role;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

async fn create_letter(app: &TestApp, token: &str, number: &str, kind: &str) -> Value {
    let resp = app.post_json(token, &format!("/api/v1/citations/{number}/letters"), &json!({"type": kind})).await;
    assert_eq!(resp.status(), 201, "creating a {kind} letter");
    resp.json().await.unwrap()
}

async fn letter_pdf(app: &TestApp, token: &str, id: i64) -> Vec<u8> {
    let resp = app.get(token, &format!("/api/v1/letters/{id}/pdf")).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    resp.bytes().await.unwrap().to_vec()
}

/// Records a plea for a citation directly (the plea endpoints come with the intake issue).
async fn record_plea(app: &TestApp, number: &'static str, pleas: &'static [(i32, &'static str)]) -> i64 {
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
);

pub fn pdftotext(pdf: &[u8]) -> String {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), pdf).unwrap();
    let out =
        Command::new("pdftotext").args(["-layout", f.path().to_str().unwrap(), "-"]).output().expect("pdftotext runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Share of pixels that are not white on a rendered page.
fn ink(png_path: &Path) -> f64 {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png_path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let px = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    let dark = px.chunks(channels).filter(|p| p.iter().take(3).any(|&v| v < 200)).count();
    dark as f64 / (px.len() / channels) as f64
}

/// The text of every letter type, in both languages, read back from the PDF; and page 1 of
/// each rendered to an image that is not blank.
#[actix_web::test]
#[cfg_attr(not(has_poppler), ignore = "install poppler-utils (pdftotext, pdftoppm) to run this")]
async fn letters_read_back_right_in_english_and_spanish() {
    let app = spawn(Backend::Sqlite, &[]).await;
    let clerk = app.with_samples().await;
    record_plea(&app, "DV-2026-000103", &[(1, "no_contest"), (2, "not_guilty")]).await;
    record_plea(&app, "DV-2026-000102", &[(1, "request_offer")]).await;
    // A name with Vietnamese letters (fixture citation T-0001: Lan Nguyễn).
    let resp = app.post_import(&clerk, "text/csv", crate::helpers::fixture("bad_rows.csv")).await;
    assert_eq!(resp.status(), 200);
    let cases: [(&str, &str, &[&str]); 5] = [
        ("T-0001", "plea_form", &["LAN NGUYỄN", "Dear Lan Nguyễn,", "1450 N LAFAYETTE ST", "APT 3", "$635.00"]),
        (
            "DV-2026-000103",
            "plea_form",
            &[
                "Formulario de declaración por correo",
                "JOSÉ LUIS MUÑOZ PEÑA",
                "3301 W 38TH AVE",
                "DENVER CO 80211",
                "José Luis Muñoz Peña",
                "42-4-1101-D",
                "Exceso de velocidad de 20 a 24 mph",
                "$200.00",
                "$500.00",
                "$700.00",
                "7 de diciembre de 2026",
                "Consecuencias migratorias",
                "Culpable",
                "Sin oposición (no admite culpa)",
                "Pedir una oferta al fiscal",
                "Firma",
                "Página 1 de 2",
                "Citación DV-2026-000103",
            ],
        ),
        (
            "DV-2026-000103",
            "acknowledgement",
            &[
                "Recibimos su declaración",
                "PD-TEST-",
                "Sin oposición (no admite culpa)",
                "No culpable",
                "fijará una audiencia",
                "Página 1 de 2",
            ],
        ),
        (
            "DV-2026-000102",
            "plea_form",
            &[
                "Plea by Mail Form",
                "JAMES OCONNOR",
                "820 S PEARL ST",
                "DENVER CO 80209",
                "James O'Connor",
                "42-4-604",
                "$100.00",
                "Immigration consequences",
                "Not guilty",
                "Ask the prosecutor for an offer",
                "Page 1 of 2",
                "Citation DV-2026-000102",
            ],
        ),
        (
            "DV-2026-000102",
            "acknowledgement",
            &[
                "We received your plea",
                "Ask the prosecutor for an offer",
                "a prosecutor will review your case",
                "Page 1 of 2",
            ],
        ),
    ];
    for (number, kind, expected) in cases {
        let l = create_letter(&app, &clerk, number, kind).await;
        let pdf = letter_pdf(&app, &clerk, l["id"].as_i64().unwrap()).await;
        let text = pdftotext(&pdf);
        for words in expected {
            assert!(text.contains(words), "{kind} for {number} lacks '{words}':\n{text}");
        }
        let dir = tempfile::tempdir().unwrap();
        let share = ink(&page_png(&pdf, 1, 50, dir.path()));
        assert!(share > 0.01 && share < 0.5, "{kind} {number}: page 1 has {share:.3} ink");
    }
}

/// The QR code on a letter decodes, with an independent decoder, from a 150-dpi rendering.
#[actix_web::test]
#[cfg_attr(not(all(has_poppler, has_zbar)), ignore = "install poppler-utils and zbar-tools to run this")]
async fn the_qr_code_decodes_from_a_150_dpi_scan() {
    let app = spawn(Backend::Sqlite, &[]).await;
    let clerk = app.with_samples().await;
    let l = create_letter(&app, &clerk, "DV-2026-000101", "plea_form").await;
    let id = l["id"].as_i64().unwrap();
    let pdf = letter_pdf(&app, &clerk, id).await;
    let dir = tempfile::tempdir().unwrap();
    let png = page_png(&pdf, 1, 150, dir.path());
    let out = Command::new("zbarimg").args(["-q", "--raw"]).arg(&png).output().expect("zbarimg runs");
    let decoded = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(decoded, format!("PLEADESK DV-2026-000101 L{id}"));
    assert_eq!(pleadesk::letters::qr::parse_payload(&decoded), Some(("DV-2026-000101".to_string(), id)));
}

/// A real SMTP server on loopback (aiosmtpd, saving to a Maildir), stopped when dropped.
struct SmtpSink {
    child: std::process::Child,
    maildir: tempfile::TempDir,
}

impl SmtpSink {
    fn start(port: u16) -> SmtpSink {
        SmtpSink::start_with(port, None)
    }

    /// A sink whose server refuses every recipient the way real servers do, quoting the address:
    /// `550 5.1.1 <ana@example.org>: Recipient address rejected: User unknown`.
    fn rejecting(port: u16) -> SmtpSink {
        SmtpSink::start_with(
            port,
            Some(
                "class Handler:\n    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):\n        return f'550 5.1.1 <{address}>: Recipient address rejected: User unknown'\n",
            ),
        )
    }

    fn start_with(port: u16, handler: Option<&str>) -> SmtpSink {
        let maildir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new("python3");
        cmd.args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")]);
        match handler {
            Some(code) => {
                std::fs::write(maildir.path().join("sink_handler.py"), code).unwrap();
                cmd.env("PYTHONPATH", maildir.path()).args(["-c", "sink_handler.Handler"]);
            }
            None => {
                cmd.args(["-c", "aiosmtpd.handlers.Mailbox"]).arg(maildir.path().join("box"));
            }
        }
        let child = cmd.spawn().expect("python3 -m aiosmtpd starts");
        let sink = SmtpSink { child, maildir };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return sink;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("aiosmtpd did not start listening on port {port}"); // the sink's Drop stops it
    }

    fn messages(&self) -> Vec<Vec<u8>> {
        let new = self.maildir.path().join("box/new");
        std::fs::read_dir(new)
            .map(|d| d.map(|e| std::fs::read(e.unwrap().path()).unwrap()).collect())
            .unwrap_or_default()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Email through a real SMTP server: refused while the server is down, retried, delivered once
/// it is up — exactly one message, with the stored PDF attached byte for byte.
async fn email_is_retried_until_the_server_takes_it(backend: Backend) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let smtp = format!("smtp://127.0.0.1:{port}");
    let app = spawn(
        backend,
        &[("PLEADESK_SMTP_URL", smtp.as_str()), ("PLEADESK_MAIL_FROM", "Denver County Court <court@example.org>")],
    )
    .await;
    let clerk = app.with_samples().await;
    let letter = create_letter(&app, &clerk, "DV-2026-000103", "plea_form").await;
    let id = letter["id"].as_i64().unwrap();

    // Server down: the email job fails and waits to retry.
    let stats = app.run_jobs().await;
    assert_eq!((stats.done, stats.retried, stats.parked), (1, 1, 0), "render done, email to retry");

    let sink = SmtpSink::start(port);
    let later = pleadesk::db::now() + chrono::Duration::hours(1);
    let stats = app.run_jobs_at(later).await;
    assert_eq!((stats.done, stats.retried), (1, 0), "delivered once the server is up");
    let again = app.run_jobs_at(later + chrono::Duration::hours(1)).await;
    assert_eq!(again.done, 0);

    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "exactly one email per letter");
    let msg = mail_parser::MessageParser::default().parse(&messages[0]).expect("a MIME message");
    assert!(msg.subject().unwrap().contains("DV-2026-000103"), "{:?}", msg.subject());
    assert_eq!(msg.to().and_then(|t| t.first()).and_then(|a| a.address()), Some("jose.munoz@example.org"));
    assert!(msg.body_text(0).unwrap().contains("Estimado/a José Luis Muñoz Peña"));
    assert!(msg.body_html(0).unwrap().contains("<strong>DV-2026-000103</strong>"));
    use mail_parser::MimeHeaders;
    let attachment = msg.attachments().next().expect("the letter is attached");
    assert_eq!(attachment.attachment_name(), Some("DV-2026-000103-formulario-de-declaracion.pdf"));
    assert_eq!(
        attachment.contents(),
        letter_pdf(&app, &clerk, id).await.as_slice(),
        "byte-identical to the stored PDF"
    );
    let listed: Value = app.get(&clerk, "/api/v1/letters").await.json().await.unwrap();
    assert!(listed["letters"][0]["emailed_at"].is_string());
}

#[actix_web::test]
#[cfg_attr(not(has_smtp_sink), ignore = "pip install aiosmtpd to run this")]
async fn email_is_retried_until_the_server_takes_it_sqlite() {
    email_is_retried_until_the_server_takes_it(Backend::Sqlite).await;
}

#[actix_web::test]
#[cfg_attr(not(all(has_smtp_sink, pg_tests)), ignore = "needs aiosmtpd (pip) and PLEADESK_TEST_PG")]
async fn email_is_retried_until_the_server_takes_it_postgres() {
    email_is_retried_until_the_server_takes_it(Backend::Postgres).await;
}

/// The process dies after the mail server took the message but before the letter was recorded
/// as emailed (here: that update fails). The email was recorded as `sending` before the SMTP
/// conversation, and the retry sends the same message with the same Message-ID — the one
/// duplicate at-least-once delivery allows, recognisable as such downstream.
async fn a_retry_after_a_crash_sends_the_same_message(backend: Backend) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let smtp = format!("smtp://127.0.0.1:{port}");
    let app = spawn(backend, &[("PLEADESK_SMTP_URL", smtp.as_str())]).await;
    let sink = SmtpSink::start(port);
    let clerk = app.with_samples().await;
    let id = create_letter(&app, &clerk, "DV-2026-000103", "plea_form").await["id"].as_i64().unwrap();
    inject(
        &app,
        "CREATE TRIGGER crash_after_send BEFORE UPDATE OF email_status ON letters WHEN NEW.email_status = 'sent'
         BEGIN SELECT RAISE(ABORT, 'the worker died here'); END;",
        "CREATE FUNCTION crash_after_send() RETURNS trigger LANGUAGE plpgsql AS
           $$ BEGIN IF NEW.email_status = 'sent' THEN RAISE EXCEPTION 'the worker died here'; END IF; RETURN NEW; END $$;
         CREATE TRIGGER crash_after_send BEFORE UPDATE ON letters FOR EACH ROW EXECUTE FUNCTION crash_after_send();",
    )
    .await;
    let stats = app.run_jobs().await;
    assert_eq!(stats.retried, 1, "the email job failed after the server took the message");
    let listed: Value = app.get(&clerk, "/api/v1/letters").await.json().await.unwrap();
    assert_eq!(listed["letters"][0]["email_status"], "sending", "recorded before the SMTP conversation");
    assert!(listed["letters"][0]["emailed_at"].is_null());

    inject(&app, "DROP TRIGGER crash_after_send;", "DROP TRIGGER crash_after_send ON letters;").await;
    let stats = app.run_jobs_at(pleadesk::db::now() + chrono::Duration::hours(1)).await;
    assert_eq!((stats.done, stats.retried), (1, 0));
    let listed: Value = app.get(&clerk, "/api/v1/letters").await.json().await.unwrap();
    assert_eq!(listed["letters"][0]["email_status"], "sent");
    assert!(listed["letters"][0]["emailed_at"].is_string());

    let messages = sink.messages();
    assert_eq!(messages.len(), 2, "delivered twice: at least once, never lost");
    let ids: Vec<String> = messages
        .iter()
        .map(|m| mail_parser::MessageParser::default().parse(m).unwrap().message_id().unwrap().to_string())
        .collect();
    assert_eq!(ids, vec![format!("letter-{id}@127.0.0.1"); 2], "the same Message-ID both times");
}

/// A mail server that refuses the recipient quotes the address in its reply; neither the job's
/// stored error nor the log keeps it.
async fn a_refused_recipient_is_not_kept_in_errors_or_logs(backend: Backend) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let smtp = format!("smtp://127.0.0.1:{port}");
    let app = spawn(backend, &[("PLEADESK_SMTP_URL", smtp.as_str())]).await;
    let _sink = SmtpSink::rejecting(port);
    let clerk = app.with_samples().await;
    create_letter(&app, &clerk, "DV-2026-000103", "plea_form").await;
    // The worker as operators run it, with its log on stderr.
    let out =
        app.cli().env("PLEADESK_SMTP_URL", &smtp).env("RUST_LOG", "info").args(["jobs", "run-once"]).output().unwrap();
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(log.contains("email not accepted"), "the refusal is logged: {log}");
    assert!(log.contains("550"), "with the server's reply code: {log}");
    assert!(!log.contains("jose.munoz"), "no address in the log: {log}");
    let jobs: Value = app.get(&clerk, "/api/v1/jobs?status=queued").await.json().await.unwrap();
    let email = jobs["jobs"].as_array().unwrap().iter().find(|j| j["kind"] == "email_letter").expect("email job");
    let error = email["last_error"].as_str().unwrap();
    assert!(error.contains("550") && error.contains("Recipient address rejected"), "{error}");
    assert!(!error.contains("jose.munoz") && !error.contains('@'), "no address in jobs.last_error: {error}");
}

#[actix_web::test]
#[cfg_attr(not(has_smtp_sink), ignore = "pip install aiosmtpd to run this")]
async fn a_retry_after_a_crash_sends_the_same_message_sqlite() {
    a_retry_after_a_crash_sends_the_same_message(Backend::Sqlite).await;
}

#[actix_web::test]
#[cfg_attr(not(all(has_smtp_sink, pg_tests)), ignore = "needs aiosmtpd (pip) and PLEADESK_TEST_PG")]
async fn a_retry_after_a_crash_sends_the_same_message_postgres() {
    a_retry_after_a_crash_sends_the_same_message(Backend::Postgres).await;
}

#[actix_web::test]
#[cfg_attr(not(has_smtp_sink), ignore = "pip install aiosmtpd to run this")]
async fn a_refused_recipient_is_not_kept_in_errors_or_logs_sqlite() {
    a_refused_recipient_is_not_kept_in_errors_or_logs(Backend::Sqlite).await;
}

#[actix_web::test]
#[cfg_attr(not(all(has_smtp_sink, pg_tests)), ignore = "needs aiosmtpd (pip) and PLEADESK_TEST_PG")]
async fn a_refused_recipient_is_not_kept_in_errors_or_logs_postgres() {
    a_refused_recipient_is_not_kept_in_errors_or_logs(Backend::Postgres).await;
}

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
