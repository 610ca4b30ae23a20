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

/// The shape of a printed citation number: `A` for a letter, `9` for a digit, anything else as
/// printed (`DV-2026-000101` → `AA-9999-999999`). Shapes come from the numbers on file, so any
/// agency's format is recognised without configuring it.
pub fn shape_of(number: &str) -> String {
    number
        .chars()
        .map(|c| match c {
            c if c.is_ascii_alphabetic() => 'A',
            c if c.is_ascii_digit() => '9',
            c => c,
        })
        .collect()
}

/// What a resident typed, read as a number of this shape: case, spaces and dashes do not matter,
/// and where the shape wants a digit an O is read as 0 and an I or L as 1 (and the other way
/// round where it wants a letter). `None` when it cannot be a number of this shape.
pub fn with_shape(typed: &str, shape: &str) -> Option<String> {
    let mut chars = typed.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase());
    let mut out = String::with_capacity(shape.len());
    for s in shape.chars() {
        match s {
            'A' => out.push(match chars.next()? {
                '0' => 'O',
                '1' => 'I',
                c if c.is_ascii_alphabetic() => c,
                _ => return None,
            }),
            '9' => out.push(match chars.next()? {
                'O' => '0',
                'I' | 'L' => '1',
                c if c.is_ascii_digit() => c,
                _ => return None,
            }),
            literal => out.push(literal),
        }
    }
    chars.next().is_none().then_some(out)
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

    #[test]
    fn typed_numbers_are_read_by_the_shape_on_file() {
        let shape = shape_of("DV-2026-000101");
        assert_eq!(shape, "AA-9999-999999");
        for typed in [
            "DV-2026-000101",
            "dv2026000101",
            "DV 2026 000101",
            " dv-2O26-OOO1O1 ",
            "DV-2026-000IOl",
            "d v 2026-000101",
        ] {
            assert_eq!(with_shape(typed, &shape).as_deref(), Some("DV-2026-000101"), "{typed:?}");
        }
        // A 0 where a letter goes is an O; a 1 is an I.
        assert_eq!(with_shape("0A-1234", "AA-9999").as_deref(), Some("OA-1234"));
        assert_eq!(with_shape("1X-1234", "AA-9999").as_deref(), Some("IX-1234"));
        for wrong in ["DV-2026-00010", "DV-2026-0001011", "D2-2026-000101", "", "DV-2026-00010X"] {
            assert_eq!(with_shape(wrong, &shape), None, "{wrong:?}");
        }
        assert_eq!(with_shape("ca12345678", &shape_of("CA12345678")).as_deref(), Some("CA12345678"));
    }

    proptest! {
        #[test]
        fn any_printed_number_is_found_however_it_is_typed(
            n in "[A-Z]{1,3}(-[0-9]{2,6}){1,2}",
            spaced in any::<bool>(),
            lower in any::<bool>(),
        ) {
            let shape = shape_of(&n);
            let mut typed: String = n.replace('-', if spaced { " " } else { "" });
            if lower { typed = typed.to_lowercase(); }
            // Digits typed as letters that look alike.
            let typed = typed.replace('0', "O").replace('1', "l");
            prop_assert_eq!(with_shape(&typed, &shape), Some(n.clone()));
            prop_assert_eq!(with_shape(&n, &shape), Some(n));
        }

        #[test]
        fn reading_by_shape_never_panics(s in "\\PC{0,40}", shape in "[A9-]{0,20}") {
            let _ = with_shape(&s, &shape);
        }

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
