//! A citation (the case) as the e-citation system sends it, checked as a whole.

use super::{Cents, CitationNumber, DateOfBirth, ParseError, PreferredLanguage};
use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Defendant {
    pub first_name: String,
    pub middle_name: Option<String>,
    pub last_name: String,
    pub date_of_birth: DateOfBirth,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub license_number: Option<String>,
    pub license_state: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// As the e-citation system gave it (any ISO 639-1 code).
    pub language: PreferredLanguage,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChargeDraft {
    pub seq: i32,
    pub offense_code: String,
    pub fine: Cents,
    pub points: i32,
}

/// Everything an import knows about one citation, valid field by field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CitationDraft {
    pub number: CitationNumber,
    pub agency: String,
    pub issued_at: DateTime<Utc>,
    pub location: String,
    pub officer_badge: Option<String>,
    pub court_date: NaiveDate,
    pub defendant: Defendant,
    pub plate: Option<String>,
    pub plate_state: Option<String>,
    pub charges: Vec<ChargeDraft>,
}

impl CitationDraft {
    /// A stable fingerprint of the imported content: re-importing the same data gives the same
    /// hash, so the import can tell "unchanged" from "updated".
    pub fn content_hash(&self) -> String {
        let sorted;
        let draft = if self.charges.windows(2).all(|w| w[0].seq < w[1].seq) {
            self
        } else {
            let mut copy = self.clone();
            copy.charges.sort_by_key(|c| c.seq);
            sorted = copy;
            &sorted
        };
        let json = serde_json::to_vec(draft).expect("serialises"); // ok: plain strings and numbers always serialise
        hex::encode(Sha256::digest(json))
    }
}

/// Charge numbers of one citation must be exactly 1, 2, …, n.
pub fn check_charge_sequence(mut seqs: Vec<i32>) -> Result<(), ParseError> {
    seqs.sort_unstable();
    if seqs.iter().copied().eq(1..=seqs.len() as i32) {
        return Ok(());
    }
    let listed: Vec<String> = seqs.iter().map(i32::to_string).collect();
    Err(ParseError::new(format!(
        "charge numbers must run 1, 2, 3… without gaps or repeats; this citation has {}",
        listed.join(", ")
    )))
}

/// Parses `issued_at`: ISO 8601 with an offset, or without one (then it is the court's local time).
pub fn parse_issued_at(input: &str, court_tz: Tz) -> Result<DateTime<Utc>, ParseError> {
    let s = input.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Ok(dt.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%:z", "%Y-%m-%dT%H:%M%:z", "%Y-%m-%d %H:%M:%S%:z"] {
        if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
            return Ok(dt.with_timezone(&Utc));
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
            return match court_tz.from_local_datetime(&naive) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Ok(t.with_timezone(&Utc)),
                LocalResult::None => Err(ParseError::new(format!(
                    "issued_at '{s}' does not exist in the court's time zone (a daylight-saving gap); add the UTC offset"
                ))),
            };
        }
    }
    Err(ParseError::new(format!(
        "issued_at '{}' is not a date and time; write it like 2026-10-03T08:14:00-06:00",
        s.chars().take(40).collect::<String>()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> CitationDraft {
        let tz: Tz = "America/Denver".parse().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let charge = |seq, fine| ChargeDraft {
            seq,
            offense_code: "42-4-604".into(),
            fine: Cents::new(fine).unwrap(),
            points: 4,
        };
        CitationDraft {
            number: CitationNumber::parse("DV-2026-1").unwrap(),
            agency: "DPD".into(),
            issued_at: parse_issued_at("2026-10-03T08:14:00", tz).unwrap(),
            location: "Colfax".into(),
            officer_badge: None,
            court_date: today,
            defendant: Defendant {
                first_name: "Ana".into(),
                middle_name: None,
                last_name: "Pérez".into(),
                date_of_birth: DateOfBirth::parse("1990-01-02", today).unwrap(),
                address_line1: "1 Main St".into(),
                address_line2: None,
                city: "Denver".into(),
                state: "CO".into(),
                postal_code: "80202".into(),
                license_number: None,
                license_state: None,
                email: None,
                phone: None,
                language: PreferredLanguage::parse_or_default("es").unwrap(),
            },
            plate: None,
            plate_state: None,
            charges: vec![charge(1, 100), charge(2, 200)],
        }
    }

    #[test]
    fn content_hash_ignores_charge_order_but_not_content() {
        let a = draft();
        let mut reordered = a.clone();
        reordered.charges.reverse();
        assert_eq!(a.content_hash(), reordered.content_hash());
        let mut changed = a.clone();
        changed.defendant.address_line1 = "2 Main St".into();
        assert_ne!(a.content_hash(), changed.content_hash());
        let mut fine = a.clone();
        fine.charges[1].fine = Cents::new(201).unwrap();
        assert_ne!(a.content_hash(), fine.content_hash());
    }

    #[test]
    fn charge_sequences() {
        assert!(check_charge_sequence(vec![2, 1, 3]).is_ok());
        assert!(check_charge_sequence(vec![1]).is_ok());
        let e = check_charge_sequence(vec![1, 3]).unwrap_err().to_string();
        assert!(e.contains("1, 3"), "{e}");
        assert!(check_charge_sequence(vec![1, 1]).is_err());
        assert!(check_charge_sequence(vec![0, 1]).is_err());
    }

    #[test]
    fn issued_at_with_and_without_offset() {
        let tz: Tz = "America/Denver".parse().unwrap();
        let a = parse_issued_at("2026-10-03T08:14:00-06:00", tz).unwrap();
        let b = parse_issued_at("2026-10-03T08:14:00", tz).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_rfc3339(), "2026-10-03T14:14:00+00:00");
        let winter = parse_issued_at("2026-12-03 08:14", tz).unwrap();
        assert_eq!(winter.to_rfc3339(), "2026-12-03T15:14:00+00:00");
        assert!(parse_issued_at("2026-03-08T02:30:00", tz).is_err()); // DST gap
        assert!(parse_issued_at("yesterday", tz).is_err());
    }
}
