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
