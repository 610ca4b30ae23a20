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

/// A two-letter U.S. state or territory code, upper-cased (`co` → `CO`).
pub fn state_code(input: &str, what: &str) -> Result<String, ParseError> {
    let s = input.trim().to_ascii_uppercase();
    if s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(s)
    } else {
        Err(ParseError::new(format!(
            "{what} '{}' is not a two-letter state code like CO",
            input.trim().chars().take(10).collect::<String>()
        )))
    }
}

/// A ZIP code: `80218` or `80218-1234`.
pub fn postal_code(input: &str) -> Result<String, ParseError> {
    let s = input.trim();
    let b = s.as_bytes();
    let five = |x: &[u8]| x.len() == 5 && x.iter().all(u8::is_ascii_digit);
    let ok = five(b) || (b.len() == 10 && five(&b[..5]) && b[5] == b'-' && b[6..].iter().all(u8::is_ascii_digit));
    if ok {
        Ok(s.to_string())
    } else {
        Err(ParseError::new("postal code must be a ZIP code like 80218 or 80218-1234"))
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
        assert!(postal_code("80218").is_ok());
        assert!(postal_code("80218-1234").is_ok());
        assert!(postal_code("8021").is_err());
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
