//! Dates as SPEC writes them (`YYYY-MM-DD`) and dates of birth.

use super::ParseError;
use chrono::{Datelike, NaiveDate};

/// Parses a strict `YYYY-MM-DD` date; `what` names the field in the error.
pub fn parse_date(input: &str, what: &str) -> Result<NaiveDate, ParseError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(ParseError::new(format!("{what} is empty; write it as YYYY-MM-DD")));
    }
    // Four digits, two, two: chrono alone also takes a signed year (`-068-04-06`).
    let shaped = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) if shaped => Ok(d),
        _ => Err(ParseError::new(format!(
            "{what} '{}' is not a date; write it as YYYY-MM-DD, like 1988-04-12",
            s.chars().take(30).collect::<String>()
        ))),
    }
}

/// A date of birth: a real date, in 1900 or later, and not after the date it is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct DateOfBirth(NaiveDate);

impl DateOfBirth {
    /// `on_or_before` is the latest possible birth date (today, or the date a ticket was issued).
    pub fn parse(input: &str, on_or_before: NaiveDate) -> Result<Self, ParseError> {
        let d = parse_date(input, "date of birth")?;
        Self::new(d, on_or_before)
    }

    pub fn new(d: NaiveDate, on_or_before: NaiveDate) -> Result<Self, ParseError> {
        if d.year() < 1900 {
            return Err(ParseError::new("date of birth is before 1900; check the year"));
        }
        if d > on_or_before {
            return Err(ParseError::new("date of birth is in the future; check the year"));
        }
        Ok(DateOfBirth(d))
    }

    pub fn date(self) -> NaiveDate {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn parses_strict_dates() {
        assert_eq!(parse_date("1988-04-12", "x").unwrap(), d("1988-04-12"));
        for bad in
            ["", "1988-4-12", "04/12/1988", "1988-02-30", "19880412", "1988-04-12T00:00", "-068-04-06", "+988-04-12"]
        {
            let e = parse_date(bad, "court date").unwrap_err().to_string();
            assert!(e.contains("court date"), "{e}");
        }
    }

    #[test]
    fn birth_dates_are_plausible() {
        let today = d("2026-11-28");
        assert!(DateOfBirth::parse("1988-04-12", today).is_ok());
        assert!(DateOfBirth::parse("2026-11-28", today).is_ok());
        assert!(DateOfBirth::parse("2026-11-29", today).is_err());
        assert!(DateOfBirth::parse("1899-12-31", today).is_err());
    }
}
