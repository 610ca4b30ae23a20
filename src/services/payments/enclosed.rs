//! A payment enclosed with a paper plea is applied when the plea is applied to its case and the
//! case owes money (a guilty or no-contest plea): through the same path as a clerk's payment,
//! received on the day the envelope arrived, recorded by the clerk who keyed the plea, naming its
//! submission. Once: a submission's payment is applied at most one time (also a unique index),
//! however often or however late (an import) the plea is linked. Until then it is shown as
//! received, not applied.

use super::{apply_in_tx, Origin};
use crate::audit::{self, Event};
use crate::db::{self, citations::CitationRecord, paper::PaperRecord, DbConn};
use crate::domain::lifecycle::{self, ActionKind};
use crate::domain::payment::NewPayment;
use crate::domain::{Cents, PaymentMethod};
use crate::error::AppError;
use crate::services::case_state;
use crate::services::letters::LetterContext;

/// Applies `sub`'s enclosed payment to `case` inside the caller's write transaction, if it has
/// one, it was not applied before, and the case now owes money; returns the payment's id.
pub fn apply(
    c: &mut DbConn,
    sub: &PaperRecord,
    case: &CitationRecord,
    actor: &str,
    ctx: &LetterContext,
) -> Result<Option<i64>, AppError> {
    let Some(cents) = sub.enclosed_payment_cents else { return Ok(None) };
    if db::payments::for_submission(c, sub.id)?.is_some() {
        return Ok(None);
    }
    let now = case_state::snapshot(c, case.id)?;
    if now.balance().settled() || !lifecycle::allowed(now.status, ActionKind::PaymentRecorded) {
        return Ok(None);
    }
    let stored = |what: &str| AppError::Internal(anyhow::anyhow!("submission {}: stored {what}", sub.id));
    let payment = NewPayment {
        amount: Cents::new(cents).map_err(|_| stored("amount"))?,
        method: sub
            .enclosed_payment_method
            .as_deref()
            .unwrap_or("")
            .parse::<PaymentMethod>()
            .map_err(|_| stored("method"))?,
        reference: sub.enclosed_payment_reference.clone(),
        received_on: sub.received_at.and_utc().with_timezone(&ctx.court_tz).date_naive(),
    };
    let origin =
        Origin { recorded_by: db::payments::keyed_by(c, sub.id)?, submission_id: Some(sub.id), idempotency: None };
    let (id, _) = apply_in_tx(c, case, &payment, &origin, actor, ctx)?;
    audit::append(
        c,
        &Event {
            actor,
            action: "payment.enclosed_applied",
            subject_type: "citation",
            subject_id: &case.citation_number,
            outcome: "ok",
            details: serde_json::json!({"submission_id": sub.id, "payment_id": id, "amount_cents": cents}),
        },
    )?;
    Ok(Some(id))
}
