//! `pleadesk backup` and `pleadesk restore` as an operator runs them: a backup taken while
//! residents plead and the worker renders letters, restored into a fresh place, where every plea
//! acknowledged before the backup began, every letter file and the audit chain are found intact;
//! restores refused over data, or from a damaged archive, before anything is written.

use crate::helpers::{cli_on, fresh_pg_database, spawn_on, TestApp};
use crate::on_both_backends;
use pleadesk::domain::Role;
use serde_json::{json, Value};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Citations open for a plea today, one charge each.
fn citations_csv(n: usize) -> Vec<u8> {
    let today = chrono::Utc::now().with_timezone(&chrono_tz::America::Denver).date_naive();
    let (issued, court) = (today - chrono::Duration::days(3), today + chrono::Duration::days(60));
    let mut csv = pleadesk::import::citations::COLUMNS.join(",") + "\n";
    for k in 0..n {
        csv.push_str(&format!(
            "{},DPD,{issued}T08:14:00-06:00,Colfax Ave,P2211,{court},Ana,,Ruiz,{},820 S Pearl St,,Denver,CO,80209,,,,,,,en,1,42-4-604,100.00,4\n",
            number(k),
            dob(k)
        ));
    }
    csv.into_bytes()
}

fn number(k: usize) -> String {
    format!("DV-2026-08{k:04}")
}

fn dob(k: usize) -> String {
    format!("1990-05-0{}", 1 + k % 9)
}

/// A plea acknowledged by the server: the resident's confirmation and the status it answered.
#[derive(Debug, Clone)]
struct Ack {
    k: usize,
    confirmation: String,
    status: Value,
}

async fn plead(app: &TestApp, k: usize) -> Option<Ack> {
    let body = json!({
        "citation_number": number(k), "date_of_birth": dob(k),
        "pleas": [{"charge_seq": 1, "plea": "guilty"}],
        "signature_name": "Ana Ruiz", "attest": true
    });
    let resp = app.client.post(app.url("/api/v1/public/pleas")).json(&body).send().await.ok()?;
    assert!(!resp.status().is_server_error(), "plea {k}: {}", resp.status());
    if !resp.status().is_success() {
        return None;
    }
    let receipt: Value = resp.json().await.ok()?;
    Some(Ack { k, confirmation: receipt["confirmation"].as_str()?.to_string(), status: receipt["status"].clone() })
}

/// A database and data folder that nothing has used yet, of the same backend as `app`.
struct Place {
    dir: Option<tempfile::TempDir>,
    url: String,
    pg: Option<(String, String)>,
}

impl Place {
    async fn fresh(app: &TestApp) -> Place {
        let dir = tempfile::tempdir().unwrap();
        let (url, pg) = if app.database_url.starts_with("sqlite") {
            (format!("sqlite://{}", dir.path().join("restored.db").display()), None)
        } else {
            let (url, admin, name) = actix_web::rt::task::spawn_blocking(fresh_pg_database).await.unwrap();
            (url, Some((admin, name)))
        };
        Place { dir: Some(dir), url, pg }
    }

    fn data(&self) -> PathBuf {
        self.dir.as_ref().unwrap().path().join("data")
    }

    fn cli(&self) -> std::process::Command {
        cli_on(&self.url, &self.data())
    }

    fn restore(&self, archive: &Path, force: bool) -> std::process::Output {
        let mut cmd = self.cli();
        cmd.arg("restore").arg(archive);
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    }

    /// The server, started on what was restored here.
    async fn serve(mut self) -> TestApp {
        let (dir, pg) = (self.dir.take().unwrap(), self.pg.take());
        spawn_on(self.url.clone(), dir, pg, &[]).await
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg {
            crate::helpers::drop_pg_database(admin, name);
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `pleadesk backup --out` against `app` off the async threads.
async fn backup(app: &TestApp, out: &Path) -> std::process::Output {
    let mut cmd = app.cli();
    cmd.arg("backup").arg("--out").arg(out);
    actix_web::rt::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap()
}

/// id → SHA-256 of every rendered letter, as the staff API lists them.
async fn rendered_letters(app: &TestApp, token: &str) -> BTreeMap<i64, String> {
    let list: Value = app.get(token, "/api/v1/letters").await.json().await.unwrap();
    list["letters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| Some((l["id"].as_i64()?, l["sha256"].as_str()?.to_string())))
        .collect()
}

/// (table, id, path, sha256) of every row that names a stored file.
async fn stored_files(app: &TestApp) -> Vec<(&'static str, i64, String, String)> {
    app.with_db(|c| {
        use diesel::prelude::*;
        use pleadesk::db::schema::{documents, letters};
        let l: Vec<(i64, Option<String>, Option<String>)> =
            letters::table.select((letters::id, letters::storage_path, letters::sha256)).load(c).unwrap();
        let d: Vec<(i64, String, String)> =
            documents::table.select((documents::id, documents::storage_path, documents::sha256)).load(c).unwrap();
        let l = l.into_iter().filter_map(|(id, p, s)| Some(("letters", id, p?, s?)));
        l.chain(d.into_iter().map(|(id, p, s)| ("documents", id, p, s))).collect()
    })
    .await
}

async fn a_backup_under_load_restores_every_acknowledged_plea_letter_and_the_audit_chain(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let total = 400;
    assert_eq!(app.post_import(&clerk, "text/csv", citations_csv(total)).await.status(), 200);
    // Before the load: pleas whose receipts are rendered, and a scanned page with its previews.
    let acks = RefCell::new(Vec::new());
    for k in 0..10 {
        let ack = plead(&app, k).await.expect("acknowledged");
        acks.borrow_mut().push(ack);
    }
    app.run_jobs().await;
    let work = tempfile::tempdir().unwrap();
    let (_, pages) = crate::scans::first_pages(&app, &clerk, &[&number(total - 1)], work.path()).await;
    let scan = crate::scans::upload(&app, &clerk, vec![(std::fs::read(&pages[0]).unwrap(), "page.png")]).await;
    assert_eq!(scan.status(), 201);
    let scan_id = scan.json::<Value>().await.unwrap()["document_id"].as_i64().unwrap();

    // The load: residents plead one after another and the worker renders their receipts, while
    // the backup runs once twenty pleas are in.
    let (stop, finished) = (AtomicBool::new(false), AtomicBool::new(false));
    let pleading = async {
        for k in 10..total - 1 {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            if let Some(ack) = plead(&app, k).await {
                acks.borrow_mut().push(ack);
            }
        }
        finished.store(true, Ordering::SeqCst);
    };
    let rendering = async {
        while !stop.load(Ordering::SeqCst) {
            app.run_jobs().await;
            actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    let archive = work.path().join("pleadesk-backup.tar.gz");
    let backing_up = async {
        while acks.borrow().len() < 20 && !finished.load(Ordering::SeqCst) {
            actix_web::rt::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        // Everything acknowledged and rendered before the backup begins must come back.
        let letters = rendered_letters(&app, &clerk).await;
        let acked: Vec<Ack> = acks.borrow().clone();
        let out = backup(&app, &archive).await;
        eprintln!("{} pleas acknowledged while the backup ran", acks.borrow().len() - acked.len());
        stop.store(true, Ordering::SeqCst);
        (out, letters, acked)
    };
    let ((), (), (out, letters_before, acked_before)) =
        futures_util::future::join3(pleading, rendering, backing_up).await;
    assert!(acked_before.len() >= 20, "pleas were acknowledged before the backup: {}", acked_before.len());
    assert!(out.status.success(), "{out:?}");
    assert!(text(&out.stdout).contains(&format!("backup written to {}", archive.display())), "{out:?}");
    let names: Vec<String> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "no temporary file left beside the backup: {names:?}");

    // Restored into a fresh database and data folder.
    let place = Place::fresh(&app).await;
    let out = place.restore(&archive, false);
    assert!(out.status.success(), "{out:?}");
    let verify = place.cli().args(["audit", "verify"]).output().unwrap();
    assert!(verify.status.success() && text(&verify.stdout).contains("audit trail intact"), "{verify:?}");
    let data = place.data();
    let restored = place.serve().await;

    // Every plea acknowledged before the backup: the resident's status page finds it.
    for ack in &acked_before {
        let resp = restored
            .client
            .post(restored.url("/api/v1/public/status"))
            .json(&json!({"confirmation": ack.confirmation, "date_of_birth": dob(ack.k)}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "plea {} ({}) was acknowledged before the backup", ack.k, ack.confirmation);
        assert_eq!(resp.json::<Value>().await.unwrap()["status"], ack.status, "plea {}", ack.k);
    }
    // Every letter rendered before the backup: its file in the new data folder, checksum matching,
    // and served with it.
    let restored_clerk = restored.token(Role::Clerk).await;
    let files: BTreeMap<(&str, i64), (String, String)> =
        stored_files(&restored).await.into_iter().map(|(t, id, p, s)| ((t, id), (p, s))).collect();
    for (id, sha) in &letters_before {
        let (path, recorded) = files.get(&("letters", *id)).unwrap_or_else(|| panic!("letter {id} restored"));
        assert_eq!(recorded, sha, "letter {id}");
        assert!(Path::new(path).starts_with(&data), "letter {id} points into the new data folder: {path}");
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("letter {id}'s file {path}: {e}"));
        assert_eq!(&pleadesk::storage::sha256_hex(&bytes), sha, "letter {id}'s file");
        let served = restored.get(&restored_clerk, &format!("/api/v1/letters/{id}/pdf")).await;
        assert_eq!(served.status(), 200);
        assert_eq!(&pleadesk::storage::sha256_hex(&served.bytes().await.unwrap()), sha);
    }
    assert!(letters_before.len() >= 10, "receipts were rendered before the backup: {}", letters_before.len());
    // The scan, its file and page image.
    let (path, sha) = files.get(&("documents", scan_id)).expect("the scan restored");
    assert!(Path::new(path).starts_with(&data), "{path}");
    assert_eq!(&pleadesk::storage::sha256_hex(&std::fs::read(path).unwrap()), sha);
    let page = restored.get(&restored_clerk, &format!("/api/v1/scans/{scan_id}/pages/1")).await;
    assert_eq!(page.status(), 200);
    // The chain still verifies with the restore recorded at its end.
    let events = crate::helpers::events(&restored).await;
    assert!(events.iter().any(|e| e.1 == "backup.restored"), "the restore is in the trail");
}

/// A case with a plea and its rendered receipt; returns the backup of it (in its own folder).
async fn backed_up(app: &TestApp) -> (tempfile::TempDir, PathBuf) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    assert_eq!(app.post_import(&clerk, "text/csv", citations_csv(3)).await.status(), 200);
    for k in 0..3 {
        plead(app, k).await.expect("acknowledged");
    }
    app.run_jobs().await;
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("backup.tar.gz");
    let out = backup(app, &archive).await;
    assert!(out.status.success(), "{out:?}");
    (dir, archive)
}

/// Files under `dir`, recursively, as paths inside it.
fn files_in(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_in(&p).into_iter().map(|f| format!("{}/{f}", e.file_name().to_string_lossy())));
        } else {
            out.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    out.sort();
    out
}

async fn a_restore_over_data_is_refused_unless_forced(app: TestApp) {
    let (_dir, archive) = backed_up(&app).await;
    // Onto the running service's own database: refused, nothing touched.
    let events_before = crate::helpers::events(&app).await.len();
    let out = app.cli().arg("restore").arg(&archive).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = text(&out.stderr);
    assert!(err.contains("database DATABASE_URL names is not empty") && err.contains("--force"), "{err}");
    assert_eq!(crate::helpers::events(&app).await.len(), events_before);

    // A fresh database but a data folder holding a file: refused, and nothing written.
    let place = Place::fresh(&app).await;
    drop(pleadesk::storage::write_durably(&place.data().join("notes.txt"), b"the clerk's notes").unwrap());
    let out = place.restore(&archive, false);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(text(&out.stderr).contains("is not empty (1 files)"), "{out:?}");
    assert_eq!(files_in(&place.data()), ["notes.txt"]);
    let top = files_in(place.dir.as_ref().unwrap().path());
    assert!(top.iter().all(|f| f == "data/notes.txt"), "no database and no staging left: {top:?}");

    // --force: restored beside the file that was there.
    let out = place.restore(&archive, true);
    assert!(out.status.success(), "{out:?}");
    assert!(place.data().join("notes.txt").exists());
    assert!(files_in(&place.data()).iter().any(|f| f.starts_with("letters/")), "{:?}", files_in(&place.data()));
    // Again over that restored database: refused, then forced.
    let out = place.restore(&archive, false);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let out = place.restore(&archive, true);
    assert!(out.status.success(), "{out:?}");
    if place.url.starts_with("sqlite") {
        assert!(text(&out.stdout).contains("the database that was there is kept as"), "{out:?}");
    }
    let verify = place.cli().args(["audit", "verify"]).output().unwrap();
    assert!(verify.status.success(), "{verify:?}");
}

on_both_backends!(
    a_backup_under_load_restores_every_acknowledged_plea_letter_and_the_audit_chain,
    a_restore_over_data_is_refused_unless_forced
);

/// An archive's entries, in order: (name, bytes).
type Entries = Vec<(String, Vec<u8>)>;

fn unpacked(archive: &Path) -> Entries {
    use std::io::Read;
    let gz = flate2::read::GzDecoder::new(std::fs::File::open(archive).unwrap());
    let mut tar = tar::Archive::new(gz);
    let mut out = Vec::new();
    for e in tar.entries().unwrap() {
        let mut e = e.unwrap();
        let name = e.path().unwrap().to_str().unwrap().to_string();
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).unwrap();
        out.push((name, bytes));
    }
    out
}

fn packed(entries: &[(String, Vec<u8>)], out: &Path) {
    let gz = flate2::write::GzEncoder::new(std::fs::File::create(out).unwrap(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    for (name, bytes) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o600);
        tar.append_data(&mut h, name, bytes.as_slice()).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();
}

/// A backup damaged in every way an operator may meet — cut short, a byte changed, a file
/// changed under an intact manifest, no manifest, a schema from a newer release, not a backup
/// at all — is refused with a message saying so, and leaves nothing behind.
#[actix_web::test]
async fn a_damaged_or_cut_short_archive_is_refused_before_anything_is_written() {
    let app = crate::helpers::spawn(crate::helpers::Backend::Sqlite, &[]).await;
    let (dir, archive) = backed_up(&app).await;
    let good = std::fs::read(&archive).unwrap();
    let entries = unpacked(&archive);
    let changed = |f: &dyn Fn(&mut Entries)| {
        let mut e = entries.clone();
        f(&mut e);
        let path = dir.path().join(format!("changed-{}.tar.gz", hex::encode(rand::random::<[u8; 4]>())));
        packed(&e, &path);
        std::fs::read(path).unwrap()
    };
    let mut flipped = good.clone();
    flipped[good.len() / 2] ^= 0x55;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("cut in half", good[..good.len() / 2].to_vec(), "damaged, cut short or not a PleaDesk backup"),
        ("without its last bytes", good[..good.len() - 4].to_vec(), "damaged, cut short or not a PleaDesk backup"),
        ("a byte changed", flipped, "nothing was restored"),
        ("not a backup", b"name,date\nAna,2026-01-01\n".to_vec(), "damaged, cut short or not a PleaDesk backup"),
        (
            "a letter changed",
            changed(&|e| {
                let letter = e.iter_mut().find(|(n, _)| n.starts_with("data/letters/")).expect("a letter");
                letter.1[20] ^= 1;
            }),
            "does not match its checksum in the manifest",
        ),
        ("no manifest", changed(&|e| e.retain(|(n, _)| n != "manifest.json")), "has no manifest"),
        (
            "a newer schema",
            changed(&|e| {
                let m = e.iter_mut().find(|(n, _)| n == "manifest.json").unwrap();
                let mut v: Value = serde_json::from_slice(&m.1).unwrap();
                v["database"]["schema_version"] = json!("29991231000000");
                m.1 = serde_json::to_vec(&v).unwrap();
            }),
            "which this pleadesk (",
        ),
    ];
    for (what, bytes, says) in cases {
        let path = dir.path().join("damaged.tar.gz");
        std::fs::write(&path, &bytes).unwrap();
        let place = Place::fresh(&app).await;
        let out = place.restore(&path, false);
        assert_eq!(out.status.code(), Some(1), "{what}: {out:?}");
        let err = text(&out.stderr);
        assert!(err.contains(says) && err.contains("nothing was restored"), "{what}: {err}");
        let left = files_in(place.dir.as_ref().unwrap().path());
        assert!(left.is_empty(), "{what}: nothing written: {left:?}");
    }
    // The archive itself restores.
    let place = Place::fresh(&app).await;
    assert!(place.restore(&archive, false).status.success());
}

/// A file the database names but the disk has lost: the backup is written, names it, and exits 1;
/// the restore says so, and the letter is rendered again from its data, identical.
#[actix_web::test]
async fn a_missing_file_is_named_and_the_backup_still_written() {
    let app = crate::helpers::spawn(crate::helpers::Backend::Sqlite, &[]).await;
    let (dir, _) = backed_up(&app).await;
    let (_, id, path, sha) = stored_files(&app).await.into_iter().find(|f| f.0 == "letters").expect("a letter");
    std::fs::remove_file(&path).unwrap();
    let archive = dir.path().join("incomplete.tar.gz");
    let out = backup(&app, &archive).await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(text(&out.stdout).contains(&format!("not in the backup: letters {id}: the file is missing")), "{out:?}");
    assert!(text(&out.stderr).contains("the backup is incomplete"), "{out:?}");
    let place = Place::fresh(&app).await;
    let out = place.restore(&archive, false);
    assert!(out.status.success(), "{out:?}");
    assert!(text(&out.stdout).contains("1 files were already missing when the backup was made"), "{out:?}");
    let restored = place.serve().await;
    let clerk = restored.token(Role::Clerk).await;
    let pdf = restored.get(&clerk, &format!("/api/v1/letters/{id}/pdf")).await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pleadesk::storage::sha256_hex(&pdf.bytes().await.unwrap()), sha);
}

/// A backup written into the data folder would be taken into every later one: refused.
#[actix_web::test]
async fn a_backup_inside_the_data_folder_is_refused() {
    let app = crate::helpers::spawn(crate::helpers::Backend::Sqlite, &[]).await;
    let inside = app.data_dir.path().join("data/backups/b.tar.gz");
    let out = backup(&app, &inside).await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(text(&out.stderr).contains("write the backup outside the data folder"), "{out:?}");
    assert!(!inside.exists() && !inside.parent().unwrap().exists(), "nothing written");
}
