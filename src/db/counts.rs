//! Counts for the console's dashboard: numbers only, nothing personal.

use super::schema::{jobs, letters, submissions};
use super::DbConn;
use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

/// Submissions received since `since`, per channel.
pub fn received_by_channel(conn: &mut DbConn, since: NaiveDateTime) -> QueryResult<Vec<(String, i64)>> {
    submissions::table
        .filter(submissions::received_at.ge(since))
        .group_by(submissions::channel)
        .select((submissions::channel, count_star()))
        .order(submissions::channel.asc())
        .load(conn)
}

/// Submissions per status.
pub fn submissions_by_status(conn: &mut DbConn) -> QueryResult<Vec<(String, i64)>> {
    submissions::table.group_by(submissions::status).select((submissions::status, count_star())).load(conn)
}

/// Letters with `status` (queued: waiting for the mail run).
pub fn letters_with_status(conn: &mut DbConn, status: &str) -> QueryResult<i64> {
    letters::table.filter(letters::status.eq(status)).select(count_star()).first(conn)
}

/// Jobs with `status` (parked: failed too often, waiting for an admin).
pub fn jobs_with_status(conn: &mut DbConn, status: &str) -> QueryResult<i64> {
    jobs::table.filter(jobs::status.eq(status)).select(count_star()).first(conn)
}

/// What `/metrics` reads from the database at each scrape: numbers by fixed names, nothing
/// personal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Operations {
    /// (kind, status, count) of the jobs not done: queued, running, parked.
    pub jobs: Vec<(String, String, i64)>,
    /// (status, count) of letters.
    pub letters: Vec<(String, i64)>,
    /// (channel, count) of every submission (plea) received.
    pub pleas: Vec<(String, i64)>,
    /// Scans uploaded, and their pages.
    pub scans: i64,
    pub scan_pages: i64,
}

/// The counts behind `/metrics`, each from an indexed column or a small table.
pub fn operations(conn: &mut DbConn) -> QueryResult<Operations> {
    use super::schema::scan_batches;
    use crate::domain::JobStatus;
    let open = [JobStatus::Queued, JobStatus::Running, JobStatus::Parked].map(JobStatus::as_str);
    let jobs = jobs::table
        .filter(jobs::status.eq_any(open))
        .group_by((jobs::kind, jobs::status))
        .select((jobs::kind, jobs::status, count_star()))
        .load(conn)?;
    let letters = letters::table.group_by(letters::status).select((letters::status, count_star())).load(conn)?;
    let pleas = received_by_channel(conn, chrono::DateTime::UNIX_EPOCH.naive_utc())?;
    let (scans, scan_pages): (i64, Option<i64>) =
        scan_batches::table.select((count_star(), diesel::dsl::sum(scan_batches::pages))).first(conn)?;
    Ok(Operations { jobs, letters, pleas, scans, scan_pages: scan_pages.unwrap_or(0) })
}
