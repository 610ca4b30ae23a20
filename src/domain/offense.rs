//! The offense catalog: what each code means, costs and whether it can be settled by mail.

use super::{Cents, ParseError, PenaltyClass};
use chrono::NaiveDate;

/// The longest offense code accepted; real statute citations stay well below it.
pub const MAX_CODE_CHARS: usize = 40;

/// An offense code as the jurisdiction writes it (`42-4-1101-C`, `VC 22350`, `VC 27315(d)(1)`,
/// `316.189(1)`): trimmed and otherwise kept exactly, since the court's catalog is what makes a
/// code valid (a charge's code must match a catalog code exactly). Only an empty code, a control
/// character or more than [`MAX_CODE_CHARS`] characters is refused here.
pub fn offense_code(input: &str) -> Result<String, ParseError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(ParseError::new("offense code is empty"));
    }
    if s.chars().any(char::is_control) {
        return Err(ParseError::new("offense code contains a control character; remove it"));
    }
    if s.chars().count() > MAX_CODE_CHARS {
        return Err(ParseError::new(format!(
            "offense code '{}…' is longer than {MAX_CODE_CHARS} characters",
            s.chars().take(MAX_CODE_CHARS).collect::<String>()
        )));
    }
    Ok(s.to_string())
}

/// Demerit points for one charge: 0 to 12 (Colorado suspends a licence at 12 in a year).
pub fn points(input: &str) -> Result<i32, ParseError> {
    match input.trim().parse::<i32>() {
        Ok(p) if (0..=12).contains(&p) => Ok(p),
        _ => Err(ParseError::new(format!(
            "points '{}' must be a whole number from 0 to 12",
            input.trim().chars().take(10).collect::<String>()
        ))),
    }
}

/// `Y`/`N` (also yes/no, true/false, 1/0) as the catalog writes flags.
pub fn flag(input: &str, what: &str) -> Result<bool, ParseError> {
    match input.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" | "true" | "1" => Ok(true),
        "n" | "no" | "false" | "0" => Ok(false),
        _ => Err(ParseError::new(format!("{what} must be Y or N"))),
    }
}

/// One version of one offense, valid from `effective_from` until a later version replaces it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OffenseDraft {
    pub code: String,
    pub description: String,
    pub description_es: String,
    pub penalty_class: PenaltyClass,
    pub fine: Cents,
    pub points: i32,
    pub plea_by_mail: bool,
    pub must_appear: bool,
    pub effective_from: NaiveDate,
}

impl OffenseDraft {
    /// A must-appear offense can never be settled by mail, whatever its flag says.
    pub fn check(self) -> Result<Self, ParseError> {
        if self.must_appear && self.plea_by_mail {
            return Err(ParseError::new(
                "an offense cannot be both must_appear=Y and plea_by_mail=Y; set one of them to N",
            ));
        }
        Ok(self)
    }
}

/// The catalog version in force on `on`: the latest `effective_from` not after it.
pub fn version_in_force<'a, T>(
    versions: impl IntoIterator<Item = &'a T>,
    effective_from: impl Fn(&T) -> NaiveDate,
    on: NaiveDate,
) -> Option<&'a T>
where
    T: 'a,
{
    versions.into_iter().filter(|v| effective_from(v) <= on).max_by_key(|v| effective_from(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_points_flags() {
        for code in ["42-4-1101-C", "VC 22350", "VC 27315(d)(1)", "316.189(1)", "CVC §21453(a)", "42-4-1101-c"] {
            assert_eq!(offense_code(&format!("  {code}\t")).unwrap(), code, "kept as written");
        }
        assert!(offense_code("  ").unwrap_err().to_string().contains("empty"));
        assert!(offense_code("VC\u{0}22350").unwrap_err().to_string().contains("control character"));
        assert!(offense_code("VC 22350\n(a)").is_err(), "a line break inside a code");
        assert!(offense_code(&"9".repeat(40)).is_ok());
        assert!(offense_code(&"9".repeat(41)).unwrap_err().to_string().contains("longer than 40"));
        assert_eq!(points("4").unwrap(), 4);
        assert!(points("13").is_err());
        assert!(points("-1").is_err());
        assert!(flag("Y", "plea_by_mail").unwrap());
        assert!(!flag("n", "plea_by_mail").unwrap());
        assert!(flag("maybe", "plea_by_mail").is_err());
    }

    #[test]
    fn latest_version_in_force() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let versions = [d("2017-07-01"), d("2026-01-01")];
        let pick = |on| version_in_force(versions.iter(), |v| *v, d(on)).copied();
        assert_eq!(pick("2025-12-31"), Some(d("2017-07-01")));
        assert_eq!(pick("2026-01-01"), Some(d("2026-01-01")));
        assert_eq!(pick("2010-01-01"), None);
    }
}
