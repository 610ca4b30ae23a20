//! The images of scanned pages: made at upload, shown as thumbnails on the batch and the case, a
//! page opened large with what was read from it, the original downloaded, each opening on the
//! audit trail; the same image through the API; made again when the cache folder is gone.

use crate::console::{signed_in, text};
use crate::helpers::{error_body, events, TestApp};
use crate::on_both_backends;
use crate::paper_support::{keyed, mail_plea, today};
use crate::scans::{client, first_pages, img2pdf, plain_page};
use pleadesk::domain::Role;
use serde_json::{json, Value};

/// Uploads `bytes` through the API as a clerk; the batch.
async fn upload(app: &TestApp, token: &str, bytes: Vec<u8>, name: &str) -> Value {
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    let r = client().post(app.url("/api/v1/scans")).bearer_auth(token).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

/// A three-page scan at 150 dpi: our plea form for DV-2026-000101, a check, our plea form for
/// DV-2026-000102 — envelopes [1, 2] and [3]. (PDF, its letter ids, each page's size in pixels.)
async fn three_pages(app: &TestApp, token: &str, dir: &std::path::Path) -> (Vec<u8>, Vec<i64>, Vec<(u32, u32)>) {
    let (letters, firsts) = first_pages(app, token, &["DV-2026-000101", "DV-2026-000102"], dir).await;
    let check = plain_page(dir, "check.jpg", "PAY TO THE ORDER OF DENVER COUNTY COURT  $100.00");
    let images = [firsts[0].clone(), check, firsts[1].clone()];
    let sizes = images.iter().map(|p| image::image_dimensions(p).unwrap()).collect();
    (img2pdf(&images, &dir.join("batch.pdf")), letters, sizes)
}

/// A page of `(w, h)` pixels brought to `width` wide, keeping its shape (rounded).
fn scaled((w, h): (u32, u32), width: u32) -> (u32, u32) {
    (width, (h * width + w / 2) / w)
}

/// A JPEG answer: its headers checked, its size in pixels.
async fn jpeg_size(r: reqwest::Response) -> (u32, u32) {
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let cache = r.headers()["cache-control"].to_str().unwrap().to_string();
    assert!(cache.starts_with("private, max-age="), "{cache}");
    let bytes = r.bytes().await.unwrap();
    let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg).expect("a JPEG");
    assert_eq!(img.color(), image::ColorType::L8, "greyscale");
    (img.width(), img.height())
}

fn page_reads(all: &[(String, String, String, String, Value)], doc: i64) -> Vec<(String, Value)> {
    all.iter()
        .filter(|e| e.1 == "scan.page_read" && e.3 == doc.to_string())
        .map(|e| (e.0.clone(), e.4.clone()))
        .collect()
}

async fn a_clerk_sees_thumbnails_opens_a_page_and_downloads_the_original(app: TestApp) {
    app.with_samples().await;
    let clerk = app.staff(Role::Clerk).await;
    let dir = tempfile::tempdir().unwrap();
    let (pdf, letters, sizes) = three_pages(&app, &clerk.token, dir.path()).await;
    assert_eq!(sizes[1], (1275, 1650), "the check: a letter-size page at 150 dpi");
    let doc = upload(&app, &clerk.token, pdf.clone(), "batch.pdf").await["document_id"].as_i64().unwrap();
    let data = app.data_dir.path().join("data");
    let cache = data.join("scans/pages").join(pleadesk::storage::sha256_hex(&pdf));
    for n in 1..=3 {
        assert!(cache.join(format!("{n}-page.jpg")).is_file() && cache.join(format!("{n}-thumb.jpg")).is_file());
    }
    let (b, _) = signed_in(&app, &clerk).await;

    // The batch: each envelope's pages as thumbnails, each a link to its page.
    let (status, page) = text(&b, &app, &format!("/staff/scans/{doc}")).await;
    assert_eq!(status, 200);
    for n in 1..=3 {
        let (w, h) = scaled(sizes[n - 1], 180);
        let img = format!(
            r#"<img src="/staff/scans/{doc}/pages/{n}/image?size=thumb" width="{w}" height="{h}" alt="Page {n} of scanned document no. {doc}">"#
        );
        assert!(page.contains(&img), "page {n}: {page}");
        assert!(page.contains(&format!(r#"<a class="pd-thumb" href="/staff/scans/{doc}/pages/{n}">"#)));
    }
    let envelope_2 = page.split(r#"<section class="pd-sub""#).nth(2).unwrap();
    assert!(envelope_2.contains("/pages/3/image") && !envelope_2.contains("/pages/1/image"), "{envelope_2}");

    // The images: thumb and page, decoded at their sizes; page is the default.
    let image = |q: &str| b.get(app.url(&format!("/staff/scans/{doc}/pages/2/image{q}"))).send();
    assert_eq!(jpeg_size(image("?size=thumb").await.unwrap()).await, (180, 233));
    assert_eq!(jpeg_size(image("?size=page").await.unwrap()).await, (1100, 1424));
    assert_eq!(jpeg_size(image("").await.unwrap()).await, (1100, 1424));
    assert!(page_reads(&events(&app).await, doc).is_empty(), "images alone are not page reads");

    // The page: its image large, what its code says, the ways on.
    let (status, page) = text(&b, &app, &format!("/staff/scans/{doc}/pages/1")).await;
    assert_eq!(status, 200);
    let (w, h) = scaled(sizes[0], 1100);
    assert!(page.contains(&format!(
        r#"src="/staff/scans/{doc}/pages/1/image?size=page" width="{w}" height="{h}" alt="Page 1 of scanned document no. {doc}""#
    )));
    assert!(page.contains(&format!("Our letter no. {} for citation DV-2026-000101.", letters[0])), "{page}");
    assert!(page.contains("Envelope 1 of the batch: pages 1, 2"), "{page}");
    assert!(page.contains(&format!(r#"href="/staff/scans/{doc}/pages/2">Next page (2 of 3)"#)));
    assert!(!page.contains("Previous page"));
    assert!(page.contains(&format!(r#"id="batch-link" href="/staff/scans/{doc}""#)));
    assert!(page.contains(r#"id="case-link" href="/staff/cases/DV-2026-000101""#));
    assert!(page.contains(&format!(r#"href="/staff/scans/{doc}/original">Download the original file (PDF)"#)));
    let (_, page) = text(&b, &app, &format!("/staff/scans/{doc}/pages/2")).await;
    assert!(page.contains("None of ours.") && page.contains("Previous page (1 of 3)"), "{page}");
    let (_, page) = text(&b, &app, &format!("/staff/scans/{doc}/pages/3")).await;
    assert!(page.contains(r#"id="case-link" href="/staff/cases/DV-2026-000102""#) && !page.contains("Next page"));
    let actor = format!("staff:{}", clerk.id);
    let reads = page_reads(&events(&app).await, doc);
    let expected: Vec<(String, Value)> = (1..=3).map(|n| (actor.clone(), json!({"page": n}))).collect();
    assert_eq!(reads, expected, "each page opened is one event: actor, document, page");

    // The original, byte for byte, as an attachment; the event.
    let r = b.get(app.url(&format!("/staff/scans/{doc}/original"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let disposition = format!("attachment; filename=\"scanned-document-{doc}.pdf\"");
    assert_eq!(r.headers()["content-disposition"].to_str().unwrap(), disposition);
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
    let all = events(&app).await;
    let original = all.iter().filter(|e| e.1 == "scan.original_read").collect::<Vec<_>>();
    assert_eq!(original.len(), 1);
    assert_eq!((original[0].0.as_str(), original[0].3.as_str()), (actor.as_str(), doc.to_string().as_str()));

    // No such page or document: 404 saying so; a size not made: 422 naming it.
    let (status, page) = text(&b, &app, &format!("/staff/scans/{doc}/pages/4")).await;
    assert_eq!(status, 404);
    assert!(page.contains(&format!("scanned document no. {doc} has no page 4; its pages are 1 to 3")), "{page}");
    let (status, page) = text(&b, &app, &format!("/staff/scans/{doc}/pages/0/image?size=thumb")).await;
    assert_eq!(status, 404);
    assert!(page.contains("has no page 0"));
    let (status, page) = text(&b, &app, "/staff/scans/99999/pages/1").await;
    assert_eq!(status, 404);
    assert!(page.contains("there is no scanned document no. 99999"), "{page}");
    assert_eq!(text(&b, &app, "/staff/scans/99999/original").await.0, 404);
    let (status, page) = text(&b, &app, &format!("/staff/scans/{doc}/pages/1/image?size=huge")).await;
    assert_eq!(status, 422);
    assert!(page.contains("ask for size=thumb or size=page"), "{page}");

    // The cache folder deleted: the images are made again from the stored scan.
    std::fs::remove_dir_all(data.join("scans/pages")).unwrap();
    assert_eq!(jpeg_size(image("?size=thumb").await.unwrap()).await, (180, 233));
    assert_eq!(jpeg_size(image("?size=page").await.unwrap()).await, (1100, 1424));
    for n in 1..=3 {
        assert!(cache.join(format!("{n}-thumb.jpg")).is_file(), "every page made again at once");
    }
}

async fn a_prosecutor_reads_pages_through_the_console_and_the_api_and_an_integration_cannot(app: TestApp) {
    let clerk = app.with_current_samples().await;
    let dir = tempfile::tempdir().unwrap();
    let (pdf, _, sizes) = three_pages(&app, &clerk, dir.path()).await;
    let doc = upload(&app, &clerk, pdf.clone(), "batch.pdf").await["document_id"].as_i64().unwrap();
    // A plea keyed from the scan: the case shows the scan's pages as thumbnails.
    let mut plea = mail_plea("DV-2026-000101", today(), &[(1, "guilty")]);
    plea["document_id"] = json!(doc);
    keyed(&app, &clerk, &plea).await;

    let prosecutor = app.staff(Role::Prosecutor).await;
    let (b, _) = signed_in(&app, &prosecutor).await;
    let (status, page) = text(&b, &app, "/staff/cases/DV-2026-000101").await;
    assert_eq!(status, 200);
    let section = page.split(r#"id="submissions""#).nth(1).unwrap().split(r#"id="offers""#).next().unwrap();
    for n in [1, 2] {
        assert!(section.contains(&format!(r#"<a class="pd-thumb" href="/staff/scans/{doc}/pages/{n}">"#)), "{section}");
        assert!(section.contains(&format!(r#"alt="Page {n} of scanned document no. {doc}""#)));
    }
    let (status, page) = text(&b, &app, &format!("/staff/scans/{doc}/pages/1")).await;
    assert_eq!(status, 200);
    assert!(!page.contains(r#"id="batch-link""#), "the batch is the clerks' page");
    assert!(page.contains(r#"id="case-link" href="/staff/cases/DV-2026-000101""#));
    let r = b.get(app.url(&format!("/staff/scans/{doc}/pages/1/image?size=thumb"))).send().await.unwrap();
    assert_eq!(jpeg_size(r).await, scaled(sizes[0], 180));
    let r = b.get(app.url(&format!("/staff/scans/{doc}/original"))).send().await.unwrap();
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);

    // The API: a prosecutor's token reads the image, each fetch an event naming the size.
    let token = app.token(Role::Prosecutor).await;
    let api = |path: String, token: String| client().get(app.url(&path)).bearer_auth(token).send();
    let r = api(format!("/api/v1/scans/{doc}/pages/3?size=thumb"), token.clone()).await.unwrap();
    assert_eq!(jpeg_size(r).await, scaled(sizes[2], 180));
    let r = api(format!("/api/v1/scans/{doc}/pages/3"), token.clone()).await.unwrap();
    assert_eq!(jpeg_size(r).await, scaled(sizes[2], 1100));
    let reads = page_reads(&events(&app).await, doc);
    assert_eq!(
        reads[reads.len() - 2..].iter().map(|r| r.1.clone()).collect::<Vec<_>>(),
        vec![json!({"page": 3, "size": "thumb"}), json!({"page": 3, "size": "page"})]
    );
    let e =
        error_body(api(format!("/api/v1/scans/{doc}/pages/7"), token.clone()).await.unwrap(), 404, "not_found").await;
    assert!(e["error"]["message"].as_str().unwrap().contains("has no page 7"), "{e}");
    let e =
        error_body(api(format!("/api/v1/scans/{doc}/pages/1?size=huge"), token).await.unwrap(), 422, "invalid").await;
    assert!(e["error"]["fields"]["size"].as_str().unwrap().contains("size=thumb"), "{e}");
    let integration = app.token(Role::Integration).await;
    error_body(api(format!("/api/v1/scans/{doc}/pages/1"), integration).await.unwrap(), 403, "forbidden").await;
}

async fn a_page_that_could_not_be_read_has_no_image_and_offers_the_original(app: TestApp) {
    let clerk = app.staff(Role::Clerk).await;
    let mut damaged = vec![0xFF, 0xD8, 0xFF, 0xE0];
    damaged.extend_from_slice(b"not really a jpeg");
    let batch = upload(&app, &clerk.token, damaged.clone(), "damaged.jpg").await;
    let doc = batch["document_id"].as_i64().unwrap();
    let (b, _) = signed_in(&app, &clerk).await;
    let (_, page) = text(&b, &app, &format!("/staff/scans/{doc}")).await;
    assert!(page.contains("Page 1 could not be read") && !page.contains("/pages/1/image"), "{page}");
    let (status, page) = text(&b, &app, &format!("/staff/scans/{doc}/pages/1")).await;
    assert_eq!(status, 200);
    assert!(page.contains("This page could not be read when it was scanned") && !page.contains("<img"), "{page}");
    assert!(page.contains("Not read: the page could not be decoded."));
    assert!(page.contains(&format!(r#"href="/staff/scans/{doc}/original">Download the original file (JPEG)"#)));
    // Its envelope's page says so beside the keying form, in place of a broken image.
    let (status, page) = text(&b, &app, &format!("/staff/envelopes/{}", batch["envelopes"][0]["id"])).await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"id="no-image-1""#) && !page.contains("/pages/1/image"), "{page}");
    assert!(page.contains(&format!(r#"href="/staff/scans/{doc}/original">Download the original file"#)));
    let (status, page) = text(&b, &app, &format!("/staff/scans/{doc}/pages/1/image?size=thumb")).await;
    assert_eq!(status, 404);
    assert!(page.contains("download the original file to see it"), "{page}");
    let r = b.get(app.url(&format!("/staff/scans/{doc}/original"))).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert_eq!(r.bytes().await.unwrap().to_vec(), damaged);
}

on_both_backends!(
    a_clerk_sees_thumbnails_opens_a_page_and_downloads_the_original,
    a_prosecutor_reads_pages_through_the_console_and_the_api_and_an_integration_cannot,
    a_page_that_could_not_be_read_has_no_image_and_offers_the_original,
);
