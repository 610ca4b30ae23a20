//! Deadlines are rules that differ court by court, computed on court calendar days and rolled past
//! weekends and holidays to the next business day.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use std::collections::BTreeSet;

/// What a response deadline is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseDueRule {
    /// The court date minus this many days (e.g. 10).
    BeforeCourtDate(u32),
    /// The date the ticket was issued plus this many days (e.g. 20).
    AfterIssued(u32),
}

impl ResponseDueRule {
    /// Parses `court_date-10` or `issued+20`.
    pub fn parse(s: &str) -> Result<Self, super::ParseError> {
        let s = s.trim();
        let bad = || super::ParseError::new(format!("'{s}' is not a deadline rule; write court_date-10 or issued+20"));
        if let Some(n) = s.strip_prefix("court_date-") {
            return n.parse().map(ResponseDueRule::BeforeCourtDate).map_err(|_| bad());
        }
        if let Some(n) = s.strip_prefix("issued+") {
            return n.parse().map(ResponseDueRule::AfterIssued).map_err(|_| bad());
        }
        Err(bad())
    }

    /// The response deadline for a ticket, on the court's calendar.
    pub fn response_due(self, issued_on: NaiveDate, court_date: NaiveDate, calendar: &CourtCalendar) -> NaiveDate {
        let raw = match self {
            ResponseDueRule::BeforeCourtDate(n) => court_date.checked_sub_days(Days::new(n.into())),
            ResponseDueRule::AfterIssued(n) => issued_on.checked_add_days(Days::new(n.into())),
        };
        calendar.roll_forward(raw.unwrap_or(court_date))
    }
}

impl std::fmt::Display for ResponseDueRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResponseDueRule::BeforeCourtDate(n) => write!(f, "court_date-{n}"),
            ResponseDueRule::AfterIssued(n) => write!(f, "issued+{n}"),
        }
    }
}

/// The days before a deadline on which a reminder goes out (e.g. 7 and 2), largest first, each
/// from 1 to 90; none at all turns the reminders off.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReminderLeads(Vec<u32>);

impl ReminderLeads {
    /// Parses `7,2` (any order, spaces allowed); an empty text is no reminders.
    pub fn parse(s: &str) -> Result<Self, super::ParseError> {
        let mut leads = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.parse::<u32>() {
                Ok(n) if (1..=90).contains(&n) => leads.push(n),
                _ => {
                    return Err(super::ParseError::new(format!(
                        "'{part}' is not a number of days from 1 to 90; write the days before the deadline like 7,2"
                    )))
                }
            }
        }
        leads.sort_unstable_by(|a, b| b.cmp(a));
        leads.dedup();
        if leads.len() > 5 {
            return Err(super::ParseError::new("at most 5 reminders before one deadline"));
        }
        Ok(ReminderLeads(leads))
    }

    pub fn days(&self) -> &[u32] {
        &self.0
    }

    /// The reminder due on `today` for a deadline on `due_on`: the one whose day (the deadline
    /// minus its lead) came last on or before today — so a day the job did not run is caught up
    /// with one reminder, never two at once. `None` once the deadline has come, or while no
    /// reminder's day has.
    pub fn due(&self, due_on: NaiveDate, today: NaiveDate) -> Option<u32> {
        let left = u32::try_from((due_on - today).num_days()).ok().filter(|l| *l >= 1)?;
        self.0.iter().copied().filter(|lead| *lead >= left).min()
    }
}

impl std::fmt::Display for ReminderLeads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let days: Vec<String> = self.0.iter().map(u32::to_string).collect();
        f.write_str(&days.join(","))
    }
}

/// A court's deadline rules (its configuration; `pleadesk` shows them on the console's court
/// profile page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineRules {
    /// How the response deadline is counted.
    pub response_due: ResponseDueRule,
    /// Calendar days a plea offer stays open from the day it is made (the expiry the review form
    /// proposes; the prosecutor may change it), rolled forward to a business day ([`DeadlineRules::offer_expires_on`]).
    pub offer_days: u32,
    /// Reminders before the response deadline, to a defendant who has not answered.
    pub response_reminders: ReminderLeads,
    /// Reminders before the day a fine is due, while it is unpaid.
    pub payment_reminders: ReminderLeads,
    /// Calendar days after the response deadline before a default is entered, so that a plea
    /// mailed by the deadline (mail counts by its postmark) can still arrive and be keyed.
    pub default_grace_days: u32,
}

impl Default for DeadlineRules {
    fn default() -> Self {
        DeadlineRules {
            response_due: ResponseDueRule::BeforeCourtDate(10),
            offer_days: 21,
            response_reminders: ReminderLeads(vec![7, 2]),
            payment_reminders: ReminderLeads(vec![7]),
            default_grace_days: 5,
        }
    }
}

impl DeadlineRules {
    /// The last day to accept an offer made on `made_on`.
    pub fn offer_expires_on(&self, made_on: NaiveDate, calendar: &CourtCalendar) -> NaiveDate {
        calendar.roll_forward(made_on.checked_add_days(Days::new(self.offer_days.into())).unwrap_or(made_on))
    }

    /// The first day a default may be entered on a case whose answer was due on `response_due`:
    /// after the grace for mail in transit, on a business day.
    pub fn default_from(&self, response_due: NaiveDate, calendar: &CourtCalendar) -> NaiveDate {
        let after = response_due.checked_add_days(Days::new(u64::from(self.default_grace_days) + 1));
        calendar.roll_forward(after.unwrap_or(response_due))
    }
}

/// The days the court is closed besides weekends.
#[derive(Debug, Clone, Default)]
pub struct CourtCalendar {
    holidays: BTreeSet<NaiveDate>,
}

impl CourtCalendar {
    pub fn new(holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        CourtCalendar { holidays: holidays.into_iter().collect() }
    }

    pub fn is_business_day(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&d)
    }

    /// The first business day on or after `d`.
    pub fn roll_forward(&self, mut d: NaiveDate) -> NaiveDate {
        // A year of consecutive closures is not a real calendar; stop rather than loop forever.
        for _ in 0..366 {
            if self.is_business_day(d) {
                return d;
            }
            match d.succ_opt() {
                Some(next) => d = next,
                None => return d,
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn rolls_past_weekends_and_holidays() {
        let cal = CourtCalendar::new([d("2026-11-26"), d("2026-11-27")]); // Thanksgiving + Friday
        assert_eq!(cal.roll_forward(d("2026-11-26")), d("2026-11-30"));
        assert_eq!(cal.roll_forward(d("2026-11-25")), d("2026-11-25"));
        assert_eq!(cal.roll_forward(d("2026-11-28")), d("2026-11-30"));
    }

    #[test]
    fn rules() {
        let cal = CourtCalendar::default();
        let r = ResponseDueRule::parse("court_date-10").unwrap();
        // 2026-12-15 minus 10 days is Saturday 2026-12-05: rolls to Monday the 7th.
        assert_eq!(r.response_due(d("2026-10-03"), d("2026-12-15"), &cal), d("2026-12-07"));
        let r = ResponseDueRule::parse("issued+20").unwrap();
        assert_eq!(r.response_due(d("2026-10-03"), d("2026-12-15"), &cal), d("2026-10-23"));
        assert!(ResponseDueRule::parse("tomorrow").is_err());
    }

    #[test]
    fn reminder_leads() {
        let leads = ReminderLeads::parse(" 2, 7 ,7").unwrap();
        assert_eq!(leads.days(), [7, 2]);
        assert_eq!(leads.to_string(), "7,2");
        assert_eq!(ReminderLeads::parse("").unwrap().days(), [] as [u32; 0]);
        assert!(ReminderLeads::parse("0").is_err());
        assert!(ReminderLeads::parse("a week").is_err());
        assert!(ReminderLeads::parse("1,2,3,4,5,6").is_err());
        let due = d("2026-12-10");
        assert_eq!(leads.due(due, d("2026-12-02")), None, "8 days ahead: too early");
        assert_eq!(leads.due(due, d("2026-12-03")), Some(7));
        assert_eq!(leads.due(due, d("2026-12-05")), Some(7), "a missed day is caught up");
        assert_eq!(leads.due(due, d("2026-12-08")), Some(2));
        assert_eq!(leads.due(due, d("2026-12-09")), Some(2));
        assert_eq!(leads.due(due, due), None, "on the day: no reminder");
        assert_eq!(leads.due(due, d("2026-12-11")), None);
    }

    #[test]
    fn offers_and_defaults() {
        let cal = CourtCalendar::new([d("2026-12-25")]);
        let rules = DeadlineRules { offer_days: 14, ..DeadlineRules::default() };
        // 2026-12-11 + 14 = Friday 2026-12-25, a holiday: Monday the 28th.
        assert_eq!(rules.offer_expires_on(d("2026-12-11"), &cal), d("2026-12-28"));
        // Due Monday 2026-12-07; 5 days' grace ends Saturday the 12th: defaults from Monday the 14th.
        assert_eq!(rules.default_from(d("2026-12-07"), &cal), d("2026-12-14"));
        let none = DeadlineRules { default_grace_days: 0, ..rules };
        assert_eq!(none.default_from(d("2026-12-07"), &cal), d("2026-12-08"));
        assert_eq!(ResponseDueRule::parse("issued+20").unwrap().to_string(), "issued+20");
    }

    proptest! {
        #[test]
        fn a_reminder_is_only_due_before_its_deadline_and_within_its_lead(
            leads in proptest::collection::vec(1u32..=90, 0..5), ahead in -10i64..120,
        ) {
            let text: Vec<String> = leads.iter().map(u32::to_string).collect();
            let leads = ReminderLeads::parse(&text.join(",")).unwrap();
            let due = d("2026-12-10");
            let today = due - chrono::Duration::days(ahead);
            match leads.due(due, today) {
                Some(lead) => {
                    prop_assert!(leads.days().contains(&lead));
                    prop_assert!(ahead >= 1 && i64::from(lead) >= ahead);
                    // No smaller lead's day has come yet.
                    prop_assert!(leads.days().iter().all(|l| *l >= lead || i64::from(*l) < ahead));
                }
                None => prop_assert!(ahead < 1 || leads.days().iter().all(|l| i64::from(*l) < ahead)),
            }
        }

        #[test]
        fn a_default_is_never_before_the_grace_ends(days in 0u64..3_000, grace in 0u32..30) {
            let cal = CourtCalendar::new([d("2026-12-25"), d("2027-01-01")]);
            let due = d("2026-01-01").checked_add_days(Days::new(days)).unwrap();
            let rules = DeadlineRules { default_grace_days: grace, ..DeadlineRules::default() };
            let from = rules.default_from(due, &cal);
            prop_assert!((from - due).num_days() > i64::from(grace));
            prop_assert!(cal.is_business_day(from));
        }
    }

    proptest! {
        #[test]
        fn rolled_day_is_a_business_day_and_not_earlier(days in 0u64..20_000) {
            let cal = CourtCalendar::new([d("2026-12-25"), d("2027-01-01")]);
            let start = d("2000-01-01").checked_add_days(Days::new(days)).unwrap();
            let r = cal.roll_forward(start);
            prop_assert!(r >= start);
            prop_assert!(cal.is_business_day(r));
            prop_assert!((r - start).num_days() <= 4);
        }
    }
}
