//! Citation numbers as the police e-citation system writes them, e.g. `DV-2026-000101`.

use super::ParseError;
use std::fmt;

/// Upper-case letters, digits and single hyphens; 4 to 32 characters; starts and ends with a
/// letter or digit. Input is trimmed and upper-cased, so `dv-2026-000101` is the same citation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct CitationNumber(String);

impl CitationNumber {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim().to_ascii_uppercase();
        if s.is_empty() {
            return Err(ParseError::new("citation number is empty"));
        }
        let ok_chars = s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        let ok_shape = !s.starts_with('-') && !s.ends_with('-') && !s.contains("--");
        if !(4..=32).contains(&s.len()) || !ok_chars || !ok_shape {
            return Err(ParseError::new(format!(
                "'{}' is not a citation number; it is printed at the top of the ticket, like DV-2026-000101",
                input.trim().chars().take(40).collect::<String>()
            )));
        }
        Ok(CitationNumber(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CitationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for CitationNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        CitationNumber::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalises_case_and_space() {
        assert_eq!(CitationNumber::parse(" dv-2026-000101 ").unwrap().as_str(), "DV-2026-000101");
    }

    #[test]
    fn refuses_bad_shapes() {
        for bad in ["", "AB", "DV 2026", "-DV2026", "DV--2026", "DV-2026-", "DV/2026/1", "ÑV-2026-1", &"A".repeat(33)]
        {
            assert!(CitationNumber::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }

    proptest! {
        #[test]
        fn valid_numbers_round_trip(s in "[A-Z0-9]{1,6}(-[A-Z0-9]{1,6}){1,3}") {
            prop_assume!(s.len() >= 4);
            let n = CitationNumber::parse(&s.to_lowercase()).unwrap();
            prop_assert_eq!(n.as_str(), s.as_str());
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = CitationNumber::parse(&s);
        }
    }
}
