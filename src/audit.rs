//! The append-only audit trail: every change and every staff read of personal data, as a chain
//! in which each event carries the hash of the one before (`pleadesk audit verify` checks it).
//! Details hold ids and counts, never personal data.

use crate::db::schema::events;
use crate::db::DbConn;
use chrono::{NaiveDateTime, Timelike};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One thing that happened.
pub struct Event<'a> {
    /// `staff:<user id>`, `public`, `system` or `cli`.
    pub actor: &'a str,
    /// e.g. `citation.import`, `citation.read`, `plea.recorded`, `letter.created`.
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: &'a str,
    /// `ok` or `denied`.
    pub outcome: &'a str,
    pub details: serde_json::Value,
}

fn hash(prev: &str, at: NaiveDateTime, e: &Event, details: &str) -> String {
    let text = format!(
        "{prev}\n{}\n{}\n{}\n{}\n{}\n{}\n{details}",
        at.format("%Y-%m-%dT%H:%M:%S%.6f"),
        e.actor,
        e.action,
        e.subject_type,
        e.subject_id,
        e.outcome
    );
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Takes the trail's lock for the rest of the caller's transaction (PostgreSQL; SQLite's write
/// transaction already excludes other writers). A transaction that appends many events may take it
/// first, so that it never waits for the lock while holding others.
pub fn lock(conn: &mut DbConn) -> QueryResult<()> {
    if let DbConn::Pg(_) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(707201)").execute(conn)?;
    }
    Ok(())
}

/// Appends an event. Call it inside the transaction of the change it records (on PostgreSQL an
/// advisory lock held to the end of that transaction keeps the chain in commit order; SQLite
/// write transactions are serial already).
pub fn append(conn: &mut DbConn, e: &Event) -> QueryResult<i64> {
    let ids = append_all(conn, std::slice::from_ref(e))?;
    ids.first().copied().ok_or(diesel::result::Error::NotFound)
}

/// Appends `events` in order, in one statement per [`CHUNK`] (a page of the daily job records
/// hundreds): each carries the hash of the one before it, as [`append`] chains them. Returns
/// their ids.
pub fn append_all(conn: &mut DbConn, events: &[Event]) -> QueryResult<Vec<i64>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    lock(conn)?;
    let mut prev: String = events::table
        .order(events::id.desc())
        .select(events::hash)
        .first(conn)
        .optional()?
        .unwrap_or_else(|| GENESIS.to_string());
    let now = crate::db::now();
    // Microseconds: what both databases store exactly, so the hash can be recomputed.
    let at = now.with_nanosecond(now.nanosecond() / 1000 * 1000).unwrap_or(now);
    let mut rows = Vec::with_capacity(events.len());
    for e in events {
        let details = e.details.to_string();
        let h = hash(&prev, at, e, &details);
        rows.push((
            events::at.eq(at),
            events::actor.eq(e.actor),
            events::action.eq(e.action),
            events::subject_type.eq(e.subject_type),
            events::subject_id.eq(e.subject_id),
            events::outcome.eq(e.outcome),
            events::details.eq(details),
            events::prev_hash.eq(std::mem::replace(&mut prev, h.clone())),
            events::hash.eq(h),
        ));
    }
    let mut ids = Vec::with_capacity(rows.len());
    // A multi-row VALUES list takes its ids in order on both databases, so the chain's order
    // (by id) is the order of `events`.
    for chunk in rows.chunks(CHUNK) {
        ids.extend(crate::db::on_backend!(&mut *conn, |c| diesel::insert_into(events::table)
            .values(chunk)
            .returning(events::id)
            .get_results::<i64>(c))?);
    }
    Ok(ids)
}

/// Events inserted per statement (9 values each: well under either database's limit of bound
/// parameters).
const CHUNK: usize = 500;

/// Appends an event in a transaction of its own (for reads, which have none).
pub fn record(conn: &mut DbConn, e: &Event) -> QueryResult<i64> {
    crate::db::write_transaction(conn, |c| append(c, e))
}

/// When the newest event was recorded (`pleadesk check`: the clock must not be before it).
pub fn last_at(conn: &mut DbConn) -> QueryResult<Option<NaiveDateTime>> {
    events::table.select(diesel::dsl::max(events::at)).first(conn)
}

type Row = (i64, NaiveDateTime, String, String, String, String, String, String, String, String);

/// Checks the whole chain; `Ok(count)` or `Err((event id, what is wrong))` for the first bad event.
pub fn verify(conn: &mut DbConn) -> QueryResult<Result<u64, (i64, String)>> {
    let mut expected_prev = GENESIS.to_string();
    let mut after = 0i64;
    let mut count = 0u64;
    loop {
        let rows: Vec<Row> = events::table
            .filter(events::id.gt(after))
            .order(events::id.asc())
            .limit(5000)
            .select((
                events::id,
                events::at,
                events::actor,
                events::action,
                events::subject_type,
                events::subject_id,
                events::outcome,
                events::details,
                events::prev_hash,
                events::hash,
            ))
            .load(conn)?;
        if rows.is_empty() {
            return Ok(Ok(count));
        }
        for (id, at, actor, action, subject_type, subject_id, outcome, details, prev, stored) in rows {
            if prev != expected_prev {
                return Ok(Err((
                    id,
                    "it does not point to the event before it (an event was removed or inserted)".into(),
                )));
            }
            let e = Event {
                actor: &actor,
                action: &action,
                subject_type: &subject_type,
                subject_id: &subject_id,
                outcome: &outcome,
                details: serde_json::Value::Null,
            };
            if hash(&prev, at, &e, &details) != stored {
                return Ok(Err((id, "its content does not match its hash (it was changed)".into())));
            }
            expected_prev = stored;
            after = id;
            count += 1;
        }
    }
}
