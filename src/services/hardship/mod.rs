//! Requests from defendants unable to pay (issue 9 point 5): asked for on the status page or
//! through `POST /api/v1/public/hardship` (the confirmation code and date of birth open the case,
//! with the status page's uniform 404), one pending per case (a second is a 409 in plain words);
//! a clerk grants or denies it from the queue ([`decide`]). The case's status never changes here
//! (a plan is not a lifecycle state); the terms granted give the case a new payment deadline,
//! [`granted_due_on`].

pub mod decide;

use crate::audit::{self, Event};
use crate::db::{self, DbConn};
use crate::domain::hardship::{self, HardshipKind, HardshipStatus, StatementError};
use crate::domain::{Cents, Language};
use crate::error::AppError;
use crate::i18n::text as msg;
use crate::letters::data::Instalment;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// `POST /api/v1/public/hardship`: a defendant's request, opened like the status page.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct HardshipRequestBody {
    /// The confirmation code of the plea (`PD-7Q4K-M2XD`).
    #[serde(default)]
    pub confirmation: String,
    /// `YYYY-MM-DD`
    #[serde(default)]
    pub date_of_birth: String,
    /// `more_time`, `payment_plan` or `community_service`
    #[serde(default)]
    pub kind: String,
    /// Why, in a few words (required, at most 1,000 characters): income, expenses, what can be paid.
    #[serde(default)]
    pub statement: String,
    /// `en` or `es`: the language of the answer's messages.
    #[serde(default)]
    pub language: Option<String>,
}

/// A request as the defendant sees it (no staff data: no names, no notes, no reason).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicHardship {
    pub id: i64,
    /// What was asked for.
    #[schema(value_type = String, example = "payment_plan")]
    pub kind: HardshipKind,
    #[schema(value_type = String, example = "pending")]
    pub status: HardshipStatus,
    pub requested_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    /// What was granted, if it was.
    #[schema(value_type = Option<String>)]
    pub granted_kind: Option<HardshipKind>,
    /// The dates granted: the new due date, every instalment of a plan (with its amount), or
    /// the date community service is due.
    #[schema(value_type = Vec<Object>)]
    pub instalments: Vec<Instalment>,
    pub per_month_cents: Option<i64>,
    pub service_hours: Option<i32>,
}

fn court_day(t: chrono::NaiveDateTime, tz: chrono_tz::Tz) -> NaiveDate {
    t.and_utc().with_timezone(&tz).date_naive()
}

/// The payment deadline a clerk granted on case `citation_id`, if one stands: the day the case
/// is settled by under the newest grant (a new due date, a plan's last instalment, the date the
/// community service is due). The payment deadline's rules use it in place of the payment window.
pub fn granted_due_on(conn: &mut DbConn, citation_id: i64) -> Result<Option<NaiveDate>, AppError> {
    Ok(granted_due_on_many(conn, &[citation_id])?.remove(&citation_id))
}

/// [`granted_due_on`] for the cases `ids` at once (a page of the daily job): only the cases with
/// a grant standing are in the map.
pub fn granted_due_on_many(
    conn: &mut DbConn,
    ids: &[i64],
) -> Result<std::collections::BTreeMap<i64, NaiveDate>, AppError> {
    let mut granted = std::collections::BTreeMap::new();
    // Oldest first: a later grant replaces an earlier one.
    for row in db::hardship::of_citations(conn, ids)? {
        if let Some(g) = row.grant() {
            granted.insert(row.citation_id, g.settled_by());
        }
    }
    Ok(granted)
}

/// The dates of a grant with what is due on each: a plan's instalments of `per_month`, the last
/// one what is left of `balance`; otherwise the whole balance on the one date.
pub fn instalments(g: &hardship::Grant, balance: Cents) -> Vec<Instalment> {
    let dates = g.due_dates();
    let per = match g {
        hardship::Grant::PaymentPlan { per_month, .. } => per_month.get(),
        _ => balance.get(),
    };
    let mut left = balance.get();
    let last = dates.len().saturating_sub(1);
    dates
        .into_iter()
        .enumerate()
        .map(|(i, due_on)| {
            let amount = if i == last { left } else { per.min(left) };
            left -= amount;
            Instalment { due_on, amount: Cents::new(amount.max(0)).unwrap_or_default() }
        })
        .collect()
}

/// A case's newest request as the defendant sees it.
pub fn latest_public(
    conn: &mut DbConn,
    citation_id: i64,
    tz: chrono_tz::Tz,
) -> Result<Option<PublicHardship>, AppError> {
    let Some(r) = db::hardship::of_citation(conn, citation_id)?.pop() else {
        return Ok(None);
    };
    let grant = r.grant();
    let balance = crate::services::case_state::snapshot(conn, citation_id)?.balance().outstanding();
    Ok(Some(PublicHardship {
        id: r.id,
        kind: r.kind,
        status: r.status,
        requested_on: court_day(r.requested_at, tz),
        decided_on: r.decided_at.map(|t| court_day(t, tz)),
        granted_kind: grant.map(|g| g.kind()),
        instalments: grant.map(|g| instalments(&g, balance)).unwrap_or_default(),
        per_month_cents: r.instalment_cents,
        service_hours: r.service_hours,
    }))
}

/// Records a defendant's request (`channel` `online` or `api`) on the case the confirmation code
/// and date of birth open; 201's body. Refused (409) unless an amount is due, or while another
/// request of the case is pending.
pub fn request(
    conn: &mut DbConn,
    body: &HardshipRequestBody,
    channel: &str,
    today: NaiveDate,
    lang: Language,
    tz: chrono_tz::Tz,
) -> Result<PublicHardship, AppError> {
    let (_, case) =
        crate::services::status::find_submission(conn, &body.confirmation, &body.date_of_birth, today, lang)?;
    let kind = body.kind.parse::<HardshipKind>().ok();
    let statement = hardship::statement(&body.statement);
    let mut fields = std::collections::BTreeMap::new();
    if kind.is_none() {
        fields.insert("kind".to_string(), msg(lang, "hardship.kind"));
    }
    if let Err(e) = &statement {
        let key = match e {
            StatementError::Missing => "hardship.statement_missing",
            StatementError::TooLong => "hardship.statement_long",
        };
        fields.insert("statement".to_string(), msg(lang, key));
    }
    let (Some(kind), Ok(statement)) = (kind, statement) else {
        return Err(AppError::Invalid { message: msg(lang, "form"), fields });
    };
    let id = db::write_transaction(conn, |c| {
        db::citations::lock(c, case.id)?;
        let now = db::citations::find_by_id(c, case.id)?.ok_or_else(|| AppError::NotFound(msg(lang, "wrong_code")))?;
        if !hardship::open_to_requests(now.status) {
            return Err(AppError::Conflict(msg(lang, "hardship.not_due")));
        }
        let pending = db::hardship::of_citation(c, case.id)?.iter().any(|r| r.status == HardshipStatus::Pending);
        if pending {
            return Err(AppError::Conflict(msg(lang, "hardship.pending")));
        }
        let id = db::hardship::insert(c, case.id, kind, &statement, channel)?;
        audit::append(
            c,
            &Event {
                actor: "public",
                action: "hardship.requested",
                subject_type: "citation",
                subject_id: &case.citation_number,
                outcome: "ok",
                // Never the statement: it is personal and stays in its row.
                details: serde_json::json!({"request_id": id, "kind": kind.as_str(), "channel": channel}),
            },
        )?;
        Ok(id)
    })?;
    latest_public(conn, case.id, tz)?.ok_or_else(|| AppError::Internal(anyhow::anyhow!("request {id} vanished")))
}
