//! The daily deadline job's one rule: given a case's dates and the court date `as_of`, what is due
//! on it today — a reminder before the response deadline or the day a fine is due, a default once
//! the answer is late past the grace for mail, an offer's expiry — and the lifecycle action that
//! does it. Pure: the service loads the cases, asks [`plan`], and applies each [`Due`] once (its
//! [`Due::key`] is stored with it).

use super::deadline::{CourtCalendar, DeadlineRules};
use super::lifecycle::Action;
use super::CaseStatus;
use chrono::NaiveDate;

/// What the job does to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueKind {
    ResponseReminder,
    PaymentReminder,
    Default,
    OfferExpired,
}

impl DueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DueKind::ResponseReminder => "response_reminder",
            DueKind::PaymentReminder => "payment_reminder",
            DueKind::Default => "default",
            DueKind::OfferExpired => "offer_expired",
        }
    }
}

/// A case's dates as the job sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDue {
    pub citation_id: i64,
    pub status: CaseStatus,
    pub response_due: NaiveDate,
    /// The latest fix-by date of a deficiency notice sent on the case (never before the response
    /// deadline): a default waits for it too.
    pub fix_by: Option<NaiveDate>,
    /// When the fine of the plea that stands is due (`next_steps::pay_by`).
    pub pay_by: Option<NaiveDate>,
    /// The pending offer's id and last day.
    pub offer: Option<(i64, NaiveDate)>,
}

/// One thing due on a case today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub citation_id: i64,
    pub kind: DueKind,
    /// The deadline it is about.
    pub due_on: NaiveDate,
    /// Days before `due_on` (reminders); 0 otherwise.
    pub lead_days: u32,
    pub action: Action,
}

impl Due {
    /// What makes it happen once: the case, the kind, the deadline and the lead.
    pub fn key(&self) -> (i64, DueKind, NaiveDate, u32) {
        (self.citation_id, self.kind, self.due_on, self.lead_days)
    }
}

/// What is due on `case` on `as_of` (at most one thing: a case is in one status).
pub fn plan(case: &CaseDue, as_of: NaiveDate, rules: &DeadlineRules, calendar: &CourtCalendar) -> Option<Due> {
    let due = |kind, due_on, lead_days, action| Due { citation_id: case.citation_id, kind, due_on, lead_days, action };
    match case.status {
        CaseStatus::Open => {
            let answer_by = case.fix_by.map_or(case.response_due, |f| f.max(case.response_due));
            if as_of >= rules.default_from(answer_by, calendar) {
                return Some(due(DueKind::Default, case.response_due, 0, Action::DeadlinePassed { today: as_of }));
            }
            let lead = rules.response_reminders.due(case.response_due, as_of)?;
            Some(due(DueKind::ResponseReminder, case.response_due, lead, Action::ReminderDue))
        }
        CaseStatus::AmountDue => {
            let pay_by = case.pay_by?;
            let lead = rules.payment_reminders.due(pay_by, as_of)?;
            Some(due(DueKind::PaymentReminder, pay_by, lead, Action::ReminderDue))
        }
        CaseStatus::OfferPending => {
            let (offer_id, expires_on) = case.offer?;
            (as_of > expires_on)
                .then(|| due(DueKind::OfferExpired, expires_on, 0, Action::OfferExpired { offer_id, today: as_of }))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::deadline::ReminderLeads;
    use crate::domain::lifecycle::{self, Case, Charge};
    use crate::domain::Cents;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn open(response_due: &str) -> CaseDue {
        CaseDue {
            citation_id: 1,
            status: CaseStatus::Open,
            response_due: d(response_due),
            fix_by: None,
            pay_by: None,
            offer: None,
        }
    }

    fn kinds(case: &CaseDue, days: &[&str]) -> Vec<Option<(DueKind, u32)>> {
        let cal = CourtCalendar::new([d("2026-12-25")]);
        let rules = DeadlineRules::default();
        days.iter().map(|day| plan(case, d(day), &rules, &cal).map(|p| (p.kind, p.lead_days))).collect()
    }

    #[test]
    fn an_unanswered_ticket_is_reminded_then_defaulted() {
        // Due Monday 2026-12-07: reminders 7 and 2 days before; 5 days' grace, then the next
        // business day (Monday the 14th).
        let case = open("2026-12-07");
        use DueKind::*;
        assert_eq!(
            kinds(
                &case,
                &["2026-11-29", "2026-11-30", "2026-12-04", "2026-12-05", "2026-12-07", "2026-12-13", "2026-12-14"]
            ),
            [
                None,
                Some((ResponseReminder, 7)),
                Some((ResponseReminder, 7)),
                Some((ResponseReminder, 2)),
                None,
                None,
                Some((Default, 0))
            ]
        );
        // A deficient plea's fix-by date holds the default back.
        let cured = CaseDue { fix_by: Some(d("2026-12-18")), ..case };
        assert_eq!(kinds(&cured, &["2026-12-14", "2026-12-28"]), [None, Some((Default, 0))]);
    }

    #[test]
    fn payments_offers_and_other_statuses() {
        let due = CaseDue { status: CaseStatus::AmountDue, pay_by: Some(d("2026-12-30")), ..open("2026-12-07") };
        assert_eq!(
            kinds(&due, &["2026-12-22", "2026-12-23", "2026-12-31"]),
            [None, Some((DueKind::PaymentReminder, 7)), None]
        );
        let offer =
            CaseDue { status: CaseStatus::OfferPending, offer: Some((9, d("2026-12-20"))), ..open("2026-12-07") };
        assert_eq!(kinds(&offer, &["2026-12-20", "2026-12-21"]), [None, Some((DueKind::OfferExpired, 0))]);
        let cal = CourtCalendar::default();
        let p = plan(&offer, d("2026-12-21"), &DeadlineRules::default(), &cal).unwrap();
        assert_eq!(p.action, Action::OfferExpired { offer_id: 9, today: d("2026-12-21") });
        assert_eq!(p.key(), (1, DueKind::OfferExpired, d("2026-12-20"), 0));
        for status in [CaseStatus::Resolved, CaseStatus::HearingSet, CaseStatus::Default, CaseStatus::InReview] {
            assert_eq!(kinds(&CaseDue { status, ..open("2026-12-07") }, &["2026-12-04", "2027-06-01"]), [None, None]);
        }
        let quiet = DeadlineRules { response_reminders: ReminderLeads::default(), ..DeadlineRules::default() };
        assert_eq!(plan(&open("2026-12-07"), d("2026-12-05"), &quiet, &cal), None, "reminders turned off");
    }

    proptest! {
        /// Whatever day the job runs, what it plans is an action the lifecycle takes on the case
        /// (never a default before the deadline, never a reminder the rules refuse).
        #[test]
        fn every_plan_is_allowed_by_the_lifecycle(offset in -30i64..60, grace in 0u32..10, status_pick in 0usize..3) {
            let status = [CaseStatus::Open, CaseStatus::AmountDue, CaseStatus::OfferPending][status_pick];
            let response_due = d("2026-12-07");
            let as_of = response_due + chrono::Duration::days(offset);
            let rules = DeadlineRules { default_grace_days: grace, ..DeadlineRules::default() };
            let cal = CourtCalendar::new([d("2026-12-25")]);
            let dates = CaseDue { status, pay_by: Some(d("2026-12-20")), offer: Some((3, d("2026-12-15"))), ..open("2026-12-07") };
            let mut case = Case::new(response_due, vec![Charge::new(1, Cents::new(5_000).unwrap())]);
            case.status = status;
            if status == CaseStatus::OfferPending {
                case.offer = Some(lifecycle::Offer { id: 3, expires_on: d("2026-12-15"), charges: vec![] });
            }
            if let Some(p) = plan(&dates, as_of, &rules, &cal) {
                prop_assert!(lifecycle::apply(&case, p.action.clone()).is_ok(), "{p:?} on {status}");
                if p.kind == DueKind::Default {
                    prop_assert!((as_of - response_due).num_days() > i64::from(grace));
                }
            }
        }
    }
}
