//! What a resident sees after pleading: status, timeline, letters to download. Identity is the
//! confirmation code and the date of birth; a wrong one of either gets the same answer.

use crate::db::{self, citations::CitationRecord, DbConn};
use crate::domain::{DateOfBirth, Language};
use crate::error::AppError;
use crate::services::letters as letter_service;
use crate::services::messages::msg;
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    pub date: NaiveDate,
    pub what: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LetterSummary {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub date: NaiveDate,
    /// False until the letter has been rendered.
    pub available: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatusView {
    pub citation_number: String,
    pub confirmation: String,
    pub status: String,
    pub status_text: String,
    pub response_due: NaiveDate,
    pub timeline: Vec<TimelineEntry>,
    pub letters: Vec<LetterSummary>,
}

fn status_text(status: &str, lang: Language) -> &'static str {
    match (status, lang) {
        ("open" | "responded", Language::En) => "We received your plea and are processing it.",
        ("open" | "responded", Language::Es) => "Recibimos su declaración y la estamos procesando.",
        ("in_review", Language::En) => "A prosecutor is reviewing your request for an offer.",
        ("in_review", Language::Es) => "Un fiscal está revisando su pedido de una oferta.",
        ("offer_pending", Language::En) => "The prosecutor made you an offer. See your letters.",
        ("offer_pending", Language::Es) => "La fiscalía le hizo una oferta. Vea sus cartas.",
        ("amount_due", Language::En) => "The fine is due. We will send you a letter with the amount and how to pay.",
        ("amount_due", Language::Es) => {
            "La multa está pendiente de pago. Le enviaremos una carta con la cantidad y cómo pagar."
        }
        ("hearing_set", Language::En) => "A hearing will be set. We will send you a notice with the date.",
        ("hearing_set", Language::Es) => "Se fijará una audiencia. Le enviaremos un aviso con la fecha.",
        ("resolved", Language::En) => "Your case is resolved.",
        ("resolved", Language::Es) => "Su caso está resuelto.",
        ("default", Language::En) => "The deadline passed without an answer. Contact the court.",
        ("default", Language::Es) => "La fecha límite pasó sin respuesta. Comuníquese con el tribunal.",
        (_, Language::En) => "Contact the court for the status of your case.",
        (_, Language::Es) => "Comuníquese con el tribunal para saber el estado de su caso.",
    }
}

/// The submission and case for a confirmation code and date of birth (same 404 otherwise).
fn find_submission(
    conn: &mut DbConn,
    confirmation: &str,
    dob: &str,
    today: NaiveDate,
    lang: Language,
) -> Result<(db::submissions::SubmissionRecord, CitationRecord), AppError> {
    let not_found = || AppError::NotFound(msg(lang, "not_found"));
    let dob =
        DateOfBirth::parse(dob, today).map_err(|_| AppError::field("date_of_birth", msg(lang, "date_of_birth")))?;
    let code = confirmation.trim().to_ascii_uppercase();
    let sub = db::submissions::by_confirmation(conn, &code)?.ok_or_else(not_found)?;
    let case = match sub.citation_id {
        Some(id) => db::citations::find_by_id(conn, id)?,
        None => None,
    }
    .filter(|c| c.date_of_birth == dob.date())
    .ok_or_else(not_found)?;
    Ok((sub, case))
}

/// What a resident sees on the status page.
pub fn status(
    conn: &mut DbConn,
    confirmation: &str,
    dob: &str,
    today: NaiveDate,
    lang: Language,
    tz: chrono_tz::Tz,
) -> Result<StatusView, AppError> {
    let (sub, case) = find_submission(conn, confirmation, dob, today, lang)?;
    let local = |t: chrono::NaiveDateTime| t.and_utc().with_timezone(&tz).date_naive();
    let (issued, received) = match lang {
        Language::En => ("You received the ticket.", "We received your plea."),
        Language::Es => ("Usted recibió la multa.", "Recibimos su declaración."),
    };
    let mut timeline = vec![
        TimelineEntry { date: local(case.issued_at), what: issued.into() },
        TimelineEntry { date: local(sub.received_at), what: received.into() },
    ];
    let letters: Vec<LetterSummary> = db::letters::for_citation(conn, case.id)?
        .into_iter()
        .map(|l| {
            let what = match (l.letter_type.as_str(), lang) {
                ("acknowledgement", Language::En) => "We sent you a letter confirming your plea.".to_string(),
                ("acknowledgement", Language::Es) => "Le enviamos una carta que confirma su declaración.".to_string(),
                (t, Language::En) => format!("We sent you a letter ({t})."),
                (t, Language::Es) => format!("Le enviamos una carta ({t})."),
            };
            timeline.push(TimelineEntry { date: local(l.created_at), what });
            LetterSummary {
                id: l.id,
                kind: l.letter_type,
                date: local(l.created_at),
                available: l.storage_path.is_some(),
            }
        })
        .collect();
    Ok(StatusView {
        citation_number: case.citation_number,
        confirmation: sub.confirmation,
        status_text: status_text(&case.status, lang).to_string(),
        status: case.status,
        response_due: case.response_due,
        timeline,
        letters,
    })
}

/// A letter of the resident's case, for download from the status page.
pub fn letter_pdf(
    conn: &mut DbConn,
    confirmation: &str,
    dob: &str,
    letter_id: i64,
    today: NaiveDate,
    lang: Language,
) -> Result<Vec<u8>, AppError> {
    let (_, case) = find_submission(conn, confirmation, dob, today, lang)?;
    let letter = own_letter(conn, &case, letter_id, lang)?;
    letter_service::stored_pdf(conn, letter.id)
}

/// A letter of the resident's case for the status page: rendered now if the worker has not done
/// it yet (it is stored once). Whether the letter belongs to the case is checked first; a letter
/// of another case is refused with nothing rendered.
pub fn letter_pdf_rendered(
    conn: &mut DbConn,
    confirmation: &str,
    dob: &str,
    letter_id: i64,
    today: NaiveDate,
    lang: Language,
    ctx: &letter_service::LetterContext,
) -> Result<Vec<u8>, AppError> {
    let (_, case) = find_submission(conn, confirmation, dob, today, lang)?;
    let letter = own_letter(conn, &case, letter_id, lang)?;
    if letter.storage_path.is_none() {
        let templates = ctx.templates()?;
        letter_service::render_stored(conn, letter.id, ctx, &templates)?;
    }
    letter_service::stored_pdf(conn, letter.id)
}

/// The letter `letter_id` if it is one of `case`'s; the same 404 as a wrong identity otherwise.
fn own_letter(
    conn: &mut DbConn,
    case: &CitationRecord,
    letter_id: i64,
    lang: Language,
) -> Result<db::letters::LetterRecord, AppError> {
    db::letters::find(conn, letter_id)?
        .filter(|l| l.citation_id == Some(case.id))
        .ok_or_else(|| AppError::NotFound(msg(lang, "not_found")))
}
