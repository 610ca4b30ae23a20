//! `GET /api/v1/reports/summary?from=YYYY-MM-DD&to=YYYY-MM-DD` (JSON) and
//! `GET /api/v1/reports/summary.csv` (the same numbers, `measure,key,value`; also
//! `summary?format=csv`). Staff at the court — clerks, prosecutors and admins
//! (`CaseReaders`): SPEC §4 gives reports to "staff", and counts help each of them; never an
//! integration token. Counts only, nothing personal: no audit event (staff reads are audited
//! for personal data). Thin: `services::reports` counts.

use crate::domain::report::DateRange;
use crate::error::AppError;
use crate::services::{report_csv, reports};
use crate::web::staff::{CaseReaders, Staff};
use crate::web::{run_db, AppState};
use actix_web::{http::header, web, HttpRequest, HttpResponse};
use std::collections::HashMap;

/// The range the query asks for (`from`, `to`; missing → the last 90 days), or a 422 naming the
/// wrong field; and whether it asks for CSV (`format=csv`).
pub fn range(req: &HttpRequest, state: &AppState) -> Result<(DateRange, bool), AppError> {
    let query: HashMap<String, String> = serde_urlencoded::from_str(req.query_string())
        .map_err(|_| AppError::invalid("the query string cannot be read; use ?from=YYYY-MM-DD&to=YYYY-MM-DD"))?;
    let csv = match query.get("format").map(String::as_str) {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(AppError::field("format", "use format=json or format=csv")),
    };
    let range =
        DateRange::parse(query.get("from").map(String::as_str), query.get("to").map(String::as_str), state.today())
            .map_err(|fields| AppError::Invalid { message: "the date range is not valid".into(), fields })?;
    Ok((range, csv))
}

/// The summary for the range `req` asks for.
pub async fn load(req: &HttpRequest, state: &AppState) -> Result<(reports::Summary, bool), AppError> {
    let (range, csv) = range(req, state)?;
    let (tz, today) = (state.config.court_tz, state.today());
    let summary = run_db(&state.pool, move |c| reports::summary(c, range, tz, today)).await?;
    Ok((summary, csv))
}

/// The summary as a CSV download.
pub fn csv_response(summary: &reports::Summary) -> Result<HttpResponse, AppError> {
    let body = report_csv::write(summary).map_err(|e| AppError::Internal(anyhow::anyhow!("report CSV: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8; header=present")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", report_csv::file_name(summary)),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

/// `GET /api/v1/reports/summary`
pub async fn summary(
    _staff: Staff<CaseReaders>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (summary, csv) = load(&req, &state).await?;
    if csv {
        return csv_response(&summary);
    }
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(summary))
}

/// `GET /api/v1/reports/summary.csv`
pub async fn summary_csv(
    _staff: Staff<CaseReaders>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (summary, _) = load(&req, &state).await?;
    csv_response(&summary)
}
