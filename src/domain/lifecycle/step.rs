//! A transition being built: a copy of the case that the rules move, dispose and settle, with the
//! events and letters collected on the way.

use super::action::{ActionKind, CaseEvent, Transition};
use super::case::{Case, Offer};
use super::error::LifecycleError;
use crate::domain::{CaseStatus, Disposition, LetterType};

/// A transition being built on a copy of the case.
pub(super) struct Step {
    pub(super) from: CaseStatus,
    pub(super) because: ActionKind,
    pub(super) case: Case,
    pub(super) path: Vec<CaseStatus>,
    pub(super) disposed: Vec<(i32, Disposition)>,
    pub(super) undisposed: Vec<i32>,
    pub(super) events: Vec<CaseEvent>,
    pub(super) letters: Vec<LetterType>,
}

impl Step {
    pub(super) fn new(case: &Case, because: ActionKind) -> Self {
        Step {
            from: case.status,
            because,
            case: case.clone(),
            path: Vec::new(),
            disposed: Vec::new(),
            undisposed: Vec::new(),
            events: Vec::new(),
            letters: Vec::new(),
        }
    }

    pub(super) fn go(&mut self, to: CaseStatus) {
        if self.case.status != to {
            self.path.push(to);
            self.case.status = to;
        }
    }

    pub(super) fn pending_offer(&self, offer_id: i64) -> Result<&Offer, LifecycleError> {
        self.case.offer.as_ref().filter(|o| o.id == offer_id).ok_or(LifecycleError::NotThePendingOffer(offer_id))
    }

    pub(super) fn dispose(&mut self, seqs: &[i32], disposition: Disposition) {
        if seqs.is_empty() {
            return;
        }
        for c in self.case.charges.iter_mut().filter(|c| seqs.contains(&c.seq)) {
            c.disposition = Some(disposition);
        }
        self.disposed.extend(seqs.iter().map(|s| (*s, disposition)));
        self.events.push(CaseEvent::ChargesDisposed { charges: seqs.to_vec(), disposition });
    }

    pub(super) fn dispose_undisposed(&mut self, disposition: Disposition) {
        let open: Vec<i32> = self.case.charges.iter().filter(|c| c.disposition.is_none()).map(|c| c.seq).collect();
        self.dispose(&open, disposition);
    }

    /// Once nothing is outstanding, the charges that cost money are paid (as charged or amended);
    /// a case with an amount due and every charge disposed is resolved, with its outcome letter.
    /// Flags an overpayment. Says whether the case was resolved.
    pub(super) fn settle(&mut self) -> bool {
        let balance = self.case.balance();
        if !balance.settled() {
            return false;
        }
        if balance.overpaid().get() > 0 {
            self.events.push(CaseEvent::Overpaid { overpaid_cents: balance.overpaid() });
        }
        for kind in [Disposition::PaidAsCharged, Disposition::PaidAmended] {
            let paid: Vec<i32> = (self.case.charges.iter())
                .filter(|c| c.disposition.is_none() && c.owed().is_some() && c.paid_disposition() == kind)
                .map(|c| c.seq)
                .collect();
            self.dispose(&paid, kind);
        }
        if self.case.status == CaseStatus::AmountDue && self.case.all_disposed() {
            self.go(CaseStatus::Resolved);
            self.letters.push(LetterType::Outcome);
            return true;
        }
        false
    }

    pub(super) fn finish(mut self) -> Transition {
        if let Some(to) = self.path.last().copied() {
            let through = self.path[..self.path.len() - 1].to_vec();
            let moved = CaseEvent::StatusChanged { from: self.from, to, through, because: self.because };
            self.events.insert(0, moved);
        }
        Transition {
            from: self.from,
            path: self.path,
            case: self.case,
            disposed: self.disposed,
            undisposed: self.undisposed,
            events: self.events,
            letters: self.letters,
        }
    }
}
