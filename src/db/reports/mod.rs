//! The counts behind the reports, from one of two sources that give the same numbers:
//!
//! - [`counted`]: the counters (`report_counts` plus the `report_deltas` not yet folded in),
//!   kept by triggers per hour slot (per day for the measures dated by day) — milliseconds over
//!   a million citations. Exact when every instant the summary cuts at (the range's ends, the
//!   age edges, the week starts: court-day midnights in UTC) falls on a whole hour, as it does
//!   in every zone whose offset is whole hours; [`counted::on_the_hour`] says whether it does.
//! - [`direct`]: the raw tables, aggregated on every request (seconds over a million
//!   citations): the fallback for a court in a half-hour zone, and the tests' oracle.
//!
//! [`counters`] keeps the counters: folds the deltas in (`compact`) and recomputes everything
//! from the raw tables (`rebuild`). Every number is an aggregate the database computes, never
//! rows loaded and counted here. Placeholders are `$1, $2, …` in the order they first appear in
//! the text (SQLite numbers `$N` by first appearance).

pub mod counted;
pub mod counters;
pub mod direct;

use super::DbConn;
use crate::domain::CaseStatus;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

type Db = <DbConn as diesel::Connection>::Backend;

/// A count under a name (a status, a channel, a payment method).
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct Named {
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// A count in bucket `bucket` (a week's or an age's index) under a name.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct Bucketed {
    #[diesel(sql_type = Integer)]
    pub bucket: i32,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Payments received under a method: how many, how much.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct Money {
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    #[diesel(sql_type = BigInt)]
    pub cents: i64,
}

/// What a summary is counted over: instants in UTC (court-day midnights) and court days.
#[derive(Debug, Clone)]
pub struct Span {
    /// Citations and submissions are counted at times in `[start, end)`.
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    /// Ascending: an issued citation's age bucket `i` is before `age_edges[i]` and not before
    /// `age_edges[i - 1]`.
    pub age_edges: Vec<NaiveDateTime>,
    /// Ascending: week `i` starts at `week_starts[i]` (every time before `week_starts[1]` is
    /// week 0).
    pub week_starts: Vec<NaiveDateTime>,
    /// Payments and decisions are counted on court days `from..=to`.
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Everything the summary counts but the offers (always read from their small table).
#[derive(Debug, Clone)]
pub struct Aggregates {
    /// Citations issued in the span, per age bucket and status now.
    pub issued: Vec<Bucketed>,
    /// Submissions received in the span, per week and channel.
    pub received: Vec<Bucketed>,
    /// What the citations issued in the span still owe: (cents, cases owing).
    pub owed: (i64, i64),
    /// Payments not reversed, per method.
    pub collected: Vec<Money>,
    /// Cases decided, per status now (resolved, hearing_set, default).
    pub decided: Vec<Named>,
}

/// The statuses in which a case can owe money: `open` has no plea, `default` none applied, and
/// `resolved` a zero balance by the lifecycle. (The counters' triggers name the same five.)
pub const OWING: [CaseStatus; 5] = [
    CaseStatus::Responded,
    CaseStatus::InReview,
    CaseStatus::OfferPending,
    CaseStatus::AmountDue,
    CaseStatus::HearingSet,
];

/// `'a', 'b'`: fixed status names (never input) for an `IN (…)` list.
fn names(statuses: &[CaseStatus]) -> String {
    statuses.iter().map(|s| format!("'{}'", s.as_str())).collect::<Vec<_>>().join(", ")
}

/// `CASE WHEN col < $k THEN 0 WHEN col < $k+1 THEN 1 … ELSE n END`, placeholders from `$first`:
/// the index of the first of `edges` (ascending) that `col` falls before; `0` without edges (a
/// `CASE` needs a `WHEN`).
fn bucket_case(col: &str, edges: usize, first: usize) -> String {
    if edges == 0 {
        return "0".into();
    }
    let whens: String = (0..edges).map(|i| format!("WHEN {col} < ${} THEN {i} ", first + i)).collect();
    format!("CASE {whens}ELSE {edges} END")
}

/// Offers made in `[start, end)`, per status now (pending, accepted, rejected, …): a small
/// table, read directly by either source.
pub fn offers_made(conn: &mut DbConn, start: NaiveDateTime, end: NaiveDateTime) -> QueryResult<Vec<Named>> {
    use diesel::sql_types::Timestamp;
    diesel::sql_query(
        "SELECT status AS name, COUNT(*) AS n FROM offers WHERE created_at >= $1 AND created_at < $2 GROUP BY status",
    )
    .bind::<Timestamp, _>(start)
    .bind::<Timestamp, _>(end)
    .load(conn)
}
