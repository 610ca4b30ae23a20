//! The clerks' side of requests from defendants unable to pay: the queue (oldest first), one
//! request with its case and balance (a staff read of personal data, audited), and the decision —
//! granted with terms or denied with a reason — written in one transaction with the amount-due
//! letter that tells the defendant (in their language) and the audit event.

use super::instalments;
use crate::audit::{self, Event};
use crate::db::{self, hardship::Decision, DbConn};
use crate::domain::hardship::{self, GrantInput, HardshipKind, HardshipStatus};
use crate::domain::CaseStatus;
use crate::error::AppError;
use crate::letters::data::HardshipAnswer;
use crate::services::letters::{self as letter_service, LetterContext};
use crate::services::payments::BalanceView;
use chrono::NaiveDate;
use serde::Serialize;

/// One line of the queue.
#[derive(Debug, Clone, Serialize)]
pub struct QueueRow {
    pub id: i64,
    pub citation_number: String,
    pub kind: HardshipKind,
    /// RFC 3339, UTC.
    pub requested_at: String,
}

/// The pending requests, oldest first.
pub fn queue(conn: &mut DbConn) -> Result<Vec<QueueRow>, AppError> {
    Ok(db::hardship::pending(conn, 500)?
        .into_iter()
        .map(|(r, citation_number)| QueueRow {
            id: r.id,
            citation_number,
            kind: r.kind,
            requested_at: r.requested_at.and_utc().to_rfc3339(),
        })
        .collect())
}

/// One request as the clerk decides it.
#[derive(Debug, Clone, Serialize)]
pub struct RequestView {
    pub id: i64,
    pub citation_number: String,
    pub case_status: CaseStatus,
    pub kind: HardshipKind,
    pub statement: String,
    pub status: HardshipStatus,
    pub requested_at: String,
    pub balance: BalanceView,
    /// The payment deadline the case has now (before any decision on this request).
    pub pay_by: Option<NaiveDate>,
    pub decided_at: Option<String>,
    pub granted_kind: Option<String>,
    pub denial_reason: Option<String>,
    pub letter_id: Option<i64>,
}

fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!("there is no hardship request {id}"))
}

/// Request `id` for staff member `user_id` (the read is audited: the statement is personal).
pub fn view(conn: &mut DbConn, id: i64, user_id: i64, ctx: &LetterContext) -> Result<RequestView, AppError> {
    let r = db::hardship::find(conn, id)?.ok_or_else(|| not_found(id))?;
    let case = db::citations::find_by_id(conn, r.citation_id)?.ok_or_else(|| not_found(id))?;
    let balance = crate::services::case_state::snapshot(conn, case.id)?.balance().into();
    let number =
        crate::domain::CitationNumber::parse(&case.citation_number).map_err(|e| AppError::Internal(e.into()))?;
    let pay_by =
        crate::services::case_view::next_deadline(conn, &number, ctx.today(), ctx.court_tz, ctx.court.after_plea)?
            .filter(|(k, _)| *k == crate::domain::case_deadline::DeadlineKind::Payment)
            .map(|(_, d)| d);
    // A read has no transaction of its own change: the event gets one (the chain's order).
    audit::record(
        conn,
        &Event {
            actor: &format!("staff:{user_id}"),
            action: "hardship.read",
            subject_type: "citation",
            subject_id: &case.citation_number,
            outcome: "ok",
            details: serde_json::json!({"request_id": id}),
        },
    )?;
    let time = |t: chrono::NaiveDateTime| t.and_utc().to_rfc3339();
    Ok(RequestView {
        id: r.id,
        citation_number: case.citation_number,
        case_status: case.status,
        kind: r.kind,
        statement: r.statement,
        status: r.status,
        requested_at: time(r.requested_at),
        balance,
        pay_by,
        decided_at: r.decided_at.map(time),
        granted_kind: r.granted_kind,
        denial_reason: r.denial_reason,
        letter_id: r.letter_id,
    })
}

/// What the clerk decided.
pub enum Verdict<'a> {
    Grant(GrantInput<'a>),
    Deny(&'a str),
}

/// Decides pending request `id` for staff member `user_id`: the decision, the amount-due letter
/// that answers it and the audit event, in one transaction; returns the letter's id. A request
/// already decided, or a case that no longer owes anything, is a 409; bad terms are a 422 naming
/// each field.
pub fn decide(
    conn: &mut DbConn,
    id: i64,
    verdict: &Verdict,
    user_id: i64,
    ctx: &LetterContext,
) -> Result<i64, AppError> {
    let reason = match verdict {
        Verdict::Deny(r) => Some(hardship::denial_reason(r).map_err(|e| AppError::field("reason", e.0))?),
        Verdict::Grant(_) => None,
    };
    let r = db::hardship::find(conn, id)?.ok_or_else(|| not_found(id))?;
    db::write_transaction(conn, |c| {
        db::citations::lock(c, r.citation_id)?;
        let case = db::citations::find_by_id(c, r.citation_id)?.ok_or_else(|| not_found(id))?;
        if !hardship::open_to_requests(case.status) {
            return Err(AppError::Conflict(format!(
                "this case no longer has an amount due (its status is {}); nothing is left to decide",
                case.status
            )));
        }
        let balance = crate::services::case_state::snapshot(c, case.id)?.balance().outstanding();
        let grant = match verdict {
            Verdict::Grant(input) => Some(hardship::parse_grant(input, balance, ctx.today()).map_err(|fields| {
                AppError::Invalid { message: "some terms of the grant are not valid".into(), fields }
            })?),
            Verdict::Deny(_) => None,
        };
        let decision = Decision { granted: grant.as_ref(), denial_reason: reason.as_deref(), decided_by: user_id };
        if !db::hardship::decide(c, id, &decision)? {
            return Err(AppError::Conflict("this request was already decided; open the queue again".into()));
        }
        let answer = HardshipAnswer {
            asked: r.kind.as_str().into(),
            granted: grant.is_some(),
            kind: grant.map(|g| g.kind().as_str().to_string()).unwrap_or_default(),
            instalments: grant.map(|g| instalments(&g, balance)).unwrap_or_default(),
            per_month: grant.and_then(|g| match g {
                hardship::Grant::PaymentPlan { per_month, .. } => Some(per_month),
                _ => None,
            }),
            hours: grant.and_then(|g| match g {
                hardship::Grant::CommunityService { hours, .. } => Some(hours),
                _ => None,
            }),
            reason: reason.clone(),
        };
        let letter_id = letter_service::queue_hardship_answer(c, &case, answer, ctx).map_err(|e| match e {
            AppError::Invalid { message, .. } => AppError::Conflict(message),
            other => other,
        })?;
        db::hardship::set_letter(c, id, letter_id)?;
        let (action, details) = match grant {
            Some(g) => (
                "hardship.granted",
                serde_json::json!({"request_id": id, "granted_kind": g.kind().as_str(), "due_on": g.settled_by(), "letter_id": letter_id}),
            ),
            // The reason stays in its row and the letter; the trail notes only that it was denied.
            None => ("hardship.denied", serde_json::json!({"request_id": id, "letter_id": letter_id})),
        };
        audit::append(
            c,
            &Event {
                actor: &format!("staff:{user_id}"),
                action,
                subject_type: "citation",
                subject_id: &case.citation_number,
                outcome: "ok",
                details,
            },
        )?;
        Ok(letter_id)
    })
}
