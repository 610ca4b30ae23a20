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

/// The statement written with a submission, if any.
pub fn statement_of(conn: &mut DbConn, id: i64) -> QueryResult<Option<String>> {
    Ok(submissions::table.find(id).select(submissions::statement).first(conn).optional()?.flatten())
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

/// The newest submission linked to each of `citation_ids` (those with none are not in the map).
pub fn latest_for_citations(
    conn: &mut DbConn,
    citation_ids: &[i64],
) -> QueryResult<std::collections::BTreeMap<i64, SubmissionRecord>> {
    let rows: Vec<SubmissionRecord> = submissions::table
        .filter(submissions::citation_id.eq_any(citation_ids))
        .order(submissions::id)
        .select(SubmissionRecord::as_select())
        .load(conn)?;
    // Oldest first: the newest of each case is the one left in the map.
    Ok(rows.into_iter().filter_map(|s| Some((s.citation_id?, s))).collect())
}

/// (charge_seq, plea) of a submission, by charge.
pub fn pleas_of(conn: &mut DbConn, submission_id: i64) -> QueryResult<Vec<(i32, String)>> {
    pleas::table
        .filter(pleas::submission_id.eq(submission_id))
        .order(pleas::charge_seq)
        .select((pleas::charge_seq, pleas::plea))
        .load(conn)
}

pub struct NewSubmission<'a> {
    pub citation_id: i64,
    pub confirmation: &'a str,
    pub channel: &'a str,
    pub language: &'a str,
    pub signature_name: Option<&'a str>,
    pub signed: bool,
    pub attested: bool,
    pub statement: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub mailing_address: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
    pub request_hash: Option<&'a str>,
}

/// Inserts a linked submission and its pleas; returns the submission id.
pub fn insert_with_pleas(conn: &mut DbConn, s: &NewSubmission, pleas: &[(i32, &str)]) -> QueryResult<i64> {
    let now = super::now();
    let id: i64 = diesel::insert_into(submissions::table)
        .values((
            submissions::citation_id.eq(s.citation_id),
            submissions::confirmation.eq(s.confirmation),
            submissions::channel.eq(s.channel),
            submissions::status.eq("linked"),
            submissions::received_at.eq(now),
            submissions::signature_name.eq(s.signature_name),
            submissions::signed.eq(s.signed),
            submissions::attested.eq(s.attested),
            submissions::statement.eq(s.statement),
            submissions::email.eq(s.email),
            submissions::phone.eq(s.phone),
            submissions::language.eq(s.language),
            submissions::mailing_address.eq(s.mailing_address),
            submissions::idempotency_key.eq(s.idempotency_key),
            submissions::request_hash.eq(s.request_hash),
            submissions::created_at.eq(now),
            submissions::updated_at.eq(now),
        ))
        .returning(submissions::id)
        .get_result(conn)?;
    insert_pleas(conn, id, pleas)?;
    Ok(id)
}

/// Inserts a submission's pleas, (charge_seq, plea) each.
pub fn insert_pleas(conn: &mut DbConn, submission_id: i64, plea_rows: &[(i32, &str)]) -> QueryResult<()> {
    for (seq, plea) in plea_rows {
        diesel::insert_into(pleas::table)
            .values((pleas::submission_id.eq(submission_id), pleas::charge_seq.eq(*seq), pleas::plea.eq(*plea)))
            .execute(conn)?;
    }
    Ok(())
}

/// The submission made with an idempotency key.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = submissions)]
pub struct Keyed {
    pub confirmation: String,
    pub request_hash: Option<String>,
    pub citation_id: Option<i64>,
}

pub fn by_idempotency_key(conn: &mut DbConn, key: &str) -> QueryResult<Option<Keyed>> {
    submissions::table.filter(submissions::idempotency_key.eq(key)).select(Keyed::as_select()).first(conn).optional()
}

pub fn by_confirmation(conn: &mut DbConn, confirmation: &str) -> QueryResult<Option<SubmissionRecord>> {
    submissions::table
        .filter(submissions::confirmation.eq(confirmation))
        .select(SubmissionRecord::as_select())
        .first(conn)
        .optional()
}

pub fn count_for_citation(conn: &mut DbConn, citation_id: i64) -> QueryResult<i64> {
    submissions::table.filter(submissions::citation_id.eq(citation_id)).count().get_result(conn)
}
