//! Queries on prosecutors' offers: made with their lines, closed once (only while pending),
//! found by id; the requests waiting for one (the prosecutor's queue); the same person's other
//! citations (their driving record here); and the saved patterns an admin keeps.

use super::schema::{citations, offer_charges, offer_patterns, offers, submissions};
use super::DbConn;
use crate::domain::{CaseStatus, OfferStatus};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// An offer as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = offers)]
pub struct OfferRecord {
    pub id: i64,
    pub citation_id: i64,
    #[diesel(deserialize_as = String)]
    pub status: OfferStatus,
    pub expires_on: NaiveDate,
    pub made_by: Option<i64>,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    /// The scoped Idempotency-Key it was made with, and its request's hash.
    pub idempotency_key: Option<String>,
    pub request_hash: Option<String>,
    /// The pending offer this one replaced (an amendment).
    pub replaces: Option<i64>,
}

/// Where an offer came from: who made it, the one it replaces, and the Idempotency-Key (scoped)
/// with its request's hash.
pub struct Made<'a> {
    pub made_by: i64,
    pub replaces: Option<i64>,
    pub idempotency: Option<(&'a str, &'a str)>,
}

/// One charge of an offer to store: (charge_seq, offense_code, fine_cents, points).
pub type NewLine<'a> = (i32, &'a str, i64, i32);

/// Makes a pending offer with its lines; returns its id.
pub fn insert(
    conn: &mut DbConn,
    citation_id: i64,
    expires_on: NaiveDate,
    made: &Made,
    lines: &[NewLine],
) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(offers::table)
        .values((
            offers::citation_id.eq(citation_id),
            offers::status.eq(OfferStatus::Pending.as_str()),
            offers::expires_on.eq(expires_on),
            offers::made_by.eq(made.made_by),
            offers::created_at.eq(super::now()),
            offers::replaces.eq(made.replaces),
            offers::idempotency_key.eq(made.idempotency.map(|(k, _)| k)),
            offers::request_hash.eq(made.idempotency.map(|(_, h)| h)),
        ))
        .returning(offers::id)
        .get_result(conn)?;
    for (seq, code, fine, points) in lines {
        diesel::insert_into(offer_charges::table)
            .values((
                offer_charges::offer_id.eq(id),
                offer_charges::charge_seq.eq(seq),
                offer_charges::offense_code.eq(code),
                offer_charges::fine_cents.eq(fine),
                offer_charges::points.eq(points),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

/// Closes pending offer `id` as `status` (with `note`, the reason for a withdrawal); false if it
/// was no longer pending.
pub fn close(conn: &mut DbConn, id: i64, status: OfferStatus, note: Option<&str>) -> QueryResult<bool> {
    let n = diesel::update(offers::table.find(id).filter(offers::status.eq(OfferStatus::Pending.as_str())))
        .set((offers::status.eq(status.as_str()), offers::note.eq(note), offers::decided_at.eq(super::now())))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<OfferRecord>> {
    offers::table.find(id).select(OfferRecord::as_select()).first(conn).optional()
}

/// The offer made with (scoped) Idempotency-Key `key`, if any.
pub fn by_idempotency_key(conn: &mut DbConn, key: &str) -> QueryResult<Option<OfferRecord>> {
    offers::table.filter(offers::idempotency_key.eq(key)).select(OfferRecord::as_select()).first(conn).optional()
}

/// A request waiting for the prosecutor: the case and when its plea arrived.
#[derive(Debug, Clone, Queryable)]
pub struct Request {
    pub citation_id: i64,
    pub citation_number: String,
    pub received_at: NaiveDateTime,
}

/// The cases in review (a request for an offer and no offer yet), oldest request first.
pub fn requests(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<Request>> {
    let rows: Vec<Request> = citations::table
        .inner_join(submissions::table)
        .filter(citations::status.eq(CaseStatus::InReview.as_str()))
        .filter(submissions::status.eq("linked"))
        .order((submissions::received_at, citations::id))
        .select((citations::id, citations::citation_number, submissions::received_at))
        .load(conn)?;
    // A case with several linked submissions (a duplicate let stand) is listed once, by its first.
    let mut seen = std::collections::BTreeSet::new();
    Ok(rows.into_iter().filter(|r| seen.insert(r.citation_id)).take(limit as usize).collect())
}

/// Another citation of the same person: (number, issued at, status).
pub type RecordRow = (String, NaiveDateTime, String);

/// The person's other citations: the same licence (number and state), or the same name and
/// date of birth; newest first.
pub fn same_person(conn: &mut DbConn, c: &super::citations::CitationRecord) -> QueryResult<Vec<RecordRow>> {
    let by_name = citations::last_name
        .eq(&c.last_name)
        .and(citations::first_name.eq(&c.first_name))
        .and(citations::date_of_birth.eq(c.date_of_birth));
    let query = citations::table.filter(citations::id.ne(c.id)).into_boxed();
    let query = match (&c.license_number, &c.license_state) {
        (Some(number), Some(state)) => query.filter(
            by_name.or(citations::license_number
                .assume_not_null()
                .eq(number)
                .and(citations::license_state.assume_not_null().eq(state))),
        ),
        _ => query.filter(by_name),
    };
    query
        .order(citations::issued_at.desc())
        .select((citations::citation_number, citations::issued_at, citations::status))
        .limit(50)
        .load(conn)
}

/// A saved pattern as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = offer_patterns)]
pub struct PatternRecord {
    pub id: i64,
    pub name: String,
    pub offense_code: Option<String>,
    pub fine_rule: String,
    pub fine_value: Option<i64>,
    pub points: Option<i32>,
    pub active: bool,
}

/// Every pattern (`all`) or the active ones, by name.
pub fn patterns(conn: &mut DbConn, all: bool) -> QueryResult<Vec<PatternRecord>> {
    let mut q = offer_patterns::table.order(offer_patterns::name).into_boxed();
    if !all {
        q = q.filter(offer_patterns::active.eq(true));
    }
    q.select(PatternRecord::as_select()).load(conn)
}

pub fn pattern(conn: &mut DbConn, id: i64) -> QueryResult<Option<PatternRecord>> {
    offer_patterns::table.find(id).select(PatternRecord::as_select()).first(conn).optional()
}

/// Saves a new pattern; returns its id (a name already used is a unique violation).
pub fn add_pattern(
    conn: &mut DbConn,
    name: &str,
    offense_code: Option<&str>,
    (rule, value): (&str, Option<i64>),
    points: Option<i32>,
    by: i64,
) -> QueryResult<i64> {
    diesel::insert_into(offer_patterns::table)
        .values((
            offer_patterns::name.eq(name),
            offer_patterns::offense_code.eq(offense_code),
            offer_patterns::fine_rule.eq(rule),
            offer_patterns::fine_value.eq(value),
            offer_patterns::points.eq(points),
            offer_patterns::created_by.eq(by),
            offer_patterns::created_at.eq(super::now()),
        ))
        .returning(offer_patterns::id)
        .get_result(conn)
}

/// Retires or restores a pattern; false if there is none.
pub fn set_pattern_active(conn: &mut DbConn, id: i64, active: bool) -> QueryResult<bool> {
    Ok(diesel::update(offer_patterns::table.find(id)).set(offer_patterns::active.eq(active)).execute(conn)? == 1)
}
