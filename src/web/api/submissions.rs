//! Paper pleas for clerks: `POST /api/v1/submissions` (keyed in; honours `Idempotency-Key`),
//! `GET /api/v1/submissions?status=…` (the queues), `POST /api/v1/submissions/{id}/link` and
//! `POST /api/v1/submissions/{id}/decide` (which of a duplicate's pleas stands).

use crate::error::AppError;
use crate::services::paper_plea::{self, PaperPleaRequest};
use crate::services::{duplicate_decision, paper_link, submission_queue};
use crate::web::staff::{ClerkOrAdmin, Staff, StaffAnd};
use crate::web::{body, run_db, AppState};
use actix_web::{http::header, web, HttpRequest, HttpResponse};
use serde::Deserialize;

/// `POST /api/v1/submissions`
pub async fn create(
    req: HttpRequest,
    call: StaffAnd<ClerkOrAdmin, web::Json<serde_json::Value>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let StaffAnd { staff: user, rest: plea } = call;
    let key = body::idempotency_key(&req)?;
    let (ctx, today, user_id) = (state.letters.clone(), state.today(), user.user.id);
    let plea: PaperPleaRequest = parse_body(plea.into_inner())?;
    let answer =
        run_db(&state.pool, move |c| paper_plea::submit(c, &plea, key.as_deref(), user_id, &ctx, today)).await?;
    Ok(HttpResponse::Created().insert_header((header::CACHE_CONTROL, "no-store")).json(answer))
}

/// A JSON body read as this request's type; what does not fit is a 422 saying what.
pub(crate) fn parse_body<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, AppError> {
    serde_json::from_value(v).map_err(|e| AppError::invalid(format!("the body does not fit this request: {e}")))
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    /// RFC 3339: with `status=linked`, what was linked after this time.
    since: Option<String>,
    limit: Option<i64>,
}

/// `GET /api/v1/submissions?status=unmatched|deficient|linked|duplicate[&since=…]`
pub async fn list(
    user: Staff<ClerkOrAdmin>,
    query: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let status = q.status.unwrap_or_else(|| "unmatched".into());
    let since = match q.since.as_deref() {
        Some(s) => Some(
            chrono::DateTime::parse_from_rfc3339(s.trim())
                .map_err(|_| AppError::field("since", "write the time as RFC 3339, like 2026-12-01T09:30:00Z"))?
                .naive_utc(),
        ),
        None => None,
    };
    let limit = q.limit.unwrap_or(200).clamp(1, 1000);
    let actor = user.actor();
    let list = run_db(&state.pool, move |c| submission_queue::list(c, &status, since, limit, &actor)).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(list))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LinkBody {
    pub citation_number: String,
}

/// `POST /api/v1/submissions/{id}/link` `{citation_number}`
pub async fn link(
    call: StaffAnd<ClerkOrAdmin, (web::Path<i64>, web::Json<serde_json::Value>)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let StaffAnd { staff: user, rest: (id, body) } = call;
    let (id, ctx, actor) = (id.into_inner(), state.letters.clone(), user.actor());
    let number = parse_body::<LinkBody>(body.into_inner())?.citation_number;
    let answer = run_db(&state.pool, move |c| paper_link::link(c, id, &number, &actor, &ctx)).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(answer))
}

/// `POST /api/v1/submissions/{id}/decide` `{stands}`: which of a duplicate's two pleas stands.
pub async fn decide(
    call: StaffAnd<ClerkOrAdmin, (web::Path<i64>, web::Json<serde_json::Value>)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let StaffAnd { staff: user, rest: (id, body) } = call;
    let (id, ctx, user_id) = (id.into_inner(), state.letters.clone(), user.user.id);
    let stands = parse_body::<duplicate_decision::DecideBody>(body.into_inner())?.stands;
    let answer = run_db(&state.pool, move |c| duplicate_decision::decide(c, id, stands, user_id, &ctx)).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(answer))
}
