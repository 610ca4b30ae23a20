//! Evidence uploads on the plea form: refused before the body is read without a CSRF token or
//! over the rate limit; the body's size and number of parts limited while it streams; and an
//! upload never sent with a plea deleted after a day (`pleadesk jobs run-once --as-of`).

use crate::helpers::{spawn, Backend, TestApp};
use crate::on_both_backends;
use reqwest::multipart::Part;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

const BOUNDARY: &str = "----pleadesk-test-boundary";

/// A multipart body: (field name, file name for a file, content).
fn multipart(parts: &[(&str, Option<&str>, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, content) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/pdf\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// How the body goes out.
enum Framing {
    /// `Content-Length` of the whole body, but only the first `n` bytes are ever sent.
    Partial(usize),
    /// The whole body, chunked, without the closing chunk (so it never ends).
    ChunkedOpen,
    /// The whole body with its `Content-Length`.
    Whole,
}

/// POSTs to the plea form by hand and returns the status of the answer. The server must answer
/// on its own: with `Partial` and `ChunkedOpen` the body never completes, so a server that
/// waited for all of it would never answer (the read gives up after a minute and the test fails).
async fn raw_post(app: &TestApp, cookie: Option<String>, body: Vec<u8>, framing: Framing) -> u16 {
    let addr = app.address.trim_start_matches("http://").to_string();
    actix_web::rt::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(&addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut writer = stream.try_clone().unwrap();
        let mut head = format!(
            "POST /plea HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        );
        if let Some(c) = cookie {
            head.push_str(&format!("Cookie: pd_csrf={c}\r\n"));
        }
        match framing {
            Framing::Partial(_) | Framing::Whole => head.push_str(&format!("Content-Length: {}\r\n", body.len())),
            Framing::ChunkedOpen => head.push_str("Transfer-Encoding: chunked\r\n"),
        }
        head.push_str("\r\n");
        let sender = std::thread::spawn(move || {
            if writer.write_all(head.as_bytes()).is_err() {
                return;
            }
            let sent: &[u8] = match framing {
                Framing::Partial(n) => &body[..n],
                _ => &body,
            };
            for piece in sent.chunks(64 * 1024) {
                let ok = match framing {
                    Framing::ChunkedOpen => writer
                        .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                        .and_then(|_| writer.write_all(piece))
                        .and_then(|_| writer.write_all(b"\r\n")),
                    _ => writer.write_all(piece),
                };
                if ok.is_err() {
                    return; // the server answered and closed
                }
            }
        });
        let mut answer = Vec::new();
        let mut buf = [0u8; 4096];
        while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).expect("the server answers without waiting for the rest of the body");
            assert!(n > 0, "the connection closed without an answer");
            answer.extend_from_slice(&buf[..n]);
        }
        let _ = stream.shutdown(Shutdown::Both);
        let _ = sender.join();
        let text = String::from_utf8_lossy(&answer);
        text.split(' ').nth(1).unwrap().parse().unwrap()
    })
    .await
    .unwrap()
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder().pool_idle_timeout(crate::helpers::IDLE).cookie_store(true).build().unwrap()
}

/// A CSRF token (the same value as its cookie), from the look-up page.
async fn csrf(app: &TestApp, b: &reqwest::Client) -> String {
    let html = b.get(app.url("/lookup")).send().await.unwrap().text().await.unwrap();
    html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string()
}

fn pdf(size: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.4\n".to_vec();
    v.resize(size, b'x');
    v
}

async fn an_upload_without_a_csrf_token_is_refused_before_it_is_read(app: TestApp) {
    app.with_current_samples().await;
    let big = multipart(&[("evidence", Some("a.pdf"), pdf(20_000_000)), ("csrf", None, b"x".to_vec())]);
    // No CSRF cookie at all.
    assert_eq!(raw_post(&app, None, big.clone(), Framing::Partial(256 * 1024)).await, 403);
    // A cookie, but the file comes before any token.
    let token = csrf(&app, &browser()).await;
    assert_eq!(raw_post(&app, Some(token.clone()), big, Framing::Partial(256 * 1024)).await, 403);
    // A wrong token before the file.
    let wrong = multipart(&[("csrf", None, b"0".repeat(64)), ("evidence", Some("a.pdf"), pdf(20_000_000))]);
    assert_eq!(raw_post(&app, Some(token.clone()), wrong, Framing::Partial(256 * 1024)).await, 403);
    // The same hand-made request, whole and with its token, passes these checks and reaches the
    // form itself, which sends a browser without a looked-up ticket back to the look-up.
    let fine = multipart(&[
        ("csrf", None, token.clone().into_bytes()),
        ("citation_number", None, b"DV-2026-000103".to_vec()),
        ("date_of_birth", None, b"1992-07-01".to_vec()),
        ("evidence", Some("a.pdf"), pdf(1000)),
    ]);
    assert_eq!(raw_post(&app, Some(token), fine, Framing::Whole).await, 303, "on to the form's own handling");
}

async fn an_upload_is_limited_in_size_and_parts_while_it_streams(app: TestApp) {
    app.with_current_samples().await;
    let token = csrf(&app, &browser()).await;
    let head = |extra: Vec<(&'static str, Option<&'static str>, Vec<u8>)>| {
        let mut parts = vec![
            ("csrf", None, token.clone().into_bytes()),
            ("citation_number", None, b"DV-2026-000103".to_vec()),
            ("date_of_birth", None, b"1992-07-01".to_vec()),
        ];
        parts.extend(extra);
        multipart(&parts)
    };
    // Declared larger than the limit: refused before anything is read.
    let declared = head(vec![("evidence", Some("a.pdf"), pdf(26 * 1024 * 1024))]);
    assert_eq!(raw_post(&app, Some(token.clone()), declared.clone(), Framing::Partial(1024)).await, 413);
    // The same size without a declared length: refused once 25 MB have streamed in, although the
    // body never ends.
    assert_eq!(raw_post(&app, Some(token.clone()), declared, Framing::ChunkedOpen).await, 413);
    // Too many parts.
    let many: Vec<_> = (0..300).map(|_| ("x", None, b"1".to_vec())).collect();
    assert_eq!(raw_post(&app, Some(token.clone()), head(many), Framing::Whole).await, 413);
}

fn minute() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() / 60
}

async fn an_upload_over_the_rate_limit_is_refused_before_it_is_read(backend: Backend) {
    for _ in 0..3 {
        let app = spawn(backend, &[("PLEADESK_LOOKUP_PER_MINUTE", "2")]).await;
        app.with_current_samples().await;
        let token = csrf(&app, &browser()).await;
        let start = minute();
        for _ in 0..2 {
            let body = serde_json::json!({"citation_number": "DV-2026-000103", "date_of_birth": "1992-07-01"});
            app.client.post(app.url("/api/v1/public/lookup")).json(&body).send().await.unwrap();
        }
        let big = multipart(&[
            ("csrf", None, token.clone().into_bytes()),
            ("citation_number", None, b"DV-2026-000103".to_vec()),
            ("evidence", Some("a.pdf"), pdf(20_000_000)),
        ]);
        if minute() != start {
            continue; // the window turned: the client's checks are back; try again
        }
        assert_eq!(raw_post(&app, Some(token), big, Framing::Partial(64 * 1024)).await, 429);
        return;
    }
    panic!("three runs straddled a minute");
}

#[actix_web::test]
async fn an_upload_over_the_rate_limit_is_refused_before_it_is_read_sqlite() {
    an_upload_over_the_rate_limit_is_refused_before_it_is_read(Backend::Sqlite).await;
}

#[actix_web::test]
#[cfg_attr(not(pg_tests), ignore = "set PLEADESK_TEST_PG to a PostgreSQL server URL to run this")]
async fn an_upload_over_the_rate_limit_is_refused_before_it_is_read_postgres() {
    an_upload_over_the_rate_limit_is_refused_before_it_is_read(Backend::Postgres).await;
}

/// (id, storage path) of the document with this content, if it is still recorded.
async fn document(app: &TestApp, content: &[u8]) -> Option<(i64, String)> {
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(content));
    app.with_db(move |c| {
        use diesel::prelude::*;
        use pleadesk::db::schema::documents;
        documents::table
            .filter(documents::sha256.eq(sha))
            .select((documents::id, documents::storage_path))
            .first(c)
            .optional()
            .unwrap()
    })
    .await
}

async fn evidence_never_sent_with_a_plea_is_deleted_after_a_day(app: TestApp) {
    app.with_current_samples().await;
    let (kept, dropped) = (b"%PDF-1.4\n% the receipt\n".to_vec(), b"%PDF-1.4\n% a photo, then changed mind\n".to_vec());
    // Looks the ticket up in a fresh browser and sends the plea form with this file: on to the review.
    let app = &app;
    let upload = |content: Vec<u8>| async move {
        let b = crate::pages::browser();
        let page = b.get(app.url("/lookup")).send().await.unwrap().text().await.unwrap();
        let csrf = crate::pages::csrf_of(&page);
        let found = crate::pages::look_up(&b, app, &csrf, "DV-2026-000103", "1").await;
        assert_eq!(crate::pages::see_other(&found), "/case");
        let part = Part::bytes(content).file_name("x.pdf").mime_str("application/pdf").unwrap();
        let r = b.post(app.url("/plea")).multipart(crate::pages::plea_fields(&csrf).part("evidence", part)).send();
        assert_eq!(crate::pages::see_other(&r.await.unwrap()), "/plea/review");
        (b, csrf)
    };
    // On one phone the resident adds a photo and gives up; on another they send the plea with
    // another file.
    upload(dropped.clone()).await;
    let (b, csrf) = upload(kept.clone()).await;
    let sent = b.post(app.url("/plea/submit")).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(crate::pages::see_other(&sent), "/plea/confirmation");
    let (kept_id, kept_path) = document(app, &kept).await.unwrap();
    let (dropped_id, dropped_path) = document(app, &dropped).await.unwrap();
    assert!(std::path::Path::new(&dropped_path).exists());

    // Today: the upload is less than a day old and stays.
    let today = chrono::Utc::now().with_timezone(&chrono_tz::America::Denver).date_naive();
    let run = |day: chrono::NaiveDate| {
        let out = app.cli().args(["jobs", "run-once", "--as-of", &day.to_string()]).output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let out = run(today);
    assert!(out.contains("evidence: 0 unattached uploads deleted"), "{out}");
    assert!(document(app, &dropped).await.is_some());
    // Two days on: the upload no plea came for is gone, row and file; the plea's evidence stays.
    let out = run(today + chrono::Duration::days(2));
    assert!(out.contains("evidence: 1 unattached uploads deleted"), "{out}");
    assert_eq!(document(app, &dropped).await, None);
    assert!(!std::path::Path::new(&dropped_path).exists(), "the file is deleted too");
    let blobs = |content: &[u8]| {
        let sha = pleadesk::storage::sha256_hex(content);
        app.with_db(move |c| pleadesk::db::blobs::find(c, &sha).unwrap().is_some())
    };
    assert!(!blobs(&dropped).await, "so is its copy in the database (PostgreSQL)");
    let on_pg = app.database_url.starts_with("postgres");
    assert_eq!(blobs(&kept).await, on_pg, "the evidence sent is kept in the database on PostgreSQL only");
    assert_eq!(document(app, &kept).await, Some((kept_id, kept_path.clone())));
    assert!(std::path::Path::new(&kept_path).exists());
    // On the record, with ids only.
    let events: Vec<(String, String, String)> = app
        .with_db(|c| {
            use diesel::prelude::*;
            use pleadesk::db::schema::events;
            events::table
                .filter(events::action.eq("evidence.purged"))
                .select((events::actor, events::subject_type, events::details))
                .load(c)
                .unwrap()
        })
        .await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!((events[0].0.as_str(), events[0].1.as_str()), ("system", "documents"));
    let details: serde_json::Value = serde_json::from_str(&events[0].2).unwrap();
    assert_eq!(details, serde_json::json!({"count": 1, "document_ids": [dropped_id]}));
    let verify = app.cli().args(["audit", "verify"]).output().unwrap();
    assert!(verify.status.success(), "{verify:?}");
    // Running again deletes nothing more.
    assert!(run(today + chrono::Duration::days(3)).contains("evidence: 0 unattached"));
}

on_both_backends!(
    an_upload_without_a_csrf_token_is_refused_before_it_is_read,
    an_upload_is_limited_in_size_and_parts_while_it_streams,
    evidence_never_sent_with_a_plea_is_deleted_after_a_day,
);
