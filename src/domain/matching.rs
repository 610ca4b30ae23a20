//! Match suggestions for a plea that names no filed citation: candidates ranked by how close the
//! number as typed is (wrong, missing, extra or swapped characters; O/0 and I/1 read alike), and
//! by last name + date of birth and plate, each with the reasons it was suggested. Pure.

use chrono::NaiveDate;
use serde::Serialize;

/// At most this many suggestions.
pub const MAX_SUGGESTIONS: usize = 10;

/// What the paper (or the clerk) says about whose plea it is.
#[derive(Debug, Clone, Default)]
pub struct Claim<'a> {
    pub number: Option<&'a str>,
    pub date_of_birth: Option<NaiveDate>,
    pub last_name: Option<&'a str>,
    pub plate: Option<&'a str>,
}

/// A citation on file that might be the one.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub number: String,
    pub date_of_birth: NaiveDate,
    pub last_name: String,
    pub plate: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub citation_number: String,
    /// Higher is closer (100 or more: the number matches but for look-alike characters).
    pub score: u32,
    pub reasons: Vec<String>,
}

/// A number compared as printed: letters and digits only, upper case, O read as 0 and I or L as 1.
pub fn number_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

/// A name or plate compared without case, spaces, hyphens or accents that ASCII lacks.
pub fn text_key(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Optimal string alignment distance: substitutions, insertions, deletions and swaps of two
/// neighbouring characters each count 1. Stops early (returns `limit + 1`) past `limit`.
pub fn distance(a: &str, b: &str, limit: usize) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        let mut row_min = usize::MAX;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1).min(d[i * w + j - 1] + 1).min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
            row_min = row_min.min(v);
        }
        if row_min > limit {
            return limit + 1;
        }
    }
    d[a.len() * w + b.len()]
}

/// Whether `a` becomes `b` by swapping exactly two neighbouring characters.
fn one_swap(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    diff.len() == 2 && diff[1] == diff[0] + 1 && a[diff[0]] == b[diff[1]] && a[diff[1]] == b[diff[0]]
}

/// How close a typed number is to one on file: (score, reason), or `None` if not close.
fn number_closeness(typed: &str, filed: &str) -> Option<(u32, String)> {
    let (t, f) = (number_key(typed), number_key(filed));
    if t.is_empty() {
        return None;
    }
    if t == f {
        let raw = |s: &str| s.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_uppercase();
        return Some(if raw(typed) == raw(filed) {
            (120, "number matches".to_string())
        } else {
            (110, "number matches when O/0 and I/1 are read alike".to_string())
        });
    }
    match distance(&t, &f, 2) {
        1 if one_swap(&t, &f) => Some((70, "number has two neighbouring characters swapped".into())),
        1 if t.len() < f.len() => Some((65, "number is missing 1 character".into())),
        1 if t.len() > f.len() => Some((65, "number has 1 extra character".into())),
        1 => Some((70, "number differs in 1 character".into())),
        2 => Some((40, "number differs in 2 characters".into())),
        _ => None,
    }
}

/// The numbers on file within two slips of a typed one (look-alike characters read alike).
pub fn close_numbers<'a>(typed: &str, on_file: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let key = number_key(typed);
    if key.is_empty() {
        return Vec::new();
    }
    on_file.into_iter().filter(|n| distance(&key, &number_key(n), 2) <= 2).map(str::to_string).collect()
}

/// Ranks the candidates for a claim: closest first, at most [`MAX_SUGGESTIONS`], each with its
/// reasons. A candidate needs a close number, the plate, or both last name and date of birth.
pub fn rank(claim: &Claim, candidates: &[Candidate]) -> Vec<Suggestion> {
    let mut out: Vec<Suggestion> = Vec::new();
    for c in candidates {
        if out.iter().any(|s| s.citation_number == c.number) {
            continue;
        }
        let mut score = 0;
        let mut reasons = Vec::new();
        let number = claim.number.and_then(|n| number_closeness(n, &c.number));
        let strong_number = number.is_some();
        if let Some((s, why)) = number {
            score += s;
            reasons.push(why);
        }
        let dob = claim.date_of_birth == Some(c.date_of_birth);
        if dob {
            score += 30;
            reasons.push("date of birth matches".into());
        }
        let name = claim.last_name.map(text_key).filter(|n| !n.is_empty()).map(|n| {
            let filed = text_key(&c.last_name);
            if n == filed {
                (25, "last name matches")
            } else if distance(&n, &filed, 1) <= 1 {
                (15, "last name differs in 1 letter")
            } else {
                (0, "")
            }
        });
        let name_close = matches!(name, Some((s, _)) if s > 0);
        if let Some((s, why)) = name.filter(|(s, _)| *s > 0) {
            score += s;
            reasons.push(why.into());
        }
        let plate = match (claim.plate.map(text_key), c.plate.as_deref().map(text_key)) {
            (Some(a), Some(b)) => !a.is_empty() && a == b,
            _ => false,
        };
        if plate {
            score += 40;
            reasons.push("plate matches".into());
        }
        if strong_number || plate || (dob && name_close) {
            out.push(Suggestion { citation_number: c.number.clone(), score, reasons });
        }
    }
    out.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.citation_number.cmp(&b.citation_number)));
    out.truncate(MAX_SUGGESTIONS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn cand(number: &str, dob: &str, name: &str, plate: Option<&str>) -> Candidate {
        Candidate { number: number.into(), date_of_birth: d(dob), last_name: name.into(), plate: plate.map(Into::into) }
    }

    fn on_file() -> Vec<Candidate> {
        vec![
            cand("DV-2026-000101", "1988-04-12", "García", Some("ABC-123")),
            cand("DV-2026-000110", "1975-01-30", "Nguyen", Some("XYZ 987")),
            cand("DV-2026-000555", "1990-06-01", "Smith", None),
            cand("CA-9999-123456", "1988-04-12", "Garcia", None),
        ]
    }

    fn ranked(claim: Claim) -> Vec<(String, Vec<String>)> {
        rank(&claim, &on_file()).into_iter().map(|s| (s.citation_number, s.reasons)).collect()
    }

    #[test]
    fn distance_counts_each_kind_of_slip_once() {
        assert_eq!(distance("DV2026000101", "DV2026000101", 2), 0);
        assert_eq!(distance("DV2026000101", "DV2026000111", 2), 1);
        assert_eq!(distance("DV2026000101", "DV202600101", 2), 1);
        assert_eq!(distance("DV2026000101", "DV20260001011", 2), 1);
        assert_eq!(distance("DV2026000101", "DV2026001001", 2), 1);
        assert_eq!(distance("DV2026000101", "DV2026000999", 2), 3);
        assert_eq!(distance("", "ABC", 5), 3);
    }

    #[test]
    fn one_wrong_character() {
        let r = ranked(Claim { number: Some("DV-2026-000102"), ..Default::default() });
        assert_eq!(r[0].0, "DV-2026-000101");
        assert_eq!(r[0].1, vec!["number differs in 1 character"]);
        assert!(r.iter().any(|(n, why)| n == "DV-2026-000110" && why == &vec!["number differs in 2 characters"]));
        assert!(!r.iter().any(|(n, _)| n == "DV-2026-000555" || n == "CA-9999-123456"));
    }

    #[test]
    fn swapped_missing_extra_and_look_alikes() {
        let r = ranked(Claim { number: Some("DV-2026-001001"), ..Default::default() });
        assert_eq!(r[0], ("DV-2026-000101".into(), vec!["number has two neighbouring characters swapped".into()]));
        let r = ranked(Claim { number: Some("DV-2026-00101"), ..Default::default() });
        assert_eq!(r[0].1, vec!["number is missing 1 character"]);
        let r = ranked(Claim { number: Some("DV-2026-0005555"), ..Default::default() });
        assert_eq!(r[0], ("DV-2026-000555".into(), vec!["number has 1 extra character".into()]));
        let r = ranked(Claim { number: Some("dv 2O26 OOOlOl"), ..Default::default() });
        assert_eq!(r[0], ("DV-2026-000101".into(), vec!["number matches when O/0 and I/1 are read alike".into()]));
    }

    #[test]
    fn last_name_and_birth_date_together_or_the_plate() {
        let r = ranked(Claim { last_name: Some("GARCIA"), date_of_birth: Some(d("1988-04-12")), ..Default::default() });
        let numbers: Vec<&str> = r.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(numbers, vec!["CA-9999-123456", "DV-2026-000101"]);
        assert_eq!(r[0].1, vec!["date of birth matches", "last name matches"]);
        assert_eq!(r[1].1, vec!["date of birth matches", "last name differs in 1 letter"]);
        // A birth date alone is not enough.
        assert!(ranked(Claim { date_of_birth: Some(d("1990-06-01")), ..Default::default() }).is_empty());
        let r = ranked(Claim { plate: Some("xyz987"), ..Default::default() });
        assert_eq!(r, vec![("DV-2026-000110".into(), vec!["plate matches".into()])]);
    }

    #[test]
    fn more_reasons_rank_higher_and_the_list_is_short() {
        let claim =
            Claim { number: Some("DV-2026-000111"), date_of_birth: Some(d("1975-01-30")), ..Default::default() };
        let r = rank(&claim, &on_file());
        assert_eq!(r[0].citation_number, "DV-2026-000110");
        assert!(r[0].score > r[1].score);
        let many: Vec<Candidate> =
            (0..40).map(|i| cand(&format!("DV-2026-0001{i:02}"), "1980-01-01", "X", None)).collect();
        let r = rank(&Claim { number: Some("DV-2026-000100"), ..Default::default() }, &many);
        assert_eq!(r.len(), MAX_SUGGESTIONS);
        assert!(r.windows(2).all(|w| w[0].score >= w[1].score));
    }
}
