//! Letters sent by email through a real SMTP server (aiosmtpd): retried until the server takes
//! them, the same Message-ID after a crash, and a refused recipient kept out of errors and logs.

use crate::durable::inject;
use crate::helpers::{spawn, Backend};
use crate::letters::{create_letter, letter_pdf};
use serde_json::Value;
use std::process::Command;

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
