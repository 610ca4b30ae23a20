//! The public JSON API for residents (SPEC §4): look-up, plea, status, letter download, and a
//! request from someone unable to pay. Every
//! call is an identity check: rate-limited per client address, and its outcome counted per
//! citation or code (failures only; see `web::ratelimit`).

use crate::domain::Language;
use crate::error::AppError;
use crate::services::hardship::{self, HardshipRequestBody};
use crate::services::intake::{self, Identity, PleaRequest};
use crate::services::status;
use crate::web::{run_db, AppState};
use actix_web::{http::header, web, HttpRequest, HttpResponse};
use serde::Deserialize;

/// The language for messages: the body's `language`, else Accept-Language, else English.
pub fn language(req: &HttpRequest, body: Option<&str>) -> Language {
    if let Some(l) = body.and_then(|l| Language::parse_or_default(l).ok()) {
        return l;
    }
    let accept = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if accept.trim_start().to_ascii_lowercase().starts_with("es") {
        Language::Es
    } else {
        Language::En
    }
}

/// The start of every public call: the language for messages, the identity check counted against
/// the client's address and `subject`, and today's court date.
async fn open_call(
    req: &HttpRequest,
    state: &AppState,
    subject: &str,
    body_language: Option<&str>,
) -> Result<(Language, chrono::NaiveDate), AppError> {
    let lang = language(req, body_language);
    limit(state, req, subject).await?;
    Ok((lang, state.today()))
}

/// The client's address, as rate limits count it: the TCP peer, or the client a trusted proxy
/// forwarded for ([`crate::web::client_ip`]).
pub fn client(req: &HttpRequest) -> String {
    let trusted = req.app_data::<web::Data<AppState>>().map(|s| s.config.trusted_proxies.as_slice()).unwrap_or(&[]);
    crate::web::client_ip::client_ip(req.peer_addr().map(|a| a.ip()), req.headers(), trusted)
        .map(|ip| ip.to_string())
        .unwrap_or_default()
}

/// Counts an identity check against the client's address; refused while the thing it names is
/// locked by this client's failures.
pub async fn limit(state: &AppState, req: &HttpRequest, subject: &str) -> Result<(), AppError> {
    state.limiter.attempt(&client(req), subject).await
}

/// Records how an identity check about `subject` ended: a 404 (wrong number, code or birth date)
/// is a failure, a success clears the failures; anything else (a bad field) counts neither way.
pub async fn outcome<T>(state: &AppState, req: &HttpRequest, subject: &str, result: &Result<T, AppError>) {
    match result {
        Ok(_) => state.limiter.succeeded(&client(req), subject).await,
        Err(AppError::NotFound(_)) => state.limiter.failed(&client(req), subject).await,
        Err(_) => {}
    }
}

#[derive(Deserialize)]
pub struct LookupBody {
    citation_number: String,
    date_of_birth: String,
    #[serde(default)]
    language: Option<String>,
}

/// `POST /api/v1/public/lookup`
pub async fn lookup(
    req: HttpRequest,
    body: web::Json<LookupBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    let (lang, today) = open_call(&req, &state, &body.citation_number, body.language.as_deref()).await?;
    let id = Identity::parse(&body.citation_number, &body.date_of_birth, today, lang)?;
    let summary = run_db(&state.pool, move |c| {
        let case = intake::find_case(c, &id, lang)?;
        intake::summary(c, &case, today, lang)
    })
    .await;
    outcome(&state, &req, &body.citation_number, &summary).await;
    let summary = summary?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(summary))
}

/// `POST /api/v1/public/pleas` (honours `Idempotency-Key`)
pub async fn pleas(
    req: HttpRequest,
    body: web::Json<PleaRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    // The plea's own `language` decides its messages (intake::submit reads it).
    let (_, today) = open_call(&req, &state, &body.citation_number, body.language.as_deref()).await?;
    let key = crate::web::body::idempotency_key(&req)?;
    let ctx = state.letters.clone();
    let subject = body.citation_number.clone();
    let receipt = run_db(&state.pool, move |c| intake::submit(c, &body, key.as_deref(), &[], &ctx, today)).await;
    outcome(&state, &req, &subject, &receipt).await;
    let receipt = receipt?;
    Ok(HttpResponse::Created().insert_header((header::CACHE_CONTROL, "no-store")).json(receipt))
}

#[derive(Deserialize)]
pub struct StatusBody {
    confirmation: String,
    date_of_birth: String,
    #[serde(default)]
    language: Option<String>,
}

/// `POST /api/v1/public/status`
pub async fn status(
    req: HttpRequest,
    body: web::Json<StatusBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    let (lang, today) = open_call(&req, &state, &body.confirmation, body.language.as_deref()).await?;
    let (tz, court) = (state.config.court_tz, state.config.court.clone());
    let subject = body.confirmation.clone();
    let view = run_db(&state.pool, move |c| {
        status::status(c, &body.confirmation, &body.date_of_birth, today, lang, tz, &court)
    })
    .await;
    outcome(&state, &req, &subject, &view).await;
    let view = view?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(view))
}

/// `POST /api/v1/public/letters/{id}/pdf` `{confirmation, date_of_birth}`: a letter of one's case.
pub async fn letter(
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Json<StatusBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    let (lang, today) = open_call(&req, &state, &body.confirmation, body.language.as_deref()).await?;
    let id = id.into_inner();
    let subject = body.confirmation.clone();
    let ctx = state.letters.clone();
    let result = run_db(&state.pool, move |c| {
        let pdf = status::letter_pdf(c, &body.confirmation, &body.date_of_birth, id, today, lang, &ctx)?;
        Ok((pdf, crate::services::downloads::file_name(c, id)?))
    })
    .await;
    outcome(&state, &req, &subject, &result).await;
    let (pdf, name) = result?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((header::CONTENT_DISPOSITION, crate::services::downloads::attachment(&name)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(pdf))
}

/// `POST /api/v1/public/hardship` `{confirmation, date_of_birth, kind, statement}`: ask for more
/// time, a payment plan or community service (201); the same 404 as the status for a wrong code
/// or birth date.
pub async fn hardship(
    req: HttpRequest,
    body: web::Json<HardshipRequestBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    let (lang, today) = open_call(&req, &state, &body.confirmation, body.language.as_deref()).await?;
    let (tz, subject) = (state.config.court_tz, body.confirmation.clone());
    let answer = run_db(&state.pool, move |c| hardship::request(c, &body, "api", today, lang, tz)).await;
    outcome(&state, &req, &subject, &answer).await;
    Ok(HttpResponse::Created().insert_header((header::CACHE_CONTROL, "no-store")).json(answer?))
}
