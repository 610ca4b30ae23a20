//! Queries on paper submissions (mail and counter): recorded linked or not, linked later, listed
//! in the clerks' queues.

use super::schema::{citations, plea_decisions, submissions};
use super::DbConn;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// No decision set submission `submissions.id` aside (a correlated subquery).
macro_rules! not_set_aside {
    () => {
        diesel::dsl::not(diesel::dsl::exists(
            plea_decisions::table.filter(plea_decisions::set_aside_id.eq(submissions::id)),
        ))
    };
}

/// A paper plea as keyed in. `citation_id` is `None` while unmatched.
pub struct NewPaper<'a> {
    pub citation_id: Option<i64>,
    pub status: &'a str,
    pub confirmation: &'a str,
    pub channel: &'a str,
    pub language: &'a str,
    pub received_at: NaiveDateTime,
    pub postmark_date: Option<NaiveDate>,
    pub document_id: Option<i64>,
    pub claimed_citation_number: Option<&'a str>,
    pub claimed_date_of_birth: Option<NaiveDate>,
    pub claimed_last_name: Option<&'a str>,
    pub claimed_plate: Option<&'a str>,
    pub signed: bool,
    pub statement: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub mailing_address: Option<&'a str>,
    pub enclosed_payment_cents: Option<i64>,
    pub enclosed_payment_method: Option<&'a str>,
    pub enclosed_payment_reference: Option<&'a str>,
    pub deficiencies: Option<&'a str>,
    pub duplicate: bool,
    pub idempotency_key: Option<&'a str>,
    pub request_hash: &'a str,
    pub created_by: i64,
}

/// Inserts a paper submission and its pleas (as typed); returns its id.
pub fn insert(conn: &mut DbConn, s: &NewPaper, plea_rows: &[(i32, &str)]) -> QueryResult<i64> {
    let now = super::now();
    let id: i64 = diesel::insert_into(submissions::table)
        .values((
            (
                submissions::citation_id.eq(s.citation_id),
                submissions::confirmation.eq(s.confirmation),
                submissions::channel.eq(s.channel),
                submissions::status.eq(s.status),
                submissions::received_at.eq(s.received_at),
                submissions::postmark_date.eq(s.postmark_date),
                submissions::document_id.eq(s.document_id),
                submissions::claimed_citation_number.eq(s.claimed_citation_number),
                submissions::claimed_date_of_birth.eq(s.claimed_date_of_birth),
                submissions::claimed_last_name.eq(s.claimed_last_name),
                submissions::claimed_plate.eq(s.claimed_plate),
                submissions::signed.eq(s.signed),
            ),
            (
                submissions::statement.eq(s.statement),
                submissions::email.eq(s.email),
                submissions::phone.eq(s.phone),
                submissions::language.eq(s.language),
                submissions::mailing_address.eq(s.mailing_address),
                submissions::enclosed_payment_cents.eq(s.enclosed_payment_cents),
                submissions::enclosed_payment_method.eq(s.enclosed_payment_method),
                submissions::enclosed_payment_reference.eq(s.enclosed_payment_reference),
                submissions::deficiencies.eq(s.deficiencies),
                submissions::duplicate.eq(s.duplicate),
                submissions::idempotency_key.eq(s.idempotency_key),
                submissions::request_hash.eq(s.request_hash),
            ),
            (
                submissions::created_by.eq(s.created_by),
                submissions::linked_at.eq(s.citation_id.map(|_| now)),
                submissions::linked_how.eq(s.citation_id.map(|_| "entry")),
                submissions::created_at.eq(now),
                submissions::updated_at.eq(now),
            ),
        ))
        .returning(submissions::id)
        .get_result(conn)?;
    super::submissions::insert_pleas(conn, id, plea_rows)?;
    Ok(id)
}

/// A submission with everything a link or the case view needs.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = submissions)]
pub struct PaperRecord {
    pub id: i64,
    pub citation_id: Option<i64>,
    pub confirmation: String,
    pub channel: String,
    pub status: String,
    pub received_at: NaiveDateTime,
    pub postmark_date: Option<NaiveDate>,
    pub document_id: Option<i64>,
    pub claimed_citation_number: Option<String>,
    pub claimed_date_of_birth: Option<NaiveDate>,
    pub claimed_last_name: Option<String>,
    pub claimed_plate: Option<String>,
    pub signed: bool,
    pub statement: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: String,
    pub mailing_address: Option<String>,
    pub enclosed_payment_cents: Option<i64>,
    pub enclosed_payment_method: Option<String>,
    pub enclosed_payment_reference: Option<String>,
    pub deficiencies: Option<String>,
    pub duplicate: bool,
    pub linked_at: Option<NaiveDateTime>,
    pub linked_how: Option<String>,
    pub request_hash: Option<String>,
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<PaperRecord>> {
    submissions::table.find(id).select(PaperRecord::as_select()).first(conn).optional()
}

pub fn by_idempotency_key(conn: &mut DbConn, key: &str) -> QueryResult<Option<PaperRecord>> {
    submissions::table
        .filter(submissions::idempotency_key.eq(key))
        .select(PaperRecord::as_select())
        .first(conn)
        .optional()
}

/// Every submission of a case, oldest first.
pub fn for_citation(conn: &mut DbConn, citation_id: i64) -> QueryResult<Vec<PaperRecord>> {
    submissions::table
        .filter(submissions::citation_id.eq(citation_id))
        .order(submissions::id)
        .select(PaperRecord::as_select())
        .load(conn)
}

/// The deficiency records of a case's submissions (JSON), newest first.
pub fn deficiencies_of(conn: &mut DbConn, citation_id: i64) -> QueryResult<Vec<String>> {
    Ok(submissions::table
        .filter(submissions::citation_id.eq(citation_id))
        .filter(submissions::status.eq("deficient"))
        .order(submissions::id.desc())
        .select(submissions::deficiencies)
        .load::<Option<String>>(conn)?
        .into_iter()
        .flatten()
        .collect())
}

/// Whether the case already has a plea applied to it (a linked submission that is not itself a
/// duplicate), other than `except`.
pub fn has_applied_plea(conn: &mut DbConn, citation_id: i64, except: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        submissions::table
            .filter(submissions::citation_id.eq(citation_id))
            .filter(submissions::status.eq("linked"))
            .filter(submissions::duplicate.eq(false))
            .filter(not_set_aside!())
            .filter(submissions::id.ne(except)),
    ))
    .get_result(conn)
}

/// Links a submission to its case with its status after the link; true if it was unmatched
/// (or is being re-linked by a clerk) and is now linked.
pub struct LinkUpdate<'a> {
    pub citation_id: i64,
    pub status: &'a str,
    pub how: &'a str,
    pub duplicate: bool,
    pub deficiencies: Option<&'a str>,
}

pub fn set_link(conn: &mut DbConn, id: i64, u: &LinkUpdate) -> QueryResult<bool> {
    let now = super::now();
    let n = diesel::update(submissions::table.find(id))
        .set((
            submissions::citation_id.eq(u.citation_id),
            submissions::status.eq(u.status),
            submissions::linked_how.eq(u.how),
            submissions::linked_at.eq(now),
            submissions::duplicate.eq(u.duplicate),
            submissions::deficiencies.eq(u.deficiencies),
            submissions::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// (id, claimed number, claimed date of birth) of every unmatched submission that names both.
pub fn unmatched_claims(conn: &mut DbConn) -> QueryResult<Vec<(i64, String, NaiveDate)>> {
    let rows: Vec<(i64, Option<String>, Option<NaiveDate>)> = submissions::table
        .filter(submissions::status.eq("unmatched"))
        .filter(submissions::claimed_citation_number.is_not_null())
        .filter(submissions::claimed_date_of_birth.is_not_null())
        .order(submissions::id)
        .select((submissions::id, submissions::claimed_citation_number, submissions::claimed_date_of_birth))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(id, n, d)| Some((id, n?, d?))).collect())
}

/// Which queue to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    Unmatched,
    Deficient,
    Linked,
    Duplicate,
}

/// A row of a clerk's queue: no date of birth, no contact details.
#[derive(Debug, Clone, Queryable)]
pub struct QueueRow {
    pub id: i64,
    pub status: String,
    pub channel: String,
    pub received_at: NaiveDateTime,
    pub postmark_date: Option<NaiveDate>,
    pub claimed_citation_number: Option<String>,
    pub claimed_last_name: Option<String>,
    pub citation_number: Option<String>,
    pub deficiencies: Option<String>,
    pub duplicate: bool,
    pub linked_at: Option<NaiveDateTime>,
    pub linked_how: Option<String>,
    pub document_id: Option<i64>,
}

/// A queue, oldest first (by arrival; `Linked` with `since` lists what was linked after it,
/// oldest link first).
pub fn queue(conn: &mut DbConn, q: Queue, since: Option<NaiveDateTime>, limit: i64) -> QueryResult<Vec<QueueRow>> {
    let mut query = submissions::table
        .left_join(citations::table)
        .filter(submissions::channel.ne("online").or(submissions::duplicate.eq(true)))
        .select((
            submissions::id,
            submissions::status,
            submissions::channel,
            submissions::received_at,
            submissions::postmark_date,
            submissions::claimed_citation_number,
            submissions::claimed_last_name,
            citations::citation_number.nullable(),
            submissions::deficiencies,
            submissions::duplicate,
            submissions::linked_at,
            submissions::linked_how,
            submissions::document_id,
        ))
        .into_boxed();
    query = match q {
        Queue::Unmatched => query.filter(submissions::status.eq("unmatched")),
        Queue::Deficient => query.filter(submissions::status.eq("deficient")),
        // "Linked since": everything tied to a citation after that time, whatever came of it.
        Queue::Linked if since.is_some() => query.filter(submissions::citation_id.is_not_null()),
        Queue::Linked => query
            .filter(submissions::status.eq("linked"))
            .filter(submissions::duplicate.eq(false))
            .filter(not_set_aside!()),
        Queue::Duplicate => query.filter(submissions::duplicate.eq(true)),
    };
    if let Some(t) = since {
        query = query.filter(submissions::linked_at.gt(t)).order((submissions::linked_at.asc(), submissions::id.asc()));
    } else {
        query = query.order((submissions::received_at.asc(), submissions::id.asc()));
    }
    query.limit(limit).load(conn)
}

/// How many submissions wait in a queue, and when the oldest arrived.
pub fn queue_age(conn: &mut DbConn, q: Queue) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    let base =
        submissions::table.filter(submissions::channel.ne("online").or(submissions::duplicate.eq(true))).into_boxed();
    let filtered = match q {
        Queue::Unmatched => base.filter(submissions::status.eq("unmatched")),
        Queue::Deficient => base.filter(submissions::status.eq("deficient")),
        Queue::Linked => base
            .filter(submissions::status.eq("linked"))
            .filter(submissions::duplicate.eq(false))
            .filter(not_set_aside!()),
        Queue::Duplicate => base.filter(submissions::duplicate.eq(true)),
    };
    filtered.select((diesel::dsl::count_star(), diesel::dsl::min(submissions::received_at))).first(conn)
}

/// How many submissions wait in a queue.
pub fn queue_count(conn: &mut DbConn, q: Queue) -> QueryResult<i64> {
    queue_age(conn, q).map(|(n, _)| n)
}

/// The plea applied to a case (linked, not a duplicate, not set aside): the plea that stands, or
/// with `except` another one than that submission.
pub fn applied_plea(conn: &mut DbConn, citation_id: i64, except: Option<i64>) -> QueryResult<Option<PaperRecord>> {
    let mut q = submissions::table
        .filter(submissions::citation_id.eq(citation_id))
        .filter(submissions::status.eq("linked"))
        .filter(submissions::duplicate.eq(false))
        .filter(not_set_aside!())
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(submissions::id.ne(id));
    }
    q.order(submissions::id).select(PaperRecord::as_select()).first(conn).optional()
}

/// When the plea applied to each of `citation_ids` was received (the first linked submission that
/// is neither a duplicate nor set aside, as [`applied_plea`] finds it).
pub fn applied_received_at(
    conn: &mut DbConn,
    citation_ids: &[i64],
) -> QueryResult<std::collections::BTreeMap<i64, NaiveDateTime>> {
    Ok(applied_many(conn, citation_ids)?.into_iter().map(|(c, (_, at))| (c, at)).collect())
}

/// The plea applied to each of `citation_ids`, as [`applied_plea`] finds it: (submission id,
/// received at) under the case's id.
pub fn applied_many(
    conn: &mut DbConn,
    citation_ids: &[i64],
) -> QueryResult<std::collections::BTreeMap<i64, (i64, NaiveDateTime)>> {
    let rows: Vec<(Option<i64>, i64, NaiveDateTime)> = submissions::table
        .filter(submissions::citation_id.eq_any(citation_ids))
        .filter(submissions::status.eq("linked"))
        .filter(submissions::duplicate.eq(false))
        .filter(not_set_aside!())
        .order(submissions::id)
        .select((submissions::citation_id, submissions::id, submissions::received_at))
        .load(conn)?;
    let mut first = std::collections::BTreeMap::new();
    for (cid, id, at) in rows {
        if let Some(cid) = cid {
            first.entry(cid).or_insert((id, at));
        }
    }
    Ok(first)
}

/// The stored deficiencies (JSON) of the deficient pleas on each of `citation_ids`.
pub fn deficiencies_of_many(conn: &mut DbConn, citation_ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    let rows: Vec<(Option<i64>, Option<String>)> = submissions::table
        .filter(submissions::citation_id.eq_any(citation_ids))
        .filter(submissions::status.eq("deficient"))
        .select((submissions::citation_id, submissions::deficiencies))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(id, d)| Some((id?, d?))).collect())
}

/// Records a clerk's decision: `set_aside` is kept with its status, no longer a duplicate to
/// decide, never counted as the case's applied plea again.
pub fn set_aside(conn: &mut DbConn, citation_id: i64, stands: i64, set_aside: i64, by: i64) -> QueryResult<()> {
    let now = super::now();
    diesel::insert_into(plea_decisions::table)
        .values((
            plea_decisions::citation_id.eq(citation_id),
            plea_decisions::stands_id.eq(stands),
            plea_decisions::set_aside_id.eq(set_aside),
            plea_decisions::decided_by.eq(by),
            plea_decisions::decided_at.eq(now),
        ))
        .execute(conn)?;
    diesel::update(submissions::table.find(set_aside))
        .set((submissions::duplicate.eq(false), submissions::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// When each of a case's submissions that was set aside was (submission id, time).
pub fn set_aside_of(conn: &mut DbConn, citation_id: i64) -> QueryResult<Vec<(i64, NaiveDateTime)>> {
    plea_decisions::table
        .filter(plea_decisions::citation_id.eq(citation_id))
        .select((plea_decisions::set_aside_id, plea_decisions::decided_at))
        .load(conn)
}

/// How many submissions were linked after `since` (as `queue(Linked, Some(since))` lists them),
/// or, without a time, how many are linked and applied.
pub fn linked_count(conn: &mut DbConn, since: Option<NaiveDateTime>) -> QueryResult<i64> {
    match since {
        None => queue_count(conn, Queue::Linked),
        Some(t) => submissions::table
            .filter(submissions::channel.ne("online").or(submissions::duplicate.eq(true)))
            .filter(submissions::citation_id.is_not_null())
            .filter(submissions::linked_at.gt(t))
            .count()
            .get_result(conn),
    }
}
