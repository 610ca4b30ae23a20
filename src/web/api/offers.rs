//! Offers: the prosecutor's `POST /api/v1/citations/{number}/offers` (an offer, an amendment, or
//! `{decline: true, reason}`) and `POST /api/v1/offers/{id}/withdraw`; the defendant's
//! `POST /api/v1/public/offers/{id}/accept|reject` `{date_of_birth}`. Thin: `services::offers`
//! does the work.

use crate::error::AppError;
use crate::services::offers::answer::{self, Answer};
use crate::services::offers::{self, OfferRequest, WithdrawRequest};
use crate::web::api::public::{limit, outcome};
use crate::web::api::submissions::parse_body;
use crate::web::staff::{ProsecutorOrAdmin, StaffAnd};
use crate::web::{run_db, AppState};
use actix_web::{http::header, web, HttpRequest, HttpResponse};
use serde::Deserialize;

/// `POST /api/v1/citations/{number}/offers` (honours `Idempotency-Key`)
pub async fn make(
    http: HttpRequest,
    call: StaffAnd<ProsecutorOrAdmin, (web::Path<String>, web::Json<serde_json::Value>)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let StaffAnd { staff: user, rest: (number, body) } = call;
    let key = crate::web::body::idempotency_key(&http)?;
    let (number, ctx, user_id) = (number.into_inner(), state.letters.clone(), user.user.id);
    let req: OfferRequest = parse_body(body.into_inner())?;
    let declined = req.decline == Some(true);
    let answer = run_db(&state.pool, move |c| offers::make(c, &number, &req, key.as_deref(), user_id, &ctx)).await?;
    let mut resp = if declined { HttpResponse::Ok() } else { HttpResponse::Created() };
    Ok(resp.insert_header((header::CACHE_CONTROL, "no-store")).json(answer))
}

/// `POST /api/v1/offers/{id}/withdraw` `{reason}`
pub async fn withdraw(
    call: StaffAnd<ProsecutorOrAdmin, (web::Path<i64>, web::Json<serde_json::Value>)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let StaffAnd { staff: user, rest: (id, body) } = call;
    let (id, ctx, user_id) = (id.into_inner(), state.letters.clone(), user.user.id);
    let reason = parse_body::<WithdrawRequest>(body.into_inner())?.reason;
    let answer = run_db(&state.pool, move |c| offers::withdraw(c, id, &reason, user_id, &ctx)).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(answer))
}

#[derive(Deserialize)]
pub struct AnswerBody {
    date_of_birth: String,
    #[serde(default)]
    language: Option<String>,
}

async fn answer_offer(
    req: HttpRequest,
    id: i64,
    body: AnswerBody,
    what: Answer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = crate::web::api::public::language(&req, body.language.as_deref());
    // Counted like a look-up: the offer is the subject whose wrong birth dates lock it.
    let subject = format!("offer:{id}");
    limit(&state, &req, &subject).await?;
    let (today, ctx) = (state.today(), state.letters.clone());
    let result =
        run_db(&state.pool, move |c| answer::online(c, id, &body.date_of_birth, what, today, lang, &ctx)).await;
    outcome(&state, &req, &subject, &result).await;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(result?))
}

/// `POST /api/v1/public/offers/{id}/accept` `{date_of_birth}`
pub async fn accept(
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Json<AnswerBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    answer_offer(req, id.into_inner(), body.into_inner(), Answer::Accept, state).await
}

/// `POST /api/v1/public/offers/{id}/reject` `{date_of_birth}`
pub async fn reject(
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Json<AnswerBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    answer_offer(req, id.into_inner(), body.into_inner(), Answer::Reject, state).await
}
