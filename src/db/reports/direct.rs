//! The reports' counts from the raw tables, aggregated on every request: the fallback when the
//! counters cannot be exact (a court in a half-hour zone, see `super::counted`) and the oracle
//! the tests compare the counters with. The SQL is the same on both backends: times are
//! compared with instants computed by the caller (a court day's midnight in UTC), and a row's
//! bucket — its week, its age — is a `CASE` over those instants, so neither backend's date
//! functions (which differ, and know no time zones on SQLite) are needed.

use super::{bucket_case, names, Aggregates, Bucketed, Db, Money, Named, Span, OWING};
use crate::db::DbConn;
use crate::domain::report::DECIDED;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Timestamp};

/// Rows of `table` (with `filter`, an SQL condition of fixed text) whose time `col` is in
/// `[start, end)`, per bucket (as [`bucket_case`] over `edges`) and per the value of column `name`.
fn bucketed(
    conn: &mut DbConn,
    (table, filter, col, name): (&str, &str, &str, &str),
    start: NaiveDateTime,
    end: NaiveDateTime,
    edges: &[NaiveDateTime],
) -> QueryResult<Vec<Bucketed>> {
    let case = bucket_case(col, edges.len(), 1);
    let (s, e) = (edges.len() + 1, edges.len() + 2);
    let sql = format!(
        "SELECT {case} AS bucket, {name} AS name, COUNT(*) AS n FROM {table} \
         WHERE {filter} AND {col} >= ${s} AND {col} < ${e} GROUP BY 1, 2"
    );
    let mut q = diesel::sql_query(sql).into_boxed::<Db>();
    for edge in edges {
        q = q.bind::<Timestamp, _>(*edge);
    }
    q.bind::<Timestamp, _>(start).bind::<Timestamp, _>(end).load(conn)
}

/// Citations issued in `[start, end)`, per status now and age bucket: bucket `i` for those
/// issued before `edges[i]` and not before `edges[i - 1]` (edges ascending; the last bucket,
/// after every edge). One pass gives both the counts by status and the ageing of the open ones.
pub fn issued_by_age(
    conn: &mut DbConn,
    start: NaiveDateTime,
    end: NaiveDateTime,
    edges: &[NaiveDateTime],
) -> QueryResult<Vec<Bucketed>> {
    bucketed(conn, ("citations", "1 = 1", "issued_at", "status"), start, end, edges)
}

/// Submissions (pleas as they arrived, whatever became of them) received in `[start, end)`, per
/// week and channel: week `i` starts at `weeks[i]` (ascending; `weeks[0]` is not needed, every
/// time before `weeks[1]` is week 0).
pub fn received_by_week(
    conn: &mut DbConn,
    start: NaiveDateTime,
    end: NaiveDateTime,
    weeks: &[NaiveDateTime],
) -> QueryResult<Vec<Bucketed>> {
    let edges = weeks.get(1..).unwrap_or_default();
    bucketed(conn, ("submissions", "1 = 1", "received_at", "channel"), start, end, edges)
}

/// Payments received on court days `from..=to` and not reversed, per method.
pub fn collected(conn: &mut DbConn, from: NaiveDate, to: NaiveDate) -> QueryResult<Vec<Money>> {
    diesel::sql_query(
        "SELECT method AS name, COUNT(*) AS n, CAST(SUM(amount_cents) AS BIGINT) AS cents FROM payments \
         WHERE received_on >= $1 AND received_on <= $2 AND reversed_at IS NULL GROUP BY method",
    )
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .load(conn)
}

/// The cases decided on court days `from..=to`, per status now: cases whose status is one that
/// ends a case (resolved, hearing_set, default) and whose last standing disposition (not
/// withdrawn) is dated in the range.
pub fn decided(conn: &mut DbConn, from: NaiveDate, to: NaiveDate) -> QueryResult<Vec<Named>> {
    let sql = format!(
        "SELECT c.status AS name, COUNT(*) AS n FROM citations c \
         WHERE c.status IN ({}) \
           AND c.id IN (SELECT ch.citation_id FROM dispositions d JOIN charges ch ON ch.id = d.charge_id \
                        WHERE d.withdrawn_at IS NULL AND d.decided_on >= $1 AND d.decided_on <= $2) \
           AND NOT EXISTS (SELECT 1 FROM dispositions d JOIN charges ch ON ch.id = d.charge_id \
                           WHERE ch.citation_id = c.id AND d.withdrawn_at IS NULL AND d.decided_on > $3) \
         GROUP BY c.status",
        names(&DECIDED)
    );
    diesel::sql_query(sql).bind::<Date, _>(from).bind::<Date, _>(to).bind::<Date, _>(to).load(conn)
}

/// `WITH …, balance AS (…)`: the balance of each case of `cohort` (an SQL query of fixed text
/// selecting `id` from citations) that has charges, as `domain::lifecycle::Case::balance` works
/// it out — due (each charge's amended fine of an accepted offer, or its fine as charged under a
/// guilty or no-contest plea of the applied submission: the first linked one that is neither a
/// duplicate nor set aside; of several accepted offers, the latest) minus the payments not
/// reversed — as `balance (cid, cents)`, below zero when overpaid. Set-based (hash joins over the
/// cohort), not a subquery per case: 5× faster on PostgreSQL.
pub(super) fn balances(cohort: &str) -> String {
    format!(
        "WITH cohort AS ({cohort}), \
         applied AS ( \
           SELECT s.citation_id AS cid, MIN(s.id) AS sid FROM submissions s JOIN cohort k ON k.id = s.citation_id \
           WHERE s.status = 'linked' AND NOT s.duplicate \
             AND NOT EXISTS (SELECT 1 FROM plea_decisions pd WHERE pd.set_aside_id = s.id) \
           GROUP BY s.citation_id), \
         pleaded AS ( \
           SELECT a.cid, p.charge_seq AS seq FROM applied a JOIN pleas p ON p.submission_id = a.sid \
           WHERE p.plea IN ('guilty', 'no_contest')), \
         amended AS ( \
           SELECT o.citation_id AS cid, oc.charge_seq AS seq, oc.fine_cents \
           FROM offers o JOIN offer_charges oc ON oc.offer_id = o.id \
           WHERE o.status = 'accepted' AND o.citation_id IN (SELECT id FROM cohort) \
             AND NOT EXISTS (SELECT 1 FROM offers o2 JOIN offer_charges oc2 ON oc2.offer_id = o2.id \
               WHERE o2.citation_id = o.citation_id AND o2.status = 'accepted' \
                 AND oc2.charge_seq = oc.charge_seq AND o2.id > o.id)), \
         due AS ( \
           SELECT ch.citation_id AS cid, \
             SUM(COALESCE(am.fine_cents, CASE WHEN pl.seq IS NULL THEN 0 ELSE ch.fine_cents END)) AS cents \
           FROM cohort k JOIN charges ch ON ch.citation_id = k.id \
           LEFT JOIN pleaded pl ON pl.cid = ch.citation_id AND pl.seq = ch.seq \
           LEFT JOIN amended am ON am.cid = ch.citation_id AND am.seq = ch.seq \
           GROUP BY ch.citation_id), \
         paid AS ( \
           SELECT p.citation_id AS cid, SUM(p.amount_cents) AS cents FROM payments p JOIN cohort k ON k.id = p.citation_id \
           WHERE p.reversed_at IS NULL GROUP BY p.citation_id), \
         balance AS ( \
           SELECT d.cid, CAST(d.cents - COALESCE(pd.cents, 0) AS BIGINT) AS cents FROM due d LEFT JOIN paid pd ON pd.cid = d.cid) "
    )
}

/// What the cases issued in `[start, end)` still owe: their balances ([`balances`]) summed over
/// the cases where it is above zero: (cents, cases). Only the cases that can owe are read
/// ([`super::OWING`]).
pub fn owed(conn: &mut DbConn, start: NaiveDateTime, end: NaiveDateTime) -> QueryResult<(i64, i64)> {
    #[derive(QueryableByName)]
    struct Owed {
        #[diesel(sql_type = BigInt)]
        cents: i64,
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let cohort = format!(
        "SELECT c.id FROM citations c WHERE c.issued_at >= $1 AND c.issued_at < $2 AND c.status IN ({})",
        names(&OWING)
    );
    let sql = format!(
        "{} SELECT CAST(COALESCE(SUM(cents), 0) AS BIGINT) AS cents, COUNT(*) AS n FROM balance WHERE cents > 0",
        balances(&cohort)
    );
    let r: Owed = diesel::sql_query(sql).bind::<Timestamp, _>(start).bind::<Timestamp, _>(end).get_result(conn)?;
    Ok((r.cents, r.n))
}

/// Everything the summary counts (but the offers) over `span`, from the raw tables.
pub fn aggregates(conn: &mut DbConn, span: &Span) -> QueryResult<Aggregates> {
    Ok(Aggregates {
        issued: issued_by_age(conn, span.start, span.end, &span.age_edges)?,
        received: received_by_week(conn, span.start, span.end, &span.week_starts)?,
        owed: owed(conn, span.start, span.end)?,
        collected: collected(conn, span.from, span.to)?,
        decided: decided(conn, span.from, span.to)?,
    })
}
