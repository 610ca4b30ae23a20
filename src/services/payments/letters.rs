//! The letters a payment's transition asks for, queued in its transaction: the outcome letter
//! when the case is resolved, the amount-due letter when a reversal leaves money owed.

use crate::db::{citations::CitationRecord, DbConn};
use crate::domain::lifecycle::Transition;
use crate::domain::LetterType;
use crate::error::AppError;
use crate::services::letters::{self as letter_service, LetterContext};

/// Queues every letter `t` asks for; returns their ids.
pub(super) fn queue(
    c: &mut DbConn,
    case: &CitationRecord,
    t: &Transition,
    ctx: &LetterContext,
) -> Result<Vec<i64>, AppError> {
    let mut ids = Vec::new();
    for kind in &t.letters {
        match kind {
            LetterType::Outcome | LetterType::AmountDue => {
                let data = letter_service::letter_data(case, letter_service::charge_lines(c, case)?, None, *kind, ctx);
                ids.push(letter_service::queue_letter(c, case.id, None, &data)?);
            }
            other => return Err(AppError::Internal(anyhow::anyhow!("a payment asked for a {other} letter"))),
        }
    }
    Ok(ids)
}
