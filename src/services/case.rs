//! The staff view of one case.

use crate::db::{self, citations::CitationRecord, DbConn};
use crate::domain::CitationNumber;
use crate::error::AppError;
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
    pub status: String,
    pub response_due: NaiveDate,
    pub defendant: DefendantView,
    pub vehicle: VehicleView,
    pub charges: Vec<ChargeView>,
    pub total_fine_cents: i64,
    pub total_points: i32,
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
    pub language: String,
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
    Ok(view(citation, charges))
}

fn view(c: CitationRecord, charges: Vec<ChargeView>) -> CaseView {
    CaseView {
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
            language: c.language,
        },
        vehicle: VehicleView { plate: c.plate, plate_state: c.plate_state },
        charges,
    }
}
