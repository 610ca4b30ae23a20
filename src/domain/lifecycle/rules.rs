//! What each action does once [`super::EDGES`] allows it in the case's status: the checks that
//! depend on the case's contents, and the moves, dispositions, events and letters that follow.

use super::action::{Action, CaseEvent, OfferOutcome, Transition};
use super::case::{Case, Offer, Payment};
use super::error::LifecycleError;
use super::step::Step;
use crate::domain::money::MAX_CENTS;
use crate::domain::{CaseStatus, Disposition, LetterType, Plea};
use std::collections::BTreeSet;

/// Where a case goes once pleas are in: a not-guilty plea sets a hearing; a request for an offer
/// goes to the prosecutor; guilty or no contest on everything makes the fine due.
pub fn after_pleas(pleas: &[Plea]) -> CaseStatus {
    if pleas.contains(&Plea::NotGuilty) {
        CaseStatus::HearingSet
    } else if pleas.contains(&Plea::RequestOffer) {
        CaseStatus::InReview
    } else {
        CaseStatus::AmountDue
    }
}

pub(super) fn take(case: &Case, action: Action) -> Result<Transition, LifecycleError> {
    let mut t = Step::new(case, action.kind());
    match action {
        Action::PleaReceived { pleas } => plea_received(&mut t, &pleas)?,
        Action::PleaSetAside => plea_set_aside(&mut t)?,
        Action::Ineligible => {
            t.dispose_undisposed(Disposition::HearingSet);
            t.go(CaseStatus::HearingSet);
            t.letters.push(LetterType::Hearing);
        }
        Action::DeadlinePassed { today } => {
            if today <= t.case.response_due {
                return Err(LifecycleError::DeadlineAhead(t.case.response_due));
            }
            t.dispose_undisposed(Disposition::DefaultJudgment);
            t.go(CaseStatus::Default);
            t.letters.push(LetterType::DefaultNotice);
        }
        Action::OfferMade(offer) => offer_made(&mut t, offer)?,
        Action::OfferAccepted { offer_id } => offer_accepted(&mut t, offer_id)?,
        Action::OfferRejected { offer_id } => offer_refused(&mut t, Some((offer_id, OfferOutcome::Rejected)))?,
        Action::OfferWithdrawn { offer_id } => offer_refused(&mut t, Some((offer_id, OfferOutcome::Withdrawn)))?,
        Action::OfferExpired { offer_id, today } => {
            let expires_on = t.pending_offer(offer_id)?.expires_on;
            if today <= expires_on {
                return Err(LifecycleError::OfferRunning(expires_on));
            }
            offer_refused(&mut t, Some((offer_id, OfferOutcome::Expired)))?
        }
        Action::OfferDeclined => offer_refused(&mut t, None)?,
        Action::PaymentRecorded(payment) => payment_recorded(&mut t, payment)?,
        Action::PaymentReversed { payment_id } => payment_reversed(&mut t, payment_id)?,
        Action::ReminderDue => {
            t.events.push(CaseEvent::Reminded {});
            t.letters.push(LetterType::Reminder);
        }
    }
    Ok(t.finish())
}

fn plea_received(t: &mut Step, pleas: &[(i32, Plea)]) -> Result<(), LifecycleError> {
    if pleas.is_empty() {
        return Err(LifecycleError::NoPleas);
    }
    let mut seen = BTreeSet::new();
    for (seq, plea) in pleas {
        if !seen.insert(*seq) {
            return Err(LifecycleError::ChargeTwice(*seq));
        }
        let charge = t.case.charges.iter_mut().find(|c| c.seq == *seq).ok_or(LifecycleError::UnknownCharge(*seq))?;
        charge.plea = Some(*plea);
    }
    let not_guilty: Vec<i32> = pleas.iter().filter(|(_, p)| *p == Plea::NotGuilty).map(|(s, _)| *s).collect();
    t.dispose(&not_guilty, Disposition::HearingSet);
    let to = after_pleas(&t.case.pleas());
    if to != CaseStatus::HearingSet {
        t.go(CaseStatus::Responded);
    }
    t.go(to);
    t.letters.push(LetterType::Acknowledgement);
    Ok(())
}

/// The rule of `domain::duplicates`: a plea is set aside only while the case stands exactly where
/// it put the case, with no offer, payment or disposition built on it.
fn plea_set_aside(t: &mut Step) -> Result<(), LifecycleError> {
    let case = &t.case;
    if case.status != after_pleas(&case.pleas()) {
        return Err(LifecycleError::MovedOn(case.status));
    }
    if case.offer.is_some() || case.charges.iter().any(|c| c.amended_fine.is_some()) {
        return Err(LifecycleError::BuiltOn("an offer"));
    }
    if !case.payments.is_empty() {
        return Err(LifecycleError::BuiltOn("a payment"));
    }
    if case.charges.iter().any(|c| c.disposition.is_some()) {
        return Err(LifecycleError::BuiltOn("a disposition"));
    }
    t.case.charges.iter_mut().for_each(|c| c.plea = None);
    t.go(CaseStatus::Open);
    Ok(())
}

/// The charges waiting for an offer: a request for one and no disposition yet.
fn requested(case: &Case) -> Vec<i32> {
    case.charges
        .iter()
        .filter(|c| c.plea == Some(Plea::RequestOffer) && c.disposition.is_none() && c.amended_fine.is_none())
        .map(|c| c.seq)
        .collect()
}

fn offer_made(t: &mut Step, offer: Offer) -> Result<(), LifecycleError> {
    let wanted = requested(&t.case);
    let mut seen = BTreeSet::new();
    for line in &offer.charges {
        if t.case.charge(line.seq).is_none() {
            return Err(LifecycleError::UnknownCharge(line.seq));
        }
        if !wanted.contains(&line.seq) {
            return Err(LifecycleError::NotRequested(line.seq));
        }
        if !seen.insert(line.seq) {
            return Err(LifecycleError::ChargeTwice(line.seq));
        }
    }
    if let Some(left_out) = wanted.iter().find(|s| !seen.contains(s)) {
        return Err(LifecycleError::OfferLeavesOut(*left_out));
    }
    let replaces = t.case.offer.as_ref().map(|o| o.id);
    t.events.push(CaseEvent::OfferMade { offer_id: offer.id, expires_on: offer.expires_on, replaces });
    t.case.offer = Some(offer);
    t.go(CaseStatus::OfferPending);
    t.letters.push(LetterType::Offer);
    Ok(())
}

fn offer_accepted(t: &mut Step, offer_id: i64) -> Result<(), LifecycleError> {
    let offer = t.pending_offer(offer_id)?.clone();
    for line in &offer.charges {
        if let Some(c) = t.case.charges.iter_mut().find(|c| c.seq == line.seq) {
            c.amended_fine = Some(line.fine);
        }
    }
    t.case.offer = None;
    t.events.push(CaseEvent::OfferClosed { offer_id, outcome: OfferOutcome::Accepted });
    t.go(CaseStatus::AmountDue);
    if !t.settle() {
        t.letters.push(LetterType::AmountDue);
    }
    Ok(())
}

/// The request for an offer ends without one (rejected, withdrawn, expired, or declined by the
/// prosecutor when there is no offer): the charges it covered go to a hearing.
fn offer_refused(t: &mut Step, closed: Option<(i64, OfferOutcome)>) -> Result<(), LifecycleError> {
    match closed {
        Some((offer_id, outcome)) => {
            t.pending_offer(offer_id)?;
            t.events.push(CaseEvent::OfferClosed { offer_id, outcome });
        }
        None => t.events.push(CaseEvent::OfferDeclined {}),
    }
    t.case.offer = None;
    let charges = requested(&t.case);
    t.dispose(&charges, Disposition::HearingSet);
    t.go(CaseStatus::HearingSet);
    t.letters.push(LetterType::Hearing);
    Ok(())
}

fn payment_recorded(t: &mut Step, payment: Payment) -> Result<(), LifecycleError> {
    if payment.amount.get() == 0 {
        return Err(LifecycleError::ZeroPayment);
    }
    if t.case.payments.iter().any(|p| p.id == payment.id) {
        return Err(LifecycleError::PaymentTwice(payment.id));
    }
    let before = t.case.balance();
    if before.settled() {
        return Err(LifecycleError::NothingOwed(before));
    }
    if before.paid.get() + payment.amount.get() > MAX_CENTS {
        return Err(LifecycleError::TooMuch);
    }
    t.case.payments.push(Payment { reversed: false, ..payment });
    let balance = t.case.balance();
    t.events.push(CaseEvent::PaymentRecorded { payment_id: payment.id, amount_cents: payment.amount, balance });
    t.settle();
    Ok(())
}

fn payment_reversed(t: &mut Step, payment_id: i64) -> Result<(), LifecycleError> {
    let p =
        t.case.payments.iter_mut().find(|p| p.id == payment_id).ok_or(LifecycleError::UnknownPayment(payment_id))?;
    if p.reversed {
        return Err(LifecycleError::AlreadyReversed(payment_id));
    }
    p.reversed = true;
    let amount_cents = p.amount;
    let balance = t.case.balance();
    t.events.push(CaseEvent::PaymentReversed { payment_id, amount_cents, balance });
    if balance.settled() {
        return Ok(());
    }
    let paid: Vec<i32> = t
        .case
        .charges
        .iter_mut()
        .filter(|c| matches!(c.disposition, Some(Disposition::PaidAsCharged | Disposition::PaidAmended)))
        .map(|c| {
            c.disposition = None;
            c.seq
        })
        .collect();
    if !paid.is_empty() {
        t.events.push(CaseEvent::DispositionsWithdrawn { charges: paid.clone() });
        t.undisposed = paid;
    }
    if t.case.status == CaseStatus::Resolved {
        t.go(CaseStatus::AmountDue);
    }
    t.letters.push(LetterType::AmountDue);
    Ok(())
}
