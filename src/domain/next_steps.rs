//! What happens next on a case, charge by charge, once the resident has chosen their pleas — the
//! one place that decides what the confirmation page, the receipt, the emails and the status page
//! say about money, dates and court. Pure: callers pass in the court's date and rules.
//!
//! A ticket can mix charges answered by mail with charges that need a court appearance (speeding
//! 25+ mph with a seat-belt charge): the by-mail answer never cancels the appearance, and every
//! text built from [`NextSteps`] must say so ([`NextSteps::appearance`]).

use super::deadline::CourtCalendar;
use super::eligibility::Reason;
use super::{Cents, PenaltyClass, Plea};
use chrono::{Days, NaiveDate};

/// The court's rules for the time after a plea. They differ court by court (configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterPleaRules {
    /// Calendar days to pay a fine after the plea, rolled forward to a business day.
    pub payment_days: u32,
    /// Business days the prosecutor takes to review a request for an offer.
    pub offer_review_business_days: u32,
    /// Calendar days a deficiency notice gives to send a corrected plea (never before the
    /// response deadline; rolled forward to a business day: `domain::deficiency::fix_by`).
    pub cure_days: u32,
}

impl Default for AfterPleaRules {
    fn default() -> Self {
        AfterPleaRules { payment_days: 30, offer_review_business_days: 10, cure_days: 14 }
    }
}

/// One charge as the resident saw it: what it costs and how it was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChargeAnswer {
    pub seq: i32,
    pub fine: Cents,
    pub points: i32,
    pub class: Option<PenaltyClass>,
    /// The plea made by mail, or `None` when this charge could not be answered by mail.
    pub plea: Option<Plea>,
    /// Why the charge could not be answered by mail (only with `plea: None`).
    pub not_by_mail: Option<Reason>,
}

/// What happens next for one charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChargeNext {
    /// Guilty or no contest: this fine is due by this date.
    Pay { amount_cents: i64, pay_by: NaiveDate },
    /// Not guilty: a hearing will be set; the court sends a notice with its date, time and place.
    Hearing,
    /// A request for an offer: the prosecutor answers by `answer_by`; until an offer is accepted
    /// the court date on the ticket still stands.
    OfferReview { answer_by: NaiveDate, court_date: NaiveDate },
    /// This charge needs a court appearance on the court date, whatever was pleaded by mail.
    Appear { court_date: NaiveDate },
}

/// One charge's line in "what happens next".
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ChargeStep {
    pub seq: i32,
    pub plea: Option<Plea>,
    pub fine_cents: i64,
    pub points: i32,
    pub misdemeanor: bool,
    #[serde(flatten)]
    pub next: ChargeNext,
}

/// The whole case's next steps.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NextSteps {
    pub charges: Vec<ChargeStep>,
    /// What is due now (guilty and no-contest fines), in cents.
    pub amount_due_cents: i64,
    /// When that amount is due; `None` when nothing is due.
    pub pay_by: Option<NaiveDate>,
    /// The court date the person must still attend, when any charge needs an appearance.
    pub appearance: Option<NaiveDate>,
    /// The charges that need that appearance.
    pub appear_for: Vec<i32>,
    /// When the prosecutor will answer a request for an offer, if one was made.
    pub offer_answer_by: Option<NaiveDate>,
    /// True when a not-guilty plea means a hearing notice will follow.
    pub hearing_notice: bool,
}

/// Is this class a misdemeanor (a criminal conviction, with the consequences that can carry)?
pub fn is_misdemeanor(class: Option<PenaltyClass>) -> bool {
    matches!(class, Some(PenaltyClass::Misdemeanor300d | PenaltyClass::Misdemeanor1y))
}

/// When a fine answered on `pleaded_on` (the court's date) must be paid: the court's payment
/// window, rolled forward to a business day.
pub fn pay_by(pleaded_on: NaiveDate, rules: AfterPleaRules, calendar: &CourtCalendar) -> NaiveDate {
    calendar.roll_forward(pleaded_on.checked_add_days(Days::new(rules.payment_days.into())).unwrap_or(pleaded_on))
}

/// The next steps after pleas made on `pleaded_on` (the court's date).
pub fn next_steps(
    charges: &[ChargeAnswer],
    court_date: NaiveDate,
    pleaded_on: NaiveDate,
    rules: AfterPleaRules,
    calendar: &CourtCalendar,
) -> NextSteps {
    let pay_by = pay_by(pleaded_on, rules, calendar);
    let answer_by = add_business_days(calendar, pleaded_on, rules.offer_review_business_days);
    let steps: Vec<ChargeStep> = charges
        .iter()
        .map(|c| {
            let next = match c.plea {
                Some(Plea::Guilty | Plea::NoContest) => ChargeNext::Pay { amount_cents: c.fine.get(), pay_by },
                Some(Plea::NotGuilty) => ChargeNext::Hearing,
                Some(Plea::RequestOffer) => ChargeNext::OfferReview { answer_by, court_date },
                None => ChargeNext::Appear { court_date },
            };
            ChargeStep {
                seq: c.seq,
                plea: c.plea,
                fine_cents: c.fine.get(),
                points: c.points,
                misdemeanor: is_misdemeanor(c.class),
                next,
            }
        })
        .collect();
    let amount_due_cents = amount_due(&steps);
    let appear_for: Vec<i32> =
        steps.iter().filter(|s| matches!(s.next, ChargeNext::Appear { .. })).map(|s| s.seq).collect();
    NextSteps {
        amount_due_cents,
        pay_by: (amount_due_cents > 0).then_some(pay_by),
        appearance: (!appear_for.is_empty()).then_some(court_date),
        appear_for,
        offer_answer_by: steps.iter().any(|s| matches!(s.next, ChargeNext::OfferReview { .. })).then_some(answer_by),
        hearing_notice: steps.iter().any(|s| s.next == ChargeNext::Hearing),
        charges: steps,
    }
}

/// What the guilty and no-contest charges (and accepted offers) make due, in cents.
fn amount_due(steps: &[ChargeStep]) -> i64 {
    steps
        .iter()
        .map(|s| match s.next {
            ChargeNext::Pay { amount_cents, .. } => amount_cents,
            _ => 0,
        })
        .sum()
}

/// How a request for an offer on one charge has been decided since the pleas (from the case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decided {
    pub seq: i32,
    /// The fine of the offer the defendant accepted.
    pub amended_fine: Option<Cents>,
    /// The request ended without an offer taken (declined, withdrawn, rejected, expired).
    pub hearing: bool,
}

/// What happened after the pleas changes the next steps of the charges that awaited an offer: an
/// accepted offer makes its amended fine due by `pay_by`; a request that ended without one goes to
/// a hearing. A charge still in review keeps its step.
pub fn after_decisions(steps: &mut NextSteps, decided: &[Decided], pay_by: NaiveDate) {
    for s in steps.charges.iter_mut().filter(|s| matches!(s.next, ChargeNext::OfferReview { .. })) {
        match decided.iter().find(|d| d.seq == s.seq) {
            Some(Decided { amended_fine: Some(fine), .. }) => {
                s.next = ChargeNext::Pay { amount_cents: fine.get(), pay_by }
            }
            Some(Decided { hearing: true, .. }) => s.next = ChargeNext::Hearing,
            _ => {}
        }
    }
    steps.amount_due_cents = amount_due(&steps.charges);
    steps.pay_by = (steps.amount_due_cents > 0).then_some(steps.pay_by.unwrap_or(pay_by));
    if !steps.charges.iter().any(|s| matches!(s.next, ChargeNext::OfferReview { .. })) {
        steps.offer_answer_by = None;
    }
    steps.hearing_notice = steps.charges.iter().any(|s| s.next == ChargeNext::Hearing);
}

/// Calendar days a default notice gives to ask for the judgment to be set aside.
pub const SET_ASIDE_DAYS: u32 = 7;

/// The last day to ask for a default judgment to be set aside, after a notice dated `notice_on`:
/// [`SET_ASIDE_DAYS`] later, rolled forward to a business day.
pub fn set_aside_by(notice_on: NaiveDate, calendar: &CourtCalendar) -> NaiveDate {
    calendar.roll_forward(notice_on.checked_add_days(Days::new(SET_ASIDE_DAYS.into())).unwrap_or(notice_on))
}

/// `n` business days after `from` (not counting `from` itself).
pub fn add_business_days(calendar: &CourtCalendar, from: NaiveDate, n: u32) -> NaiveDate {
    let mut d = from;
    let mut left = n;
    // Bounded: a calendar closed for a year is not real; stop rather than loop forever.
    for _ in 0..(n as usize + 366) {
        if left == 0 {
            break;
        }
        d = d.succ_opt().unwrap_or(d);
        if calendar.is_business_day(d) {
            left -= 1;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn charge(seq: i32, dollars: i64, plea: Option<Plea>) -> ChargeAnswer {
        ChargeAnswer {
            seq,
            fine: Cents::new(dollars * 100).unwrap(),
            points: 4,
            class: Some(PenaltyClass::Infraction),
            plea,
            not_by_mail: plea.is_none().then_some(Reason::MustAppear),
        }
    }

    #[test]
    fn a_mixed_ticket_still_needs_the_court_date() {
        // Speeding 25+ (must appear) with a seat-belt charge pleaded guilty by mail.
        let cal = CourtCalendar::default();
        let steps = next_steps(
            &[charge(1, 0, None), charge(2, 65, Some(Plea::Guilty))],
            d("2026-12-16"),
            d("2026-11-30"),
            AfterPleaRules::default(),
            &cal,
        );
        assert_eq!(steps.appearance, Some(d("2026-12-16")));
        assert_eq!(steps.appear_for, vec![1]);
        assert_eq!(steps.amount_due_cents, 6500);
        // 30 days after Monday 2026-11-30 is Wednesday 2026-12-30.
        assert_eq!(steps.pay_by, Some(d("2026-12-30")));
        assert_eq!(steps.charges[0].next, ChargeNext::Appear { court_date: d("2026-12-16") });
    }

    #[test]
    fn a_default_judgment_can_be_set_aside_for_seven_days_then_the_next_business_day() {
        let cal = CourtCalendar::new([d("2026-12-07")]);
        // Monday 2026-11-23 + 7 = Monday 2026-11-30.
        assert_eq!(set_aside_by(d("2026-11-23"), &cal), d("2026-11-30"));
        // Saturday 2026-11-28 + 7 = Saturday 2026-12-05 → Monday 2026-12-07 is a holiday → Tuesday.
        assert_eq!(set_aside_by(d("2026-11-28"), &cal), d("2026-12-08"));
    }

    #[test]
    fn pay_by_rolls_past_weekends_and_holidays() {
        // 30 days after 2026-12-02 is Friday 2027-01-01, a holiday → Monday 2027-01-04.
        let cal = CourtCalendar::new([d("2027-01-01")]);
        let steps = next_steps(
            &[charge(1, 100, Some(Plea::NoContest))],
            d("2027-02-01"),
            d("2026-12-02"),
            AfterPleaRules::default(),
            &cal,
        );
        assert_eq!(steps.pay_by, Some(d("2027-01-04")));
        assert_eq!(steps.appearance, None);
    }

    #[test]
    fn nothing_due_means_no_pay_by_date() {
        let cal = CourtCalendar::default();
        let steps = next_steps(
            &[charge(1, 100, Some(Plea::NotGuilty)), charge(2, 50, Some(Plea::RequestOffer))],
            d("2027-01-20"),
            d("2026-11-30"),
            AfterPleaRules::default(),
            &cal,
        );
        assert_eq!(steps.amount_due_cents, 0);
        assert_eq!(steps.pay_by, None);
        assert!(steps.hearing_notice);
        // Ten business days after Monday 2026-11-30: Monday 2026-12-14.
        assert_eq!(steps.offer_answer_by, Some(d("2026-12-14")));
        assert_eq!(
            steps.charges[1].next,
            ChargeNext::OfferReview { answer_by: d("2026-12-14"), court_date: d("2027-01-20") }
        );
    }

    #[test]
    fn an_accepted_offer_makes_its_fine_due_and_a_refused_request_a_hearing() {
        let cal = CourtCalendar::default();
        let pleas = [charge(1, 100, Some(Plea::RequestOffer)), charge(2, 50, Some(Plea::RequestOffer))];
        let fresh = || next_steps(&pleas, d("2027-01-20"), d("2026-11-30"), AfterPleaRules::default(), &cal);
        let pay_by = d("2026-12-30");
        let accepted = |seq, fine| Decided { seq, amended_fine: Some(Cents::new(fine).unwrap()), hearing: false };

        let mut steps = fresh();
        after_decisions(&mut steps, &[accepted(1, 4_000), accepted(2, 2_500)], pay_by);
        assert_eq!((steps.amount_due_cents, steps.pay_by, steps.offer_answer_by), (6_500, Some(pay_by), None));
        assert_eq!(steps.charges[0].next, ChargeNext::Pay { amount_cents: 4_000, pay_by });

        let mut steps = fresh();
        let refused = [Decided { seq: 1, amended_fine: None, hearing: true }];
        after_decisions(&mut steps, &refused, pay_by);
        assert_eq!(steps.charges[0].next, ChargeNext::Hearing);
        assert!(steps.hearing_notice);
        // Charge 2 is still in review: its step and the answer date stand, nothing is due.
        assert!(matches!(steps.charges[1].next, ChargeNext::OfferReview { .. }));
        assert_eq!((steps.amount_due_cents, steps.pay_by), (0, None));
        assert!(steps.offer_answer_by.is_some());

        let mut untouched = fresh();
        after_decisions(&mut untouched, &[], pay_by);
        assert_eq!(untouched, fresh(), "nothing decided changes nothing");
    }

    #[test]
    fn business_days_skip_holidays() {
        let cal = CourtCalendar::new([d("2026-12-25")]);
        // Thursday 2026-12-24 + 1 business day: Friday is a holiday → Monday 2026-12-28.
        assert_eq!(add_business_days(&cal, d("2026-12-24"), 1), d("2026-12-28"));
        assert_eq!(add_business_days(&cal, d("2026-12-24"), 0), d("2026-12-24"));
    }

    #[test]
    fn misdemeanors_are_named() {
        assert!(is_misdemeanor(Some(PenaltyClass::Misdemeanor1y)));
        assert!(is_misdemeanor(Some(PenaltyClass::Misdemeanor300d)));
        assert!(!is_misdemeanor(Some(PenaltyClass::Petty60d)));
        assert!(!is_misdemeanor(None));
    }
}
