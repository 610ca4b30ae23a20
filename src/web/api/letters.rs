//! Letters for staff: create one for a case, list, download, and the daily mail run.

use crate::db;
use crate::domain::{CitationNumber, LetterType};
use crate::error::AppError;
use crate::services::{case, letters as service};
use crate::web::staff::{CaseReaders, ClerkOrAdmin, Staff, StaffAnd};
use crate::web::{run_db, AppState};
use actix_web::{http::header, web, HttpRequest, HttpResponse};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct CreateLetter {
    #[serde(rename = "type")]
    kind: String,
}

fn view(l: &db::letters::LetterRecord, citation_number: Option<&str>) -> serde_json::Value {
    serde_json::json!({
        "id": l.id,
        "citation_number": citation_number,
        "type": l.letter_type,
        "language": l.language,
        "status": l.status,
        "pages": l.pages,
        "sha256": l.sha256,
        "created_at": l.created_at.and_utc().to_rfc3339(),
        "printed_at": l.printed_at.map(|t| t.and_utc().to_rfc3339()),
        "emailed_at": l.emailed_at.map(|t| t.and_utc().to_rfc3339()),
        "email_status": l.email_status,
    })
}

/// `POST /api/v1/citations/{number}/letters` `{"type": "plea_form"}`: renders and queues a letter.
pub async fn create(
    call: StaffAnd<ClerkOrAdmin, (web::Path<String>, web::Json<CreateLetter>)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let StaffAnd { staff: user, rest: (number, body) } = call;
    let number = CitationNumber::parse(&number).map_err(|e| AppError::field("number", e.to_string()))?;
    let kind: LetterType =
        body.kind.parse().map_err(|e: crate::domain::ParseError| AppError::field("type", e.to_string()))?;
    let ctx = state.letters.clone();
    let actor = user.actor();
    let (letter, render_error, number) = run_db(&state.pool, move |c| {
        let created = service::create(c, &number, kind, &ctx, &actor)?;
        // Render now so the clerk can print it at once; the queued job then finds it done. If
        // rendering fails (a broken template), the letter stays queued and the job retries.
        let rendered = ctx.templates().and_then(|t| service::render_stored(c, created.id, &ctx, &t));
        Ok(match rendered {
            Ok(letter) => (letter, None, number),
            Err(e) => (created, Some(e.detail()), number),
        })
    })
    .await?;
    let mut body = view(&letter, Some(number.as_str()));
    if let Some(e) = render_error {
        body["render_error"] = serde_json::Value::String(e);
    }
    Ok(HttpResponse::Created().json(body))
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
}

/// `GET /api/v1/letters?status=queued`
pub async fn list(
    user: Staff<CaseReaders>,
    q: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let status = match q.into_inner().status {
        Some(s) => {
            Some(s.parse::<crate::domain::LetterStatus>().map_err(|e| AppError::field("status", e.to_string()))?)
        }
        None => None,
    };
    let actor = user.actor();
    let rows = run_db(&state.pool, move |c| case::read_letters(c, status, 10_000, &actor)).await?;
    let letters: Vec<_> = rows.iter().map(|(l, n)| view(l, n.as_deref())).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "letters": letters })))
}

/// `GET /api/v1/letters/{id}/pdf`: the stored PDF, the same bytes every time.
pub async fn pdf(
    user: Staff<CaseReaders>,
    id: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = user.actor();
    let ctx = state.letters.clone();
    let (bytes, name) = run_db(&state.pool, move |c| {
        Ok((case::read_letter_pdf(c, id, &actor, &ctx)?, crate::services::downloads::file_name(c, id)?))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((header::CONTENT_DISPOSITION, crate::services::downloads::attachment(&name)))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(bytes))
}

/// `POST /api/v1/letters/print-run`: every queued letter in one PDF, then marked printed. The
/// file is also kept under the data folder (`print-runs/`) in case the download is interrupted.
pub async fn print_run(
    user: Staff<ClerkOrAdmin>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let ctx = state.letters.clone();
    let actor = user.actor();
    let dir = state.config.data_dir.join("print-runs");
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%3fZ").to_string();
    let out = dir.join(format!("mail-run-{stamp}.pdf"));
    let path = out.clone();
    let run = run_db(&state.pool, move |c| {
        std::fs::create_dir_all(&dir)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("cannot create {}: {e}", dir.display())))?;
        service::print_run(c, &ctx, &path, &actor, &crate::progress::Quiet)
    })
    .await?;
    tracing::info!(letters = run.letters, pages = run.pages, "mail run printed");
    let file = actix_files::NamedFile::open_async(&out).await.map_err(|e| AppError::Internal(e.into()))?;
    let mut resp = file
        .set_content_type("application/pdf".parse().map_err(|e: mime::FromStrError| AppError::Internal(e.into()))?)
        .into_response(&req);
    let headers = resp.headers_mut();
    for (name, value) in [("x-letters", run.letters), ("x-pages", run.pages), ("x-blank-pages", run.blank_pages)] {
        if let Ok(v) = header::HeaderValue::from_str(&value.to_string()) {
            headers.insert(header::HeaderName::from_static(name), v);
        }
    }
    Ok(resp)
}
