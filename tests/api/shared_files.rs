//! Two nodes on one PostgreSQL database, each with its own data folder: every stored file — a
//! receipt letter, a resident's evidence, a scan and its page images — written by one node is
//! served by the other, fetched from the database (`services::stored_files`); a node's copy
//! deleted or damaged is replaced from the database. PostgreSQL only: on SQLite there is one node,
//! and its data folder is the store.

use crate::console::signed_in;
use crate::helpers::{spawn, spawn_at, Backend, TestApp};
use crate::pages::{browser, csrf_of, look_up, plea_fields, see_other};
use pleadesk::domain::Role;
use pleadesk::storage::{chunks, sha256_hex};
use serde_json::Value;
use std::path::PathBuf;

/// A letter-size page at 150 dpi of grey noise, as PNG: it does not compress, so it is several
/// chunks long in the database.
fn noisy_scan() -> Vec<u8> {
    let mut state = 0x2545_f491_u32;
    let img = image::GrayImage::from_fn(1275, 1650, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        image::Luma([(state >> 24) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A resident of DV-2026-000103 pleads online on `app` with `evidence` attached.
async fn plead_with_evidence(app: &TestApp, evidence: &[u8]) {
    let resident = browser();
    let csrf = csrf_of(&resident.get(app.url("/lookup?lang=es")).send().await.unwrap().text().await.unwrap());
    see_other(&look_up(&resident, app, &csrf, "DV-2026-000103", "1").await);
    let pdf =
        reqwest::multipart::Part::bytes(evidence.to_vec()).file_name("nota.pdf").mime_str("application/pdf").unwrap();
    let r = resident.post(app.url("/plea")).multipart(plea_fields(&csrf).part("evidence", pdf)).send().await.unwrap();
    assert_eq!(see_other(&r), "/plea/review");
    let r = resident.post(app.url("/plea/submit")).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(see_other(&r), "/plea/confirmation");
}

/// id → SHA-256 of every rendered letter, as the staff API of `app` lists them.
async fn rendered(app: &TestApp, token: &str) -> Vec<(i64, String)> {
    let list: Value = app.get(token, "/api/v1/letters").await.json().await.unwrap();
    let letters = list["letters"].as_array().unwrap().iter();
    letters.filter_map(|l| Some((l["id"].as_i64()?, l["sha256"].as_str()?.to_string()))).collect()
}

async fn letter_pdf(app: &TestApp, token: &str, id: i64) -> Vec<u8> {
    let r = app.get(token, &format!("/api/v1/letters/{id}/pdf")).await;
    assert_eq!(r.status(), 200, "letter {id} from {}", app.address);
    r.bytes().await.unwrap().to_vec()
}

fn data(app: &TestApp) -> PathBuf {
    app.data_dir.path().join("data")
}

#[actix_web::test]
#[cfg_attr(not(pg_tests), ignore = "PostgreSQL only (nodes share files through it): set PLEADESK_TEST_PG to run this")]
async fn two_nodes_with_their_own_data_folders_serve_every_stored_file() {
    let a = spawn(Backend::Postgres, &[]).await;
    // Other receipt templates on node B: a receipt it rendered again would differ, so one it serves
    // intact comes from the database. Dropped first: `a` drops the database.
    let templates = tempfile::tempdir().unwrap();
    for lang in ["en", "es"] {
        let shipped = std::fs::read_to_string(format!("templates/letters/{lang}/acknowledgement.txt")).unwrap();
        std::fs::create_dir_all(templates.path().join(format!("letters/{lang}"))).unwrap();
        let path = templates.path().join(format!("letters/{lang}/acknowledgement.txt"));
        std::fs::write(path, format!("{shipped}\nNode B.\n")).unwrap();
    }
    let dir = templates.path().display().to_string();
    let b = spawn_at(a.database_url.clone(), &[("PLEADESK_TEMPLATES_DIR", dir.as_str())]).await;
    assert_ne!(data(&a), data(&b));
    let clerk_a = a.with_current_samples().await;
    let clerk_b = b.token(Role::Clerk).await;

    // A resident pleads on node A with evidence; A's worker renders the receipt.
    let evidence = b"%PDF-1.4\n% a discharge note, sent to node A\n".to_vec();
    plead_with_evidence(&a, &evidence).await;
    a.run_jobs().await;
    let letters = rendered(&b, &clerk_b).await;
    assert!(!letters.is_empty(), "the receipt was rendered");
    for (id, sha) in &letters {
        let local_b = data(&b).join(format!("letters/0000/letter-{id}.pdf"));
        assert!(!local_b.exists(), "node B has no copy of letter {id} before it is asked for");
        let from_b = letter_pdf(&b, &clerk_b, *id).await;
        assert_eq!(&sha256_hex(&from_b), sha, "letter {id} from node B matches its checksum");
        assert_eq!(from_b, letter_pdf(&a, &clerk_a, *id).await, "letter {id}: the same bytes from both nodes");
        assert_eq!(std::fs::read(&local_b).unwrap(), from_b, "node B keeps its copy of letter {id}");
    }

    // The evidence, opened by a prosecutor signed in on node B.
    let (browser_b, _) = signed_in(&b, &b.staff(Role::Prosecutor).await).await;
    let page = browser_b.get(b.url("/staff/cases/DV-2026-000103/offer")).send().await.unwrap().text().await.unwrap();
    let link = page.split("href=\"/staff/evidence/").nth(1).expect("an evidence link").split('"').next().unwrap();
    let r = browser_b.get(b.url(&format!("/staff/evidence/{link}"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().as_ref(), evidence.as_slice(), "node B serves evidence sent to node A");

    // A scan of several chunks uploaded on node A: its page image and original on node B.
    let scan = noisy_scan();
    let sha = sha256_hex(&scan);
    let form =
        reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(scan.clone()).file_name("s.png"));
    let r = a.client.post(a.url("/api/v1/scans")).bearer_auth(&clerk_a).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let doc = r.json::<Value>().await.unwrap()["document_id"].as_i64().unwrap();
    let (s, rows) = (sha.clone(), scan.len() as u64);
    let (blob, chunk_rows) = a
        .with_db(move |c| (pleadesk::db::blobs::find(c, &s).unwrap(), pleadesk::db::blobs::chunk_rows(c, &s).unwrap()))
        .await;
    let blob = blob.expect("the scan is in the database");
    assert_eq!((blob.size_bytes as u64, blob.chunks), (rows, chunks::count(rows)));
    assert!(blob.chunks > 4 && chunk_rows == blob.chunks as i64, "{blob:?}, {chunk_rows} chunk rows");
    let r = b.get(&clerk_b, &format!("/api/v1/scans/{doc}/pages/1?size=thumb")).await;
    assert_eq!(r.status(), 200, "node B shows a page of a scan node A stored");
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert!(image::load_from_memory_with_format(&r.bytes().await.unwrap(), image::ImageFormat::Jpeg).is_ok());
    let (reader_b, _) = signed_in(&b, &b.staff(Role::Clerk).await).await;
    let r = reader_b.get(b.url(&format!("/staff/scans/{doc}/original"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(sha256_hex(&r.bytes().await.unwrap()), sha, "node B serves the original scan");

    // Node A's copy of the scan deleted, node B's of a letter damaged: each is replaced from the
    // database.
    let local_a = data(&a).join(format!("scans/{}/{sha}.png", &sha[..2]));
    std::fs::remove_file(&local_a).unwrap();
    let (reader_a, _) = signed_in(&a, &a.staff(Role::Clerk).await).await;
    let r = reader_a.get(a.url(&format!("/staff/scans/{doc}/original"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(sha256_hex(&r.bytes().await.unwrap()), sha);
    assert_eq!(sha256_hex(&std::fs::read(&local_a).unwrap()), sha, "node A's copy is back");
    let (id, sha) = letters[0].clone();
    let local_b = data(&b).join(format!("letters/0000/letter-{id}.pdf"));
    let mut damaged = std::fs::read(&local_b).unwrap();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0xff;
    std::fs::write(&local_b, damaged).unwrap();
    assert_eq!(sha256_hex(&letter_pdf(&b, &clerk_b, id).await), sha, "a damaged copy is not served");
    assert_eq!(sha256_hex(&std::fs::read(&local_b).unwrap()), sha, "node B's copy is replaced");
}

fn blob_count(c: &mut pleadesk::db::DbConn) -> i64 {
    use diesel::prelude::*;
    pleadesk::db::schema::blobs::table.count().get_result(c).unwrap()
}

/// Copies the folder `from` into `to`.
fn copy_folder(from: &std::path::Path, to: &std::path::Path) {
    let status = std::process::Command::new("cp").arg("-a").arg(from).arg(to).status().unwrap();
    assert!(status.success());
}

/// The same content stored twice is one blob. Files stored before the database kept them (here:
/// their blobs deleted) are put into it by the start-up of a node that has them, and then served
/// by a node that does not; no start-up deletes a blob or sets a file aside.
#[actix_web::test]
#[cfg_attr(not(pg_tests), ignore = "PostgreSQL only (nodes share files through it): set PLEADESK_TEST_PG to run this")]
async fn files_stored_before_the_database_kept_them_are_stored_by_the_node_that_has_them() {
    let a = spawn(Backend::Postgres, &[]).await;
    let clerk = a.with_current_samples().await;
    let scan = noisy_scan();
    for status in [201, 200] {
        let form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(scan.clone()).file_name("s.png"));
        let r = a.client.post(a.url("/api/v1/scans")).bearer_auth(&clerk).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), status);
    }
    assert_eq!(a.with_db(blob_count).await, 1, "the same scan twice is one blob");
    // As before the blob store existed.
    a.with_db(|c| {
        use diesel::prelude::*;
        diesel::delete(pleadesk::db::schema::blobs::table).execute(c).unwrap()
    })
    .await;
    let b = spawn_at(a.database_url.clone(), &[]).await;
    assert_eq!(b.with_db(blob_count).await, 0, "node B has no copy to store");
    let doc: i64 = b
        .with_db(|c| {
            use diesel::prelude::*;
            use pleadesk::db::schema::documents;
            documents::table.select(documents::id).first(c).unwrap()
        })
        .await;
    let r = b.get(&clerk, &format!("/api/v1/scans/{doc}/pages/1")).await;
    assert_eq!(r.status(), 409, "neither node B nor the database has the scan yet");

    // Node A restarted: a node on a copy of its data folder.
    let folder = tempfile::tempdir().unwrap();
    copy_folder(&data(&a), &folder.path().join("data"));
    let restarted = crate::helpers::spawn_on(a.database_url.clone(), folder, None, &[]).await;
    assert_eq!(restarted.with_db(blob_count).await, 1, "its start-up stored the scan it has");
    let r = b.get(&clerk, &format!("/api/v1/scans/{doc}/pages/1")).await;
    assert_eq!(r.status(), 200, "node B now serves it");
    for node in [&a, &b, &restarted] {
        assert!(!data(node).join("orphaned").exists(), "nothing was set aside");
    }
}
