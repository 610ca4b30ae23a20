//! Evidence a resident uploaded but never sent with a plea is deleted after a day (the browser
//! token that could attach it expires with its one-day CSRF cookie): the rows and one audit event
//! in one transaction, then the files.

use crate::audit::{self, Event};
use crate::db::{self, DbConn};
use crate::error::AppError;
use chrono::{Duration, NaiveDateTime};

/// How long an upload waits for its plea.
pub const KEEP_UNATTACHED_HOURS: i64 = 24;

/// Deletes every upload older than a day at `now` that no plea refers to; returns how many.
pub fn purge_unattached(conn: &mut DbConn, now: NaiveDateTime) -> Result<usize, AppError> {
    let before = now - Duration::hours(KEEP_UNATTACHED_HOURS);
    let deleted = db::write_transaction(conn, |c| -> Result<Vec<(i64, String)>, AppError> {
        let deleted = db::documents::delete_unattached(c, before)?;
        if !deleted.is_empty() {
            let ids: Vec<i64> = deleted.iter().map(|(id, _)| *id).collect();
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
    for (id, path) in &deleted {
        match std::fs::remove_file(path) {
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
