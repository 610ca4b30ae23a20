//! Finding the citation a plea names: the number however it was typed, and match suggestions
//! (ranked by `domain::matching`) when it names none on file.

use crate::db::{self, citations::CitationRecord, DbConn};
use crate::domain::matching::{self, Claim, Suggestion};
use crate::domain::CitationNumber;
use crate::error::AppError;

/// The citation a number names: as written, or typed without dashes, or with O for 0 or I for 1
/// (read by the shapes of the numbers on file).
pub fn find_as_typed(conn: &mut DbConn, number: &CitationNumber) -> Result<Option<CitationRecord>, AppError> {
    if let Some(c) = db::citations::find_by_number(conn, number.as_str())? {
        return Ok(Some(c));
    }
    for shape in db::citations::number_shapes(conn)? {
        let Some(shaped) = crate::domain::citation_number::with_shape(number.as_str(), &shape) else {
            continue;
        };
        if shaped != number.as_str() {
            if let Some(c) = db::citations::find_by_number(conn, &shaped)? {
                return Ok(Some(c));
            }
        }
    }
    Ok(None)
}

/// The number as it will be printed once filed: the first shape on file it fits, else as typed.
pub fn shaped(conn: &mut DbConn, number: &CitationNumber) -> Result<String, AppError> {
    for shape in db::citations::number_shapes(conn)? {
        if let Some(s) = crate::domain::citation_number::with_shape(number.as_str(), &shape) {
            return Ok(s);
        }
    }
    Ok(number.as_str().to_string())
}

/// Ranked suggestions for what a plea claims (at most `domain::matching::MAX_SUGGESTIONS`).
pub fn suggestions(conn: &mut DbConn, claim: &Claim) -> Result<Vec<Suggestion>, AppError> {
    let mut candidates = Vec::new();
    if let Some(typed) = claim.number {
        let numbers = db::candidates::recent_numbers(conn)?;
        let close = matching::close_numbers(typed, numbers.iter().map(String::as_str));
        candidates.extend(db::candidates::by_numbers(conn, &close)?);
    }
    if let Some(dob) = claim.date_of_birth {
        candidates.extend(db::candidates::by_birth_date(conn, dob)?);
    }
    if let Some(plate) = claim.plate.map(matching::text_key).filter(|p| !p.is_empty()) {
        candidates.extend(db::candidates::by_plate(conn, &plate)?);
    }
    Ok(matching::rank(claim, &candidates))
}
