//! The case as `domain::lifecycle` sees it, read from the database ([`snapshot`]), and a transition
//! written back ([`record`]): the status (only from the status it was read in), the dispositions,
//! and the events on the audit trail — inside the caller's transaction. The letters a transition
//! asks for are queued by the caller, which has their data.

use crate::audit::{self, Event};
use crate::db::{self, DbConn};
use crate::domain::lifecycle::{Case, Charge, Offer, OfferedCharge, Payment, Transition};
use crate::domain::{CaseStatus, Cents, Disposition, OfferStatus, Plea};
use crate::error::AppError;
use crate::services::case_file::{CaseFile, CaseFiles};
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
    case_of(CaseFiles::load(c, &[id])?.of(id)?)
}

/// The case a file holds (see [`snapshot`]).
pub fn case_of(file: &CaseFile) -> Result<Case, AppError> {
    let mut charges = Vec::new();
    for ch in &file.charges {
        charges.push(Charge::new(ch.seq, cents(ch.fine_cents)?));
    }
    for (seq, plea) in file.applied.iter().flat_map(|a| &a.pleas) {
        if let Some(ch) = charges.iter_mut().find(|ch| ch.seq == *seq) {
            ch.plea = Some(stored::<Plea>(plea)?);
        }
    }
    // Oldest first: the last disposition of a charge that was not withdrawn is the one that stands.
    for (seq, disposition, _, _) in file.dispositions.iter().filter(|d| d.3.is_none()) {
        if let Some(ch) = charges.iter_mut().find(|ch| ch.seq == *seq) {
            ch.disposition = Some(stored::<Disposition>(disposition)?);
        }
    }
    let mut pending = None;
    for o in &file.offers {
        let mine = file.offer_lines.iter().filter(|l| l.0 == o.id);
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
    for p in &file.payments {
        payments.push(Payment { id: p.id, amount: cents(p.amount_cents)?, reversed: p.reversed_at.is_some() });
    }
    let citation = &file.citation;
    Ok(Case { status: citation.status, response_due: citation.response_due, charges, offer: pending, payments })
}

/// A transition to write: on citation `id` (number `number`).
pub struct Move<'a> {
    pub id: i64,
    pub number: &'a str,
    pub transition: &'a Transition,
}

/// Writes transition `t` of citation `id` (number `number`): the new status if it moved (false,
/// and nothing written, if the case is no longer where `t` started), the payment dispositions it
/// withdraws (kept, marked withdrawn), the dispositions decided `on`, and its events by `actor`.
pub fn record(
    c: &mut DbConn,
    id: i64,
    number: &str,
    t: &Transition,
    actor: &str,
    on: NaiveDate,
) -> Result<bool, AppError> {
    record_all(c, &[Move { id, number, transition: t }], actor, on)
}

/// [`record`] for many cases in a few statements (a page of the daily job): the statuses moved
/// and the balances the cases are left with (`Case::balance`, kept on the citation for the
/// reports) written by one update per (from, to, balance), the dispositions and the events
/// inserted together, then the decision dates of the cases whose dispositions changed
/// recomputed in one statement (a withdrawal may leave an earlier one standing). False if a case
/// was no longer where its transition started: the caller rolls back its transaction (for one
/// case, nothing was written).
pub fn record_all(c: &mut DbConn, moves: &[Move], actor: &str, on: NaiveDate) -> Result<bool, AppError> {
    let mut by_state: BTreeMap<(CaseStatus, CaseStatus, i64), Vec<i64>> = BTreeMap::new();
    for m in moves {
        let t = m.transition;
        let balance = t.case.balance().outstanding().get();
        by_state.entry((t.from, t.status(), balance)).or_default().push(m.id);
    }
    for ((from, to, balance), ids) in &by_state {
        let moved = db::citations::set_state_many(c, ids, *from, *to, *balance)?;
        if from != to && moved != ids.len() {
            return Ok(false);
        }
    }
    let mut disposed: Vec<(i64, i32, Disposition)> = Vec::new();
    let mut decided: Vec<i64> = Vec::new();
    for m in moves {
        let t = m.transition;
        if !t.undisposed.is_empty() {
            // A reversed payment takes back the dispositions its payment in full made.
            db::case_parts::withdraw_paid(c, m.id, &t.undisposed)?;
        }
        disposed.extend(t.disposed.iter().map(|(seq, d)| (m.id, *seq, *d)));
        if !t.disposed.is_empty() || !t.undisposed.is_empty() {
            decided.push(m.id);
        }
    }
    db::citations::dispose_all(c, &disposed, on)?;
    db::citations::refresh_decided_on(c, Some(&decided))?;
    let events: Vec<Event> = moves
        .iter()
        .flat_map(|m| {
            m.transition.events.iter().map(|e| Event {
                actor,
                action: e.action(),
                subject_type: "citation",
                subject_id: m.number,
                outcome: "ok",
                details: e.details(),
            })
        })
        .collect();
    audit::append_all(c, &events)?;
    Ok(true)
}
