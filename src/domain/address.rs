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

/// The last line: `CITY ST 80218` or `CITY ST 80218-1234`.
pub fn usps_last_line(city: &str, state: &str, postal_code: &str) -> String {
    let zip: String = postal_code.chars().filter(|c| c.is_ascii_digit() || *c == '-').collect();
    format!("{} {} {}", usps_line(city), usps_line(state), zip).trim().to_string()
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
}
