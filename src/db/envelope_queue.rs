//! Queries of the envelope queue: envelopes leave it when a plea is keyed from them or when a
//! clerk finds they hold no plea; the oldest one left, the queue's size and age, today's scans
//! and the recent batches with how far their keying has got.

use super::schema::{envelopes, scan_batches, submissions, users};
use super::DbConn;
use chrono::NaiveDateTime;
use diesel::dsl::{count_star, min};
use diesel::prelude::*;

/// An envelope still in the queue: no plea keyed from it, not set aside as no plea.
macro_rules! to_key {
    () => {
        envelopes::submission_id.is_null().and(envelopes::no_plea_reason.is_null())
    };
}

/// Records that `submission_id` was keyed from envelope `id`, if the envelope is still to key;
/// false if it is not (keyed meanwhile, or set aside), and then nothing changed.
pub fn claim(conn: &mut DbConn, id: i64, submission_id: i64) -> QueryResult<bool> {
    let now = super::now();
    diesel::update(envelopes::table.find(id).filter(to_key!()))
        .set((envelopes::submission_id.eq(submission_id), envelopes::closed_at.eq(now), envelopes::updated_at.eq(now)))
        .execute(conn)
        .map(|n| n == 1)
}

/// Sets envelope `id` aside as holding no plea, if it is still to key.
pub fn set_not_a_plea(conn: &mut DbConn, id: i64, reason: &str) -> QueryResult<bool> {
    let now = super::now();
    diesel::update(envelopes::table.find(id).filter(to_key!()))
        .set((envelopes::no_plea_reason.eq(reason), envelopes::closed_at.eq(now), envelopes::updated_at.eq(now)))
        .execute(conn)
        .map(|n| n == 1)
}

/// Puts an envelope set aside as no plea back in the queue.
pub fn reopen(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    diesel::update(
        envelopes::table
            .find(id)
            .filter(envelopes::submission_id.is_null())
            .filter(envelopes::no_plea_reason.is_not_null()),
    )
    .set((
        envelopes::no_plea_reason.eq(None::<String>),
        envelopes::closed_at.eq(None::<NaiveDateTime>),
        envelopes::updated_at.eq(super::now()),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// The envelope waiting longest: of the oldest batch with one left, the first in scan order.
pub fn oldest_to_key(conn: &mut DbConn) -> QueryResult<Option<i64>> {
    envelopes::table
        .inner_join(scan_batches::table)
        .filter(to_key!())
        .order((scan_batches::created_at.asc(), scan_batches::id.asc(), envelopes::seq.asc()))
        .select(envelopes::id)
        .first(conn)
        .optional()
}

/// How many envelopes are left to key, and when the oldest of them was uploaded.
pub fn queue_age(conn: &mut DbConn) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    envelopes::table
        .inner_join(scan_batches::table)
        .filter(to_key!())
        .select((count_star(), min(scan_batches::created_at)))
        .first(conn)
}

/// Scans uploaded since `since`: (batches, pages, envelopes).
pub fn uploaded_since(conn: &mut DbConn, since: NaiveDateTime) -> QueryResult<(i64, i64, i64)> {
    let (batches, pages): (i64, Option<i64>) = scan_batches::table
        .filter(scan_batches::created_at.ge(since))
        .select((count_star(), diesel::dsl::sum(scan_batches::pages)))
        .first(conn)?;
    let envelopes: i64 = envelopes::table
        .inner_join(scan_batches::table)
        .filter(scan_batches::created_at.ge(since))
        .select(count_star())
        .first(conn)?;
    Ok((batches, pages.unwrap_or(0), envelopes))
}

/// A batch as the list of recent scans shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BatchRow {
    pub document_id: i64,
    /// When it was uploaded (UTC; serialized as RFC 3339).
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub uploaded_by: Option<String>,
    pub pages: i32,
    pub envelopes: i64,
    pub keyed: i64,
    pub not_a_plea: i64,
}

/// Batches uploaded since `since`, newest first, at most `limit`.
pub fn recent_batches(conn: &mut DbConn, since: NaiveDateTime, limit: i64) -> QueryResult<Vec<BatchRow>> {
    let batches: Vec<(i64, i64, NaiveDateTime, Option<String>, i32)> = scan_batches::table
        .left_join(users::table.on(scan_batches::uploaded_by.eq(users::id.nullable())))
        .filter(scan_batches::created_at.ge(since))
        .order((scan_batches::created_at.desc(), scan_batches::id.desc()))
        .limit(limit)
        .select((
            scan_batches::id,
            scan_batches::document_id,
            scan_batches::created_at,
            users::username.nullable(),
            scan_batches::pages,
        ))
        .load(conn)?;
    let ids: Vec<i64> = batches.iter().map(|b| b.0).collect();
    let states: Vec<(i64, Option<i64>, Option<String>)> = envelopes::table
        .filter(envelopes::batch_id.eq_any(&ids))
        .select((envelopes::batch_id, envelopes::submission_id, envelopes::no_plea_reason))
        .load(conn)?;
    Ok(batches
        .into_iter()
        .map(|(id, document_id, created_at, uploaded_by, pages)| {
            let mine = || states.iter().filter(move |s| s.0 == id);
            BatchRow {
                document_id,
                created_at: created_at.and_utc(),
                uploaded_by,
                pages,
                envelopes: mine().count() as i64,
                keyed: mine().filter(|s| s.1.is_some()).count() as i64,
                not_a_plea: mine().filter(|s| s.1.is_none() && s.2.is_some()).count() as i64,
            }
        })
        .collect())
}

/// The confirmation codes of these submissions, by id.
pub fn confirmations(
    conn: &mut DbConn,
    ids: impl IntoIterator<Item = i64>,
) -> QueryResult<std::collections::HashMap<i64, String>> {
    let ids: Vec<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(i64, String)> = submissions::table
        .filter(submissions::id.eq_any(&ids))
        .select((submissions::id, submissions::confirmation))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
