//! Evidence a resident uploads: stored once per content (named by its SHA-256), written durably,
//! and recorded once even when the same file arrives twice at the same moment. Evidence never sent
//! with a plea is deleted after a day (the browser token that could attach it expires with its
//! one-day CSRF cookie): the rows and one audit event in one transaction, then the files.

use crate::audit::{self, Event};
use crate::db::{self, DbConn};
use crate::error::AppError;
use crate::services::stored_files;
use crate::storage;
use chrono::{Duration, NaiveDateTime};
use std::path::Path;

/// Stores an uploaded file under `data_dir/evidence/` (on PostgreSQL in the database too:
/// `stored_files`) and records it; returns the document id.
/// `content_type` is what the content was sniffed as (PDF, JPEG or PNG); `name` is the sanitised
/// name it was sent under, shown on the receipt.
pub fn store(
    conn: &mut DbConn,
    data_dir: &Path,
    content_type: &str,
    bytes: &[u8],
    name: Option<&str>,
) -> Result<i64, AppError> {
    let sha = storage::sha256_hex(bytes);
    let ext = match content_type {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        _ => "png",
    };
    let path = data_dir.join(storage::layout::document("evidence", &sha, ext));
    // Held until the document row names it: a sweep starting meanwhile leaves it alone.
    let _held = storage::put_checked(&path, bytes, &sha).map_err(|e| AppError::storage(e, path.display()))?;
    let stored = path.display().to_string();
    db::write_transaction(conn, |c| -> Result<i64, AppError> {
        stored_files::keep(c, &path, &sha)?;
        Ok(db::documents::upsert(c, &sha, content_type, bytes.len() as i64, &stored, name)?)
    })
}

/// How long an upload waits for its plea.
pub const KEEP_UNATTACHED_HOURS: i64 = 24;

/// Deletes every upload older than a day at `now` that no plea refers to — its row, its copy in
/// the database (PostgreSQL) unless another row has the same content, then its file in this
/// node's data folder; returns how many. (Another node's copy is set aside by its start-up sweep.)
pub fn purge_unattached(conn: &mut DbConn, data_dir: &Path, now: NaiveDateTime) -> Result<usize, AppError> {
    let before = now - Duration::hours(KEEP_UNATTACHED_HOURS);
    let deleted = db::write_transaction(conn, |c| -> Result<Vec<(i64, String, String)>, AppError> {
        let deleted = db::documents::delete_unattached(c, before)?;
        if !deleted.is_empty() {
            let shas: Vec<String> = deleted.iter().map(|(_, _, sha)| sha.clone()).collect();
            db::blobs::delete_unnamed(c, &shas, before)?;
            let ids: Vec<i64> = deleted.iter().map(|(id, _, _)| *id).collect();
            let event = Event {
                actor: "system",
                action: "evidence.purged",
                subject_type: "documents",
                subject_id: "unattached",
                outcome: "ok",
                details: serde_json::json!({"count": ids.len(), "document_ids": ids}),
            };
            audit::append(c, &event)?;
        }
        Ok(deleted)
    })?;
    for (id, recorded, _) in &deleted {
        match std::fs::remove_file(stored_files::local_path(data_dir, recorded)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::warn!(document_id = id, error = %e, "an unattached upload's file could not be removed"),
        }
    }
    if !deleted.is_empty() {
        tracing::info!(count = deleted.len(), "unattached uploads deleted");
    }
    Ok(deleted.len())
}
