//! Scanned mail: fixtures are made in the test run from our own letters — rendered by the API,
//! rasterised with pdftoppm, rotated, noised and saved as JPEG at quality 50 (or as 1-bit CCITT
//! Group 4) with ImageMagick, wrapped as PDFs with img2pdf — then uploaded through the API.

use crate::helpers::{error_body, TestApp};
use crate::on_both_backends;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A client that opens a connection per request: fixtures take seconds to make between requests,
/// longer than the server keeps an idle connection, and a pooled one may be closed as it is reused.
pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap()
}

async fn post_json(app: &TestApp, token: &str, path: &str, body: &Value) -> reqwest::Response {
    client().post(app.url(path)).bearer_auth(token).json(body).send().await.expect("sent")
}

async fn get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    client().get(app.url(path)).bearer_auth(token).send().await.expect("sent")
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?} does not run: {e}"));
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A plea form for `number`: (letter id, PDF).
pub(crate) async fn plea_form(app: &TestApp, clerk: &str, number: &str) -> (i64, Vec<u8>) {
    let resp =
        post_json(app, clerk, &format!("/api/v1/citations/{number}/letters"), &json!({"type": "plea_form"})).await;
    assert_eq!(resp.status(), 201);
    let id = resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let pdf = get(app, clerk, &format!("/api/v1/letters/{id}/pdf")).await.bytes().await.unwrap().to_vec();
    (id, pdf)
}

/// The first page of our plea form for each of `numbers`, rasterised at 150 dpi into `dir`:
/// (the letters' ids, the pages).
pub(crate) async fn first_pages(app: &TestApp, clerk: &str, numbers: &[&str], dir: &Path) -> (Vec<i64>, Vec<PathBuf>) {
    let (mut letters, mut pages) = (Vec::new(), Vec::new());
    for (k, number) in numbers.iter().enumerate() {
        let (id, pdf) = plea_form(app, clerk, number).await;
        letters.push(id);
        pages.push(rasterise(&pdf, 150, dir, &format!("l{k}")).remove(0));
    }
    (letters, pages)
}

/// Every page of `pdf` as a grey PNG at `dpi`, as a scanner would see it.
pub(crate) fn rasterise(pdf: &[u8], dpi: u32, dir: &Path, stem: &str) -> Vec<PathBuf> {
    let input = dir.join(format!("{stem}.pdf"));
    std::fs::write(&input, pdf).unwrap();
    run(Command::new("pdftoppm").args(["-gray", "-png", "-r", &dpi.to_string()]).arg(&input).arg(dir.join(stem)));
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(&format!("{stem}-")) && name.ends_with(".png")
        })
        .collect();
    pages.sort();
    pages
}

/// A real scan of `page`: turned by `degrees`, light noise, JPEG at quality 50.
pub(crate) fn scanned(page: &Path, degrees: f32, out: &Path) -> PathBuf {
    run(Command::new("convert")
        .arg(page)
        .args([
            "-background",
            "white",
            "-rotate",
            &degrees.to_string(),
            "+repage",
            "-attenuate",
            "0.4",
            "+noise",
            "Gaussian",
            "-colorspace",
            "Gray",
            "-quality",
            "50",
        ])
        .arg(out));
    out.to_path_buf()
}

/// A black-and-white fax-style scan: 1-bit, CCITT Group 4 TIFF (all pages in one file).
fn group4(pages: &[&Path], out: &Path) -> PathBuf {
    run(Command::new("convert")
        .args(pages)
        .args(["-rotate", "2", "+repage", "-threshold", "60%", "-compress", "Group4"])
        .arg(out));
    out.to_path_buf()
}

pub(crate) fn img2pdf(images: &[PathBuf], out: &Path) -> Vec<u8> {
    run(Command::new("img2pdf").args(images).arg("-o").arg(out));
    std::fs::read(out).unwrap()
}

pub(crate) async fn upload(app: &TestApp, token: &str, files: Vec<(Vec<u8>, &str)>) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new();
    for (bytes, name) in files {
        form = form.part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    }
    client().post(app.url("/api/v1/scans")).bearer_auth(token).multipart(form).send().await.expect("sent")
}

async fn counts(app: &TestApp) -> (i64, i64, i64, i64) {
    app.with_db(|c| {
        use diesel::prelude::*;
        use pleadesk::db::schema::{documents, envelopes, scan_batches, scan_pages};
        (
            documents::table.count().get_result(c).unwrap(),
            scan_batches::table.count().get_result(c).unwrap(),
            envelopes::table.count().get_result(c).unwrap(),
            scan_pages::table.count().get_result(c).unwrap(),
        )
    })
    .await
}

async fn upload_events(app: &TestApp) -> Vec<(String, String, String)> {
    app.with_db(|c| {
        use diesel::prelude::*;
        use pleadesk::db::schema::events;
        events::table
            .filter(events::action.eq("scan.uploaded"))
            .order(events::id)
            .select((events::actor, events::subject_id, events::details))
            .load(c)
            .unwrap()
    })
    .await
}

async fn a_scanned_plea_form_links_itself_at_150_and_300_dpi(app: TestApp) {
    let clerk = app.with_samples().await;
    let (letter, pdf) = plea_form(&app, &clerk, "DV-2026-000101").await;
    let dir = tempfile::tempdir().unwrap();
    for (dpi, degrees) in [(150, 5.0), (300, -5.0)] {
        let pages = rasterise(&pdf, dpi, dir.path(), &format!("p{dpi}"));
        let scans: Vec<PathBuf> = pages
            .iter()
            .enumerate()
            .map(|(i, p)| scanned(p, degrees, &dir.path().join(format!("s{dpi}-{i}.jpg"))))
            .collect();
        // The first page alone as a JPEG, and the whole letter as a scanned PDF.
        let resp = upload(&app, &clerk, vec![(std::fs::read(&scans[0]).unwrap(), "scan.jpg")]).await;
        assert_eq!(resp.status(), 201, "{dpi} dpi JPEG");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["citation_number"], "DV-2026-000101", "{dpi} dpi: {v}");
        assert_eq!(v["letter_id"], letter);
        assert_eq!(v["qr"], json!([{"page": 1, "payload": format!("PLEADESK DV-2026-000101 L{letter}")}]));
        assert_eq!(v["suggestions"], json!([]));
        let whole = img2pdf(&scans, &dir.path().join(format!("s{dpi}.pdf")));
        let resp = upload(&app, &clerk, vec![(whole, "letter.pdf")]).await;
        assert_eq!(resp.status(), 201);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["pages"], pages.len(), "{v}");
        assert_eq!(v["citation_number"], "DV-2026-000101", "{v}");
        assert_eq!(v["envelopes"].as_array().unwrap().len(), 1, "every page carries the same code: {v}");
        assert_eq!(v["envelopes"][0]["pages"], pages.len());
        assert_eq!(v["qr"].as_array().unwrap().len(), pages.len(), "the code is read on every page: {v}");
    }
    let user = app
        .with_db({
            let t = clerk.clone();
            move |c| pleadesk::auth::user_for_token(c, &t).unwrap().unwrap().id
        })
        .await;
    let events = upload_events(&app).await;
    assert_eq!(events.len(), 4);
    for (actor, _, details) in &events {
        assert_eq!(actor, &format!("staff:{user}"));
        assert!(!details.contains("DV-2026") && !details.contains("Doe"), "no case data in audit details: {details}");
    }
}

async fn the_same_scan_twice_is_one_document(app: TestApp) {
    let clerk = app.with_samples().await;
    let (_, pdf) = plea_form(&app, &clerk, "DV-2026-000102").await;
    let dir = tempfile::tempdir().unwrap();
    let pages = rasterise(&pdf, 150, dir.path(), "p");
    let scan = std::fs::read(scanned(&pages[0], 2.0, &dir.path().join("s.jpg"))).unwrap();
    let first: Value = upload(&app, &clerk, vec![(scan.clone(), "a.jpg")]).await.json().await.unwrap();
    let before = counts(&app).await;
    // Again, and twice at the same moment.
    let (a, b, c) = tokio::join!(
        upload(&app, &clerk, vec![(scan.clone(), "b.jpg")]),
        upload(&app, &clerk, vec![(scan.clone(), "c.jpg")]),
        upload(&app, &clerk, vec![(scan.clone(), "d.jpg")])
    );
    for resp in [a, b, c] {
        assert_eq!(resp.status(), 200);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["document_id"], first["document_id"]);
        assert_eq!(v["created"], false);
        assert_eq!(v["envelopes"], first["envelopes"]);
    }
    assert_eq!(counts(&app).await, before, "nothing new recorded");
    let events = upload_events(&app).await;
    assert_eq!(events.len(), 4);
    assert!(events[1..].iter().all(|(_, _, d)| d.contains("\"existing\":true")), "{events:?}");
}

async fn two_identical_new_scans_at_once_are_recorded_once(app: TestApp) {
    let clerk = app.with_samples().await;
    let (_, pdf) = plea_form(&app, &clerk, "DV-2026-000102").await;
    let dir = tempfile::tempdir().unwrap();
    let pages = rasterise(&pdf, 150, dir.path(), "p");
    let scan = std::fs::read(scanned(&pages[0], -3.0, &dir.path().join("s.jpg"))).unwrap();
    let (a, b) =
        tokio::join!(upload(&app, &clerk, vec![(scan.clone(), "a.jpg")]), upload(&app, &clerk, vec![(scan, "b.jpg")]));
    let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(a["document_id"], b["document_id"], "{a} {b}");
    assert_eq!(counts(&app).await, (1, 1, 1, 1));
}

async fn ccitt_group4_tiffs_and_pdfs_are_read(app: TestApp) {
    let clerk = app.with_samples().await;
    let (letter, pdf) = plea_form(&app, &clerk, "DV-2026-000103").await;
    let dir = tempfile::tempdir().unwrap();
    let pages = rasterise(&pdf, 200, dir.path(), "p");
    let refs: Vec<&Path> = pages.iter().map(PathBuf::as_path).collect();
    let tiff = group4(&refs, &dir.path().join("all.tif"));
    let resp = upload(&app, &clerk, vec![(std::fs::read(&tiff).unwrap(), "fax.tif")]).await;
    assert_eq!(resp.status(), 201);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["pages"], pages.len(), "a multi-page TIFF: {v}");
    assert_eq!(v["citation_number"], "DV-2026-000103", "{v}");
    assert_eq!(v["letter_id"], letter);
    // One page per TIFF, wrapped as a PDF whose images are CCITTFaxDecode streams.
    let singles: Vec<PathBuf> =
        refs.iter().enumerate().map(|(i, p)| group4(&[p], &dir.path().join(format!("one-{i}.tif")))).collect();
    let pdf = img2pdf(&singles, &dir.path().join("fax.pdf"));
    assert!(String::from_utf8_lossy(&pdf).contains("CCITTFaxDecode"), "img2pdf kept the fax encoding");
    let v: Value = upload(&app, &clerk, vec![(pdf, "fax.pdf")]).await.json().await.unwrap();
    assert_eq!(v["citation_number"], "DV-2026-000103", "{v}");
    assert_eq!(v["qr"].as_array().unwrap().len(), pages.len(), "{v}");
}

/// A page that is not a check or a letter of ours: a drawing with words, no code.
pub(crate) fn plain_page(dir: &Path, name: &str, text: &str) -> PathBuf {
    let out = dir.join(name);
    run(Command::new("convert")
        .args(["-size", "1275x1650", "xc:white", "-fill", "black", "-pointsize", "40"])
        .args(["-draw", &format!("text 150,300 '{text}'"), "-draw", "rectangle 150,400 1100,700", "-quality", "50"])
        .arg(&out));
    out
}

async fn a_batch_is_split_into_envelopes_by_codes_and_separator_sheets(app: TestApp) {
    let clerk = app.with_samples().await;
    let dir = tempfile::tempdir().unwrap();
    let numbers = ["DV-2026-000101", "DV-2026-000102", "DV-2026-000103"];
    let mut letters = Vec::new();
    for (k, number) in numbers.iter().enumerate() {
        let (id, pdf) = plea_form(&app, &clerk, number).await;
        let pages = rasterise(&pdf, 150, dir.path(), &format!("l{k}"));
        let first = scanned(&pages[0], if k % 2 == 0 { 3.0 } else { -4.0 }, &dir.path().join(format!("l{k}.jpg")));
        letters.push((id, number.to_string(), first));
    }
    let sep = get(&app, &clerk, "/api/v1/scans/separator.pdf").await;
    assert_eq!(sep.status(), 200);
    assert_eq!(sep.headers()["content-type"], "application/pdf");
    let sep_pages = rasterise(&sep.bytes().await.unwrap(), 150, dir.path(), "sep");
    let separator = scanned(&sep_pages[0], 1.5, &dir.path().join("sep.jpg"));
    let check = plain_page(dir.path(), "check.jpg", "PAY TO THE ORDER OF DENVER COUNTY COURT  $100.00");
    let note = plain_page(dir.path(), "note.jpg", "Dear judge, please see my plea enclosed.");
    // 50 envelopes: our form + a check; or a separator, a note (not ours) and then our form.
    let mut images = Vec::new();
    let mut expected = Vec::new(); // (first page, pages, citation)
    for e in 0..50 {
        let (_, number, first) = &letters[e % 3];
        if e % 5 == 4 {
            images.push(separator.clone());
            expected.push((images.len() as i64 + 1, 2, number.clone()));
            images.extend([note.clone(), first.clone()]);
        } else {
            expected.push((images.len() as i64 + 1, 2, number.clone()));
            images.extend([first.clone(), check.clone()]);
        }
    }
    let batch = img2pdf(&images, &dir.path().join("batch.pdf"));
    let resp = upload(&app, &clerk, vec![(batch, "batch.pdf")]).await;
    assert_eq!(resp.status(), 201);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["pages"], images.len());
    let envelopes = v["envelopes"].as_array().unwrap();
    let got: Vec<(i64, i64, String)> = envelopes
        .iter()
        .map(|e| {
            (
                e["first_page"].as_i64().unwrap(),
                e["pages"].as_i64().unwrap(),
                e["citation_number"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    assert_eq!(v["separator_pages"].as_array().unwrap().len(), 10);
    assert_eq!(v["citation_number"], Value::Null, "a batch of several cases names none as a whole");

    // A mis-split fixed by hand: the first envelope's check moves to the second, and back.
    let doc = v["document_id"].as_i64().unwrap();
    let first = envelopes[0]["id"].as_i64().unwrap();
    let second = envelopes[1]["id"].as_i64().unwrap();
    let resp =
        post_json(&app, &clerk, &format!("/api/v1/envelopes/{first}/pages/2/move"), &json!({"to": "next"})).await;
    assert_eq!(resp.status(), 200);
    let moved: Value = resp.json().await.unwrap();
    assert_eq!(moved["envelopes"][0]["page_numbers"], json!([1]));
    assert_eq!(moved["envelopes"][1]["page_numbers"], json!([2, 3, 4]));
    // Its form (page 3) names another citation than the page before: flagged, not relinked.
    assert_eq!(moved["envelopes"][1]["citation_number"], expected[1].2);
    let resp =
        post_json(&app, &clerk, &format!("/api/v1/envelopes/{second}/pages/3/move"), &json!({"to": "previous"})).await;
    error_body(resp, 422, "invalid").await;
    let resp =
        post_json(&app, &clerk, &format!("/api/v1/envelopes/{second}/pages/2/move"), &json!({"to": "previous"})).await;
    assert_eq!(resp.status(), 200);
    let again: Value = get(&app, &clerk, &format!("/api/v1/scans/{doc}")).await.json().await.unwrap();
    assert_eq!(again["envelopes"], v["envelopes"]);
    // Moving the form of envelope 1 into envelope 2 puts two citations in one envelope.
    let resp =
        post_json(&app, &clerk, &format!("/api/v1/envelopes/{first}/pages/2/move"), &json!({"to": "next"})).await;
    assert_eq!(resp.status(), 200);
    let resp =
        post_json(&app, &clerk, &format!("/api/v1/envelopes/{first}/pages/1/move"), &json!({"to": "next"})).await;
    let mixed: Value = resp.json().await.unwrap();
    assert_eq!(mixed["envelopes"].as_array().unwrap().len(), 49, "the emptied envelope is gone");
    assert_eq!(
        mixed["envelopes"][0]["citation_number"], numbers[0],
        "linked by its first code: {}",
        mixed["envelopes"][0]
    );
    assert_eq!(mixed["envelopes"][0]["flags"], json!(["other_citation"]));
}

async fn unreadable_and_hostile_files_are_refused_or_flagged(app: TestApp) {
    let clerk = app.with_samples().await;
    let before = counts(&app).await;
    // A program renamed .pdf.
    let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap()[..4096].to_vec();
    error_body(upload(&app, &clerk, vec![(exe, "scan.pdf")]).await, 415, "unsupported_media_type").await;
    // Over 25 MB.
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(25 * 1024 * 1024 + 1, b' ');
    error_body(upload(&app, &clerk, vec![(big, "big.pdf")]).await, 413, "payload_too_large").await;
    // A PNG decompression bomb: 50000 × 50000 grey pixels in a few hundred kilobytes.
    let bomb = {
        let file = tempfile::NamedTempFile::new().unwrap();
        let mut enc = png::Encoder::new(file.reopen().unwrap(), 50_000, 50_000);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_compression(png::Compression::High);
        let mut writer = enc.write_header().unwrap().into_stream_writer().unwrap();
        let row = vec![0u8; 50_000];
        use std::io::Write;
        for _ in 0..50_000 {
            writer.write_all(&row).unwrap();
        }
        writer.finish().unwrap();
        std::fs::read(file.path()).unwrap()
    };
    assert!(bomb.len() < 25 * 1024 * 1024, "{} bytes", bomb.len());
    error_body(upload(&app, &clerk, vec![(bomb, "bomb.png")]).await, 413, "payload_too_large").await;
    assert_eq!(counts(&app).await, before, "nothing stored");
    // The server still answers.
    assert_eq!(get(&app, &clerk, "/api/v1/letters").await.status(), 200);
    // A damaged JPEG is kept and flagged, not dropped.
    let mut damaged = vec![0xFF, 0xD8, 0xFF, 0xE0];
    damaged.extend_from_slice(b"not really a jpeg");
    let resp = upload(&app, &clerk, vec![(damaged, "damaged.jpg")]).await;
    assert_eq!(resp.status(), 201);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["unreadable_pages"], json!([1]), "{v}");
    assert_eq!(v["envelopes"][0]["flags"], json!(["unreadable"]));
    // Only clerks and admins upload.
    let prosecutor = app.token(pleadesk::domain::Role::Prosecutor).await;
    error_body(upload(&app, &prosecutor, vec![(b"%PDF-1.4".to_vec(), "a.pdf")]).await, 403, "forbidden").await;
}

on_both_backends!(
    a_scanned_plea_form_links_itself_at_150_and_300_dpi,
    the_same_scan_twice_is_one_document,
    two_identical_new_scans_at_once_are_recorded_once,
    ccitt_group4_tiffs_and_pdfs_are_read,
    a_batch_is_split_into_envelopes_by_codes_and_separator_sheets,
    unreadable_and_hostile_files_are_refused_or_flagged,
);
