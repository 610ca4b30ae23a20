//! The citations a match suggestion or a staff search may name: by number, by last name and date
//! of birth, by plate. Ranking is `domain::matching`'s; this only fetches.

use super::schema::citations;
use super::DbConn;
use crate::domain::matching::Candidate;
use chrono::NaiveDate;
use diesel::prelude::*;

diesel::define_sql_function!(fn upper(x: diesel::sql_types::Text) -> diesel::sql_types::Text);
diesel::define_sql_function!(fn replace(x: diesel::sql_types::Text, from: diesel::sql_types::Text, to: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// How many of the newest citations a typed number is compared with. A plea by mail answers a
/// ticket of the last weeks; the newest 50,000 cover far more than a court's open cases.
const RECENT_NUMBERS: i64 = 50_000;

type Row = (String, NaiveDate, String, Option<String>);

fn candidate((number, date_of_birth, last_name, plate): Row) -> Candidate {
    Candidate { number, date_of_birth, last_name, plate }
}

/// The numbers of the newest citations, for comparing with a typed number.
pub fn recent_numbers(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    citations::table.order(citations::id.desc()).limit(RECENT_NUMBERS).select(citations::citation_number).load(conn)
}

/// The candidates with these numbers.
pub fn by_numbers(conn: &mut DbConn, numbers: &[String]) -> QueryResult<Vec<Candidate>> {
    let rows: Vec<Row> = citations::table
        .filter(citations::citation_number.eq_any(numbers))
        .select((citations::citation_number, citations::date_of_birth, citations::last_name, citations::plate))
        .load(conn)?;
    Ok(rows.into_iter().map(candidate).collect())
}

/// The citations of people born on `dob` (names are compared by the caller, accents and all).
pub fn by_birth_date(conn: &mut DbConn, dob: NaiveDate) -> QueryResult<Vec<Candidate>> {
    let rows: Vec<Row> = citations::table
        .filter(citations::date_of_birth.eq(dob))
        .order(citations::id.desc())
        .limit(500)
        .select((citations::citation_number, citations::date_of_birth, citations::last_name, citations::plate))
        .load(conn)?;
    Ok(rows.into_iter().map(candidate).collect())
}

/// The citations of a plate, compared without case, spaces or hyphens (`key` is already so).
pub fn by_plate(conn: &mut DbConn, key: &str) -> QueryResult<Vec<Candidate>> {
    let stored = replace(replace(upper(citations::plate.assume_not_null()), " ", ""), "-", "");
    let rows: Vec<Row> = citations::table
        .filter(citations::plate.is_not_null())
        .filter(stored.eq(key.to_ascii_uppercase()))
        .order(citations::id.desc())
        .limit(100)
        .select((citations::citation_number, citations::date_of_birth, citations::last_name, citations::plate))
        .load(conn)?;
    Ok(rows.into_iter().map(candidate).collect())
}

/// A line of a staff search: no date of birth, no address.
#[derive(Debug, Clone, Queryable)]
pub struct SearchRow {
    pub citation_number: String,
    pub first_name: String,
    pub last_name: String,
    pub court_date: NaiveDate,
    pub status: String,
}

/// The search lines of these citations, newest first.
pub fn search_rows(conn: &mut DbConn, numbers: &[String]) -> QueryResult<Vec<SearchRow>> {
    citations::table
        .filter(citations::citation_number.eq_any(numbers))
        .order(citations::id.desc())
        .select((
            citations::citation_number,
            citations::first_name,
            citations::last_name,
            citations::court_date,
            citations::status,
        ))
        .load(conn)
}
