//! A case's payments and balance as the whole case shows them (`GET /api/v1/citations/{number}`).

use crate::db::{payments::PaymentRecord, DbConn};
use crate::domain::lifecycle::Balance;
use crate::domain::PaymentMethod;
use crate::error::AppError;
use crate::services::case_state;
use chrono::NaiveDate;
use serde::Serialize;

/// What a case owes: due − paid, as the lifecycle works it out.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct BalanceView {
    /// The fines owed on the charges pleaded guilty or no contest (or amended by an accepted offer).
    pub amount_due_cents: i64,
    /// The payments that count (reversed ones do not).
    pub paid_cents: i64,
    /// What is still to pay: amount_due_cents − paid_cents, or 0 once that is paid.
    pub balance_cents: i64,
    /// Paid beyond what is due: a refund is owed.
    pub overpaid_cents: i64,
}

impl From<Balance> for BalanceView {
    fn from(b: Balance) -> Self {
        BalanceView {
            amount_due_cents: b.due.get(),
            paid_cents: b.paid.get(),
            balance_cents: b.outstanding().get(),
            overpaid_cents: b.overpaid().get(),
        }
    }
}

/// A payment on the case; a reversed one stays on the record and no longer counts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PaymentView {
    pub id: i64,
    pub amount_cents: i64,
    /// check, money_order, card or cash
    #[schema(value_type = String)]
    pub method: PaymentMethod,
    /// The check or money-order number, or the card processor's reference.
    pub reference: Option<String>,
    pub received_on: NaiveDate,
    /// RFC 3339, UTC.
    pub recorded_at: String,
    /// The paper plea it was enclosed with.
    pub submission_id: Option<i64>,
    /// RFC 3339, UTC: when it was reversed (a bounced check), with why.
    pub reversed_at: Option<String>,
    pub reversal_reason: Option<String>,
}

/// Case `citation_id`'s payments (`records`, as `db::payments::of_citation` gives them) and its
/// balance as it stands.
pub fn of_case(
    conn: &mut DbConn,
    citation_id: i64,
    records: Vec<PaymentRecord>,
) -> Result<(Vec<PaymentView>, BalanceView), AppError> {
    let time = |t: chrono::NaiveDateTime| t.and_utc().to_rfc3339();
    let views = records
        .into_iter()
        .map(|p| PaymentView {
            id: p.id,
            amount_cents: p.amount_cents,
            method: p.method,
            reference: p.reference,
            received_on: p.received_on,
            recorded_at: time(p.created_at),
            submission_id: p.submission_id,
            reversed_at: p.reversed_at.map(time),
            reversal_reason: p.reversal_reason,
        })
        .collect();
    Ok((views, case_state::snapshot(conn, citation_id)?.balance().into()))
}
