//! Queries on submissions (pleas as they arrived) and their pleas.

use super::schema::{pleas, submissions};
use super::DbConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = submissions)]
pub struct SubmissionRecord {
    pub id: i64,
    pub citation_id: Option<i64>,
    pub confirmation: String,
    pub channel: String,
    pub status: String,
    pub received_at: NaiveDateTime,
    pub language: String,
    pub email: Option<String>,
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<SubmissionRecord>> {
    submissions::table.find(id).select(SubmissionRecord::as_select()).first(conn).optional()
}

/// The newest submission linked to a citation.
pub fn latest_for_citation(conn: &mut DbConn, citation_id: i64) -> QueryResult<Option<SubmissionRecord>> {
    submissions::table
        .filter(submissions::citation_id.eq(citation_id))
        .order(submissions::id.desc())
        .select(SubmissionRecord::as_select())
        .first(conn)
        .optional()
}

/// (charge_seq, plea) of a submission, by charge.
pub fn pleas_of(conn: &mut DbConn, submission_id: i64) -> QueryResult<Vec<(i32, String)>> {
    pleas::table
        .filter(pleas::submission_id.eq(submission_id))
        .order(pleas::charge_seq)
        .select((pleas::charge_seq, pleas::plea))
        .load(conn)
}
