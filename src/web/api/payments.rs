//! Payments for clerks: `POST /api/v1/citations/{number}/payments` (honours `Idempotency-Key`)
//! and `POST /api/v1/payments/{id}/reverse`. Thin: `services::payments` does the work.

use crate::error::AppError;
use crate::services::payments::{self, PaymentRequest, ReverseRequest};
use crate::web::api::submissions::parse_body;
use crate::web::staff::{ClerkOrAdmin, Staff};
use crate::web::{body, run_db, AppState};
use actix_web::{http::header, web, HttpRequest, HttpResponse};

/// `POST /api/v1/citations/{number}/payments` `{amount_cents, method, reference?, received_on}`
pub async fn record(
    user: Staff<ClerkOrAdmin>,
    req: HttpRequest,
    number: web::Path<String>,
    // Read as any JSON value and parsed after the guard, so that who may call is answered first.
    payment: web::Json<serde_json::Value>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let key = body::idempotency_key(&req)?;
    let (number, ctx, user_id) = (number.into_inner(), state.letters.clone(), user.user.id);
    let payment: PaymentRequest = parse_body(payment.into_inner())?;
    let answer =
        run_db(&state.pool, move |c| payments::record(c, &number, &payment, key.as_deref(), user_id, &ctx)).await?;
    Ok(HttpResponse::Created().insert_header((header::CACHE_CONTROL, "no-store")).json(answer))
}

/// `POST /api/v1/payments/{id}/reverse` `{reason}`
pub async fn reverse(
    user: Staff<ClerkOrAdmin>,
    id: web::Path<i64>,
    body: web::Json<serde_json::Value>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (id, ctx, user_id) = (id.into_inner(), state.letters.clone(), user.user.id);
    let reason = parse_body::<ReverseRequest>(body.into_inner())?.reason;
    let answer = run_db(&state.pool, move |c| payments::reverse(c, id, &reason, user_id, &ctx)).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(answer))
}
