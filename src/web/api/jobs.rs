//! The job queue as staff see it: parked jobs (with their errors) and a way to retry them.

use crate::db;
use crate::domain::JobStatus;
use crate::error::AppError;
use crate::jobs::queue;
use crate::web::staff::{AdminOnly, ClerkOrAdmin, Staff};
use crate::web::AppState;
use actix_web::{web, HttpResponse};

#[derive(serde::Deserialize)]
pub struct ListQuery {
    status: Option<String>,
}

/// `GET /api/v1/jobs?status=parked` (default: parked).
pub async fn list(
    _user: Staff<ClerkOrAdmin>,
    q: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let status: JobStatus = q
        .into_inner()
        .status
        .as_deref()
        .unwrap_or("parked")
        .parse()
        .map_err(|e: crate::domain::ParseError| AppError::field("status", e.to_string()))?;
    let jobs = db::run(&state.pool, move |c| Ok(queue::list(c, status.as_str(), 1000)?)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "jobs": jobs })))
}

/// `POST /api/v1/jobs/{id}/retry`: puts a parked job back in the queue.
pub async fn retry(
    user: Staff<AdminOnly>,
    id: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = user.actor();
    let ok = db::run(&state.pool, move |c| Ok(queue::retry_parked_by(c, id, &actor)?)).await?;
    if ok {
        Ok(HttpResponse::Ok().json(serde_json::json!({ "id": id, "status": "queued" })))
    } else {
        Err(AppError::NotFound(format!("no parked job {id}")))
    }
}
