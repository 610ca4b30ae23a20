//! The case timeline in court words: each audit event as what happened ("Plea received online"),
//! who did it (a staff member's name, "the defendant", "the system") and when, in the court's
//! time zone. The words for every action the code records live here, in [`ACTIONS`]; a few
//! actions are told more fully from their details (which letter, which plea, how it was linked).
//! Presentation only: the events are as the services recorded them.

use super::present;
use crate::domain::{CaseStatus, LetterType};
use crate::services::case::CaseView;
use crate::services::case_view::EventView;
use crate::web::AppState;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// Every action the code records, in plain words.
const ACTIONS: &[(&str, &str)] = &[
    ("citation.read", "Case opened"),
    ("citations.import", "Citations imported"),
    ("citations.search", "Cases searched"),
    ("envelope.page_moved", "Scanned page moved to another envelope"),
    ("envelope.not_a_plea", "Scanned envelope set aside: not a plea"),
    ("envelope.reopened", "Scanned envelope put back in the keying queue"),
    ("scan.page_read", "Scanned page opened"),
    ("scan.original_read", "Original scan downloaded"),
    ("evidence.purged", "Unsent uploads deleted"),
    ("job.retried", "Stopped job put back in the queue"),
    ("letter.created", "Letter queued"),
    ("letter.read", "Letter opened"),
    ("letters.list", "Letter list opened"),
    ("letters.printed", "Mail run printed"),
    ("backup.created", "Backup taken"),
    ("backup.restored", "Restored from a backup"),
    ("plea.keyed", "Paper plea keyed in"),
    ("plea.recorded", "Plea received online"),
    ("scan.read", "Scan opened"),
    ("scan.uploaded", "Scan uploaded"),
    ("submission.decided", "A clerk decided which plea stands"),
    ("submission.linked", "Plea linked to this citation"),
    ("submission.read", "Plea opened"),
    ("submissions.list", "Plea queue opened"),
    ("staff.signed_in", "Signed in"),
    ("staff.signed_out", "Signed out"),
    ("staff.sign_in_failed", "Sign-in refused"),
    ("staff.locked_out", "Account locked after failed sign-ins"),
    ("user.added", "Staff account added"),
    ("user.role_changed", "Staff role changed"),
    ("user.disabled", "Staff account disabled"),
    ("user.enabled", "Staff account enabled again"),
    ("user.password_reset", "Staff password reset"),
    ("user.unlocked", "Staff account unlocked"),
    ("token.created", "API token created"),
    ("token.revoked", "API token revoked"),
    ("case.status_changed", "Case status changed"),
    ("case.reminded", "Reminder sent"),
    ("charges.disposed", "Charges disposed"),
    ("charges.dispositions_withdrawn", "Dispositions withdrawn"),
    ("offer.made", "Offer made"),
    ("offer.amended", "Offer amended"),
    ("offer.accepted", "Offer accepted"),
    ("offer.rejected", "Offer rejected"),
    ("offer.expired", "Offer expired"),
    ("offer.withdrawn", "Offer withdrawn"),
    ("offer.declined", "Prosecutor declined to make an offer"),
    ("offer.noted", "Offer decision noted (reason, or how the defendant answered)"),
    ("offer_pattern.added", "Offer pattern saved"),
    ("offer_pattern.retired", "Offer pattern retired"),
    ("offer_pattern.restored", "Offer pattern restored"),
    ("evidence.read", "Evidence file opened"),
    ("payment.recorded", "Payment recorded"),
    ("payment.reversed", "Payment reversed"),
    ("payment.overpaid", "Overpaid: a refund is owed"),
    ("payment.enclosed_applied", "Payment enclosed with the paper plea applied"),
    ("hardship.requested", "Unable to pay: the defendant asked for more time, a plan or community service"),
    ("hardship.read", "Unable-to-pay request opened"),
    ("hardship.granted", "Unable-to-pay request granted; letter queued"),
    ("hardship.denied", "Unable-to-pay request denied; letter queued"),
];

/// A letter type as a clerk names it.
pub(super) fn letter_words(kind: LetterType) -> &'static str {
    match kind {
        LetterType::PleaForm => "plea form",
        LetterType::Acknowledgement => "plea receipt",
        LetterType::Deficiency => "deficiency notice",
        LetterType::Offer => "plea offer",
        LetterType::AmountDue => "amount due notice",
        LetterType::Hearing => "hearing notice",
        LetterType::Outcome => "outcome letter",
        LetterType::DefaultNotice => "default notice",
        LetterType::Reminder => "reminder",
    }
}

/// A case status as the timeline says it.
fn status_words(status: &str) -> String {
    match status.parse::<CaseStatus>() {
        Ok(CaseStatus::Open) => "open".into(),
        Ok(CaseStatus::Responded) => "plea received".into(),
        Ok(CaseStatus::InReview) => "waiting for the prosecutor".into(),
        Ok(CaseStatus::OfferPending) => "offer waiting for an answer".into(),
        Ok(CaseStatus::AmountDue) => "amount due".into(),
        Ok(CaseStatus::Resolved) => "resolved".into(),
        Ok(CaseStatus::HearingSet) => "hearing set".into(),
        Ok(CaseStatus::Default) => "default".into(),
        Err(_) => status.replace('_', " "),
    }
}

/// One line of the timeline.
#[derive(Debug, Serialize)]
pub struct Line {
    pub at: String,
    pub who: String,
    pub what: String,
}

/// The case's events as timeline lines, newest first.
pub fn lines(state: &AppState, case: &CaseView, names: &HashMap<String, String>) -> Vec<Line> {
    let mut out: Vec<Line> = case
        .parts
        .events
        .iter()
        .map(|e| Line { at: present::local(state, &e.at), who: present::who(names, &e.actor), what: what(e, case) })
        .collect();
    out.reverse();
    out
}

/// What happened, in words.
fn what(e: &EventView, case: &CaseView) -> String {
    let d = &e.details;
    let id = |key: &str| d.get(key).and_then(Value::as_i64);
    let told = match e.action.as_str() {
        "letter.created" | "letter.read" => {
            id("letter_id").map(|l| format!("{}: {}", words(&e.action), letter(case, l)))
        }
        "plea.recorded" => Some(with_receipt(words(&e.action), case, id("submission_id"))),
        "submission.linked" => Some(linked(d, case)),
        "case.status_changed" => match (d.get("from").and_then(Value::as_str), d.get("to").and_then(Value::as_str)) {
            (Some(from), Some(to)) => Some(format!("Case status: {} → {}", status_words(from), status_words(to))),
            _ => None,
        },
        "submission.decided" => match (id("stands"), id("set_aside")) {
            (Some(stands), Some(aside)) => {
                Some(format!("{}: {} stands, {} set aside", words(&e.action), plea(case, stands), plea(case, aside)))
            }
            _ => None,
        },
        _ => None,
    };
    let mut text = told.unwrap_or_else(|| words(&e.action));
    match e.outcome.as_str() {
        "ok" => {}
        "denied" => text.push_str(" (refused)"),
        "partial" => text.push_str(" (partly done)"),
        other => text.push_str(&format!(" ({})", other.replace('_', " "))),
    }
    text
}

/// The words for an action; one without words yet reads as its parts ("offer.made" → "Offer made").
fn words(action: &str) -> String {
    if let Some((_, w)) = ACTIONS.iter().find(|(a, _)| *a == action) {
        return w.to_string();
    }
    let plain = action.replace(['.', '_'], " ");
    let mut chars = plain.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Recorded".into(),
    }
}

/// `submission.linked` told by how the plea came to the case and what became of it.
fn linked(d: &Value, case: &CaseView) -> String {
    let how = match d.get("how").and_then(Value::as_str) {
        Some("entry") => "Paper plea keyed in and linked to this citation",
        Some("clerk") => "Linked to this citation by a clerk",
        Some("import") => "Linked to this citation when the citation was imported",
        _ => "Plea linked to this citation",
    };
    let flag = |k: &str| d.get(k).and_then(Value::as_bool).unwrap_or(false);
    let letter_id = d.get("letter_id").and_then(Value::as_i64);
    let mut text = how.to_string();
    if flag("duplicate") {
        text.push_str("; a second plea: a clerk decides which stands");
    } else if flag("deficient") {
        text.push_str(if flag("late") { "; late by its postmark" } else { "; incomplete" });
    }
    if let Some(l) = letter_id {
        text.push_str(&format!("; letter queued: {}", letter(case, l)));
    }
    text
}

/// A plea's words followed by the receipt queued with it, if the case lists one.
fn with_receipt(text: String, case: &CaseView, submission: Option<i64>) -> String {
    let receipt = case.parts.letters.iter().find(|l| submission.is_some() && l.submission_id == submission);
    match receipt {
        Some(l) => format!("{text}; letter queued: {}", letter(case, l.id)),
        None => text,
    }
}

/// A letter of the case by its type and language: "plea receipt (Spanish)".
fn letter(case: &CaseView, id: i64) -> String {
    match case.parts.letters.iter().find(|l| l.id == id) {
        Some(l) => {
            let kind = l.kind.parse::<LetterType>().ok().map(|k| letter_words(k).to_string());
            let language = match l.language.as_str() {
                "en" => "English",
                "es" => "Spanish",
                other => other,
            };
            format!("{} ({language})", kind.unwrap_or_else(|| l.kind.replace('_', " ")))
        }
        None => format!("letter no. {id}"),
    }
}

/// A submission of the case by its confirmation code.
fn plea(case: &CaseView, id: i64) -> String {
    match case.parts.submissions.iter().find(|s| s.id == id) {
        Some(s) => format!("plea {}", s.confirmation),
        None => format!("plea no. {id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    /// The actions the code records: the dotted names written where an audit event is made
    /// (`action: "…"`, and the helpers `record(…)`, `change(…)`, `event(…)` that take one), in
    /// the code outside its tests.
    fn recorded_actions() -> BTreeSet<String> {
        let shape = |s: &str| {
            s.split_once('.').is_some_and(|(a, b)| !a.is_empty() && !b.is_empty() && !b.contains('.'))
                && s.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
        };
        let mut found = BTreeSet::new();
        let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                if path.extension().is_none_or(|x| x != "rs") {
                    continue;
                }
                if path.ends_with("web/console/timeline.rs") {
                    continue; // the words themselves
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap_or_default();
                for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
                    if ["action", "record(", "change(", "event("].iter().any(|k| line.contains(k)) {
                        found.extend(line.split('"').skip(1).step_by(2).filter(|s| shape(s)).map(String::from));
                    }
                }
            }
        }
        found
    }

    #[test]
    fn every_action_the_code_records_has_words() {
        let found = recorded_actions();
        // The search itself finds each way an action is written.
        for known in ["plea.recorded", "submission.linked", "staff.signed_in", "user.role_changed", "user.disabled"] {
            assert!(found.contains(known), "{known} not found in src/: {found:?}");
        }
        let missing: Vec<_> = found.iter().filter(|a| !ACTIONS.iter().any(|(k, _)| k == a)).collect();
        assert!(missing.is_empty(), "actions without words in ACTIONS: {missing:?}");
    }

    #[test]
    fn an_action_without_words_reads_as_words() {
        assert_eq!(words("plea.recorded"), "Plea received online");
        assert_eq!(words("offer.made"), "Offer made");
        assert_eq!(words("payment.recorded_by_clerk"), "Payment recorded by clerk");
    }
}
