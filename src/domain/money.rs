//! Money is whole cents in an `i64`; never floating point.

use super::ParseError;
use std::fmt;

/// A non-negative amount of money in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
#[serde(transparent)]
pub struct Cents(i64);

/// The largest amount PleaDesk accepts anywhere: $10,000,000.00.
pub const MAX_CENTS: i64 = 1_000_000_000;

impl Cents {
    pub const ZERO: Cents = Cents(0);

    pub fn new(cents: i64) -> Result<Self, ParseError> {
        if !(0..=MAX_CENTS).contains(&cents) {
            return Err(ParseError::new(format!("amount must be between 0 and {} cents", MAX_CENTS)));
        }
        Ok(Cents(cents))
    }

    pub fn get(self) -> i64 {
        self.0
    }

    /// Parses dollars as written in an import file: `135`, `135.5`, `135.00`, optionally with a
    /// leading `$` and thousands commas (`1,250.00`). Never goes through floating point.
    pub fn parse_dollars(input: &str) -> Result<Self, ParseError> {
        let bad = || ParseError::new(format!("'{}' is not an amount in dollars; write it like 135.00", input.trim()));
        let s = input.trim();
        let s = s.strip_prefix('$').unwrap_or(s);
        if s.is_empty() {
            return Err(ParseError::new("amount is empty; write it like 135.00"));
        }
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, f),
            None => (s, ""),
        };
        let whole = parse_whole_dollars(whole).ok_or_else(bad)?;
        if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) || (s.contains('.') && frac.is_empty()) {
            return Err(bad());
        }
        let frac_cents = match frac.len() {
            0 => 0,
            1 => i64::from(frac.as_bytes()[0] - b'0') * 10,
            _ => frac.parse::<i64>().map_err(|_| bad())?,
        };
        let cents = whole.checked_mul(100).and_then(|c| c.checked_add(frac_cents)).ok_or_else(bad)?;
        Cents::new(cents)
    }

    pub fn checked_add(self, other: Cents) -> Option<Cents> {
        self.0.checked_add(other.0).and_then(|c| Cents::new(c).ok())
    }
}

/// Digits with optional thousands separators in the right places ("1,250" but not "12,50").
fn parse_whole_dollars(s: &str) -> Option<i64> {
    if s.is_empty() {
        return None;
    }
    if s.contains(',') {
        let groups: Vec<&str> = s.split(',').collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
        if !first_ok || !rest_ok {
            return None;
        }
    }
    let digits: String = s.chars().filter(|c| *c != ',').collect();
    if digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

impl fmt::Display for Cents {
    /// `$1,250.00`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dollars = self.0 / 100;
        let cents = self.0 % 100;
        let digits = dollars.to_string();
        let mut grouped = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        write!(f, "${grouped}.{cents:02}")
    }
}

impl<'de> serde::Deserialize<'de> for Cents {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = i64::deserialize(d)?;
        Cents::new(v).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_forms_clerks_write() {
        assert_eq!(Cents::parse_dollars("135.00").unwrap().get(), 13_500);
        assert_eq!(Cents::parse_dollars("135").unwrap().get(), 13_500);
        assert_eq!(Cents::parse_dollars("135.5").unwrap().get(), 13_550);
        assert_eq!(Cents::parse_dollars("$1,250.07").unwrap().get(), 125_007);
        assert_eq!(Cents::parse_dollars(" 0.99 ").unwrap().get(), 99);
    }

    #[test]
    fn refuses_what_is_not_money() {
        for bad in ["", "abc", "-5.00", "1.234", "12,50", "1.", ".5", "1e3", "NaN", "99999999999999"] {
            assert!(Cents::parse_dollars(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn displays_as_dollars() {
        assert_eq!(Cents::new(125_007).unwrap().to_string(), "$1,250.07");
        assert_eq!(Cents::new(5).unwrap().to_string(), "$0.05");
        assert_eq!(Cents::new(100_000_000).unwrap().to_string(), "$1,000,000.00");
    }

    proptest! {
        #[test]
        fn dollars_round_trip(c in 0i64..=MAX_CENTS) {
            let cents = Cents::new(c).unwrap();
            let plain = format!("{}.{:02}", c / 100, c % 100);
            prop_assert_eq!(Cents::parse_dollars(&plain).unwrap(), cents);
            prop_assert_eq!(Cents::parse_dollars(&cents.to_string()).unwrap(), cents);
        }

        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = Cents::parse_dollars(&s);
        }
    }
}
