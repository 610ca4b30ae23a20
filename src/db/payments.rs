//! Queries on payments: recorded (never deleted), reversed, found by the Idempotency-Key that
//! recorded them or by the submission they came with, and the cases flagged as overpaid.

use super::schema::{citations, events, payments};
use super::DbConn;
use crate::domain::PaymentMethod;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// A payment as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payments)]
pub struct PaymentRecord {
    pub id: i64,
    pub citation_id: i64,
    pub amount_cents: i64,
    #[diesel(deserialize_as = String)]
    pub method: PaymentMethod,
    pub reference: Option<String>,
    pub received_on: NaiveDate,
    pub recorded_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub reversed_at: Option<NaiveDateTime>,
    pub reversed_by: Option<i64>,
    pub reversal_reason: Option<String>,
    pub submission_id: Option<i64>,
    pub idempotency_key: Option<String>,
    pub request_hash: Option<String>,
}

/// A payment to record.
pub struct NewPaymentRow<'a> {
    pub citation_id: i64,
    pub amount_cents: i64,
    pub method: PaymentMethod,
    pub reference: Option<&'a str>,
    pub received_on: NaiveDate,
    pub recorded_by: Option<i64>,
    pub submission_id: Option<i64>,
    pub idempotency_key: Option<&'a str>,
    pub request_hash: Option<&'a str>,
}

/// Records a payment; returns its id.
pub fn insert(conn: &mut DbConn, p: &NewPaymentRow) -> QueryResult<i64> {
    diesel::insert_into(payments::table)
        .values((
            payments::citation_id.eq(p.citation_id),
            payments::amount_cents.eq(p.amount_cents),
            payments::method.eq(p.method.as_str()),
            payments::reference.eq(p.reference),
            payments::received_on.eq(p.received_on),
            payments::recorded_by.eq(p.recorded_by),
            payments::created_at.eq(super::now()),
            payments::submission_id.eq(p.submission_id),
            payments::idempotency_key.eq(p.idempotency_key),
            payments::request_hash.eq(p.request_hash),
        ))
        .returning(payments::id)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<PaymentRecord>> {
    payments::table.find(id).select(PaymentRecord::as_select()).first(conn).optional()
}

pub fn by_idempotency_key(conn: &mut DbConn, key: &str) -> QueryResult<Option<PaymentRecord>> {
    payments::table.filter(payments::idempotency_key.eq(key)).select(PaymentRecord::as_select()).first(conn).optional()
}

/// The payment applied from a submission's enclosed payment, if it was.
pub fn for_submission(conn: &mut DbConn, submission_id: i64) -> QueryResult<Option<PaymentRecord>> {
    payments::table
        .filter(payments::submission_id.eq(submission_id))
        .select(PaymentRecord::as_select())
        .first(conn)
        .optional()
}

/// A case's payments, reversed ones included, oldest first.
pub fn of_citation(conn: &mut DbConn, citation_id: i64) -> QueryResult<Vec<PaymentRecord>> {
    of_citations(conn, &[citation_id])
}

/// The payments of several cases, reversed ones included, oldest first.
pub fn of_citations(conn: &mut DbConn, citation_ids: &[i64]) -> QueryResult<Vec<PaymentRecord>> {
    payments::table
        .filter(payments::citation_id.eq_any(citation_ids))
        .order(payments::id)
        .select(PaymentRecord::as_select())
        .load(conn)
}

/// Marks payment `id` reversed (once: false if it already was).
pub fn reverse(conn: &mut DbConn, id: i64, by: i64, reason: &str) -> QueryResult<bool> {
    let n = diesel::update(payments::table.find(id).filter(payments::reversed_at.is_null()))
        .set((
            payments::reversed_at.eq(super::now()),
            payments::reversed_by.eq(by),
            payments::reversal_reason.eq(reason),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// The citations the lifecycle flagged as overpaid (`payment.overpaid`), each with when it was
/// first flagged, oldest first. Whether a refund is still owed is for the caller to work out.
pub fn flagged_overpaid(conn: &mut DbConn) -> QueryResult<Vec<(i64, String, NaiveDateTime)>> {
    use diesel::dsl::min;
    let flagged: Vec<(String, Option<NaiveDateTime>)> = events::table
        .filter(events::action.eq("payment.overpaid"))
        .filter(events::subject_type.eq("citation"))
        .group_by(events::subject_id)
        .select((events::subject_id, min(events::at)))
        .load(conn)?;
    let numbers: Vec<&str> = flagged.iter().map(|(n, _)| n.as_str()).collect();
    let ids: Vec<(i64, String)> = citations::table
        .filter(citations::citation_number.eq_any(&numbers))
        .select((citations::id, citations::citation_number))
        .load(conn)?;
    let mut out: Vec<(i64, String, NaiveDateTime)> = flagged
        .into_iter()
        .filter_map(|(n, at)| {
            let id = ids.iter().find(|(_, number)| *number == n)?.0;
            Some((id, n, at?))
        })
        .collect();
    out.sort_by_key(|(_, _, at)| *at);
    Ok(out)
}

/// Who keyed submission `id` in (the clerk who found its enclosed payment).
pub fn keyed_by(conn: &mut DbConn, submission_id: i64) -> QueryResult<Option<i64>> {
    use super::schema::submissions;
    Ok(submissions::table.find(submission_id).select(submissions::created_by).first(conn).optional()?.flatten())
}
