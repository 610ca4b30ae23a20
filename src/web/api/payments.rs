//! Payments for clerks: `POST /api/v1/citations/{number}/payments` (honours `Idempotency-Key`)
//! and `POST /api/v1/payments/{id}/reverse`. Thin: `services::payments` does the work.

use crate::error::AppError;
use crate::services::payments::{self, PaymentRequest, ReverseRequest};
use crate::web::api::submissions::parse_body;
use crate::web::staff::{ClerkOrAdmin, StaffAnd};
use crate::web::{body, run_db, AppState};
use actix_web::{http::header, web, HttpRequest, HttpResponse};

/// `POST /api/v1/citations/{number}/payments` `{amount_cents, method, reference?, received_on}`
pub async fn record(
    req: HttpRequest,
    call: StaffAnd<ClerkOrAdmin, (web::Path<String>, web::Json<serde_json::Value>)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let StaffAnd { staff: user, rest: (number, payment) } = call;
    let key = body::idempotency_key(&req)?;
    let (number, ctx, user_id) = (number.into_inner(), state.letters.clone(), user.user.id);
    let payment: PaymentRequest = parse_body(payment.into_inner())?;
    let answer =
        run_db(&state.pool, move |c| payments::record(c, &number, &payment, key.as_deref(), user_id, &ctx)).await?;
    Ok(HttpResponse::Created().insert_header((header::CACHE_CONTROL, "no-store")).json(answer))
}

/// `POST /api/v1/payments/{id}/reverse` `{reason}`
pub async fn reverse(
    call: StaffAnd<ClerkOrAdmin, (web::Path<i64>, web::Json<serde_json::Value>)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let StaffAnd { staff: user, rest: (id, body) } = call;
    let (id, ctx, user_id) = (id.into_inner(), state.letters.clone(), user.user.id);
    let reason = parse_body::<ReverseRequest>(body.into_inner())?.reason;
    let answer = run_db(&state.pool, move |c| payments::reverse(c, id, &reason, user_id, &ctx)).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(answer))
}
