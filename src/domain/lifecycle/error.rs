//! Why an action is not allowed, in words a clerk can act on: what was refused and, where it
//! helps, what to do instead.

use super::action::ActionKind;
use super::case::Balance;
use crate::domain::{CaseStatus, Cents};
use chrono::NaiveDate;

impl ActionKind {
    /// "… cannot be …" as a clerk reads it, with what to do instead where there is something.
    fn refused(self) -> (&'static str, &'static str) {
        use ActionKind::*;
        match self {
            PleaReceived => {
                ("a plea cannot be applied", "a case takes one plea; a later one is a duplicate for a clerk to decide")
            }
            PleaSetAside => ("a plea cannot be set aside", "correct the case before replacing its plea"),
            Ineligible => ("a hearing cannot be set for charges not answerable by mail", ""),
            DeadlinePassed => ("a default cannot be entered", "only a case with no plea at all defaults"),
            OfferMade => ("an offer cannot be made", "offers answer a request for an offer"),
            OfferAccepted => ("an offer cannot be accepted", ""),
            OfferRejected => ("an offer cannot be rejected", ""),
            OfferExpired => ("an offer cannot expire", ""),
            OfferWithdrawn => ("an offer cannot be withdrawn", ""),
            OfferDeclined => ("a request for an offer cannot be declined", ""),
            PaymentRecorded => ("a payment cannot be recorded", ""),
            PaymentReversed => ("a payment cannot be reversed", ""),
            ReminderDue => ("a reminder cannot be sent", "nothing is waiting for the defendant"),
        }
    }
}

/// The words for a case in a status, after "on a case …".
fn on_a_case(status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Open => "still open (no plea yet)",
        CaseStatus::Responded => "that has just responded",
        CaseStatus::InReview => "in review by the prosecutor",
        CaseStatus::OfferPending => "with an offer pending",
        CaseStatus::AmountDue => "with an amount due",
        CaseStatus::Resolved => "that is resolved",
        CaseStatus::HearingSet => "with a hearing set",
        CaseStatus::Default => "in default",
    }
}

/// Why an action is not allowed. The message names what was refused and, where it helps, what
/// to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    /// The action has no edge from the case's status (see [`super::EDGES`]).
    #[error("{}", wrong_state(*.action, *.status))]
    WrongState { action: ActionKind, status: CaseStatus },
    #[error("a plea must answer at least one charge")]
    NoPleas,
    #[error("charge {0} is not on this ticket")]
    UnknownCharge(i32),
    #[error("charge {0} is answered twice; give one plea per charge")]
    ChargeTwice(i32),
    #[error("the case has moved on since the first plea (it is {0}); correct the case before replacing its plea")]
    MovedOn(CaseStatus),
    #[error("{0} is on file for the first plea; correct the case before replacing its plea")]
    BuiltOn(&'static str),
    #[error("the response deadline ({0}) has not passed yet")]
    DeadlineAhead(NaiveDate),
    #[error("charge {0} has no request for an offer; an offer covers only the charges the defendant asked one for")]
    NotRequested(i32),
    #[error("the offer leaves out charge {0}, on which the defendant asked for an offer")]
    OfferLeavesOut(i32),
    #[error("offer {0} is not the offer pending on this case")]
    NotThePendingOffer(i64),
    #[error("the offer runs until {0}; it has not expired")]
    OfferRunning(NaiveDate),
    #[error("nothing is owed on this case now (due {due}, paid {paid}); a payment is recorded against an amount due", due = .0.due, paid = .0.paid)]
    NothingOwed(Balance),
    #[error("a payment must be more than $0.00")]
    ZeroPayment,
    #[error("the payments would pass {}, the most PleaDesk records on one case", Cents::new(crate::domain::money::MAX_CENTS).unwrap_or_default())]
    TooMuch,
    #[error("payment {0} is already on the case")]
    PaymentTwice(i64),
    #[error("payment {0} is not on this case")]
    UnknownPayment(i64),
    #[error("payment {0} was already reversed")]
    AlreadyReversed(i64),
}

fn wrong_state(action: ActionKind, status: CaseStatus) -> String {
    let (refused, instead) = action.refused();
    let mut s = format!("{refused} on a case {}", on_a_case(status));
    if !instead.is_empty() {
        s.push_str("; ");
        s.push_str(instead);
    }
    s
}
