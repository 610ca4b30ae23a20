//! A plea keyed from one envelope of a batch: the envelope page draws each page at its own size,
//! and the case then shows that envelope's pages only — on the case page (its thumbnails) and
//! through `GET /api/v1/citations/{number}` — not the other envelope's.

use crate::console::{location, signed_in, text};
use crate::console_envelopes::filled;
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::paper_support::case;
use crate::scans::{first_pages, img2pdf, upload};
use pleadesk::domain::Role;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A check as a scanner sees it: 6 × 2.75 inches at 150 dpi, no code.
fn check(dir: &Path) -> PathBuf {
    let out = dir.join("check.jpg");
    let made = Command::new("convert")
        .args(["-size", "900x412", "xc:white", "-fill", "black", "-pointsize", "30"])
        .args(["-draw", "text 40,120 'PAY TO THE ORDER OF DENVER COUNTY COURT  $135.00'", "-quality", "50"])
        .arg(&out)
        .status()
        .expect("ImageMagick's convert");
    assert!(made.success());
    out
}

/// The page numbers of the thumbnails in `html`, in order.
fn thumbs(html: &str, doc: i64) -> Vec<i32> {
    let link = format!(r#"<a class="pd-thumb" href="/staff/scans/{doc}/pages/"#);
    html.split(&link).skip(1).map(|rest| rest[..rest.find('"').unwrap()].parse().unwrap()).collect()
}

async fn a_case_shows_the_pages_of_the_envelope_its_plea_was_keyed_from(app: TestApp) {
    app.with_current_samples().await;
    let clerk = app.staff(Role::Clerk).await;
    // Envelope 1: our plea form for DV-2026-000101 and a check; envelope 2: our form for
    // DV-2026-000102.
    let dir = tempfile::tempdir().unwrap();
    let (_, forms) = first_pages(&app, &clerk.token, &["DV-2026-000101", "DV-2026-000102"], dir.path()).await;
    let pages = [forms[0].clone(), check(dir.path()), forms[1].clone()];
    let sizes: Vec<(u32, u32)> = pages.iter().map(|p| image::image_dimensions(p).unwrap()).collect();
    assert_eq!(sizes[1], (900, 412));
    let r = upload(&app, &clerk.token, vec![(img2pdf(&pages, &dir.path().join("batch.pdf")), "batch.pdf")]).await;
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    let doc = v["document_id"].as_i64().unwrap();
    let envs: Vec<i64> = v["envelopes"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert_eq!(v["envelopes"][0]["page_numbers"], json!([1, 2]), "{v}");
    assert_eq!(v["envelopes"][1]["page_numbers"], json!([3]), "{v}");

    // The envelope page: each page at its image's size (the form brought to 1100 wide, keeping
    // its shape; the check as it is: smaller than a page image, it is not enlarged).
    let (b, csrf) = signed_in(&app, &clerk).await;
    let here = format!("/staff/envelopes/{}", envs[0]);
    let (status, page) = text(&b, &app, &here).await;
    assert_eq!(status, 200);
    let (fw, fh) = sizes[0];
    for (n, (w, h)) in [(1, (1100, (fh * 1100 + fw / 2) / fw)), (2, (900, 412))] {
        let img = format!(
            r#"src="/staff/scans/{doc}/pages/{n}/image?size=page" alt="Page {n} of the envelope" width="{w}" height="{h}">"#
        );
        assert!(page.contains(&img), "page {n} at {w} × {h}: {page}");
    }
    assert!(!page.contains("/pages/3/image"), "envelope 2's page is not on envelope 1's page");

    // Keyed with Save and next: on to envelope 2.
    let form = filled(&csrf, &page, "DV-2026-000101", true, &[(1, "guilty")]);
    let to = location(&b.post(app.url(&here)).form(&form).send().await.unwrap());
    assert!(to.starts_with(&format!("/staff/envelopes/{}?saved=", envs[1])), "{to}");
    let submission: i64 = to.split("saved=").nth(1).unwrap().parse().unwrap();

    // The case page: the plea's scanned pages are envelope 1's, thumbnails at their shapes.
    let (status, page) = text(&b, &app, "/staff/cases/DV-2026-000101").await;
    assert_eq!(status, 200);
    let section = page.split(r#"id="submissions""#).nth(1).unwrap().split(r#"id="offers""#).next().unwrap();
    assert_eq!(thumbs(section, doc), vec![1, 2], "{section}");
    let check_thumb = format!(r#"src="/staff/scans/{doc}/pages/2/image?size=thumb" width="180" height="82""#);
    assert!(section.contains(&check_thumb), "{section}");
    assert_eq!(thumbs(&page, doc), vec![1, 2], "no page of envelope 2 anywhere on the case page");

    // The API lists the same pages for the plea.
    let v = case(&app, &clerk.token, "DV-2026-000101").await;
    let subs = v["submissions"].as_array().unwrap();
    assert_eq!(subs.len(), 1, "{v}");
    assert_eq!((subs[0]["id"].as_i64(), subs[0]["document_id"].as_i64()), (Some(submission), Some(doc)));
    let numbers: Vec<i64> =
        subs[0]["scan_pages"].as_array().unwrap().iter().map(|p| p["page"].as_i64().unwrap()).collect();
    assert_eq!(numbers, vec![1, 2], "{v}");
    assert_eq!(subs[0]["scan_pages"][1], json!({"page": 2, "readable": true, "thumb_width": 180, "thumb_height": 82}));
}

on_both_backends!(a_case_shows_the_pages_of_the_envelope_its_plea_was_keyed_from);
