//! The parts of a whole case that have no other home yet: offers, payments, dispositions, the
//! pleas of several submissions at once, and the case's events (its timeline).

use super::schema::{charges, dispositions, events, offer_charges, offers, payments, pleas};
use super::DbConn;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable)]
pub struct OfferRow {
    pub id: i64,
    pub status: String,
    pub expires_on: NaiveDate,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
}

/// (offer id, charge_seq, offense_code, fine_cents, points)
pub type OfferChargeRow = (i64, i32, String, i64, i32);

pub fn offers_of(conn: &mut DbConn, citation_id: i64) -> QueryResult<(Vec<OfferRow>, Vec<OfferChargeRow>)> {
    let rows: Vec<OfferRow> = offers::table
        .filter(offers::citation_id.eq(citation_id))
        .order(offers::id)
        .select((offers::id, offers::status, offers::expires_on, offers::created_at, offers::decided_at))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|o| o.id).collect();
    let lines = offer_charges::table
        .filter(offer_charges::offer_id.eq_any(&ids))
        .order((offer_charges::offer_id, offer_charges::charge_seq))
        .select((
            offer_charges::offer_id,
            offer_charges::charge_seq,
            offer_charges::offense_code,
            offer_charges::fine_cents,
            offer_charges::points,
        ))
        .load(conn)?;
    Ok((rows, lines))
}

/// (amount_cents, method, reference, received_on)
pub type PaymentRow = (i64, String, Option<String>, NaiveDate);

pub fn payments_of(conn: &mut DbConn, citation_id: i64) -> QueryResult<Vec<PaymentRow>> {
    payments::table
        .filter(payments::citation_id.eq(citation_id))
        .order(payments::id)
        .select((payments::amount_cents, payments::method, payments::reference, payments::received_on))
        .load(conn)
}

/// (payment id, amount_cents) of a case's payments, oldest first.
pub fn payment_amounts(conn: &mut DbConn, citation_id: i64) -> QueryResult<Vec<(i64, i64)>> {
    payments::table
        .filter(payments::citation_id.eq(citation_id))
        .order(payments::id)
        .select((payments::id, payments::amount_cents))
        .load(conn)
}

/// (charge_seq, fine_cents) of a case's charges, in order.
pub fn charge_fines(conn: &mut DbConn, citation_id: i64) -> QueryResult<Vec<(i32, i64)>> {
    charges::table
        .filter(charges::citation_id.eq(citation_id))
        .order(charges::seq)
        .select((charges::seq, charges::fine_cents))
        .load(conn)
}

/// (charge_seq, disposition, decided_on)
pub fn dispositions_of(conn: &mut DbConn, citation_id: i64) -> QueryResult<Vec<(i32, String, NaiveDate)>> {
    dispositions::table
        .inner_join(charges::table)
        .filter(charges::citation_id.eq(citation_id))
        .order(dispositions::id)
        .select((charges::seq, dispositions::disposition, dispositions::decided_on))
        .load(conn)
}

/// (submission_id, charge_seq, plea) of several submissions.
pub fn pleas_of(conn: &mut DbConn, submission_ids: &[i64]) -> QueryResult<Vec<(i64, i32, String)>> {
    pleas::table
        .filter(pleas::submission_id.eq_any(submission_ids))
        .order((pleas::submission_id, pleas::charge_seq))
        .select((pleas::submission_id, pleas::charge_seq, pleas::plea))
        .load(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct EventRow {
    pub at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub outcome: String,
    pub details: String,
}

/// The events recorded about a citation, oldest first (at most `limit`, the newest kept).
pub fn events_of(conn: &mut DbConn, number: &str, limit: i64) -> QueryResult<Vec<EventRow>> {
    let mut rows: Vec<EventRow> = events::table
        .filter(events::subject_type.eq("citation"))
        .filter(events::subject_id.eq(number))
        .order(events::id.desc())
        .limit(limit)
        .select((events::at, events::actor, events::action, events::outcome, events::details))
        .load(conn)?;
    rows.reverse();
    Ok(rows)
}

/// The ids of the letters queued for a submission, oldest first.
pub fn letters_of_submission(conn: &mut DbConn, submission_id: i64) -> QueryResult<Vec<i64>> {
    use super::schema::letters;
    letters::table.filter(letters::submission_id.eq(submission_id)).order(letters::id).select(letters::id).load(conn)
}
