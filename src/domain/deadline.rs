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
