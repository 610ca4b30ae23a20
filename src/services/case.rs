//! What staff read: one case, the list of letters, a letter's PDF. Every read of personal data is
//! an audit event (who read whose data; ids and citation numbers only), recorded once the data
//! has been found and before it is returned.

use crate::audit::{self, Event};
use crate::db::{self, citations::CitationRecord, letters::LetterRecord, DbConn};
use crate::domain::{CaseStatus, CitationNumber, LetterStatus};
use crate::error::AppError;
use crate::services::letters as letter_service;
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CaseView {
    pub citation_number: String,
    pub agency: String,
    /// RFC 3339, UTC.
    pub issued_at: String,
    pub location: String,
    pub officer_badge: Option<String>,
    pub court_date: NaiveDate,
    #[schema(value_type = String, example = "open")]
    pub status: CaseStatus,
    pub response_due: NaiveDate,
    pub defendant: DefendantView,
    pub vehicle: VehicleView,
    pub charges: Vec<ChargeView>,
    pub total_fine_cents: i64,
    pub total_points: i32,
    /// Submissions, offers, payments, dispositions, letters and the timeline of events.
    #[serde(flatten)]
    pub parts: crate::services::case_view::CaseParts,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DefendantView {
    pub first_name: String,
    pub middle_name: Option<String>,
    pub last_name: String,
    pub date_of_birth: NaiveDate,
    pub address: AddressView,
    pub license_number: Option<String>,
    pub license_state: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The defendant's preferred language (ISO 639-1) as imported.
    pub language: String,
    /// The language their letters and pages are written in (`en` or `es`).
    pub letter_language: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AddressView {
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub state: String,
    pub postal_code: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VehicleView {
    pub plate: Option<String>,
    pub plate_state: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChargeView {
    pub seq: i32,
    pub offense_code: String,
    pub description: Option<String>,
    pub description_es: Option<String>,
    pub penalty_class: Option<String>,
    pub fine_cents: i64,
    pub points: i32,
    pub plea_by_mail: bool,
    pub must_appear: bool,
}

/// The whole case for a staff member (`actor`), on the record as `citation.read`.
pub fn read_case(conn: &mut DbConn, number: &CitationNumber, actor: &str) -> Result<CaseView, AppError> {
    let view = case_view(conn, number)?;
    let event = Event {
        actor,
        action: "citation.read",
        subject_type: "citation",
        subject_id: number.as_str(),
        outcome: "ok",
        details: serde_json::json!({}),
    };
    audit::record(conn, &event)?;
    Ok(view)
}

/// The letters (with their citation numbers) for a staff member, on the record as `letters.list`
/// with the filter and how many were listed.
pub fn read_letters(
    conn: &mut DbConn,
    status: Option<LetterStatus>,
    limit: i64,
    actor: &str,
) -> Result<Vec<(LetterRecord, Option<String>)>, AppError> {
    let rows = db::letters::list(conn, status, limit)?;
    let filter = status.map(|s| s.as_str()).unwrap_or("all");
    let event = Event {
        actor,
        action: "letters.list",
        subject_type: "letters",
        subject_id: filter,
        outcome: "ok",
        details: serde_json::json!({"count": rows.len()}),
    };
    audit::record(conn, &event)?;
    Ok(rows)
}

/// A letter's stored PDF for a staff member, on the record as `letter.read` under the letter's
/// citation.
pub fn read_letter_pdf(
    conn: &mut DbConn,
    id: i64,
    actor: &str,
    ctx: &letter_service::LetterContext,
) -> Result<Vec<u8>, AppError> {
    let bytes = letter_service::stored_pdf(conn, id, ctx)?;
    let letter = db::letters::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("no letter {id}")))?;
    let number = match letter.citation_id {
        Some(cid) => db::citations::find_by_id(conn, cid)?.map(|c| c.citation_number),
        None => None,
    };
    let id_text = id.to_string();
    let (subject_type, subject_id) = match &number {
        Some(n) => ("citation", n.as_str()),
        None => ("letter", id_text.as_str()),
    };
    let event = Event {
        actor,
        action: "letter.read",
        subject_type,
        subject_id,
        outcome: "ok",
        details: serde_json::json!({"letter_id": id, "type": letter.letter_type}),
    };
    audit::record(conn, &event)?;
    Ok(bytes)
}

pub fn case_view(conn: &mut DbConn, number: &CitationNumber) -> Result<CaseView, AppError> {
    let citation = db::citations::find_by_number(conn, number.as_str())?
        .ok_or_else(|| AppError::NotFound(format!("no citation {number} is on file")))?;
    let charges = db::citations::charges_of(conn, &citation)?;
    let charges: Vec<ChargeView> = charges
        .into_iter()
        .map(|c| ChargeView {
            seq: c.seq,
            description: c.offense.as_ref().map(|o| o.description.clone()),
            description_es: c.offense.as_ref().map(|o| o.description_es.clone()),
            penalty_class: c.offense.as_ref().map(|o| o.penalty_class.clone()),
            plea_by_mail: crate::db::offenses::facts(c.offense.as_ref()).offense_by_mail().is_ok(),
            must_appear: c.offense.as_ref().is_some_and(|o| o.must_appear),
            offense_code: c.offense_code,
            fine_cents: c.fine_cents,
            points: c.points,
        })
        .collect();
    let parts = crate::services::case_view::parts(conn, &citation)?;
    Ok(view(citation, charges, parts))
}

fn view(c: CitationRecord, charges: Vec<ChargeView>, parts: crate::services::case_view::CaseParts) -> CaseView {
    CaseView {
        parts,
        total_fine_cents: charges.iter().map(|c| c.fine_cents).sum(),
        total_points: charges.iter().map(|c| c.points).sum(),
        citation_number: c.citation_number,
        agency: c.agency,
        issued_at: c.issued_at.and_utc().to_rfc3339(),
        location: c.location,
        officer_badge: c.officer_badge,
        court_date: c.court_date,
        status: c.status,
        response_due: c.response_due,
        defendant: DefendantView {
            first_name: c.first_name,
            middle_name: c.middle_name,
            last_name: c.last_name,
            date_of_birth: c.date_of_birth,
            address: AddressView {
                line1: c.address_line1,
                line2: c.address_line2,
                city: c.city,
                state: c.state,
                postal_code: c.postal_code,
            },
            license_number: c.license_number,
            license_state: c.license_state,
            email: c.email,
            phone: c.phone,
            language: c.preferred_language,
            letter_language: c.language,
        },
        vehicle: VehicleView { plate: c.plate, plate_state: c.plate_state },
        charges,
    }
}
