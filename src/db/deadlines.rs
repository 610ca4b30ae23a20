//! Queries of the daily deadline job: the cases that may have something due, a page at a time;
//! the actions already taken (`deadline_actions`, one row per action, unique by its key); and the
//! court dates the job has finished (`daily_runs`).

use super::schema::{citations, daily_runs, deadline_actions, offers};
use super::DbConn;
use crate::domain::daily_plan::{Due, DueKind};
use crate::domain::{CaseStatus, OfferStatus};
use chrono::NaiveDate;
use diesel::prelude::*;

/// The next `limit` cases after id `after` that may have something due: open with an answer due
/// by `open_until` (reminders ahead, defaults behind), an amount due, or an offer pending.
pub fn candidates(
    conn: &mut DbConn,
    after: i64,
    open_until: NaiveDate,
    limit: i64,
) -> QueryResult<Vec<(i64, String, NaiveDate)>> {
    let waiting = [CaseStatus::AmountDue.as_str(), CaseStatus::OfferPending.as_str()];
    citations::table
        .filter(citations::id.gt(after))
        .filter(
            citations::status
                .eq(CaseStatus::Open.as_str())
                .and(citations::response_due.le(open_until))
                .or(citations::status.eq_any(waiting)),
        )
        .order(citations::id)
        .limit(limit)
        .select((citations::id, citations::status, citations::response_due))
        .load(conn)
}

/// (citation, offer id, expiry) of the pending offers on `citation_ids`.
pub fn pending_offers(conn: &mut DbConn, citation_ids: &[i64]) -> QueryResult<Vec<(i64, i64, NaiveDate)>> {
    offers::table
        .filter(offers::citation_id.eq_any(citation_ids))
        .filter(offers::status.eq(OfferStatus::Pending.as_str()))
        .select((offers::citation_id, offers::id, offers::expires_on))
        .load(conn)
}

/// The keys of the actions already taken on `citation_ids`.
pub fn taken(conn: &mut DbConn, citation_ids: &[i64]) -> QueryResult<Vec<(i64, String, NaiveDate, i32)>> {
    deadline_actions::table
        .filter(deadline_actions::citation_id.eq_any(citation_ids))
        .select((
            deadline_actions::citation_id,
            deadline_actions::kind,
            deadline_actions::due_on,
            deadline_actions::lead_days,
        ))
        .load(conn)
}

/// Records the actions a run took on court date `as_of`, each with the letter it queued, in the
/// caller's transaction. Their keys are unique: an action another run recorded first fails the
/// insert (a unique violation), and with it the caller's transaction.
pub fn record_taken(conn: &mut DbConn, taken: &[(&Due, Option<i64>)], as_of: NaiveDate) -> QueryResult<()> {
    let now = super::now();
    let values: Vec<_> = taken
        .iter()
        .map(|(due, letter_id)| {
            (
                deadline_actions::citation_id.eq(due.citation_id),
                deadline_actions::kind.eq(due.kind.as_str()),
                deadline_actions::due_on.eq(due.due_on),
                deadline_actions::lead_days.eq(due.lead_days as i32),
                deadline_actions::as_of.eq(as_of),
                deadline_actions::created_at.eq(now),
                deadline_actions::letter_id.eq(*letter_id),
            )
        })
        .collect();
    for chunk in values.chunks(1000) {
        super::on_backend!(&mut *conn, |c| diesel::insert_into(deadline_actions::table).values(chunk).execute(c))?;
    }
    Ok(())
}

/// Moves the response deadline of the open cases due on `from` to `to` (a day the court closed);
/// returns how many moved.
pub fn move_response_due(conn: &mut DbConn, from: NaiveDate, to: NaiveDate) -> QueryResult<usize> {
    diesel::update(
        citations::table
            .filter(citations::status.eq(CaseStatus::Open.as_str()))
            .filter(citations::response_due.eq(from)),
    )
    .set((citations::response_due.eq(to), citations::updated_at.eq(super::now())))
    .execute(conn)
}

/// How many actions of `kind` were taken on court date `as_of`.
pub fn count_on(conn: &mut DbConn, kind: DueKind, as_of: NaiveDate) -> QueryResult<i64> {
    deadline_actions::table
        .filter(deadline_actions::kind.eq(kind.as_str()))
        .filter(deadline_actions::as_of.eq(as_of))
        .count()
        .get_result(conn)
}

/// Whether the job finished court date `as_of`.
pub fn ran_on(conn: &mut DbConn, as_of: NaiveDate) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(daily_runs::table.find(as_of))).get_result(conn)
}

/// Records that the job finished `as_of` with what it did; the first run to finish a day is the
/// one kept (a second worker finishing the same day changes nothing).
pub fn finished(conn: &mut DbConn, as_of: NaiveDate, counts: [i32; 3]) -> QueryResult<()> {
    let inserted = super::write_transaction(conn, |c| {
        if ran_on(c, as_of)? {
            return Ok(());
        }
        diesel::insert_into(daily_runs::table)
            .values((
                daily_runs::as_of.eq(as_of),
                daily_runs::reminders.eq(counts[0]),
                daily_runs::defaults.eq(counts[1]),
                daily_runs::offers_expired.eq(counts[2]),
                daily_runs::finished_at.eq(super::now()),
            ))
            .execute(c)
            .map(|_| ())
    });
    match inserted {
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => Ok(()),
        other => other,
    }
}

/// The last court date the job finished, if any.
pub fn last_run(conn: &mut DbConn) -> QueryResult<Option<NaiveDate>> {
    daily_runs::table.select(diesel::dsl::max(daily_runs::as_of)).first(conn)
}

/// PostgreSQL only: refreshes the planner's statistics of the tables a run of the job reads
/// page by page and grows. A first run over many freshly imported cases may start with these
/// tables never analysed (autovacuum had no time to) or (nearly) empty; planned from those
/// figures, each page's look-ups by case scan whole tables — seen in PostgreSQL's plans: a hash
/// anti-join over every disposition and charge to clear `decided_on` for 200 cases, 76 ms a page
/// at 40,000 cases and growing with every page, against 5 ms by index once analysed. Only the
/// columns the job looks cases up by are analysed: the whole `letters` table, with each letter's
/// data, took over a second each time.
pub fn refresh_statistics(conn: &mut DbConn) -> QueryResult<()> {
    super::analyze(
        conn,
        &[
            "citations (id, status, response_due, decided_on)",
            "deadline_actions (citation_id)",
            "dispositions (charge_id, withdrawn_at)",
            "letters (citation_id, status)",
        ],
    )
}
