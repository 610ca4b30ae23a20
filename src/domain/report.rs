//! The arithmetic of the reports (`GET /api/v1/reports/summary`, `/staff/reports`): the date
//! range a report covers, the weeks it is cut into, the age buckets of open cases, and the share
//! of cases resolved without a court appearance. Pure: "today" and the court's time zone are
//! passed in; the database counts, these rules say what the counts mean.

use super::CaseStatus;
use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// A report covers these many days when no range is asked for: the 90 days ending today.
pub const DEFAULT_DAYS: u64 = 90;
/// The longest range a report covers (a year, a leap year's included): its weeks stay few
/// enough to count in one query.
pub const MAX_DAYS: i64 = 366;

/// The statuses of a case that is still open: neither resolved, nor in default, nor set for a
/// hearing (the three ways a case leaves the program).
pub const OPEN: [CaseStatus; 5] =
    [CaseStatus::Open, CaseStatus::Responded, CaseStatus::InReview, CaseStatus::OfferPending, CaseStatus::AmountDue];

/// The statuses a case ends in: decided with (hearing_set, default) or without (resolved) a
/// court appearance.
pub const DECIDED: [CaseStatus; 3] = [CaseStatus::Resolved, CaseStatus::HearingSet, CaseStatus::Default];

/// The days a report covers, both ends included, as court dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    /// The range asked for: `from` and `to` as `YYYY-MM-DD` (either may be missing or empty:
    /// `to` defaults to `today`, `from` to 89 days before `to`). Every field that is wrong is
    /// named, with what to do.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
    ) -> Result<DateRange, BTreeMap<String, String>> {
        let mut errors = BTreeMap::new();
        let mut date = |field: &str, value: Option<&str>| match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Some(None),
            Some(v) => match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                Ok(d) => Some(Some(d)),
                Err(_) => {
                    errors.insert(field.to_string(), format!("'{v}' is not a date; write it as YYYY-MM-DD"));
                    None
                }
            },
        };
        let (from, to) = (date("from", from), date("to", to));
        let (Some(from), Some(to)) = (from, to) else { return Err(errors) };
        let to = to.unwrap_or(today);
        let from = from.unwrap_or_else(|| to - Days::new(DEFAULT_DAYS - 1));
        if to < from {
            errors.insert("to".into(), format!("the range ends ({to}) before it starts ({from})"));
        } else if (to - from).num_days() + 1 > MAX_DAYS {
            errors.insert("to".into(), format!("a report covers at most {MAX_DAYS} days; choose a shorter range"));
        }
        if errors.is_empty() {
            Ok(DateRange { from, to })
        } else {
            Err(errors)
        }
    }

    /// How many days the range covers.
    pub fn days(self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The weeks the range falls in, each by its Monday: the first may start before `from`, the
    /// last end after `to` (only the range's days are counted in them).
    pub fn weeks(self) -> Vec<NaiveDate> {
        let first = self.from - Days::new(u64::from(self.from.weekday().num_days_from_monday()));
        std::iter::successors(Some(first), |w| w.checked_add_days(Days::new(7))).take_while(|w| *w <= self.to).collect()
    }

    /// The instants (UTC) the range starts and ends at: midnight of `from` and of the day after
    /// `to` in the court's time zone (a time inside the range is `>= start` and `< end`).
    pub fn instants(self, tz: Tz) -> (NaiveDateTime, NaiveDateTime) {
        (day_start(tz, self.from), day_start(tz, self.to + Days::new(1)))
    }
}

/// Midnight at the start of court day `day`, in UTC (the first such instant on a day whose
/// midnight a clock change skips or repeats).
pub fn day_start(tz: Tz, day: NaiveDate) -> NaiveDateTime {
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    match tz.from_local_datetime(&midnight).earliest() {
        Some(t) => t.naive_utc(),
        // No midnight that day (a clock change at midnight): the hour after it.
        None => tz
            .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
            .earliest()
            .map_or(midnight, |t| t.naive_utc()),
    }
}

/// How long an open case has waited, in days since it was issued (court dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum AgeBucket {
    #[serde(rename = "0-30")]
    UpTo30,
    #[serde(rename = "31-60")]
    UpTo60,
    #[serde(rename = "61-90")]
    UpTo90,
    #[serde(rename = "91+")]
    Over90,
}

impl AgeBucket {
    pub const ALL: [AgeBucket; 4] = [AgeBucket::UpTo30, AgeBucket::UpTo60, AgeBucket::UpTo90, AgeBucket::Over90];

    /// The bucket of a case `days` old (a case issued later than today — a clock or a typo —
    /// counts as new).
    pub fn of(days: i64) -> AgeBucket {
        match days {
            ..=30 => AgeBucket::UpTo30,
            31..=60 => AgeBucket::UpTo60,
            61..=90 => AgeBucket::UpTo90,
            _ => AgeBucket::Over90,
        }
    }

    /// "0-30", "31-60", "61-90", "91+".
    pub fn key(self) -> &'static str {
        match self {
            AgeBucket::UpTo30 => "0-30",
            AgeBucket::UpTo60 => "31-60",
            AgeBucket::UpTo90 => "61-90",
            AgeBucket::Over90 => "91+",
        }
    }

    /// The latest issue dates of the older buckets as of `today`, youngest first: a case issued
    /// on or after the first is 0–30 days old, on or after the second 31–60, on or after the
    /// third 61–90, before it 91 or more. (Issued on `today − 30` → 30 days old.)
    pub fn boundaries(today: NaiveDate) -> [NaiveDate; 3] {
        [30, 60, 90].map(|d| today - Days::new(d))
    }
}

/// The share of cases resolved without a court appearance: among the cases decided in the range
/// (their last standing disposition dated in it, and their status now one of the three that
/// end a case), `resolved / (resolved + hearing_set + default)`. `None` when no case was
/// decided (no share of nothing). As a percentage with one decimal.
pub fn share_without_appearance(resolved: i64, hearing_set: i64, default: i64) -> Option<f64> {
    let decided = resolved + hearing_set + default;
    (decided > 0).then(|| (resolved as f64 * 1000.0 / decided as f64).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_default_range_is_the_last_90_days() {
        let r = DateRange::parse(None, None, d("2026-11-29")).unwrap();
        assert_eq!((r.from, r.to, r.days()), (d("2026-09-01"), d("2026-11-29"), 90));
        let r = DateRange::parse(Some(""), Some("2026-03-31"), d("2026-11-29")).unwrap();
        assert_eq!((r.from, r.to), (d("2026-01-01"), d("2026-03-31")));
    }

    #[test]
    fn bad_ranges_name_the_field() {
        let e = DateRange::parse(Some("2026-13-01"), Some("soon"), d("2026-11-29")).unwrap_err();
        assert!(e["from"].contains("YYYY-MM-DD") && e["to"].contains("'soon'"), "{e:?}");
        let e = DateRange::parse(Some("2026-05-02"), Some("2026-05-01"), d("2026-11-29")).unwrap_err();
        assert!(e["to"].contains("before it starts"), "{e:?}");
        assert!(!e.contains_key("from"));
        let e = DateRange::parse(Some("2025-01-01"), Some("2026-01-02"), d("2026-11-29")).unwrap_err();
        assert!(e["to"].contains("at most 366"), "{e:?}");
        assert!(DateRange::parse(Some("2024-01-01"), Some("2024-12-31"), d("2026-11-29")).is_ok(), "a leap year");
        let one = DateRange::parse(Some("2026-05-01"), Some("2026-05-01"), d("2026-11-29")).unwrap();
        assert_eq!(one.days(), 1);
    }

    #[test]
    fn weeks_start_on_the_monday_on_or_before_the_range() {
        // 2026-11-01 is a Sunday; 2026-11-02 a Monday.
        let r = DateRange { from: d("2026-11-01"), to: d("2026-11-16") };
        assert_eq!(r.weeks(), vec![d("2026-10-26"), d("2026-11-02"), d("2026-11-09"), d("2026-11-16")]);
        let r = DateRange { from: d("2026-11-02"), to: d("2026-11-08") };
        assert_eq!(r.weeks(), vec![d("2026-11-02")]);
        let r = DateRange { from: d("2026-11-04"), to: d("2026-11-04") };
        assert_eq!(r.weeks(), vec![d("2026-11-02")]);
    }

    #[test]
    fn instants_follow_the_courts_clock_changes() {
        let tz: Tz = "America/Denver".parse().unwrap();
        // Standard time (UTC−7) in March before the 8th, daylight time (UTC−6) after.
        let r = DateRange { from: d("2026-03-01"), to: d("2026-03-08") };
        let (start, end) = r.instants(tz);
        assert_eq!(start.to_string(), "2026-03-01 07:00:00");
        assert_eq!(end.to_string(), "2026-03-09 06:00:00");
        assert_eq!(day_start(tz, d("2026-11-02")).to_string(), "2026-11-02 07:00:00");
        let utc: Tz = "UTC".parse().unwrap();
        assert_eq!(day_start(utc, d("2026-11-02")).to_string(), "2026-11-02 00:00:00");
    }

    #[test]
    fn age_buckets_edges() {
        let cases = [(-3, "0-30"), (0, "0-30"), (30, "0-30"), (31, "31-60"), (60, "31-60"), (61, "61-90")];
        for (days, key) in cases.into_iter().chain([(90, "61-90"), (91, "91+"), (4000, "91+")]) {
            assert_eq!(AgeBucket::of(days).key(), key, "{days} days");
        }
        let today = d("2026-11-29");
        let [b30, b60, b90] = AgeBucket::boundaries(today);
        assert_eq!(AgeBucket::of((today - b30).num_days()), AgeBucket::UpTo30);
        assert_eq!(AgeBucket::of((today - b30.pred_opt().unwrap()).num_days()), AgeBucket::UpTo60);
        assert_eq!(AgeBucket::of((today - b60).num_days()), AgeBucket::UpTo60);
        assert_eq!(AgeBucket::of((today - b90).num_days()), AgeBucket::UpTo90);
        assert_eq!(AgeBucket::of((today - b90.pred_opt().unwrap()).num_days()), AgeBucket::Over90);
    }

    #[test]
    fn share_of_decided_cases() {
        assert_eq!(share_without_appearance(0, 0, 0), None);
        assert_eq!(share_without_appearance(3, 0, 0), Some(100.0));
        assert_eq!(share_without_appearance(2, 1, 0), Some(66.7));
        assert_eq!(share_without_appearance(1, 1, 1), Some(33.3));
        assert_eq!(share_without_appearance(0, 2, 5), Some(0.0));
    }
}
