//! The case as `domain::lifecycle` sees it, read from the database ([`snapshot`]), and a transition
//! written back ([`record`]): the status (only from the status it was read in), the dispositions,
//! and the events on the audit trail — inside the caller's transaction. The letters a transition
//! asks for are queued by the caller, which has their data.

use crate::audit::{self, Event};
use crate::db::{self, DbConn};
use crate::domain::lifecycle::{Case, Charge, Offer, OfferedCharge, Payment, Transition};
use crate::domain::{Cents, Disposition, OfferStatus, Plea};
use crate::error::AppError;
use chrono::NaiveDate;
use std::collections::BTreeMap;

fn stored<T: std::str::FromStr<Err = crate::domain::ParseError>>(s: &str) -> Result<T, AppError> {
    s.parse().map_err(|e: crate::domain::ParseError| AppError::Internal(anyhow::anyhow!("stored case: {e}")))
}

fn cents(c: i64) -> Result<Cents, AppError> {
    Cents::new(c).map_err(|e| AppError::Internal(anyhow::anyhow!("stored amount: {e}")))
}

/// The case of citation `id` as it stands: status, charges with the plea applied, accepted
/// offers' fines and dispositions, the pending offer, the payments.
pub fn snapshot(c: &mut DbConn, id: i64) -> Result<Case, AppError> {
    let citation =
        db::citations::find_by_id(c, id)?.ok_or_else(|| AppError::NotFound("the citation is gone".into()))?;
    let mut charges = Vec::new();
    for (seq, fine) in db::case_parts::charge_fines(c, id)? {
        charges.push(Charge::new(seq, cents(fine)?));
    }
    if let Some(applied) = db::paper::applied_plea(c, id, None)? {
        for (seq, plea) in db::submissions::pleas_of(c, applied.id)? {
            if let Some(ch) = charges.iter_mut().find(|ch| ch.seq == seq) {
                ch.plea = Some(stored::<Plea>(&plea)?);
            }
        }
    }
    // Oldest first: the last disposition of a charge is the one that stands.
    for (seq, disposition, _) in db::case_parts::dispositions_of(c, id)? {
        if let Some(ch) = charges.iter_mut().find(|ch| ch.seq == seq) {
            ch.disposition = Some(stored::<Disposition>(&disposition)?);
        }
    }
    let (offers, lines) = db::case_parts::offers_of(c, id)?;
    let mut pending = None;
    for o in offers {
        let mine = lines.iter().filter(|l| l.0 == o.id);
        match stored::<OfferStatus>(&o.status)? {
            OfferStatus::Accepted => {
                for (_, seq, _, fine, _) in mine {
                    if let Some(ch) = charges.iter_mut().find(|ch| ch.seq == *seq) {
                        ch.amended_fine = Some(cents(*fine)?);
                    }
                }
            }
            OfferStatus::Pending => {
                let charges = mine
                    .map(|(_, seq, _, fine, _)| Ok(OfferedCharge { seq: *seq, fine: cents(*fine)? }))
                    .collect::<Result<_, AppError>>()?;
                pending = Some(Offer { id: o.id, expires_on: o.expires_on, charges });
            }
            _ => {}
        }
    }
    let mut payments = Vec::new();
    for (pid, amount) in db::case_parts::payment_amounts(c, id)? {
        payments.push(Payment { id: pid, amount: cents(amount)?, reversed: false });
    }
    Ok(Case { status: citation.status, response_due: citation.response_due, charges, offer: pending, payments })
}

/// Writes transition `t` of citation `id` (number `number`): the new status if it moved (false,
/// and nothing written, if the case is no longer where `t` started), the dispositions decided
/// `on`, and its events by `actor`.
pub fn record(
    c: &mut DbConn,
    id: i64,
    number: &str,
    t: &Transition,
    actor: &str,
    on: NaiveDate,
) -> Result<bool, AppError> {
    if t.moved() && !db::citations::set_status(c, id, t.from, t.status())? {
        return Ok(false);
    }
    if !t.undisposed.is_empty() {
        // Only a reversed payment takes a disposition back; payments are not recorded yet.
        return Err(AppError::Internal(anyhow::anyhow!("withdrawing a disposition is not stored yet")));
    }
    let mut by_kind: BTreeMap<Disposition, Vec<i32>> = BTreeMap::new();
    for (seq, d) in &t.disposed {
        by_kind.entry(*d).or_default().push(*seq);
    }
    for (d, seqs) in by_kind {
        db::citations::dispose(c, id, &seqs, d, on)?;
    }
    for e in &t.events {
        let event = Event {
            actor,
            action: e.action(),
            subject_type: "citation",
            subject_id: number,
            outcome: "ok",
            details: e.details(),
        };
        audit::append(c, &event)?;
    }
    Ok(true)
}
