//! Each edge of SPEC §2 as an example a reader can follow, and the refusals a clerk would see.

use super::*;
use crate::domain::{Cents, Disposition, LetterType, Plea};
use chrono::NaiveDate;
use CaseStatus as S;
use Plea::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

fn usd(dollars: i64) -> Cents {
    Cents::new(dollars * 100).unwrap()
}

/// A ticket with these fines (in dollars), charges numbered from 1, a plea due on the 10th.
fn ticket(fines: &[i64]) -> Case {
    Case::new(day(10), fines.iter().zip(1..).map(|(f, seq)| Charge::new(seq, usd(*f))).collect())
}

fn ok(case: &Case, action: Action) -> Transition {
    apply(case, action).unwrap_or_else(|e| panic!("refused: {e}"))
}

fn plead(case: &Case, pleas: &[Plea]) -> Case {
    let pleas = pleas.iter().zip(1..).map(|(p, seq)| (seq, *p)).collect();
    ok(case, Action::PleaReceived { pleas }).case
}

fn offer(id: i64, lines: &[(i32, i64)]) -> Action {
    let charges = lines.iter().map(|(seq, f)| OfferedCharge { seq: *seq, fine: usd(*f) }).collect();
    Action::OfferMade(Offer { id, expires_on: day(20), charges })
}

fn pay(id: i64, dollars: i64) -> Action {
    Action::PaymentRecorded(Payment { id, amount: usd(dollars), reversed: false })
}

fn refusal(case: &Case, action: Action) -> String {
    apply(case, action).expect_err("should be refused").to_string()
}

#[test]
fn guilty_or_no_contest_passes_responded_and_makes_the_fines_due() {
    let t = ok(&ticket(&[135, 65]), Action::PleaReceived { pleas: vec![(1, Guilty), (2, NoContest)] });
    assert_eq!((t.from, t.path.clone()), (S::Open, vec![S::Responded, S::AmountDue]));
    assert_eq!(t.letters, vec![LetterType::Acknowledgement]);
    assert_eq!(t.events[0].action(), "case.status_changed");
    assert_eq!(t.events[0].details()["through"], serde_json::json!(["responded"]));
    assert_eq!(t.case.balance(), Balance { due: usd(200), paid: Cents::ZERO });
    assert!(t.disposed.is_empty());
}

#[test]
fn a_request_for_an_offer_goes_to_the_prosecutor() {
    let t = ok(&ticket(&[135, 65]), Action::PleaReceived { pleas: vec![(1, Guilty), (2, RequestOffer)] });
    assert_eq!(t.path, vec![S::Responded, S::InReview]);
    assert_eq!(t.case.balance().due, usd(135), "the guilty charge is owed already");
}

#[test]
fn not_guilty_sets_a_hearing_for_that_charge() {
    let t = ok(&ticket(&[135, 65]), Action::PleaReceived { pleas: vec![(1, NotGuilty), (2, Guilty)] });
    assert_eq!(t.path, vec![S::HearingSet], "straight from open, as drawn");
    assert_eq!(t.disposed, vec![(1, Disposition::HearingSet)]);
    assert_eq!(t.events[1].action(), "charges.disposed");
    assert_eq!(t.letters, vec![LetterType::Acknowledgement]);
}

#[test]
fn charges_not_answerable_by_mail_set_a_hearing() {
    let t = ok(&ticket(&[0, 65]), Action::Ineligible);
    assert_eq!(t.path, vec![S::HearingSet]);
    assert_eq!(t.disposed, vec![(1, Disposition::HearingSet), (2, Disposition::HearingSet)]);
    assert_eq!(t.letters, vec![LetterType::Hearing]);
}

#[test]
fn no_response_by_the_deadline_is_a_default() {
    let case = ticket(&[135]);
    assert_eq!(
        refusal(&case, Action::DeadlinePassed { today: day(10) }),
        "the response deadline (2026-12-10) has not passed yet"
    );
    let t = ok(&case, Action::DeadlinePassed { today: day(11) });
    assert_eq!(t.path, vec![S::Default]);
    assert_eq!(t.disposed, vec![(1, Disposition::DefaultJudgment)]);
    assert_eq!(t.letters, vec![LetterType::DefaultNotice]);
    let answered = plead(&case, &[Guilty]);
    assert!(refusal(&answered, Action::DeadlinePassed { today: day(11) })
        .contains("only a case with no plea at all defaults"));
}

#[test]
fn an_offer_covers_exactly_the_charges_asked_about() {
    let review = plead(&ticket(&[135, 65, 100]), &[Guilty, RequestOffer, RequestOffer]);
    assert_eq!(
        refusal(&review, offer(1, &[(2, 70)])),
        "the offer leaves out charge 3, on which the defendant asked for an offer"
    );
    assert!(refusal(&review, offer(1, &[(1, 70), (2, 70), (3, 0)])).starts_with("charge 1 has no request for an offer"));
    assert_eq!(refusal(&review, offer(1, &[(2, 70), (9, 0)])), "charge 9 is not on this ticket");
    let t = ok(&review, offer(1, &[(2, 70), (3, 0)]));
    assert_eq!(t.path, vec![S::OfferPending]);
    assert_eq!(t.letters, vec![LetterType::Offer]);
    let amended = ok(&t.case, offer(2, &[(2, 50), (3, 0)]));
    assert!(amended.path.is_empty(), "an amended offer keeps the case where it is");
    assert_eq!(amended.events[0].action(), "offer.amended");
    assert_eq!(amended.case.offer.as_ref().map(|o| o.id), Some(2));
}

#[test]
fn an_accepted_offer_makes_the_amended_fines_due() {
    let pending = ok(&plead(&ticket(&[135, 65]), &[Guilty, RequestOffer]), offer(7, &[(2, 30)])).case;
    assert_eq!(
        refusal(&pending, Action::OfferAccepted { offer_id: 6 }),
        "offer 6 is not the offer pending on this case"
    );
    let t = ok(&pending, Action::OfferAccepted { offer_id: 7 });
    assert_eq!(t.path, vec![S::AmountDue]);
    assert_eq!(t.case.balance().due, usd(165));
    assert_eq!(t.letters, vec![LetterType::AmountDue]);
    assert_eq!(t.events.iter().map(|e| e.action()).collect::<Vec<_>>(), ["case.status_changed", "offer.accepted"]);
}

#[test]
fn an_offer_that_leaves_nothing_to_pay_resolves_the_case() {
    let pending = ok(&plead(&ticket(&[135]), &[RequestOffer]), offer(1, &[(1, 0)])).case;
    let t = ok(&pending, Action::OfferAccepted { offer_id: 1 });
    assert_eq!(t.path, vec![S::AmountDue, S::Resolved]);
    assert_eq!(t.disposed, vec![(1, Disposition::PaidAmended)]);
    assert_eq!(t.letters, vec![LetterType::Outcome]);
}

#[test]
fn a_declined_rejected_withdrawn_or_expired_offer_sets_a_hearing() {
    let review = plead(&ticket(&[135, 65]), &[Guilty, RequestOffer]);
    let declined = ok(&review, Action::OfferDeclined);
    assert_eq!(declined.path, vec![S::HearingSet]);
    assert_eq!(declined.disposed, vec![(2, Disposition::HearingSet)], "only the charge asked about");
    assert_eq!(declined.letters, vec![LetterType::Hearing]);
    let pending = ok(&review, offer(1, &[(2, 30)])).case;
    for (action, name) in [
        (Action::OfferRejected { offer_id: 1 }, "offer.rejected"),
        (Action::OfferWithdrawn { offer_id: 1 }, "offer.withdrawn"),
        (Action::OfferExpired { offer_id: 1, today: day(21) }, "offer.expired"),
    ] {
        let t = ok(&pending, action);
        assert_eq!((t.path.clone(), t.events[1].action()), (vec![S::HearingSet], name));
        assert_eq!(t.case.offer, None);
    }
    assert_eq!(
        refusal(&pending, Action::OfferExpired { offer_id: 1, today: day(20) }),
        "the offer runs until 2026-12-20; it has not expired"
    );
}

#[test]
fn paid_in_two_parts_the_case_is_resolved() {
    let due = plead(&ticket(&[135, 65]), &[Guilty, NoContest]);
    let part = ok(&due, pay(1, 100));
    assert!(part.path.is_empty() && part.letters.is_empty(), "a part payment changes only the balance");
    assert_eq!(part.case.balance().outstanding(), usd(100));
    assert_eq!(part.events[0].details()["balance"], serde_json::json!({"due_cents": 20000, "paid_cents": 10000}));
    let full = ok(&part.case, pay(2, 100));
    assert_eq!(full.path, vec![S::Resolved]);
    assert_eq!(full.disposed, vec![(1, Disposition::PaidAsCharged), (2, Disposition::PaidAsCharged)]);
    assert_eq!(full.letters, vec![LetterType::Outcome]);
    assert_eq!(full.case.balance().outstanding(), Cents::ZERO);
}

#[test]
fn an_overpayment_is_flagged_not_a_negative_due() {
    let t = ok(&plead(&ticket(&[135]), &[Guilty]), pay(1, 200));
    assert_eq!(t.case.balance().overpaid(), usd(65));
    assert_eq!(t.case.balance().outstanding(), Cents::ZERO);
    assert!(t.events.iter().any(|e| e.action() == "payment.overpaid" && e.details()["overpaid_cents"] == 6500));
}

#[test]
fn a_bounced_check_brings_the_balance_back() {
    let resolved = ok(&plead(&ticket(&[135]), &[Guilty]), pay(1, 135)).case;
    assert_eq!(resolved.status, S::Resolved);
    let t = ok(&resolved, Action::PaymentReversed { payment_id: 1 });
    assert_eq!(t.path, vec![S::AmountDue]);
    assert_eq!(t.undisposed, vec![1]);
    assert_eq!(t.case.balance().outstanding(), usd(135));
    assert_eq!(t.letters, vec![LetterType::AmountDue]);
    assert_eq!(refusal(&t.case, Action::PaymentReversed { payment_id: 1 }), "payment 1 was already reversed");
    assert_eq!(refusal(&t.case, Action::PaymentReversed { payment_id: 2 }), "payment 2 is not on this case");
}

#[test]
fn a_plea_is_set_aside_only_while_nothing_was_built_on_it() {
    let due = plead(&ticket(&[135]), &[Guilty]);
    let t = ok(&due, Action::PleaSetAside);
    assert_eq!(t.path, vec![S::Open]);
    assert_eq!(t.case.pleas(), vec![]);
    let paid = ok(&due, pay(1, 10)).case;
    assert_eq!(
        refusal(&paid, Action::PleaSetAside),
        "a payment is on file for the first plea; correct the case before replacing its plea"
    );
    let hearing = plead(&ticket(&[135]), &[NotGuilty]);
    assert_eq!(
        refusal(&hearing, Action::PleaSetAside),
        "a plea cannot be set aside on a case with a hearing set; correct the case before replacing its plea"
    );
    let mut moved = due.clone();
    moved.status = S::InReview;
    assert!(refusal(&moved, Action::PleaSetAside).contains("moved on since the first plea (it is in_review)"));
}

#[test]
fn refusals_say_why_in_words() {
    let default = ok(&ticket(&[135]), Action::DeadlinePassed { today: day(11) }).case;
    assert_eq!(refusal(&default, pay(1, 135)), "a payment cannot be recorded on a case in default");
    let open = ticket(&[135]);
    assert_eq!(refusal(&open, pay(1, 135)), "a payment cannot be recorded on a case still open (no plea yet)");
    let due = plead(&open, &[Guilty]);
    assert!(refusal(&due, Action::PleaReceived { pleas: vec![(1, NotGuilty)] }).contains("a later one is a duplicate"));
    assert_eq!(
        refusal(&open, Action::PleaReceived { pleas: vec![(1, Guilty), (1, NotGuilty)] }),
        "charge 1 is answered twice; give one plea per charge"
    );
    assert_eq!(refusal(&open, Action::PleaReceived { pleas: vec![] }), "a plea must answer at least one charge");
    assert_eq!(refusal(&due, pay(1, 0)), "a payment must be more than $0.00");
    let review = plead(&ticket(&[135]), &[RequestOffer]);
    assert!(refusal(&review, pay(1, 10)).starts_with("nothing is owed on this case now (due $0.00, paid $0.00)"));
}

#[test]
fn where_the_pleas_send_a_case() {
    assert_eq!(after_pleas(&[Guilty, NoContest]), S::AmountDue);
    assert_eq!(after_pleas(&[Guilty, RequestOffer]), S::InReview);
    assert_eq!(after_pleas(&[RequestOffer, NotGuilty]), S::HearingSet);
}
