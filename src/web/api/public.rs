//! The public JSON API for residents (SPEC §4): look-up, plea, status, letter download. Every
//! call is an identity check: rate-limited per client address and per citation or code.

use crate::error::AppError;
use crate::services::intake::{self, Identity, PleaRequest};
use crate::services::status;
use crate::web::AppState;
use crate::{db, domain::Language};
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
fn open_call(
    req: &HttpRequest,
    state: &AppState,
    subject: &str,
    body_language: Option<&str>,
) -> Result<(Language, chrono::NaiveDate), AppError> {
    let lang = language(req, body_language);
    limit(state, req, subject)?;
    Ok((lang, state.today()))
}

/// Counts an identity check against the client's address and the thing it names.
pub fn limit(state: &AppState, req: &HttpRequest, subject: &str) -> Result<(), AppError> {
    let ip = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    state.limiter.check(&[format!("ip:{ip}"), format!("subject:{}", subject.trim().to_ascii_uppercase())])
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
    let (lang, today) = open_call(&req, &state, &body.citation_number, body.language.as_deref())?;
    let id = Identity::parse(&body.citation_number, &body.date_of_birth, today, lang)?;
    let summary = db::run(&state.pool, move |c| {
        let case = intake::find_case(c, &id, lang)?;
        intake::summary(c, &case, today, lang)
    })
    .await?;
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
    let (_, today) = open_call(&req, &state, &body.citation_number, body.language.as_deref())?;
    let key = match req.headers().get("idempotency-key") {
        Some(v) => {
            let k = v.to_str().unwrap_or("").trim().to_string();
            if k.is_empty() || k.len() > 200 {
                return Err(AppError::field("Idempotency-Key", "an Idempotency-Key is 1 to 200 printable characters"));
            }
            Some(k)
        }
        None => None,
    };
    let ctx = state.letters.clone();
    let receipt = db::run(&state.pool, move |c| intake::submit(c, &body, key.as_deref(), &[], &ctx, today)).await?;
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
    let (lang, today) = open_call(&req, &state, &body.confirmation, body.language.as_deref())?;
    let (tz, court) = (state.config.court_tz, state.config.court.clone());
    let view = db::run(&state.pool, move |c| {
        status::status(c, &body.confirmation, &body.date_of_birth, today, lang, tz, &court)
    })
    .await?;
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
    let (lang, today) = open_call(&req, &state, &body.confirmation, body.language.as_deref())?;
    let id = id.into_inner();
    let pdf =
        db::run(&state.pool, move |c| status::letter_pdf(c, &body.confirmation, &body.date_of_birth, id, today, lang))
            .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"letter-{id}.pdf\"")))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(pdf))
}
