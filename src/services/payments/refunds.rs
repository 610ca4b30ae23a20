//! The refunds owed: the cases where more was paid than is due. The lifecycle flags an
//! overpayment when it happens (`payment.overpaid`); whether a refund is still owed is worked
//! out from the case as it stands (a reversal may have taken the overpayment back), never stored.
//! Citation numbers and amounts only: nothing personal.

use crate::db::{self, DbConn};
use crate::domain::CaseStatus;
use crate::error::AppError;
use crate::services::case_state;
use chrono::NaiveDateTime;
use serde::Serialize;

/// A case owed a refund.
#[derive(Debug, Clone, Serialize)]
pub struct Refund {
    pub citation_number: String,
    pub status: CaseStatus,
    pub amount_due_cents: i64,
    pub paid_cents: i64,
    pub overpaid_cents: i64,
    /// When the overpayment was first flagged (UTC).
    pub flagged_at: NaiveDateTime,
}

/// Every case owed a refund, the longest waiting first.
pub fn list(conn: &mut DbConn) -> Result<Vec<Refund>, AppError> {
    let mut out = Vec::new();
    for (id, number, flagged_at) in db::payments::flagged_overpaid(conn)? {
        let case = case_state::snapshot(conn, id)?;
        let b = case.balance();
        if b.overpaid().get() > 0 {
            out.push(Refund {
                citation_number: number,
                status: case.status,
                amount_due_cents: b.due.get(),
                paid_cents: b.paid.get(),
                overpaid_cents: b.overpaid().get(),
                flagged_at,
            });
        }
    }
    Ok(out)
}

/// How many cases are owed a refund, and since when the oldest has waited.
pub fn age(conn: &mut DbConn) -> Result<(i64, Option<NaiveDateTime>), AppError> {
    let all = list(conn)?;
    Ok((all.len() as i64, all.first().map(|r| r.flagged_at)))
}
