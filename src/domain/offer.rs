//! A prosecutor's offer as typed (SPEC §2 Offer, issue 9): per charge an amended offense (or the
//! one charged), a fine in cents and points, and an expiry date — checked field by field, every
//! bad one named (`charges[0].fine_cents`, `expires_on`). And the reason given for declining or
//! withdrawing, and a saved pattern that proposes a line from a charge. What an offer does to a
//! case is `lifecycle`'s; which offense codes exist is the catalog's (passed in).

use super::contact::required_text;
use super::dates::parse_date;
use super::money::MAX_CENTS;
use super::{Cents, ParseError};
use chrono::{Days, NaiveDate};
use std::collections::BTreeMap;

/// The longest an offer may stay open, in calendar days from the day it is made.
pub const MAX_WINDOW_DAYS: u32 = 180;
/// The most points an offer may carry on one charge (Colorado suspends a licence at 12).
pub const MAX_POINTS: i64 = 12;
/// The longest reason for declining or withdrawing, and a pattern's name.
pub const REASON_MAX: usize = 300;

/// One charge's line as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct LineInput<'a> {
    pub charge_seq: Option<i64>,
    /// Empty or missing: the offense as charged.
    pub offense_code: Option<&'a str>,
    pub fine_cents: Option<i64>,
    pub points: Option<i64>,
}

/// One charge of an offer that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferLine {
    pub seq: i32,
    /// `None`: the offense as charged (the caller fills it in).
    pub offense_code: Option<String>,
    pub fine: Cents,
    pub points: i32,
}

/// An offer that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOffer {
    pub lines: Vec<OfferLine>,
    pub expires_on: NaiveDate,
}

/// Checks an offer: `known` says whether an offense code is in the catalog; `today` is the
/// court's date. Returns every bad field by name.
pub fn parse(
    lines: &[LineInput],
    expires_on: &str,
    today: NaiveDate,
    known: impl Fn(&str) -> bool,
) -> Result<NewOffer, BTreeMap<String, String>> {
    let mut errors = BTreeMap::new();
    if lines.is_empty() {
        errors.insert("charges".into(), "an offer needs a line for each charge it covers".into());
    }
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let mut bad = |field: &str, msg: String| {
            errors.insert(format!("charges[{i}].{field}"), msg);
        };
        let seq = match l.charge_seq {
            Some(s) if (1..=i64::from(i32::MAX)).contains(&s) => Some(s as i32),
            _ => {
                bad("charge_seq", "give the charge's number on the ticket (1, 2, …)".into());
                None
            }
        };
        let code = l.offense_code.map(str::trim).filter(|c| !c.is_empty());
        if let Some(c) = code.filter(|c| !known(c)) {
            bad("offense_code", format!("'{}' is not in the offense catalog", c.chars().take(40).collect::<String>()));
        }
        let fine = match l.fine_cents {
            Some(f) if (0..=MAX_CENTS).contains(&f) => Cents::new(f).ok(),
            Some(f) if f < 0 => {
                bad("fine_cents", "the fine cannot be below $0.00".into());
                None
            }
            Some(_) => {
                bad("fine_cents", format!("the fine is more than {}", Cents::new(MAX_CENTS).unwrap_or_default()));
                None
            }
            None => {
                bad("fine_cents", "the fine is required, in whole cents (5000 for $50.00; 0 for none)".into());
                None
            }
        };
        let points = match l.points {
            Some(p) if (0..=MAX_POINTS).contains(&p) => Some(p as i32),
            Some(_) => {
                bad("points", format!("points are a whole number from 0 to {MAX_POINTS}"));
                None
            }
            None => {
                bad("points", "the points are required (0 for none)".into());
                None
            }
        };
        if let (Some(seq), Some(fine), Some(points)) = (seq, fine, points) {
            out.push(OfferLine { seq, offense_code: code.map(str::to_string), fine, points });
        }
    }
    let expires = expiry(expires_on, today).map_err(|e| errors.insert("expires_on".into(), e.0));
    match expires {
        Ok(expires_on) if errors.is_empty() => Ok(NewOffer { lines: out, expires_on }),
        _ => Err(errors),
    }
}

/// The last day an offer may be accepted: after today, at most [`MAX_WINDOW_DAYS`] ahead.
pub fn expiry(input: &str, today: NaiveDate) -> Result<NaiveDate, ParseError> {
    let day = parse_date(input, "the expiry date")?;
    if day <= today {
        return Err(ParseError::new(format!(
            "the expiry date ({day}) must be after today ({today}) so the defendant has time to answer"
        )));
    }
    let latest = today + Days::new(MAX_WINDOW_DAYS.into());
    if day > latest {
        return Err(ParseError::new(format!(
            "the expiry date ({day}) is more than {MAX_WINDOW_DAYS} days away; the latest is {latest}"
        )));
    }
    Ok(day)
}

/// Why a request is declined or an offer withdrawn: required, one line of at most
/// [`REASON_MAX`] characters.
pub fn reason(input: &str) -> Result<String, ParseError> {
    required_text(input, "the reason", REASON_MAX)
}

/// How a saved pattern sets the fine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FineRule {
    /// The fine as charged.
    Same,
    /// This fine.
    Fixed(Cents),
    /// This percentage of the fine as charged (rounded down to the cent).
    Percent(u8),
}

/// A pattern an admin saves ("Amend to a non-point offense, same fine").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub name: String,
    /// `None`: keep the offense as charged.
    pub offense_code: Option<String>,
    pub fine: FineRule,
    /// `None`: keep the points as charged.
    pub points: Option<i32>,
}

impl Pattern {
    /// The line this pattern proposes for a charge of `code`, `fine` and `points`.
    pub fn propose(&self, code: &str, fine: Cents, points: i32) -> (String, Cents, i32) {
        let fine = match self.fine {
            FineRule::Same => fine,
            FineRule::Fixed(c) => c,
            FineRule::Percent(p) => Cents::new(fine.get() * i64::from(p) / 100).unwrap_or(fine),
        };
        (self.offense_code.clone().unwrap_or_else(|| code.to_string()), fine, self.points.unwrap_or(points))
    }
}

/// A fine rule as stored or typed: `same`, `fixed` with cents, `percent` with 0–100.
pub fn fine_rule(kind: &str, value: Option<i64>) -> Result<FineRule, ParseError> {
    match (kind, value) {
        ("same", _) => Ok(FineRule::Same),
        ("fixed", Some(c)) if (0..=MAX_CENTS).contains(&c) => Ok(FineRule::Fixed(Cents::new(c)?)),
        ("fixed", _) => Err(ParseError::new("a fixed fine needs an amount of $0.00 or more")),
        ("percent", Some(p)) if (0..=100).contains(&p) => Ok(FineRule::Percent(p as u8)),
        ("percent", _) => Err(ParseError::new("a percentage is a whole number from 0 to 100")),
        _ => Err(ParseError::new("the fine rule is one of: same, fixed, percent")),
    }
}

impl FineRule {
    /// (kind, value) as stored.
    pub fn stored(self) -> (&'static str, Option<i64>) {
        match self {
            FineRule::Same => ("same", None),
            FineRule::Fixed(c) => ("fixed", Some(c.get())),
            FineRule::Percent(p) => ("percent", Some(p.into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn line(seq: i64, code: Option<&str>, fine: i64, points: i64) -> LineInput<'_> {
        LineInput { charge_seq: Some(seq), offense_code: code, fine_cents: Some(fine), points: Some(points) }
    }

    #[test]
    fn a_good_offer_parses() {
        let o = parse(&[line(1, Some("42-4-202"), 5000, 0)], "2026-12-20", d("2026-12-01"), |c| c == "42-4-202");
        let o = o.unwrap();
        assert_eq!(o.expires_on, d("2026-12-20"));
        assert_eq!(o.lines[0].offense_code.as_deref(), Some("42-4-202"));
        assert_eq!(o.lines[0].fine.get(), 5000);
        let kept = parse(&[line(1, Some(" "), 0, 0)], "2026-12-02", d("2026-12-01"), |_| false).unwrap();
        assert_eq!(kept.lines[0].offense_code, None, "blank keeps the offense as charged");
    }

    #[test]
    fn every_bad_field_is_named() {
        let lines = [line(1, Some("NOPE"), -1, 13), LineInput::default()];
        let e = parse(&lines, "2026-12-01", d("2026-12-01"), |_| false).unwrap_err();
        let keys: Vec<&str> = e.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "charges[0].fine_cents",
                "charges[0].offense_code",
                "charges[0].points",
                "charges[1].charge_seq",
                "charges[1].fine_cents",
                "charges[1].points",
                "expires_on"
            ]
        );
        assert!(e["expires_on"].contains("must be after today"));
        assert!(parse(&[], "2027-06-30", d("2026-12-01"), |_| true).unwrap_err()["expires_on"].contains("180 days"));
        assert!(parse(&[], "2026-12-10", d("2026-12-01"), |_| true).unwrap_err().contains_key("charges"));
    }

    #[test]
    fn patterns_propose_a_line_from_the_charge() {
        let fine = Cents::new(10_000).unwrap();
        let p =
            Pattern { name: "x".into(), offense_code: Some("42-4-202".into()), fine: FineRule::Same, points: Some(0) };
        assert_eq!(p.propose("42-4-1008", fine, 4), ("42-4-202".into(), fine, 0));
        let half = Pattern { name: "x".into(), offense_code: None, fine: FineRule::Percent(50), points: None };
        assert_eq!(half.propose("42-4-1008", fine, 4), ("42-4-1008".into(), Cents::new(5_000).unwrap(), 4));
        assert_eq!(fine_rule("fixed", Some(2500)).unwrap().stored(), ("fixed", Some(2500)));
        assert!(fine_rule("percent", Some(101)).is_err());
        assert!(fine_rule("half", None).is_err());
        assert!(reason("  ").is_err());
    }
}
