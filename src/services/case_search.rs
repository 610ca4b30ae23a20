//! Staff case search (`POST /api/v1/citations/search`): by citation number (however typed), by
//! last name + date of birth, or by plate. The keys travel in the body, never in a URL; each
//! search is an audit event (which key, how many found; never the values).

use crate::audit::{self, Event};
use crate::db::{self, DbConn};
use crate::domain::matching::text_key;
use crate::domain::{CitationNumber, DateOfBirth};
use crate::error::AppError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// At most this many lines.
const MAX_HITS: usize = 25;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchRequest {
    #[serde(default)]
    pub citation_number: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    /// YYYY-MM-DD, with last_name.
    #[serde(default)]
    pub date_of_birth: Option<String>,
    #[serde(default)]
    pub plate: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    pub citation_number: String,
    pub name: String,
    pub court_date: NaiveDate,
    /// The case status (open, responded, …).
    pub status: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchResult {
    pub count: usize,
    pub citations: Vec<SearchHit>,
}

enum Key {
    Number(CitationNumber),
    NameAndBirth(String, NaiveDate),
    Plate(String),
}

fn key(req: &SearchRequest, today: NaiveDate) -> Result<Key, AppError> {
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    match (given(&req.citation_number), given(&req.last_name), given(&req.date_of_birth), given(&req.plate)) {
        (Some(n), None, None, None) => CitationNumber::parse(&n.split_whitespace().collect::<String>())
            .map(Key::Number)
            .map_err(|e| AppError::field("citation_number", e.to_string())),
        (None, Some(name), Some(dob), None) => {
            let dob = DateOfBirth::parse(&dob, today).map_err(|e| AppError::field("date_of_birth", e.to_string()))?;
            Ok(Key::NameAndBirth(name, dob.date()))
        }
        (None, Some(_), None, None) => {
            Err(AppError::field("date_of_birth", "search by last name needs the date of birth too"))
        }
        (None, None, Some(_), None) => {
            Err(AppError::field("last_name", "search by date of birth needs the last name too"))
        }
        (None, None, None, Some(p)) if !text_key(&p).is_empty() => Ok(Key::Plate(text_key(&p))),
        _ => Err(AppError::invalid("search by one key: {citation_number}, {last_name, date_of_birth} or {plate}")),
    }
}

/// Searches for staff member `actor`.
pub fn search(conn: &mut DbConn, req: &SearchRequest, today: NaiveDate, actor: &str) -> Result<SearchResult, AppError> {
    let key = key(req, today)?;
    let (by, numbers): (&str, Vec<String>) = match &key {
        Key::Number(n) => (
            "citation_number",
            crate::services::matching::find_as_typed(conn, n)?.map(|c| c.citation_number).into_iter().collect(),
        ),
        Key::NameAndBirth(name, dob) => {
            let name = text_key(name);
            let found = db::candidates::by_birth_date(conn, *dob)?;
            (
                "last_name_and_date_of_birth",
                found.into_iter().filter(|c| text_key(&c.last_name) == name).map(|c| c.number).collect(),
            )
        }
        Key::Plate(plate) => ("plate", db::candidates::by_plate(conn, plate)?.into_iter().map(|c| c.number).collect()),
    };
    let citations: Vec<SearchHit> = db::candidates::search_rows(conn, &numbers)?
        .into_iter()
        .take(MAX_HITS)
        .map(|r| SearchHit {
            citation_number: r.citation_number,
            name: format!("{} {}", r.first_name, r.last_name),
            court_date: r.court_date,
            status: r.status,
        })
        .collect();
    audit::record(
        conn,
        &Event {
            actor,
            action: "citations.search",
            subject_type: "citations",
            subject_id: by,
            outcome: "ok",
            details: serde_json::json!({"by": by, "count": citations.len()}),
        },
    )?;
    Ok(SearchResult { count: citations.len(), citations })
}
