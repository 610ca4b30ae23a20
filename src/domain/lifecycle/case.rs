//! The case as the lifecycle rules see it: a snapshot the caller loads (status, charges with their
//! pleas, fines and dispositions, the pending offer, the payments) and the balance worked out
//! from it. Nothing here is stored as a total: what is due follows from the charges, what was paid
//! from the payments, so the two can never disagree.

use crate::domain::money::MAX_CENTS;
use crate::domain::{CaseStatus, Cents, Disposition, Plea};
use chrono::NaiveDate;

/// One citation's case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Case {
    pub status: CaseStatus,
    /// The last day a plea counts (the caller judges mail by its postmark before asking).
    pub response_due: NaiveDate,
    pub charges: Vec<Charge>,
    /// The prosecutor's offer waiting for the defendant's answer (only while `offer_pending`).
    pub offer: Option<Offer>,
    /// Every payment recorded, reversed ones included (a payment is never deleted).
    pub payments: Vec<Payment>,
}

/// One charge of the case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Charge {
    pub seq: i32,
    /// The fine as charged.
    pub fine: Cents,
    /// The plea that stands on this charge; `None` until one is received, and for a charge that
    /// could not be answered by mail.
    pub plea: Option<Plea>,
    /// The fine of an accepted offer that amended this charge.
    pub amended_fine: Option<Cents>,
    /// How the charge ended, once it has.
    pub disposition: Option<Disposition>,
}

/// A prosecutor's offer: per charge the amended fine (the amended offense and points travel with
/// it in the service; the rules need only the money).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Offer {
    pub id: i64,
    pub expires_on: NaiveDate,
    pub charges: Vec<OfferedCharge>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OfferedCharge {
    pub seq: i32,
    pub fine: Cents,
}

/// A payment recorded on the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Payment {
    pub id: i64,
    pub amount: Cents,
    /// A bounced check, say: kept on the record, no longer counted as paid.
    pub reversed: bool,
}

/// What is due and what was paid. The balance is always the one minus the other: what is still
/// owed when paid is short, an overpayment (to refund) when paid is over — never a negative due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Balance {
    #[serde(rename = "due_cents")]
    pub due: Cents,
    #[serde(rename = "paid_cents")]
    pub paid: Cents,
}

impl Balance {
    /// What is still to pay.
    pub fn outstanding(self) -> Cents {
        Cents::new((self.due.get() - self.paid.get()).max(0)).unwrap_or(Cents::ZERO)
    }

    /// What was paid beyond what is due: flagged for a refund.
    pub fn overpaid(self) -> Cents {
        Cents::new((self.paid.get() - self.due.get()).max(0)).unwrap_or(Cents::ZERO)
    }

    pub fn settled(self) -> bool {
        self.outstanding() == Cents::ZERO
    }
}

impl Charge {
    /// A charge that has neither plea, offer nor disposition yet.
    pub fn new(seq: i32, fine: Cents) -> Self {
        Charge { seq, fine, plea: None, amended_fine: None, disposition: None }
    }

    /// What this charge costs the defendant, if anything: the amended fine of an accepted offer,
    /// or the fine as charged after a guilty or no-contest plea. `None` for a charge going to a
    /// hearing, waiting for an offer, or not answered by mail.
    pub fn owed(&self) -> Option<Cents> {
        match (self.amended_fine, self.plea) {
            (Some(amended), _) => Some(amended),
            (None, Some(Plea::Guilty | Plea::NoContest)) => Some(self.fine),
            _ => None,
        }
    }

    /// The disposition a payment in full gives this charge.
    pub(super) fn paid_disposition(&self) -> Disposition {
        if self.amended_fine.is_some() {
            Disposition::PaidAmended
        } else {
            Disposition::PaidAsCharged
        }
    }
}

impl Case {
    /// A case as an import files it: open, nothing pleaded, nothing paid.
    pub fn new(response_due: NaiveDate, charges: Vec<Charge>) -> Self {
        Case { status: CaseStatus::Open, response_due, charges, offer: None, payments: Vec::new() }
    }

    pub fn balance(&self) -> Balance {
        let due = sum(self.charges.iter().filter_map(Charge::owed));
        let paid = sum(self.payments.iter().filter(|p| !p.reversed).map(|p| p.amount));
        Balance { due, paid }
    }

    pub fn charge(&self, seq: i32) -> Option<&Charge> {
        self.charges.iter().find(|c| c.seq == seq)
    }

    pub fn all_disposed(&self) -> bool {
        self.charges.iter().all(|c| c.disposition.is_some())
    }

    /// The pleas standing on the case, by charge.
    pub fn pleas(&self) -> Vec<Plea> {
        self.charges.iter().filter_map(|c| c.plea).collect()
    }
}

/// Adds amounts, stopping at the largest amount PleaDesk holds (a total no real case reaches).
fn sum(amounts: impl Iterator<Item = Cents>) -> Cents {
    let total = amounts.fold(0i64, |t, c| t.saturating_add(c.get()));
    Cents::new(total.min(MAX_CENTS)).unwrap_or(Cents::ZERO)
}
