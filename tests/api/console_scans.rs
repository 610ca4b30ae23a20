//! Scanned mail in the console (`/staff/scans`): a batch made from our own letters uploaded
//! through the page, shown as a queue of envelopes linked to their cases, a page moved, a plea
//! keyed from an envelope; the API's limits and errors shown on the page; CSRF; roles.

use crate::console::{location, signed_in, text};
use crate::helpers::{events, TestApp};
use crate::on_both_backends;
use crate::scans::{client, first_pages, img2pdf, plain_page};
use pleadesk::domain::Role;
use serde_json::Value;

/// A blank page as a small PNG (no code of ours: one envelope that needs a match).
pub(crate) fn blank_png() -> Vec<u8> {
    let img = image::GrayImage::from_pixel(200, 260, image::Luma([255u8]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Uploads a blank page through the API; its batch.
pub(crate) async fn upload_blank(app: &TestApp, token: &str) -> Value {
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(blank_png()).file_name("blank.png"));
    let r = client().post(app.url("/api/v1/scans")).bearer_auth(token).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

/// The console's upload form, sent with `csrf` first and then each file.
async fn upload(b: &reqwest::Client, app: &TestApp, csrf: &str, files: Vec<(Vec<u8>, &str)>) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().text("csrf", csrf.to_string());
    for (bytes, name) in files {
        form = form.part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    }
    b.post(app.url("/staff/scans")).multipart(form).send().await.unwrap()
}

async fn move_page(b: &reqwest::Client, app: &TestApp, doc: i64, env: i64, form: &[(&str, &str)]) -> reqwest::Response {
    b.post(app.url(&format!("/staff/scans/{doc}/envelopes/{env}/move"))).form(form).send().await.unwrap()
}

async fn batch(app: &TestApp, token: &str, doc: i64) -> Value {
    app.get(token, &format!("/api/v1/scans/{doc}")).await.json().await.unwrap()
}

async fn a_clerk_uploads_a_batch_sees_its_envelopes_moves_a_page_and_keys_a_plea(app: TestApp) {
    app.with_samples().await;
    let clerk = app.staff(Role::Clerk).await;
    // Two of our plea forms with a check behind the first: envelopes [1, 2] and [3].
    let dir = tempfile::tempdir().unwrap();
    let (_, firsts) = first_pages(&app, &clerk.token, &["DV-2026-000101", "DV-2026-000102"], dir.path()).await;
    let check = plain_page(dir.path(), "check.jpg", "PAY TO THE ORDER OF DENVER COUNTY COURT  $100.00");
    let pdf = img2pdf(&[firsts[0].clone(), check, firsts[1].clone()], &dir.path().join("batch.pdf"));

    let (b, csrf) = signed_in(&app, &clerk).await;
    let (status, page) = text(&b, &app, "/staff/scans").await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"enctype="multipart/form-data""#) && page.contains(r#"name="file" type="file" multiple"#));
    assert!(page.contains(r#"href="/staff/scans/separator.pdf"#), "a link to print separator sheets");
    assert!(page.contains(r#"href="/staff/scans""#), "Scans is in a clerk's menu");

    // A forged upload stores nothing.
    let r = upload(&b, &app, "forged", vec![(pdf.clone(), "batch.pdf")]).await;
    assert_eq!(r.status(), 403);
    let stored = app.with_db(|c| {
        use diesel::prelude::*;
        pleadesk::db::schema::documents::table.count().get_result::<i64>(c).unwrap()
    });
    assert_eq!(stored.await, 0);

    let r = upload(&b, &app, &csrf, vec![(pdf, "batch.pdf")]).await;
    let to = location(&r);
    let doc: i64 =
        to.strip_prefix("/staff/scans/").and_then(|s| s.strip_suffix("?done=uploaded")).unwrap().parse().unwrap();
    let (status, page) = text(&b, &app, &to).await;
    assert_eq!(status, 200);
    assert!(page.contains("The scan was uploaded and split into envelopes."));
    assert!(page.contains("Envelope 1</a>: pages 1 to 2") && page.contains("Envelope 2</a>: page 3"), "{page}");
    assert!(page.contains(r#"<a class="usa-link" href="/staff/cases/DV-2026-000101">"#));
    assert!(page.contains(r#"<a class="usa-link" href="/staff/cases/DV-2026-000102">"#));
    assert!(!page.contains("Needs a match"));
    assert!(page.contains(">Start keying</a>") && page.matches(">Key this envelope<").count() == 2, "{page}");
    let actor = format!("staff:{}", clerk.id);
    let reads = events(&app).await.into_iter().filter(|e| e.1 == "scan.read" && e.3 == doc.to_string()).count();
    assert_eq!(reads, 1, "opening the batch is the scan.read event");
    assert!(events(&app).await.iter().any(|e| e.0 == actor && e.1 == "scan.uploaded"));

    // The check (page 2) moves to the next envelope, by the button's form.
    let envs = batch(&app, &clerk.token, doc).await["envelopes"].clone();
    let (first, second) = (envs[0]["id"].as_i64().unwrap(), envs[1]["id"].as_i64().unwrap());
    let r = move_page(&b, &app, doc, first, &[("csrf", "forged"), ("page", "2"), ("to", "next")]).await;
    assert_eq!(r.status(), 403);
    assert_eq!(batch(&app, &clerk.token, doc).await["envelopes"], envs, "a forged form moves nothing");
    let r = move_page(&b, &app, doc, first, &[("csrf", &csrf), ("page", "2"), ("to", "next")]).await;
    assert_eq!(location(&r), format!("/staff/scans/{doc}?done=moved"));
    let now = batch(&app, &clerk.token, doc).await;
    assert_eq!(now["envelopes"][0]["page_numbers"], serde_json::json!([1]));
    assert_eq!(now["envelopes"][1]["page_numbers"], serde_json::json!([2, 3]));
    let (_, page) = text(&b, &app, &format!("/staff/scans/{doc}?done=moved")).await;
    assert!(page.contains("The page was moved") && page.contains("Envelope 2</a>: pages 2 to 3"), "{page}");
    let moved = events(&app).await.into_iter().filter(|e| e.1 == "envelope.page_moved").collect::<Vec<_>>();
    assert_eq!(moved.len(), 1);
    assert_eq!((moved[0].0.as_str(), moved[0].3.as_str()), (actor.as_str(), doc.to_string().as_str()));
    // A move the rules refuse shows the batch again with the reason; nothing moves.
    let r = move_page(&b, &app, doc, second, &[("csrf", &csrf), ("page", "3"), ("to", "previous")]).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("The page was not moved") && page.contains("only the first page"), "{page}");
    assert_eq!(batch(&app, &clerk.token, doc).await["envelopes"], now["envelopes"]);

    // The keying form opened with a scan (as the API's document_id): the number's charges at
    // once, and the plea recorded with the scan. (Keying from an envelope: console_envelopes.rs.)
    let key = format!("/staff/pleas/new?document_id={doc}&citation_number=DV-2026-000101");
    let (status, page) = text(&b, &app, &key).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!(r#"name="document_id" value="{doc}""#)), "{page}");
    assert!(page.contains(r#"value="DV-2026-000101""#) && page.contains("is on file: its charges are below"));
    let k = page.split(r#"name="key" value=""#).nth(1).unwrap()[..32].to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("key", &k),
        ("document_id", &doc.to_string()),
        ("citation_number", "DV-2026-000101"),
        ("channel", "mail"),
        ("postmark_date", &crate::paper_support::today().to_string()),
        ("plea_1", "guilty"),
        ("signed", "yes"),
        ("step", "save"),
    ];
    let r = b.post(app.url("/staff/pleas/new")).form(&form).send().await.unwrap();
    assert!(location(&r).ends_with("?done=keyed"));
    let recorded = app.with_db(|c| {
        use diesel::prelude::*;
        use pleadesk::db::schema::submissions;
        submissions::table.select(submissions::document_id).load::<Option<i64>>(c).unwrap()
    });
    assert_eq!(recorded.await, vec![Some(doc)]);
}

async fn the_upload_page_shows_the_apis_refusals_and_admits_only_clerks(app: TestApp) {
    let clerk = app.staff(Role::Clerk).await;
    let (b, csrf) = signed_in(&app, &clerk).await;
    // Not a scan: 415, shown as the page's error summary.
    let r = upload(&b, &app, &csrf, vec![(b"hello, court".to_vec(), "plea.pdf")]).await;
    assert_eq!(r.status(), 415);
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"id="error-summary""#) && page.contains("must be a PDF, PNG, JPEG or TIFF"), "{page}");
    // More files than the API takes: 413, nothing stored.
    let many: Vec<(Vec<u8>, &str)> = (0..11).map(|_| (blank_png(), "blank.png")).collect();
    let r = upload(&b, &app, &csrf, many).await;
    assert_eq!(r.status(), 413);
    assert!(r.text().await.unwrap().contains("send at most 10 files at once"));
    // No file at all: 422.
    let r = upload(&b, &app, &csrf, Vec::new()).await;
    assert_eq!(r.status(), 422);
    // A blank page: one envelope that needs a match.
    let r = upload(&b, &app, &csrf, vec![(blank_png(), "blank.png")]).await;
    let (status, page) = text(&b, &app, &location(&r)).await;
    assert_eq!(status, 200);
    assert!(page.contains("Needs a match") && !page.contains("Move first page"), "{page}");
    // Separator sheets through the session.
    let r = b.get(app.url("/staff/scans/separator.pdf?copies=2")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF-"));
    let r = b.get(app.url("/staff/scans/separator.pdf?copies=0")).send().await.unwrap();
    assert_eq!(r.status(), 422);

    let prosecutor = app.staff(Role::Prosecutor).await;
    let (p, _) = signed_in(&app, &prosecutor).await;
    let (status, page) = text(&p, &app, "/staff/scans").await;
    assert_eq!(status, 403);
    assert!(page.contains("(prosecutor)"));
    let (_, dashboard) = text(&p, &app, "/staff").await;
    assert!(!dashboard.contains(r#"href="/staff/scans""#), "no Scans in a prosecutor's menu");
}

on_both_backends!(
    a_clerk_uploads_a_batch_sees_its_envelopes_moves_a_page_and_keys_a_plea,
    the_upload_page_shows_the_apis_refusals_and_admits_only_clerks,
);
