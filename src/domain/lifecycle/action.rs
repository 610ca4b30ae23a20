//! What can happen to a case (`Action`) and what it caused (`Transition`: the new case, the events
//! for the audit trail, the letters to queue).

use super::case::{Balance, Case, Offer, Payment};
use crate::domain::{CaseStatus, Cents, Disposition, LetterType, OfferStatus, Plea};
use chrono::NaiveDate;

/// Something that happens to a case. Dates come in with the action; the rules never read a clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A plea per charge (online, by mail or at the counter) for the charges answered by mail.
    PleaReceived {
        pleas: Vec<(i32, Plea)>,
    },
    /// A clerk's duplicate decision sets the applied plea aside, so that another can stand.
    PleaSetAside,
    /// No charge can be settled by mail: the court sets a hearing.
    Ineligible,
    /// The response deadline passed with no plea: the court enters a default judgment.
    DeadlinePassed {
        today: NaiveDate,
    },
    /// The prosecutor makes an offer on the charges a defendant asked one for (or amends the
    /// pending one).
    OfferMade(Offer),
    OfferAccepted {
        offer_id: i64,
    },
    OfferRejected {
        offer_id: i64,
    },
    OfferExpired {
        offer_id: i64,
        today: NaiveDate,
    },
    OfferWithdrawn {
        offer_id: i64,
    },
    /// The prosecutor declines to make an offer (SPEC §4: `{decline: true, reason}` → hearing set).
    OfferDeclined,
    PaymentRecorded(Payment),
    /// A payment is reversed (a bounced check): kept on the record, no longer counted.
    PaymentReversed {
        payment_id: i64,
    },
    /// A reminder is due (of the response deadline, an offer's expiry, or the amount due).
    ReminderDue,
}

/// An action without its data: what the table of edges is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    PleaReceived,
    PleaSetAside,
    Ineligible,
    DeadlinePassed,
    OfferMade,
    OfferAccepted,
    OfferRejected,
    OfferExpired,
    OfferWithdrawn,
    OfferDeclined,
    PaymentRecorded,
    PaymentReversed,
    ReminderDue,
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::PleaReceived { .. } => ActionKind::PleaReceived,
            Action::PleaSetAside => ActionKind::PleaSetAside,
            Action::Ineligible => ActionKind::Ineligible,
            Action::DeadlinePassed { .. } => ActionKind::DeadlinePassed,
            Action::OfferMade(_) => ActionKind::OfferMade,
            Action::OfferAccepted { .. } => ActionKind::OfferAccepted,
            Action::OfferRejected { .. } => ActionKind::OfferRejected,
            Action::OfferExpired { .. } => ActionKind::OfferExpired,
            Action::OfferWithdrawn { .. } => ActionKind::OfferWithdrawn,
            Action::OfferDeclined => ActionKind::OfferDeclined,
            Action::PaymentRecorded(_) => ActionKind::PaymentRecorded,
            Action::PaymentReversed { .. } => ActionKind::PaymentReversed,
            Action::ReminderDue => ActionKind::ReminderDue,
        }
    }
}

/// How a pending offer ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferOutcome {
    Accepted,
    Rejected,
    Expired,
    Withdrawn,
}

impl OfferOutcome {
    /// The offer's stored status after it.
    pub fn status(self) -> OfferStatus {
        match self {
            OfferOutcome::Accepted => OfferStatus::Accepted,
            OfferOutcome::Rejected => OfferStatus::Rejected,
            OfferOutcome::Expired => OfferStatus::Expired,
            OfferOutcome::Withdrawn => OfferStatus::Withdrawn,
        }
    }
}

/// What happened, for the audit trail: ids, amounts and statuses, never personal data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum CaseEvent {
    /// The case moved; `through` names the statuses passed on the way (a plea passes `responded`).
    StatusChanged {
        from: CaseStatus,
        to: CaseStatus,
        through: Vec<CaseStatus>,
        because: ActionKind,
    },
    ChargesDisposed {
        charges: Vec<i32>,
        disposition: Disposition,
    },
    /// Payment dispositions taken back: the payment that settled the balance was reversed.
    DispositionsWithdrawn {
        charges: Vec<i32>,
    },
    /// A new offer, or one that `replaces` the pending offer (amended).
    OfferMade {
        offer_id: i64,
        expires_on: NaiveDate,
        replaces: Option<i64>,
    },
    OfferClosed {
        offer_id: i64,
        outcome: OfferOutcome,
    },
    OfferDeclined {},
    PaymentRecorded {
        payment_id: i64,
        amount_cents: Cents,
        balance: Balance,
    },
    PaymentReversed {
        payment_id: i64,
        amount_cents: Cents,
        balance: Balance,
    },
    /// More was paid than is due: a refund is owed.
    Overpaid {
        overpaid_cents: Cents,
    },
    Reminded {},
}

impl CaseEvent {
    /// The audit trail's name for it.
    pub fn action(&self) -> &'static str {
        match self {
            CaseEvent::StatusChanged { .. } => "case.status_changed",
            CaseEvent::ChargesDisposed { .. } => "charges.disposed",
            CaseEvent::DispositionsWithdrawn { .. } => "charges.dispositions_withdrawn",
            CaseEvent::OfferMade { replaces: None, .. } => "offer.made",
            CaseEvent::OfferMade { replaces: Some(_), .. } => "offer.amended",
            CaseEvent::OfferClosed { outcome, .. } => match outcome {
                OfferOutcome::Accepted => "offer.accepted",
                OfferOutcome::Rejected => "offer.rejected",
                OfferOutcome::Expired => "offer.expired",
                OfferOutcome::Withdrawn => "offer.withdrawn",
            },
            CaseEvent::OfferDeclined {} => "offer.declined",
            CaseEvent::PaymentRecorded { .. } => "payment.recorded",
            CaseEvent::PaymentReversed { .. } => "payment.reversed",
            CaseEvent::Overpaid { .. } => "payment.overpaid",
            CaseEvent::Reminded {} => "case.reminded",
        }
    }

    /// The event's details as the audit trail stores them.
    pub fn details(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// What an action did: the case after it, and what the caller must write and send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub from: CaseStatus,
    /// The statuses moved through, in order, each one an edge of [`super::EDGES`]; empty when the
    /// case stays where it is.
    pub path: Vec<CaseStatus>,
    /// The case after the action.
    pub case: Case,
    /// Dispositions to record.
    pub disposed: Vec<(i32, Disposition)>,
    /// Charges whose payment disposition no longer stands.
    pub undisposed: Vec<i32>,
    pub events: Vec<CaseEvent>,
    /// Letters to queue for the defendant, in order.
    pub letters: Vec<LetterType>,
}

impl Transition {
    pub fn status(&self) -> CaseStatus {
        self.case.status
    }

    pub fn moved(&self) -> bool {
        !self.path.is_empty()
    }
}
