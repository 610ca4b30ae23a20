//! Court holidays computed by rule: the U.S. federal holidays (5 U.S.C. 6103, as observed: a
//! Saturday holiday on the Friday before, a Sunday one on the Monday after) and Colorado's legal
//! holidays (C.R.S. 24-11-101: courts are closed; a Sunday holiday moves to Monday). Cesar Chavez
//! Day (March 31) is left out: it is an optional day off for state employees, not a court closure.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use std::collections::BTreeMap;

/// A day the court is closed, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    pub day: NaiveDate,
    pub name: &'static str,
}

/// The `n`-th (1-based) `weekday` of a month.
fn nth(year: i32, month: u32, weekday: Weekday, n: u8) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
}

/// The last `weekday` of a month.
fn last(year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
    nth(year, month, weekday, 5).or_else(|| nth(year, month, weekday, 4))
}

fn fixed(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Moves a weekend holiday to the weekday it is observed on.
fn observed(day: NaiveDate, saturday_to_friday: bool) -> NaiveDate {
    match day.weekday() {
        Weekday::Sat if saturday_to_friday => day - Days::new(1),
        Weekday::Sun => day + Days::new(1),
        _ => day,
    }
}

/// The federal holidays of `year`, on the days they are observed (New Year's Day of the next
/// year, when it is a Saturday, is observed on December 31 of this one and is listed there).
pub fn us_federal(year: i32) -> Vec<Holiday> {
    use Weekday::*;
    let rules: [(&'static str, Option<NaiveDate>); 11] = [
        ("New Year's Day", fixed(year, 1, 1)),
        ("Birthday of Martin Luther King, Jr.", nth(year, 1, Mon, 3)),
        ("Washington's Birthday", nth(year, 2, Mon, 3)),
        ("Memorial Day", last(year, 5, Mon)),
        ("Juneteenth National Independence Day", fixed(year, 6, 19).filter(|_| year >= 2021)),
        ("Independence Day", fixed(year, 7, 4)),
        ("Labor Day", nth(year, 9, Mon, 1)),
        ("Columbus Day", nth(year, 10, Mon, 2)),
        ("Veterans Day", fixed(year, 11, 11)),
        ("Thanksgiving Day", nth(year, 11, Thu, 4)),
        ("Christmas Day", fixed(year, 12, 25)),
    ];
    let mut out: Vec<Holiday> = rules
        .into_iter()
        .filter_map(|(name, day)| day.map(|d| Holiday { day: observed(d, true), name }))
        .filter(|h| h.day.year() == year)
        .collect();
    if let Some(next) = fixed(year + 1, 1, 1).filter(|d| d.weekday() == Sat) {
        out.push(Holiday { day: observed(next, true), name: "New Year's Day" });
    }
    out
}

/// Colorado's legal holidays of `year` (C.R.S. 24-11-101), a Sunday one moved to Monday.
pub fn colorado(year: i32) -> Vec<Holiday> {
    use Weekday::*;
    let rules: [(&'static str, Option<NaiveDate>); 11] = [
        ("New Year's Day", fixed(year, 1, 1)),
        ("Martin Luther King, Jr. Day", nth(year, 1, Mon, 3)),
        ("Washington-Lincoln Day", nth(year, 2, Mon, 3)),
        ("Memorial Day", last(year, 5, Mon)),
        ("Juneteenth", fixed(year, 6, 19).filter(|_| year >= 2022)),
        ("Independence Day", fixed(year, 7, 4)),
        ("Labor Day", nth(year, 9, Mon, 1)),
        // Columbus Day until 2020, when Frances Xavier Cabrini Day took its place.
        if year >= 2020 {
            ("Frances Xavier Cabrini Day", nth(year, 10, Mon, 1))
        } else {
            ("Columbus Day", nth(year, 10, Mon, 2))
        },
        ("Veterans' Day", fixed(year, 11, 11)),
        ("Thanksgiving Day", nth(year, 11, Thu, 4)),
        ("Christmas Day", fixed(year, 12, 25)),
    ];
    rules.into_iter().filter_map(|(name, day)| day.map(|d| Holiday { day: observed(d, false), name })).collect()
}

/// The days a Colorado court is closed besides weekends, for every year in `years`: federal and
/// state holidays together, one entry per day (the federal name where both fall on one day),
/// in date order.
pub fn federal_and_colorado(years: std::ops::RangeInclusive<i32>) -> Vec<Holiday> {
    let mut days: BTreeMap<NaiveDate, &'static str> = BTreeMap::new();
    for year in years {
        for h in us_federal(year).into_iter().chain(colorado(year)) {
            days.entry(h.day).or_insert(h.name);
        }
    }
    days.into_iter().map(|(day, name)| Holiday { day, name }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn days(list: &[Holiday]) -> Vec<String> {
        list.iter().map(|h| h.day.to_string()).collect()
    }

    #[test]
    fn federal_holidays_2026_as_observed() {
        // OPM's 2026 list: Independence Day (a Saturday) is observed on Friday, July 3.
        assert_eq!(
            days(&us_federal(2026)),
            [
                "2026-01-01",
                "2026-01-19",
                "2026-02-16",
                "2026-05-25",
                "2026-06-19",
                "2026-07-03",
                "2026-09-07",
                "2026-10-12",
                "2026-11-11",
                "2026-11-26",
                "2026-12-25"
            ]
        );
    }

    #[test]
    fn a_saturday_new_year_is_observed_the_friday_before() {
        // January 1, 2028 is a Saturday: observed Friday, December 31, 2027.
        let y2027 = us_federal(2027);
        assert_eq!(y2027.last().unwrap().day, d("2027-12-31"));
        assert!(!days(&us_federal(2028)).contains(&"2028-01-01".to_string()));
        // Christmas 2027 is a Saturday too: Friday the 24th.
        assert!(days(&y2027).contains(&"2027-12-24".to_string()));
        // A Sunday holiday moves to Monday: July 4, 2027.
        assert!(days(&y2027).contains(&"2027-07-05".to_string()));
    }

    #[test]
    fn colorado_adds_cabrini_day() {
        let co = colorado(2026);
        assert!(co.iter().any(|h| h.day == d("2026-10-05") && h.name == "Frances Xavier Cabrini Day"));
        assert!(!co.iter().any(|h| h.name == "Columbus Day"));
        assert!(colorado(2019).iter().any(|h| h.day == d("2019-10-14") && h.name == "Columbus Day"));
        assert!(!days(&co).contains(&"2026-03-31".to_string()), "Cesar Chavez Day is not a court closure");
    }

    #[test]
    fn the_union_has_each_day_once_in_order() {
        let all = federal_and_colorado(2026..=2027);
        assert!(all.windows(2).all(|w| w[0].day < w[1].day));
        let d2026: Vec<&Holiday> = all.iter().filter(|h| h.day.year() == 2026).collect();
        // 11 federal days + Cabrini Day; Colorado's Saturday July 4 adds a (weekend) day.
        assert_eq!(d2026.len(), 13, "{d2026:?}");
        assert!(d2026.iter().any(|h| h.day == d("2026-10-05")));
        assert!(d2026.iter().any(|h| h.day == d("2026-10-12")));
        // Every federal or Colorado holiday that falls on a weekday is in the union.
        for h in us_federal(2027).iter().chain(colorado(2027).iter()) {
            assert!(all.iter().any(|u| u.day == h.day), "{h:?}");
        }
    }

    #[test]
    fn memorial_day_is_the_last_monday_even_in_a_five_monday_may() {
        assert_eq!(last(2026, 5, Weekday::Mon), Some(d("2026-05-25")));
        assert_eq!(last(2027, 5, Weekday::Mon), Some(d("2027-05-31")));
    }
}
