//! The resident's timeline (issue 9 point 8): the plain-language subset of a case's audit events
//! a defendant sees on the status page — plea received, offers made and answered, amount due,
//! payments received (with amounts), hardship requests and decisions, hearing set, resolved,
//! default, and the letters the court sent.
//!
//! What is left out, and why: every staff read (`citation.read`, `letter.read`, …), every
//! workflow step that is the court's business (scans, keying, queues, sign-ins), who did
//! anything (staff names never leave the console), and every free text a staff member wrote — a
//! payment's reversal reason, a denial's reason, a clerk's note — because it may hold remarks
//! about the person or a third party that were written for colleagues, not for the public page.
//! An entry is built only from the event's action and a few typed details (amounts, kinds), so a
//! new event the court records stays off the public page until it is added here on purpose. The
//! reason a request was denied reaches the defendant in the decision letter, which is written to
//! them.

use super::hardship::HardshipKind;
use super::{CaseStatus, LetterType};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

/// What happened, as the resident is told it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicKind {
    Issued,
    PleaReceived,
    OfferMade,
    OfferAccepted,
    OfferRejected,
    OfferExpired,
    OfferWithdrawn,
    OfferDeclined,
    AmountDue,
    PaymentReceived,
    PaymentReversed,
    HardshipRequested,
    HardshipGranted,
    HardshipDenied,
    HearingSet,
    Resolved,
    Default,
    LetterSent,
}

/// One line of the resident's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicEntry {
    /// The court's calendar day it happened.
    pub on: NaiveDate,
    pub kind: PublicKind,
    /// Payments: the amount.
    pub amount_cents: Option<i64>,
    /// Hardship requests and grants: what was asked for or granted.
    pub hardship: Option<HardshipKind>,
    /// Letters: the type and id (to download it from the status page).
    pub letter: Option<(LetterType, i64)>,
}

/// An audit event of the case, with its day on the court's calendar.
pub struct EventFact<'a> {
    pub on: NaiveDate,
    pub action: &'a str,
    pub details: &'a Value,
}

/// A letter of the case: type, id, the day it was made.
pub struct LetterFact {
    pub on: NaiveDate,
    pub kind: LetterType,
    pub id: i64,
}

fn entry(on: NaiveDate, kind: PublicKind) -> PublicEntry {
    PublicEntry { on, kind, amount_cents: None, hardship: None, letter: None }
}

/// The public entry for one event, if residents see it (see the module's note).
fn of_event(e: &EventFact) -> Option<PublicEntry> {
    use PublicKind::*;
    let amount = || e.details.get("amount_cents").and_then(Value::as_i64);
    let hardship = |key: &str| e.details.get(key).and_then(Value::as_str).and_then(|k| k.parse().ok());
    let kind = match e.action {
        "plea.recorded" | "plea.keyed" | "submission.linked" => PleaReceived,
        "offer.made" | "offer.amended" => OfferMade,
        "offer.accepted" => OfferAccepted,
        "offer.rejected" => OfferRejected,
        "offer.expired" => OfferExpired,
        "offer.withdrawn" => OfferWithdrawn,
        "offer.declined" => OfferDeclined,
        "payment.recorded" => {
            return Some(PublicEntry { amount_cents: Some(amount()?), ..entry(e.on, PaymentReceived) })
        }
        "payment.reversed" => {
            return Some(PublicEntry { amount_cents: Some(amount()?), ..entry(e.on, PaymentReversed) })
        }
        "hardship.requested" => {
            return Some(PublicEntry { hardship: Some(hardship("kind")?), ..entry(e.on, HardshipRequested) })
        }
        "hardship.granted" => {
            return Some(PublicEntry { hardship: Some(hardship("granted_kind")?), ..entry(e.on, HardshipGranted) })
        }
        "hardship.denied" => HardshipDenied,
        "case.status_changed" => match e.details.get("to").and_then(Value::as_str)?.parse::<CaseStatus>().ok()? {
            CaseStatus::AmountDue => AmountDue,
            CaseStatus::HearingSet => HearingSet,
            CaseStatus::Resolved => Resolved,
            CaseStatus::Default => Default,
            _ => return None,
        },
        _ => return None,
    };
    Some(entry(e.on, kind))
}

/// The resident's timeline, oldest first: the day the ticket was issued, the events residents
/// see, and the letters, each day's events before its letters. A plea told twice on one day (keyed
/// and linked) is told once.
pub fn entries(issued_on: NaiveDate, events: &[EventFact], letters: &[LetterFact]) -> Vec<PublicEntry> {
    let mut out = vec![entry(issued_on, PublicKind::Issued)];
    for e in events.iter().filter_map(of_event) {
        let repeated = out.iter().any(|o| o.kind == PublicKind::PleaReceived && o.kind == e.kind && o.on == e.on);
        if !repeated {
            out.push(e);
        }
    }
    out.extend(
        letters.iter().map(|l| PublicEntry { letter: Some((l.kind, l.id)), ..entry(l.on, PublicKind::LetterSent) }),
    );
    // Within a day, in the order a case moves (the trail records a move before its cause: the
    // status change comes first in a transition); entries of one rank keep their recorded order.
    out.sort_by_key(|e| (e.on, rank(e.kind)));
    out
}

/// Where an entry falls among those of the same day.
fn rank(kind: PublicKind) -> u8 {
    use PublicKind::*;
    match kind {
        Issued => 0,
        PleaReceived => 1,
        OfferMade | OfferAccepted | OfferRejected | OfferExpired | OfferWithdrawn | OfferDeclined => 2,
        AmountDue => 3,
        PaymentReceived | PaymentReversed => 4,
        HearingSet | Resolved | Default => 5,
        HardshipRequested | HardshipGranted | HardshipDenied => 6,
        LetterSent => 7,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn residents_see_their_case_in_order_and_nothing_internal() {
        let details = [
            json!({"from": "open", "to": "amount_due", "through": ["responded"], "because": "plea"}),
            json!({"submission_id": 1}),
            json!({"letter_id": 9}),
            json!({"payment_id": 1, "amount_cents": 5000, "balance": {}}),
            json!({"payment_id": 1, "amount_cents": 5000, "reason": "NSF; defendant was rude on the phone"}),
            json!({"request_id": 1, "kind": "payment_plan"}),
            json!({"request_id": 1, "granted_kind": "more_time", "due_on": "2027-01-15"}),
            json!({"request_id": 2, "reason": "staff remark"}),
            json!({"from": "amount_due", "to": "resolved"}),
        ];
        let actions = [
            "case.status_changed",
            "plea.recorded",
            "letter.read",
            "payment.recorded",
            "payment.reversed",
            "hardship.requested",
            "hardship.granted",
            "hardship.denied",
            "case.status_changed",
        ];
        let events: Vec<EventFact> = actions
            .iter()
            .zip(&details)
            .enumerate()
            .map(|(i, (action, details))| EventFact {
                on: d(if i < 8 { "2026-12-02" } else { "2026-12-03" }),
                action,
                details,
            })
            .collect();
        let letters = [LetterFact { on: d("2026-12-02"), kind: LetterType::AmountDue, id: 4 }];
        let got = entries(d("2026-11-20"), &events, &letters);
        let kinds: Vec<PublicKind> = got.iter().map(|e| e.kind).collect();
        use PublicKind::*;
        assert_eq!(
            kinds,
            [
                Issued,
                PleaReceived,
                AmountDue,
                PaymentReceived,
                PaymentReversed,
                HardshipRequested,
                HardshipGranted,
                HardshipDenied,
                LetterSent,
                Resolved
            ]
        );
        assert_eq!(got[3].amount_cents, Some(5000));
        assert_eq!(got[5].hardship, Some(HardshipKind::PaymentPlan));
        assert_eq!(got[6].hardship, Some(HardshipKind::MoreTime));
        assert_eq!(got[8].letter, Some((LetterType::AmountDue, 4)));
        let text = serde_json::to_string(&got).unwrap();
        assert!(!text.contains("rude") && !text.contains("remark"), "{text}");
    }

    #[test]
    fn a_plea_keyed_and_linked_the_same_day_is_told_once() {
        let v = json!({});
        let events = [
            EventFact { on: d("2026-12-01"), action: "plea.keyed", details: &v },
            EventFact { on: d("2026-12-01"), action: "submission.linked", details: &v },
            EventFact { on: d("2026-12-01"), action: "citation.read", details: &v },
        ];
        let got = entries(d("2026-11-20"), &events, &[]);
        assert_eq!(got.iter().filter(|e| e.kind == PublicKind::PleaReceived).count(), 1);
        assert_eq!(got.len(), 2);
    }
}
