//! The letters a lifecycle transition asks for, queued in its transaction from the case as the
//! transition left it: the outcome letter when a payment resolves the case (its dispositions and
//! the payments received), the amount-due letter when a reversal or an accepted offer leaves money
//! owed, the plea offer, the hearing notice.

use super::LetterContext;
use crate::db::{self, DbConn};
use crate::domain::lifecycle::Transition;
use crate::domain::LetterType;
use crate::error::AppError;

/// Queues every letter `t` asks for, once `t` is recorded on case `citation_id`; returns their
/// ids. A letter the case's facts cannot make is a fault here, not the staff member's: a 500,
/// and nothing is recorded.
pub fn queue_transition(
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
            LetterType::Outcome | LetterType::AmountDue | LetterType::Offer | LetterType::Hearing => {
                super::queue_for_case(c, &case, *kind, ctx).map_err(|e| match e {
                    AppError::Invalid { message, .. } => {
                        AppError::Internal(anyhow::anyhow!("the {kind} letter a case's move asks for: {message}"))
                    }
                    other => other,
                })?
            }
            other => return Err(AppError::Internal(anyhow::anyhow!("a case's move asked for a {other} letter"))),
        };
        ids.push(id);
    }
    Ok(ids)
}
