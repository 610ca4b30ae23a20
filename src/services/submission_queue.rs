//! The clerks' queues of paper pleas: unmatched, deficient, duplicates, and what was linked
//! since a time (a dashboard's "linked since you last looked"). Oldest first; no date of birth or
//! contact details, only what a clerk needs to pick the next one.

use crate::audit::{self, Event};
use crate::db::{self, paper::Queue, DbConn};
use crate::domain::deficiency::Deficiencies;
use crate::error::AppError;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueItem {
    pub id: i64,
    /// linked, unmatched or deficient
    pub status: String,
    /// mail or counter (online for the other half of a duplicate)
    pub channel: String,
    /// RFC 3339, UTC.
    pub received_at: String,
    pub postmark_date: Option<NaiveDate>,
    /// What the paper says: the number and last name as keyed in.
    pub claimed_citation_number: Option<String>,
    pub claimed_last_name: Option<String>,
    /// The citation it is linked to, if any.
    pub citation_number: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub deficiencies: Option<Deficiencies>,
    pub duplicate: bool,
    pub linked_at: Option<String>,
    /// entry, clerk or import
    pub linked_how: Option<String>,
    pub document_id: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueList {
    pub status: String,
    pub count: usize,
    pub submissions: Vec<QueueItem>,
}

/// Parses `status` (`unmatched`, `deficient`, `linked`, `duplicate`).
pub fn queue_named(status: &str) -> Result<Queue, AppError> {
    match status.trim() {
        "unmatched" => Ok(Queue::Unmatched),
        "deficient" => Ok(Queue::Deficient),
        "linked" => Ok(Queue::Linked),
        "duplicate" => Ok(Queue::Duplicate),
        other => Err(AppError::field(
            "status",
            format!("'{other}' is not a queue; use unmatched, deficient, linked or duplicate"),
        )),
    }
}

/// A queue for staff member `actor`, on the record as `submissions.list`.
pub fn list(
    conn: &mut DbConn,
    status: &str,
    since: Option<NaiveDateTime>,
    limit: i64,
    actor: &str,
) -> Result<QueueList, AppError> {
    let q = queue_named(status)?;
    let rows = db::paper::queue(conn, q, since, limit)?;
    let time = |t: NaiveDateTime| t.and_utc().to_rfc3339();
    let submissions: Vec<QueueItem> = rows
        .into_iter()
        .map(|r| QueueItem {
            id: r.id,
            status: r.status,
            channel: r.channel,
            received_at: time(r.received_at),
            postmark_date: r.postmark_date,
            claimed_citation_number: r.claimed_citation_number,
            claimed_last_name: r.claimed_last_name,
            citation_number: r.citation_number,
            deficiencies: r.deficiencies.as_deref().and_then(|d| serde_json::from_str(d).ok()),
            duplicate: r.duplicate,
            linked_at: r.linked_at.map(time),
            linked_how: r.linked_how,
            document_id: r.document_id,
        })
        .collect();
    audit::record(
        conn,
        &Event {
            actor,
            action: "submissions.list",
            subject_type: "submissions",
            subject_id: status.trim(),
            outcome: "ok",
            details: serde_json::json!({"count": submissions.len(), "since": since.map(time)}),
        },
    )?;
    Ok(QueueList { status: status.trim().to_string(), count: submissions.len(), submissions })
}
