//! The prosecutor's side in the console: the queue of requests for an offer (oldest first, with
//! the date the prosecutor should answer by), and a case's review — the statement, the evidence,
//! the same person's other citations, the charges and the offer form (prefilled from a saved
//! pattern, expiring after the court's offer window). Opening a review is a `citation.read`.

use super::patterns;
use crate::db::{self, DbConn};
use crate::domain::deadline::CourtCalendar;
use crate::domain::next_steps::add_business_days;
use crate::domain::{Cents, CitationNumber, Plea};
use crate::error::AppError;
use crate::services::case::{read_case, CaseView};
use crate::services::letters::LetterContext;
use chrono::NaiveDate;
use serde::Serialize;

/// A request waiting in the queue.
#[derive(Debug, Clone, Serialize)]
pub struct QueueRow {
    pub citation_number: String,
    pub requested_on: NaiveDate,
    /// When the prosecutor should answer (the court's review window, in business days).
    pub answer_by: NaiveDate,
    pub overdue: bool,
}

/// The requests for an offer, oldest first.
pub fn queue(conn: &mut DbConn, ctx: &LetterContext) -> Result<Vec<QueueRow>, AppError> {
    let calendar = CourtCalendar::new(db::offenses::holidays(conn)?);
    let today = ctx.today();
    let days = ctx.court.after_plea.offer_review_business_days;
    Ok(db::offers::requests(conn, 500)?
        .into_iter()
        .map(|r| {
            let requested_on = r.received_at.and_utc().with_timezone(&ctx.court_tz).date_naive();
            let answer_by = add_business_days(&calendar, requested_on, days);
            QueueRow { citation_number: r.citation_number, requested_on, answer_by, overdue: answer_by < today }
        })
        .collect())
}

/// One line of the offer form: the charge, and what the form proposes for it.
#[derive(Debug, Clone, Serialize)]
pub struct FormLine {
    pub seq: i32,
    pub offense_code: String,
    pub fine: String,
    pub points: i32,
}

/// Another citation of the same person.
#[derive(Debug, Clone, Serialize)]
pub struct RecordLine {
    pub citation_number: String,
    pub issued_on: NaiveDate,
    pub status: String,
}

/// A catalog offense the form can amend to.
#[derive(Debug, Clone, Serialize)]
pub struct CatalogLine {
    pub code: String,
    pub description: String,
    pub fine_cents: i64,
    pub points: i32,
}

/// Everything the review page shows.
#[derive(Debug, Serialize)]
pub struct Review {
    pub case: CaseView,
    /// (document id, name) of each evidence file, newest plea's first.
    pub evidence: Vec<(i64, String)>,
    pub record: Vec<RecordLine>,
    /// The charges the defendant asked an offer for, as the form proposes them.
    pub lines: Vec<FormLine>,
    pub expires_on: NaiveDate,
    pub catalog: Vec<CatalogLine>,
    pub patterns: Vec<patterns::PatternView>,
    pub pattern: Option<i64>,
}

/// The review of case `number` for `actor`, its form prefilled from `pattern` if given.
pub fn review(
    conn: &mut DbConn,
    number: &str,
    pattern: Option<i64>,
    actor: &str,
    ctx: &LetterContext,
) -> Result<Review, AppError> {
    let typed = CitationNumber::parse(number).map_err(|e| AppError::NotFound(e.to_string()))?;
    let case = read_case(conn, &typed, actor)?;
    let citation = db::citations::find_by_number(conn, &case.citation_number)?
        .ok_or_else(|| AppError::NotFound(format!("no citation {typed} is on file")))?;
    let mut evidence = Vec::new();
    for s in &case.parts.submissions {
        evidence.extend(db::documents::evidence_of(conn, s.id)?);
    }
    let tz = ctx.court_tz;
    let record = db::offers::same_person(conn, &citation)?
        .into_iter()
        .map(|(n, issued, status)| RecordLine {
            citation_number: n,
            issued_on: issued.and_utc().with_timezone(&tz).date_naive(),
            status,
        })
        .collect();
    let rule = match pattern {
        Some(id) => db::offers::pattern(conn, id)?.map(|p| patterns::rule(&p)).transpose()?,
        None => None,
    };
    let applied = crate::services::case_state::snapshot(conn, citation.id)?;
    let lines = case
        .charges
        .iter()
        .filter(|c| {
            applied.charge(c.seq).is_some_and(|a| a.plea == Some(Plea::RequestOffer) && a.disposition.is_none())
        })
        .map(|c| {
            let fine = Cents::new(c.fine_cents).unwrap_or_default();
            let (code, fine, points) = match &rule {
                Some(r) => r.propose(&c.offense_code, fine, c.points),
                None => (c.offense_code.clone(), fine, c.points),
            };
            FormLine { seq: c.seq, offense_code: code, fine: dollars(fine), points }
        })
        .collect();
    let codes: Vec<String> = db::offenses::catalog(conn)?.into_keys().collect();
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let mut catalog: Vec<CatalogLine> = db::offenses::in_force(conn, &refs, ctx.today())?
        .into_iter()
        .map(|o| CatalogLine { code: o.code, description: o.description, fine_cents: o.fine_cents, points: o.points })
        .collect();
    catalog.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(Review {
        case,
        evidence,
        record,
        lines,
        expires_on: ctx
            .court
            .deadlines
            .offer_expires_on(ctx.today(), &CourtCalendar::new(db::offenses::holidays(conn)?)),
        catalog,
        patterns: patterns::list(conn, false)?,
        pattern,
    })
}

/// `12.50` for the form's fine fields.
fn dollars(c: Cents) -> String {
    format!("{}.{:02}", c.get() / 100, c.get() % 100)
}

/// An evidence file for a staff member (`evidence.read`): (bytes, content type, file name).
pub fn evidence_file(
    conn: &mut DbConn,
    data_dir: &std::path::Path,
    id: i64,
    actor: &str,
) -> Result<(Vec<u8>, String, String), AppError> {
    let missing = || AppError::NotFound(format!("there is no evidence document {id}"));
    let doc = db::documents::find(conn, id)?.ok_or_else(missing)?;
    if !db::documents::is_evidence(conn, id)? {
        return Err(missing());
    }
    let bytes = crate::services::scans::previews::original(conn, data_dir, &doc)?;
    let subject = id.to_string();
    let event = crate::audit::Event {
        actor,
        action: "evidence.read",
        subject_type: "documents",
        subject_id: &subject,
        outcome: "ok",
        details: serde_json::json!({}),
    };
    crate::audit::record(conn, &event)?;
    let extension = doc.content_type.rsplit('/').next().unwrap_or("bin").replace("jpeg", "jpg");
    Ok((bytes, doc.content_type, format!("evidence-{id}.{extension}")))
}
