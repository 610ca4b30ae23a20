//! `POST /api/v1/citations/import` and `GET /api/v1/citations/{number}`.

use crate::domain::CitationNumber;
use crate::error::AppError;
use crate::import::{self, rows, ImportRules};
use crate::services;
use crate::web::staff::{CaseReaders, Importers, Staff, StaffAnd};
use crate::web::{body, run_db, AppState};
use actix_web::{web, HttpRequest, HttpResponse};

/// Imports an e-citation file sent as `text/csv`, or the same rows as a JSON array of objects.
pub async fn import(
    user: Staff<Importers>,
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let media = body::media_type(&req);
    let is_json = match media.as_str() {
        "text/csv" | "application/csv" | "text/plain" => false,
        "application/json" => true,
        _ => {
            return Err(AppError::UnsupportedMediaType(
                "send the citations as text/csv (the e-citation CSV) or application/json (an array of rows)".into(),
            ))
        }
    };
    let bytes = body::read_limited(&req, payload, state.config.max_import_bytes).await?;
    let parsed = if is_json {
        rows::from_json(&bytes, import::citations::COLUMNS)
    } else {
        rows::from_csv(&bytes, import::citations::COLUMNS)
    };
    let rows = parsed.map_err(|e| AppError::invalid(e.0))?;
    let rules =
        ImportRules { court_tz: state.config.court_tz, response_due: state.config.court.deadlines.response_due };
    let actor = user.actor();
    let linker = services::paper_link::ImportLinker { ctx: state.letters.clone() };
    let summary = run_db(&state.pool, move |c| {
        import::citations::import_then(c, rows, &rules, &actor, &linker, &crate::progress::Quiet)
    })
    .await?;
    tracing::info!(
        imported = summary.imported,
        updated = summary.updated,
        unchanged = summary.unchanged,
        rejected = summary.rejected.len(),
        linked_pleas = summary.linked_pleas,
        "citations imported"
    );
    Ok(HttpResponse::Ok().json(summary))
}

/// The whole case, for staff.
pub async fn get(
    user: Staff<CaseReaders>,
    number: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let number = CitationNumber::parse(&number).map_err(|e| AppError::field("number", e.to_string()))?;
    let actor = user.actor();
    let view = run_db(&state.pool, move |c| services::case::read_case(c, &number, &actor)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// `POST /api/v1/citations/search` `{citation_number}` | `{last_name, date_of_birth}` | `{plate}`
pub async fn search(
    call: StaffAnd<CaseReaders, web::Json<serde_json::Value>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let StaffAnd { staff: user, rest: body } = call;
    let req: services::case_search::SearchRequest = serde_json::from_value(body.into_inner())
        .map_err(|e| AppError::invalid(format!("the body does not fit a search: {e}")))?;
    let (actor, today) = (user.actor(), state.today());
    let found = run_db(&state.pool, move |c| services::case_search::search(c, &req, today, &actor)).await?;
    Ok(HttpResponse::Ok().insert_header((actix_web::http::header::CACHE_CONTROL, "no-store")).json(found))
}
