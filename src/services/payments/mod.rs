//! Payments on a case (SPEC §4 `POST /api/v1/citations/{number}/payments`, issue 9): recorded by
//! a clerk (or enclosed with a paper plea, [`enclosed`]), reversed with a reason (a bounced
//! check; never deleted), each through `domain::lifecycle` — paid in full disposes the charges,
//! resolves the case and asks for the outcome letter; an overpayment is flagged for a refund
//! ([`refunds`]); a reversal takes the balance and the payment dispositions back. One write
//! transaction each: the payment row, the case's move, the letters and the audit events.
//! What the case owes is worked out from the charges and the payments (the lifecycle's balance;
//! the citation keeps a copy, written with each change of the case, for the reports' counters).

pub mod enclosed;
pub mod refunds;
pub mod view;

pub use view::BalanceView;

use crate::db::{self, citations::CitationRecord, payments::PaymentRecord, DbConn};
use crate::domain::lifecycle::{self, Action, Balance, Payment, Transition};
use crate::domain::payment::{self, NewPayment, PaymentInput};
use crate::domain::{CaseStatus, CitationNumber};
use crate::error::AppError;
use crate::services::letters::LetterContext;
use crate::services::{case_state, idempotency};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// `POST /api/v1/citations/{number}/payments`: a payment as the clerk reads it off the check,
/// money order, card slip or cash receipt.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    /// Whole cents above zero: 12550 for $125.50.
    #[schema(value_type = i64, example = 12550)]
    pub amount_cents: Option<serde_json::Value>,
    /// check, money_order, card or cash
    #[serde(default)]
    pub method: Option<String>,
    /// The check or money-order number, or the card processor's reference; required for
    /// every method but cash.
    #[serde(default)]
    pub reference: Option<String>,
    /// YYYY-MM-DD: the day it was received, not after today on the court's calendar.
    #[serde(default)]
    pub received_on: Option<String>,
}

/// `POST /api/v1/payments/{id}/reverse`
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReverseRequest {
    /// Why, for example "check returned unpaid".
    #[serde(default)]
    pub reason: String,
}

/// The answer to recording or reversing a payment: the case's new balance and status.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PaymentAnswer {
    pub payment_id: i64,
    pub citation_number: String,
    #[serde(flatten)]
    pub balance: BalanceView,
    #[schema(value_type = String, example = "amount_due")]
    pub status: CaseStatus,
    /// When the payment was reversed (RFC 3339, UTC), if it was.
    pub reversed_at: Option<String>,
}

/// Where a payment came from, for its row.
pub(crate) struct Origin<'a> {
    pub recorded_by: Option<i64>,
    pub submission_id: Option<i64>,
    pub idempotency: Option<(&'a str, &'a str)>,
}

/// A lifecycle refusal in the clerk's words (409).
fn refused(e: lifecycle::LifecycleError) -> AppError {
    AppError::Conflict(e.to_string())
}

fn moved() -> AppError {
    AppError::Conflict("the case changed while the payment was recorded; open it again and retry".into())
}

/// Checks a request's fields; every bad one is named.
pub fn parse(req: &PaymentRequest, today: NaiveDate) -> Result<NewPayment, AppError> {
    // `Some(None)`: sent, but not a whole number (a string, a fraction of a cent).
    let amount = match &req.amount_cents {
        None | Some(serde_json::Value::Null) => None,
        Some(v) => Some(v.as_i64()),
    };
    let input = PaymentInput {
        amount_cents: amount.flatten(),
        method: req.method.as_deref().unwrap_or(""),
        reference: req.reference.as_deref(),
        received_on: req.received_on.as_deref().unwrap_or(""),
    };
    let not_whole = matches!(amount, Some(None));
    match NewPayment::parse(&input, today) {
        Ok(p) if !not_whole => Ok(p),
        parsed => {
            let mut fields = parsed.err().unwrap_or_default();
            if not_whole {
                fields.insert(
                    "amount_cents".into(),
                    "the amount is a whole number of cents, like 12550 for $125.50".into(),
                );
            }
            Err(AppError::Invalid { message: "some fields of the payment are not valid".into(), fields })
        }
    }
}

/// Applies `p` to `case` inside the caller's write transaction: the payment row, the lifecycle's
/// transition written (status, dispositions, events by `actor`) and its letters queued. Returns
/// the payment's id and the transition; a refusal is a 409 and the caller's transaction rolls
/// the row back.
pub(crate) fn apply_in_tx(
    c: &mut DbConn,
    case: &CitationRecord,
    p: &NewPayment,
    origin: &Origin,
    actor: &str,
    ctx: &LetterContext,
) -> Result<(i64, Transition), AppError> {
    db::citations::lock(c, case.id)?;
    let before = case_state::snapshot(c, case.id)?;
    let row = db::payments::NewPaymentRow {
        citation_id: case.id,
        amount_cents: p.amount.get(),
        method: p.method,
        reference: p.reference.as_deref(),
        received_on: p.received_on,
        recorded_by: origin.recorded_by,
        submission_id: origin.submission_id,
        idempotency_key: origin.idempotency.map(|(k, _)| k),
        request_hash: origin.idempotency.map(|(_, h)| h),
    };
    let id = db::payments::insert(c, &row)?;
    let t = lifecycle::apply(&before, Action::PaymentRecorded(Payment { id, amount: p.amount, reversed: false }))
        .map_err(refused)?;
    if !case_state::record(c, case.id, &case.citation_number, &t, actor, ctx.today())? {
        return Err(moved());
    }
    // After the move is written: the outcome letter states the dispositions it recorded.
    crate::services::letters::queue_transition(c, case.id, &t, ctx)?;
    Ok((id, t))
}

fn request_hash(number: &str, req: &PaymentRequest) -> String {
    let body = serde_json::to_vec(&(number, req)).unwrap_or_default();
    hex::encode(Sha256::digest(body))
}

/// `POST /api/v1/citations/{number}/payments` for staff member `user_id`; `key` is the
/// Idempotency-Key, if sent (the same key and body record one payment).
pub fn record(
    conn: &mut DbConn,
    number: &str,
    req: &PaymentRequest,
    key: Option<&str>,
    user_id: i64,
    ctx: &LetterContext,
) -> Result<PaymentAnswer, AppError> {
    let number = CitationNumber::parse(number).map_err(|e| AppError::field("number", e.to_string()))?;
    let p = parse(req, ctx.today())?;
    let scoped = idempotency::scoped(user_id, key);
    let hash = request_hash(number.as_str(), req);
    let case = db::citations::find_by_number(conn, number.as_str())?
        .ok_or_else(|| AppError::NotFound(format!("no citation {number} is on file")))?;
    let origin = Origin {
        recorded_by: Some(user_id),
        submission_id: None,
        idempotency: scoped.as_deref().map(|k| (k, hash.as_str())),
    };
    let actor = format!("staff:{user_id}");
    idempotency::once(
        conn,
        scoped.as_deref(),
        |c, k| replay(c, k, &hash),
        |c| {
            let (id, t) = db::write_transaction(c, |c| apply_in_tx(c, &case, &p, &origin, &actor, ctx))?;
            Ok(answer(id, &case.citation_number, t.case.balance(), t.status(), None))
        },
    )
}

fn replay(conn: &mut DbConn, key: &str, hash: &str) -> Result<Option<PaymentAnswer>, AppError> {
    let Some(p) = db::payments::by_idempotency_key(conn, key)? else {
        return Ok(None);
    };
    if p.request_hash.as_deref() != Some(hash) {
        return Err(idempotency::reused("payment"));
    }
    answer_for(conn, &p).map(Some)
}

/// A payment's answer with its case as it stands now.
pub fn answer_for(conn: &mut DbConn, p: &PaymentRecord) -> Result<PaymentAnswer, AppError> {
    let case = db::citations::find_by_id(conn, p.citation_id)?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("payment {} has no citation", p.id)))?;
    let balance = case_state::snapshot(conn, case.id)?.balance();
    let reversed_at = p.reversed_at.map(|t| t.and_utc().to_rfc3339());
    Ok(answer(p.id, &case.citation_number, balance, case.status, reversed_at))
}

fn answer(id: i64, number: &str, b: Balance, status: CaseStatus, reversed_at: Option<String>) -> PaymentAnswer {
    PaymentAnswer { payment_id: id, citation_number: number.to_string(), balance: b.into(), status, reversed_at }
}

/// A case's number as filed, status and balance (no personal data), for the record form.
pub fn case_balance(conn: &mut DbConn, number: &str) -> Result<(String, CaseStatus, BalanceView), AppError> {
    let typed = CitationNumber::parse(number).map_err(|e| AppError::NotFound(e.to_string()))?;
    let case = db::citations::find_by_number(conn, typed.as_str())?
        .ok_or_else(|| AppError::NotFound(format!("no citation {typed} is on file")))?;
    let balance = case_state::snapshot(conn, case.id)?.balance().into();
    Ok((case.citation_number, case.status, balance))
}

/// A payment and its case, for the page that asks to confirm a reversal.
pub fn find(conn: &mut DbConn, id: i64) -> Result<(PaymentRecord, PaymentAnswer), AppError> {
    let p = db::payments::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("there is no payment {id}")))?;
    let answer = answer_for(conn, &p)?;
    Ok((p, answer))
}

/// `POST /api/v1/payments/{id}/reverse`: payment `id` no longer counts (kept, with `reason`);
/// the balance is owed again, and a case it had resolved goes back to `amount_due` with its
/// payment dispositions withdrawn and the amount-due letter queued.
pub fn reverse(
    conn: &mut DbConn,
    id: i64,
    reason: &str,
    user_id: i64,
    ctx: &LetterContext,
) -> Result<PaymentAnswer, AppError> {
    let reason = payment::reversal_reason(reason).map_err(|e| AppError::field("reason", e.0))?;
    let p = db::payments::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("there is no payment {id}")))?;
    let case = db::citations::find_by_id(conn, p.citation_id)?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("payment {id} has no citation")))?;
    let actor = format!("staff:{user_id}");
    let t = db::write_transaction(conn, |c| {
        db::citations::lock(c, case.id)?;
        let before = case_state::snapshot(c, case.id)?;
        let t = lifecycle::apply(&before, Action::PaymentReversed { payment_id: id }).map_err(refused)?;
        if !db::payments::reverse(c, id, user_id, &reason)? {
            return Err(refused(lifecycle::LifecycleError::AlreadyReversed(id)));
        }
        if !case_state::record(c, case.id, &case.citation_number, &t, &actor, ctx.today())? {
            return Err(moved());
        }
        crate::services::letters::queue_transition(c, case.id, &t, ctx)?;
        Ok(t)
    })?;
    let reversed = db::payments::find(conn, id)?.and_then(|p| p.reversed_at).map(|t| t.and_utc().to_rfc3339());
    Ok(answer(id, &case.citation_number, t.case.balance(), t.status(), reversed))
}
