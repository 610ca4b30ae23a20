//! The status page's timeline in the resident's words: the case's audit events and letters
//! through `domain::public_timeline` (which decides what residents see, and why nothing
//! staff-written is among it), each entry worded from the catalog (`timeline.*`).

use crate::db::{self, citations::CitationRecord, DbConn};
use crate::domain::public_timeline::{entries, EventFact, LetterFact, PublicEntry, PublicKind};
use crate::domain::{Cents, Language, LetterType};
use crate::error::AppError;
use crate::i18n::text as msg;
use crate::services::status::{LetterSummary, TimelineEntry};

/// How many of the case's newest events are read (as the staff timeline does).
const EVENTS: i64 = 500;

fn words(e: &PublicEntry, lang: Language) -> String {
    let kind_key = |k: &PublicKind| serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_string));
    let mut text = msg(lang, &format!("timeline.{}", kind_key(&e.kind).unwrap_or_default()));
    if let Some(cents) = e.amount_cents {
        text = text.replace("{amount}", &Cents::new(cents).unwrap_or_default().to_string());
    }
    if let Some(h) = e.hardship {
        text = text.replace("{kind}", &msg(lang, &format!("hardship.{}", h.as_str())));
    }
    if let Some((kind, _)) = e.letter {
        text = text.replace("{type}", &msg(lang, &format!("letter.{}", kind.as_str())));
    }
    text
}

/// The case's public timeline (oldest first) and its letters to download, in `lang`.
pub fn of_case(
    conn: &mut DbConn,
    case: &CitationRecord,
    tz: chrono_tz::Tz,
    lang: Language,
) -> Result<(Vec<TimelineEntry>, Vec<LetterSummary>), AppError> {
    let local = |t: chrono::NaiveDateTime| t.and_utc().with_timezone(&tz).date_naive();
    let rows = db::case_parts::events_of(conn, &case.citation_number, EVENTS)?;
    let details: Vec<serde_json::Value> =
        rows.iter().map(|e| serde_json::from_str(&e.details).unwrap_or(serde_json::Value::Null)).collect();
    let events: Vec<EventFact> = rows
        .iter()
        .zip(&details)
        .map(|(e, details)| EventFact { on: local(e.at), action: &e.action, details })
        .collect();
    let records = db::letters::for_citation(conn, case.id)?;
    let letters: Vec<LetterSummary> = records
        .iter()
        .map(|l| LetterSummary {
            id: l.id,
            kind: l.letter_type.clone(),
            date: local(l.created_at),
            available: l.storage_path.is_some(),
        })
        .collect();
    let facts: Vec<LetterFact> = letters
        .iter()
        .filter_map(|l| Some(LetterFact { on: l.date, kind: l.kind.parse::<LetterType>().ok()?, id: l.id }))
        .collect();
    let timeline = entries(local(case.issued_at), &events, &facts)
        .iter()
        .map(|e| TimelineEntry { date: e.on, what: words(e, lang), kind: e.kind, letter_id: e.letter.map(|l| l.1) })
        .collect();
    Ok((timeline, letters))
}
