//! Mailing addresses as the U.S. Postal Service wants them on an envelope: upper case, no
//! punctuation except the hyphen of a ZIP+4, single spaces.

/// Upper-cases and strips punctuation from one address line (apostrophes and periods vanish,
/// other punctuation becomes a space). Letters with accents are kept.
pub fn usps_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_uppercase());
        } else if matches!(c, '\'' | '.' | '’') {
            continue;
        } else {
            out.push(' ');
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The last line: `CITY ST 80218`, `CITY ST 80218-1234`, or a Canadian `CITY BC  V6B 1A1`
/// (two spaces before the postal code, as Canada Post asks). The postal code keeps its letters,
/// digits, hyphen and inner space.
pub fn usps_last_line(city: &str, state: &str, postal_code: &str) -> String {
    let code: String = postal_code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == ' ')
        .collect::<String>()
        .to_ascii_uppercase();
    let code = code.split_whitespace().collect::<Vec<_>>().join(" ");
    let gap = if is_canadian(state, &code) { "  " } else { " " };
    format!("{} {}{gap}{}", usps_line(city), usps_line(state), code).trim().to_string()
}

/// A Canadian address: a province or territory code and a postal code like `V6B 1A1`.
pub fn is_canadian(state: &str, postal_code: &str) -> bool {
    const PROVINCES: &[&str] = &["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"];
    let code: Vec<u8> = postal_code.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let shape = code.len() == 6
        && code.iter().enumerate().all(|(i, b)| if i % 2 == 0 { b.is_ascii_alphabetic() } else { b.is_ascii_digit() });
    shape && PROVINCES.contains(&state.trim().to_ascii_uppercase().as_str())
}

/// A full address block: name, street lines, last line.
pub fn usps_block(
    name: &str,
    line1: &str,
    line2: Option<&str>,
    city: &str,
    state: &str,
    postal_code: &str,
) -> Vec<String> {
    let mut lines = vec![usps_line(name), usps_line(line1)];
    if let Some(l2) = line2.map(usps_line).filter(|l| !l.is_empty()) {
        lines.push(l2);
    }
    lines.push(usps_last_line(city, state, postal_code));
    if is_canadian(state, postal_code) {
        lines.push("CANADA".to_string());
    }
    lines.retain(|l| !l.is_empty());
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usps_style() {
        assert_eq!(usps_line("James O'Connor"), "JAMES OCONNOR");
        assert_eq!(usps_line("1450 N. Lafayette St., Apt #3"), "1450 N LAFAYETTE ST APT 3");
        assert_eq!(usps_line("José Luis Muñoz Peña"), "JOSÉ LUIS MUÑOZ PEÑA");
        assert_eq!(usps_last_line("Denver", "co", "80218-1234"), "DENVER CO 80218-1234");
        let block = usps_block("Lan Nguyễn", "1 Main St.", Some(""), "Denver", "CO", "80202");
        assert_eq!(block, vec!["LAN NGUYỄN", "1 MAIN ST", "DENVER CO 80202"]);
    }

    #[test]
    fn other_countries_keep_their_postal_codes() {
        assert_eq!(usps_last_line("San Francisco", "CA", "94103-1234"), "SAN FRANCISCO CA 94103-1234");
        assert_eq!(usps_last_line("Vancouver", "BC", "v6b 1a1"), "VANCOUVER BC  V6B 1A1");
        let block = usps_block("Zoë L'Écuyer", "1 W Pender St", None, "Vancouver", "BC", "V6B 1A1");
        assert_eq!(block, vec!["ZOË LÉCUYER", "1 W PENDER ST", "VANCOUVER BC  V6B 1A1", "CANADA"]);
        assert!(!is_canadian("CA", "V6B 1A1"), "California is not a province");
        assert!(!is_canadian("BC", "80202"));
    }
}
