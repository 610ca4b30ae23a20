//! Names, addresses and contact details: checked for shape only, never for "meaning".

use super::ParseError;

/// Free text such as a name, a street or a location, kept on one line: trimmed, line breaks and
/// tabs folded into single spaces, no other control characters, at most `max` characters. Empty
/// is allowed only where `required` is false (then `None`).
pub fn text(input: &str, what: &str, required: bool, max: usize) -> Result<Option<String>, ParseError> {
    let folded;
    let mut s = input.trim();
    if s.contains(['\n', '\r', '\t']) {
        let parts: Vec<&str> = s.split(['\n', '\r', '\t']).map(str::trim).filter(|p| !p.is_empty()).collect();
        folded = parts.join(" ");
        s = &folded;
    }
    if s.is_empty() {
        return if required { Err(ParseError::new(format!("{what} is required"))) } else { Ok(None) };
    }
    if s.chars().any(char::is_control) {
        return Err(ParseError::new(format!("{what} contains a control character; remove it")));
    }
    if s.chars().count() > max {
        return Err(ParseError::new(format!("{what} is longer than {max} characters")));
    }
    Ok(Some(s.to_string()))
}

/// Like [`text`] with `required = true`.
pub fn required_text(input: &str, what: &str, max: usize) -> Result<String, ParseError> {
    text(input, what, true, max).map(|o| o.unwrap_or_default())
}

/// A state, province or territory code as licences and addresses write them (`CO`, `BC`, `ON`,
/// or the three-letter subdivisions of Mexico such as `BCN`): 2 or 3 letters, upper-cased.
pub fn state_code(input: &str, what: &str) -> Result<String, ParseError> {
    let s = input.trim().to_ascii_uppercase();
    if (2..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(s)
    } else {
        Err(ParseError::new(format!(
            "{what} '{}' is not a state or province code like CO or BC",
            input.trim().chars().take(10).collect::<String>()
        )))
    }
}

/// A postal code, kept as written (trimmed, spaces single). A code of digits only must be a
/// U.S. ZIP code (`80218`, `80218-1234`); a code with letters is another country's (`V6B 1A1`,
/// `SW1A 1AA`): letters, digits, a space or hyphen, 3 to 10 characters, with a digit in it.
pub fn postal_code(input: &str) -> Result<String, ParseError> {
    let s = input.split_whitespace().collect::<Vec<_>>().join(" ");
    let b = s.as_bytes();
    let five = |x: &[u8]| x.len() == 5 && x.iter().all(u8::is_ascii_digit);
    let zip = five(b) || (b.len() == 10 && five(&b[..5]) && b[5] == b'-' && b[6..].iter().all(u8::is_ascii_digit));
    let lettered = b.iter().any(u8::is_ascii_alphabetic)
        && b.iter().any(u8::is_ascii_digit)
        && (3..=10).contains(&b.len())
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b' ' || *c == b'-');
    if zip || lettered {
        Ok(s)
    } else {
        Err(ParseError::new("postal code must be a ZIP code like 80218 or 80218-1234, or a postal code like V6B 1A1"))
    }
}

/// An email address: one `@`, something on both sides, a dot in the domain, no spaces.
pub fn email(input: &str) -> Result<Option<String>, ParseError> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let ok = match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !s.chars().any(|c| c.is_whitespace() || c.is_control())
                && s.len() <= 254
        }
        None => false,
    };
    if ok {
        Ok(Some(s.to_string()))
    } else {
        Err(ParseError::new("email is not an email address like name@example.org"))
    }
}

/// A phone number: digits with the usual punctuation, 7 to 15 digits.
pub fn phone(input: &str) -> Result<Option<String>, ParseError> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    let allowed = s.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if allowed && (7..=15).contains(&digits) && s.len() <= 25 {
        Ok(Some(s.to_string()))
    } else {
        Err(ParseError::new("phone is not a phone number like 303-555-0101"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(state_code(" co ", "state").unwrap(), "CO");
        assert!(state_code("Colorado", "state").is_err());
        assert_eq!(state_code("bc", "license_state").unwrap(), "BC");
        assert_eq!(state_code("BCN", "license_state").unwrap(), "BCN");
        assert!(state_code("C", "state").is_err());
        assert!(state_code("B.C.", "state").is_err());
        assert!(postal_code("80218").is_ok());
        assert_eq!(postal_code(" 94103-1234 ").unwrap(), "94103-1234");
        assert_eq!(postal_code("V6B  1A1").unwrap(), "V6B 1A1");
        assert_eq!(postal_code("SW1A 1AA").unwrap(), "SW1A 1AA");
        assert!(postal_code("8021").is_err());
        assert!(postal_code("802189").is_err());
        assert!(postal_code("ABC DEF").is_err(), "no digit");
        assert!(postal_code("V6B/1A1").is_err());
        assert!(phone("+14085550101").unwrap().is_some());
        assert!(phone("+1 (408) 555-0101").unwrap().is_some());
        assert_eq!(email("").unwrap(), None);
        assert!(email("a@b.org").unwrap().is_some());
        assert!(email("a@b").is_err());
        assert!(email("a b@c.org").is_err());
        assert!(phone("(303) 555-0101").unwrap().is_some());
        assert!(phone("call me").is_err());
        assert!(text("Muñoz Peña", "last name", true, 80).unwrap().is_some());
        let folded = text("I-25 NB,\r\n  mile 210", "x", true, 80).unwrap();
        assert_eq!(folded.as_deref(), Some("I-25 NB, mile 210"));
        assert!(text("a\u{7}b", "x", true, 80).is_err());
        assert!(required_text("  ", "last name", 80).unwrap_err().to_string().contains("last name is required"));
    }
}
