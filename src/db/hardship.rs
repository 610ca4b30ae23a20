//! Queries on requests from defendants unable to pay: recorded (one pending per case, by a partial
//! unique index), listed for the clerks' queue oldest first, decided once.

use super::schema::{citations, hardship_requests};
use super::DbConn;
use crate::domain::hardship::{Grant, HardshipKind, HardshipStatus};
use crate::domain::Cents;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// A request as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = hardship_requests)]
pub struct HardshipRecord {
    pub id: i64,
    pub citation_id: i64,
    #[diesel(deserialize_as = String)]
    pub kind: HardshipKind,
    pub statement: String,
    pub channel: String,
    #[diesel(deserialize_as = String)]
    pub status: HardshipStatus,
    pub requested_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<i64>,
    pub granted_kind: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub instalments: Option<i32>,
    pub instalment_cents: Option<i64>,
    pub service_hours: Option<i32>,
    pub denial_reason: Option<String>,
    pub letter_id: Option<i64>,
}

impl HardshipRecord {
    /// The terms granted, read back (`None` unless granted, or if the row does not hold them).
    pub fn grant(&self) -> Option<Grant> {
        if self.status != HardshipStatus::Granted {
            return None;
        }
        let due_on = self.due_on?;
        Some(match self.granted_kind.as_deref()?.parse::<HardshipKind>().ok()? {
            HardshipKind::MoreTime => Grant::MoreTime { due_on },
            HardshipKind::PaymentPlan => Grant::PaymentPlan {
                instalments: self.instalments?,
                per_month: Cents::new(self.instalment_cents?).ok()?,
                first_due_on: due_on,
            },
            HardshipKind::CommunityService => Grant::CommunityService { hours: self.service_hours?, due_on },
        })
    }
}

/// Records a pending request; returns its id (a unique violation if one is already pending).
pub fn insert(
    conn: &mut DbConn,
    citation_id: i64,
    kind: HardshipKind,
    statement: &str,
    channel: &str,
) -> QueryResult<i64> {
    diesel::insert_into(hardship_requests::table)
        .values((
            hardship_requests::citation_id.eq(citation_id),
            hardship_requests::kind.eq(kind.as_str()),
            hardship_requests::statement.eq(statement),
            hardship_requests::channel.eq(channel),
            hardship_requests::status.eq(HardshipStatus::Pending.as_str()),
            hardship_requests::requested_at.eq(super::now()),
        ))
        .returning(hardship_requests::id)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<HardshipRecord>> {
    hardship_requests::table.find(id).select(HardshipRecord::as_select()).first(conn).optional()
}

/// A case's requests, oldest first.
pub fn of_citation(conn: &mut DbConn, citation_id: i64) -> QueryResult<Vec<HardshipRecord>> {
    of_citations(conn, &[citation_id])
}

/// The requests of cases `ids` (a page of the daily job), oldest first.
pub fn of_citations(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<HardshipRecord>> {
    hardship_requests::table
        .filter(hardship_requests::citation_id.eq_any(ids))
        .order(hardship_requests::id)
        .select(HardshipRecord::as_select())
        .load(conn)
}

/// The pending requests with their citation numbers, oldest first (the clerks' queue).
pub fn pending(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<(HardshipRecord, String)>> {
    hardship_requests::table
        .inner_join(citations::table)
        .filter(hardship_requests::status.eq(HardshipStatus::Pending.as_str()))
        .order((hardship_requests::requested_at, hardship_requests::id))
        .limit(limit)
        .select((HardshipRecord::as_select(), citations::citation_number))
        .load(conn)
}

/// How many requests are pending, and when the oldest was made.
pub fn pending_age(conn: &mut DbConn) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    hardship_requests::table
        .filter(hardship_requests::status.eq(HardshipStatus::Pending.as_str()))
        .select((diesel::dsl::count_star(), diesel::dsl::min(hardship_requests::requested_at)))
        .get_result(conn)
}

/// A clerk's decision: the terms granted, or the reason for a denial.
pub struct Decision<'a> {
    pub granted: Option<&'a Grant>,
    pub denial_reason: Option<&'a str>,
    pub decided_by: i64,
}

/// Writes the decision on request `id`; false (nothing written) if it was no longer pending.
pub fn decide(conn: &mut DbConn, id: i64, d: &Decision) -> QueryResult<bool> {
    let status = if d.granted.is_some() { HardshipStatus::Granted } else { HardshipStatus::Denied };
    let g = d.granted;
    let plan = g.and_then(|g| match g {
        Grant::PaymentPlan { instalments, per_month, .. } => Some((*instalments, per_month.get())),
        _ => None,
    });
    let hours = g.and_then(|g| match g {
        Grant::CommunityService { hours, .. } => Some(*hours),
        _ => None,
    });
    let n = diesel::update(
        hardship_requests::table
            .filter(hardship_requests::id.eq(id))
            .filter(hardship_requests::status.eq(HardshipStatus::Pending.as_str())),
    )
    .set((
        hardship_requests::status.eq(status.as_str()),
        hardship_requests::decided_at.eq(super::now()),
        hardship_requests::decided_by.eq(d.decided_by),
        hardship_requests::granted_kind.eq(g.map(|g| g.kind().as_str())),
        hardship_requests::due_on.eq(g.map(Grant::due_on)),
        hardship_requests::instalments.eq(plan.map(|p| p.0)),
        hardship_requests::instalment_cents.eq(plan.map(|p| p.1)),
        hardship_requests::service_hours.eq(hours),
        hardship_requests::denial_reason.eq(d.denial_reason),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Notes the letter that answered request `id`.
pub fn set_letter(conn: &mut DbConn, id: i64, letter_id: i64) -> QueryResult<()> {
    diesel::update(hardship_requests::table.find(id)).set(hardship_requests::letter_id.eq(letter_id)).execute(conn)?;
    Ok(())
}
