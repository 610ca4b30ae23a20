//! The reports' counts from the counters: `report_counts` plus the `report_deltas` not yet
//! folded in, read in one statement (one snapshot), so a count is exact however far compaction
//! has got. Citations are counted by the hour they were issued and submissions by the hour they
//! arrived; a summary cuts them at court-day midnights in UTC, which fall on whole hours in every
//! zone whose offset is whole hours — then summing hour slots is exact. For a court in a
//! half-hour zone (India, Newfoundland, …) [`on_the_hour`] is false and the caller reads
//! `super::direct` instead. Payments and decisions are dated by court day: always exact.

use super::{bucket_case, Aggregates, Bucketed, Db, Money, Named, Span};
use crate::db::DbConn;
use crate::domain::report::DECIDED;
use chrono::{Days, NaiveDate, NaiveDateTime, Timelike};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Timestamp};

/// Whether every instant `span` cuts hour slots at is on a whole hour, so that the counters
/// give exact counts.
pub fn on_the_hour(span: &Span) -> bool {
    let cuts = [span.start, span.end].into_iter().chain(span.age_edges.iter().copied());
    cuts.chain(span.week_starts.iter().copied()).all(|t| t.minute() == 0 && t.second() == 0 && t.nanosecond() == 0)
}

/// A measure's sums in one bucket under one name.
#[derive(Debug, Clone, QueryableByName)]
struct Tally {
    #[diesel(sql_type = Integer)]
    bucket: i32,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = BigInt)]
    owing: i64,
    #[diesel(sql_type = BigInt)]
    cents: i64,
}

/// The sums of `measure` (fixed text) over the slots in `[start, end)`, per bucket (as
/// [`bucket_case`] over `edges`, on the slot) and name.
fn tallies(
    conn: &mut DbConn,
    measure: &str,
    start: NaiveDateTime,
    end: NaiveDateTime,
    edges: &[NaiveDateTime],
) -> QueryResult<Vec<Tally>> {
    let case = bucket_case("slot", edges.len(), 1);
    let (s, e) = (edges.len() + 1, edges.len() + 2);
    let rows = |table: &str| {
        format!("SELECT slot, name, n, owing, cents FROM {table} WHERE measure = '{measure}' AND slot >= ${s} AND slot < ${e}")
    };
    let sql = format!(
        "SELECT {case} AS bucket, name, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(owing) AS BIGINT) AS owing, \
         CAST(SUM(cents) AS BIGINT) AS cents FROM ({} UNION ALL {}) t GROUP BY 1, 2",
        rows("report_counts"),
        rows("report_deltas")
    );
    let mut q = diesel::sql_query(sql).into_boxed::<Db>();
    for edge in edges {
        q = q.bind::<Timestamp, _>(*edge);
    }
    q.bind::<Timestamp, _>(start).bind::<Timestamp, _>(end).load(conn)
}

/// The slots of court days `from..=to` (a day's slot is its date at midnight).
fn days(from: NaiveDate, to: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    let next = to.checked_add_days(Days::new(1)).unwrap_or(to);
    (from.and_time(chrono::NaiveTime::MIN), next.and_time(chrono::NaiveTime::MIN))
}

fn bucketed(rows: &[Tally]) -> Vec<Bucketed> {
    rows.iter().map(|r| Bucketed { bucket: r.bucket, name: r.name.clone(), n: r.n }).collect()
}

/// Everything the summary counts (but the offers) over `span`, from the counters: exact when
/// [`on_the_hour`] holds for `span`.
pub fn aggregates(conn: &mut DbConn, span: &Span) -> QueryResult<Aggregates> {
    let issued = tallies(conn, "issued", span.start, span.end, &span.age_edges)?;
    let owed = (issued.iter().map(|r| r.cents).sum(), issued.iter().map(|r| r.owing).sum());
    let weeks = span.week_starts.get(1..).unwrap_or_default();
    let received = tallies(conn, "received", span.start, span.end, weeks)?;
    let (first, after) = days(span.from, span.to);
    let collected = tallies(conn, "collected", first, after, &[])?;
    let decided = tallies(conn, "decided", first, after, &[])?;
    Ok(Aggregates {
        issued: bucketed(&issued),
        received: bucketed(&received),
        owed,
        collected: collected.into_iter().map(|r| Money { name: r.name, n: r.n, cents: r.cents }).collect(),
        decided: (decided.into_iter())
            .filter(|r| DECIDED.iter().any(|s| s.as_str() == r.name))
            .map(|r| Named { name: r.name, n: r.n })
            .collect(),
    })
}
