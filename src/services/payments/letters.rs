//! The letters a payment's transition asks for, queued in its transaction from the case as the
//! transition left it: the outcome letter when the case is resolved (its dispositions and the
//! payments received), the amount-due letter when a reversal leaves money owed.

use crate::db::{self, DbConn};
use crate::domain::lifecycle::Transition;
use crate::domain::LetterType;
use crate::error::AppError;
use crate::services::letters::{self as letter_service, LetterContext};

/// Queues every letter `t` asks for, once `t` is recorded on case `citation_id`; returns their
/// ids. A letter the case's facts cannot make is a fault here, not the clerk's: a 500, and the
/// payment is not recorded.
pub(super) fn queue(
    c: &mut DbConn,
    citation_id: i64,
    t: &Transition,
    ctx: &LetterContext,
) -> Result<Vec<i64>, AppError> {
    if t.letters.is_empty() {
        return Ok(Vec::new());
    }
    let case = db::citations::find_by_id(c, citation_id)?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("citation {citation_id} vanished")))?;
    let mut ids = Vec::new();
    for kind in &t.letters {
        let id = match kind {
            LetterType::Outcome | LetterType::AmountDue => letter_service::queue_for_case(c, &case, *kind, ctx)
                .map_err(|e| match e {
                    AppError::Invalid { message, .. } => {
                        AppError::Internal(anyhow::anyhow!("the {kind} letter a payment asks for: {message}"))
                    }
                    other => other,
                })?,
            other => return Err(AppError::Internal(anyhow::anyhow!("a payment asked for a {other} letter"))),
        };
        ids.push(id);
    }
    Ok(ids)
}
