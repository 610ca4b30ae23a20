//! The case lifecycle (SPEC §2): every change of a case's status goes through [`apply`], which
//! takes the case as it stands and an [`Action`] and returns a [`Transition`] — the case after it,
//! the statuses passed through, the dispositions to record, the events for the audit trail and the
//! letters to queue — or a [`LifecycleError`] saying why the action is not allowed. Pure: the
//! caller loads the case, passes dates in, and writes what comes back in one transaction.
//!
//! ```text
//! open ──plea received──▶ responded ──request_offer──▶ in_review ──offer──▶ offer_pending
//!   │                        │                              │                 │   │
//!   │                        │ guilty / no_contest          │ declined        │   └─rejected/expired─▶ hearing_set
//!   │                        ▼                              ▼                 ▼ accepted
//!   │                   amount_due ◀────────────────────────┴─────────────────┘
//!   │                        │ paid in full
//!   │                        ▼
//!   │                     resolved (all charges disposed, balance 0)
//!   ├──not_guilty / ineligible──▶ hearing_set
//!   └──deadline passed, no response──▶ default
//! ```
//!
//! The diagram's "declined" arrow joins the line into `amount_due`; SPEC §4 (`{decline: true,
//! reason}` → hearing set) and issue 9 send a declined request to a hearing, and so does
//! [`EDGES`]. A plea passes `responded` on its way (one transaction; no case rests there).
//! [`EDGES`] is the one table of where each action may take a case; `apply` refuses an action
//! that has no edge from the case's status, and the tests check every step against it.

mod action;
mod case;
mod error;
mod rules;
mod step;

pub use action::{Action, ActionKind, CaseEvent, OfferOutcome, Transition};
pub use case::{Balance, Case, Charge, Offer, OfferedCharge, Payment};
pub use error::LifecycleError;
pub use rules::after_pleas;

use crate::domain::CaseStatus;
use ActionKind::*;
use CaseStatus::*;

/// One way a case may go: from `from` to `to` on any of `on`. An edge to the same status is an
/// action allowed without a move (a partial payment, an amended offer, a reminder).
#[derive(Debug, Clone, Copy)]
pub struct Edge {
    pub from: CaseStatus,
    pub to: CaseStatus,
    pub on: &'static [ActionKind],
}

const fn edge(from: CaseStatus, to: CaseStatus, on: &'static [ActionKind]) -> Edge {
    Edge { from, to, on }
}

/// Every allowed edge, once.
#[rustfmt::skip]
pub const EDGES: &[Edge] = &[
    // SPEC §2, as drawn.
    edge(Open,         Responded,    &[PleaReceived]),                                // plea received
    edge(Responded,    InReview,     &[PleaReceived]),                                // request_offer
    edge(Responded,    AmountDue,    &[PleaReceived]),                                // guilty / no_contest
    edge(Open,         HearingSet,   &[PleaReceived, Ineligible]),                    // not_guilty / ineligible
    edge(Open,         Default,      &[DeadlinePassed]),                              // deadline passed, no response
    edge(InReview,     OfferPending, &[OfferMade]),                                   // offer
    edge(InReview,     HearingSet,   &[OfferDeclined]),                               // declined (SPEC §4)
    edge(OfferPending, AmountDue,    &[OfferAccepted]),                               // accepted
    edge(OfferPending, HearingSet,   &[OfferRejected, OfferExpired, OfferWithdrawn]), // rejected/expired (withdrawn: issue 9)
    edge(AmountDue,    Resolved,     &[PaymentRecorded, OfferAccepted]),              // paid in full (an offer may leave nothing to pay)
    // Not drawn in SPEC §2.
    edge(Resolved,     AmountDue,    &[PaymentReversed]),   // the payment that settled it bounced (issue 9)
    edge(InReview,     Open,         &[PleaSetAside]),      // a clerk lets a duplicate plea stand
    edge(AmountDue,    Open,         &[PleaSetAside]),      //   (domain::duplicates) while nothing was
                                                            //   built on the first one (never after a
                                                            //   not-guilty plea: it sets a hearing)
    // Allowed without a move.
    edge(Open,         Open,         &[ReminderDue]),
    edge(InReview,     InReview,     &[PaymentRecorded, PaymentReversed]), // the guilty charges of a mixed plea
    edge(OfferPending, OfferPending, &[OfferMade, PaymentRecorded, PaymentReversed, ReminderDue]),
    edge(AmountDue,    AmountDue,    &[PaymentRecorded, PaymentReversed, ReminderDue]),
    edge(HearingSet,   HearingSet,   &[PaymentRecorded, PaymentReversed]), // the guilty charges of a mixed plea
    edge(Resolved,     Resolved,     &[PaymentReversed]),   // an overpayment reversed
];

/// Whether `action` may be taken on a case in `status` at all.
pub fn allowed(status: CaseStatus, action: ActionKind) -> bool {
    EDGES.iter().any(|e| e.from == status && e.on.contains(&action))
}

/// Takes `action` on `case`: the transition it causes, or why it is not allowed. `case` is never
/// changed; the case after the action is in the transition.
pub fn apply(case: &Case, action: Action) -> Result<Transition, LifecycleError> {
    let kind = action.kind();
    if !allowed(case.status, kind) {
        return Err(LifecycleError::WrongState { action: kind, status: case.status });
    }
    rules::take(case, action)
}

#[cfg(test)]
mod examples;
#[cfg(test)]
mod properties;
