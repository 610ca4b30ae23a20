//! The parts of a whole case that have no other home yet: offers, dispositions, the
//! pleas of several submissions at once, and the case's events (its timeline).

use super::schema::{charges, dispositions, events, offer_charges, offers, pleas};
use super::DbConn;
use crate::domain::Disposition;
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
    let (rows, lines) = offers_of_many(conn, &[citation_id])?;
    Ok((rows.into_iter().map(|(_, o)| o).collect(), lines))
}

/// Offers under their case's id, and all their lines.
pub type OffersOfCases = (Vec<(i64, OfferRow)>, Vec<OfferChargeRow>);

/// The offers of several cases, each with its case's id, oldest first, and all their lines.
pub fn offers_of_many(conn: &mut DbConn, citation_ids: &[i64]) -> QueryResult<OffersOfCases> {
    let rows: Vec<(i64, OfferRow)> = offers::table
        .filter(offers::citation_id.eq_any(citation_ids))
        .order(offers::id)
        .select((
            offers::citation_id,
            (offers::id, offers::status, offers::expires_on, offers::created_at, offers::decided_at),
        ))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|(_, o)| o.id).collect();
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

/// (charge_seq, fine_cents) of a case's charges, in order.
pub fn charge_fines(conn: &mut DbConn, citation_id: i64) -> QueryResult<Vec<(i32, i64)>> {
    charges::table
        .filter(charges::citation_id.eq(citation_id))
        .order(charges::seq)
        .select((charges::seq, charges::fine_cents))
        .load(conn)
}

/// (charge_seq, disposition, decided_on, withdrawn_at) of a case's dispositions, oldest first;
/// a withdrawn one no longer stands.
pub type DispositionRow = (i32, String, NaiveDate, Option<NaiveDateTime>);

pub fn dispositions_of(conn: &mut DbConn, citation_id: i64) -> QueryResult<Vec<DispositionRow>> {
    Ok(dispositions_of_many(conn, &[citation_id])?.into_iter().map(|(_, d)| d).collect())
}

/// [`dispositions_of`] several cases, each row with its case's id, oldest first.
pub fn dispositions_of_many(conn: &mut DbConn, citation_ids: &[i64]) -> QueryResult<Vec<(i64, DispositionRow)>> {
    dispositions::table
        .inner_join(charges::table)
        .filter(charges::citation_id.eq_any(citation_ids))
        .order(dispositions::id)
        .select((
            charges::citation_id,
            (charges::seq, dispositions::disposition, dispositions::decided_on, dispositions::withdrawn_at),
        ))
        .load(conn)
}

/// Withdraws the standing payment dispositions (`paid_as_charged`, `paid_amended`) of charges
/// `seqs` of a case: the rows stay, marked withdrawn now.
pub fn withdraw_paid(conn: &mut DbConn, citation_id: i64, seqs: &[i32]) -> QueryResult<usize> {
    let charge_ids = charges::table
        .filter(charges::citation_id.eq(citation_id))
        .filter(charges::seq.eq_any(seqs))
        .select(charges::id);
    diesel::update(
        dispositions::table
            .filter(dispositions::charge_id.eq_any(charge_ids))
            .filter(
                dispositions::disposition
                    .eq_any([Disposition::PaidAsCharged.as_str(), Disposition::PaidAmended.as_str()]),
            )
            .filter(dispositions::withdrawn_at.is_null()),
    )
    .set(dispositions::withdrawn_at.eq(super::now()))
    .execute(conn)
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
