//! Scanned mail in the console: the upload form and the recent batches (`/staff/scans`),
//! separator sheets to print, and a batch as a queue of envelopes (`/staff/scans/{document_id}`,
//! each leading to its envelope page, `envelopes.rs`) with its page moves. Thin pages
//! over the same code as `POST /api/v1/scans` (`api::scans::receive`: the same limits and errors),
//! `GET /api/v1/scans/{document_id}` (`services::scans::open`, the `scan.read` event) and the page
//! move (`services::scans::moves`).

use super::{read_form, render, see_other};
use crate::db::DbConn;
use crate::domain::envelope_queue::{self, EnvelopeState};
use crate::domain::envelopes::MoveTo;
use crate::error::AppError;
use crate::services::scans::{self as service, pages::ScanPage};
use crate::web::api::scans::{receive, MAX_FILES};
use crate::web::pages::{self, PageRequest};
use crate::web::staff::{ClerkOrAdmin, StaffPage};
use crate::web::{run_db, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde_json::{json, Value};

type Clerk = StaffPage<ClerkOrAdmin>;

/// Batches listed after an upload of several files (their document ids, not personal data).
fn uploaded(req: &HttpRequest) -> Vec<i64> {
    web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get("batches").map(|b| b.split(',').filter_map(|n| n.parse().ok()).take(MAX_FILES).collect()))
        .unwrap_or_default()
}

async fn upload_page(
    state: &AppState,
    req: &HttpRequest,
    pr: &PageRequest,
    clerk: &Clerk,
    error: Option<AppError>,
) -> HttpResponse {
    let status = error.as_ref().map(|e| e.status_code()).unwrap_or(StatusCode::OK);
    let error = error.map(|e| e.to_string());
    let mut recent = match run_db(&state.pool, service::queue::recent).await {
        Ok(rows) => json!(rows),
        Err(e) => return pages::service_error(state, pr, e),
    };
    super::present::localize(state, &mut recent, &["created_at"]);
    let ctx = json!({
        "max_files": MAX_FILES, "max_mb": service::MAX_SCAN_BYTES / (1024 * 1024), "error": error, "batches": uploaded(req),
        "recent": recent, "recent_days": service::queue::RECENT_DAYS, "recent_rows": service::queue::RECENT_ROWS,
    });
    render(state, req, pr, Some(&clerk.user), "scans", status, ctx)
}

/// `GET /staff/scans`: the upload form, the separator sheets and the recent batches.
pub async fn form(req: HttpRequest, clerk: Clerk, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    upload_page(&state, &req, &pr, &clerk, None).await
}

/// `POST /staff/scans` (multipart): each file stored and split as through the API; 303 to the
/// batch (or, for several files, to the list of their batches). A refused file is shown as
/// the page's error summary, with the API's status.
pub async fn upload(req: HttpRequest, clerk: Clerk, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    let gate = |f: &crate::web::api::scans::Fields| {
        if pr.check_csrf(f.get("csrf").map(String::as_str).unwrap_or("")) {
            Ok(())
        } else {
            Err(AppError::Forbidden("the form's CSRF token does not match".into()))
        }
    };
    match receive(&state, (clerk.user.id, clerk.actor()), &req, payload, &gate).await {
        Ok(results) => {
            let ids: Vec<String> =
                results.iter().filter_map(|(v, _)| v["document_id"].as_i64()).map(|id| id.to_string()).collect();
            let to = match ids.as_slice() {
                [one] => format!("/staff/scans/{one}?done=uploaded"),
                many => format!("/staff/scans?done=uploaded_many&batches={}", many.join(",")),
            };
            see_other(&state, &pr, &to)
        }
        Err(AppError::Forbidden(_)) => super::message(
            &state,
            &req,
            Some(&clerk.user),
            StatusCode::FORBIDDEN,
            "This form has expired",
            "Nothing was uploaded. Go back, reload the page and try again.",
        ),
        Err(e @ AppError::Internal(_)) => pages::service_error(&state, &pr, e),
        Err(e) => upload_page(&state, &req, &pr, &clerk, Some(e)).await,
    }
}

#[derive(serde::Deserialize)]
pub struct Copies {
    copies: Option<u32>,
}

/// `GET /staff/scans/separator.pdf?copies=N`: separator sheets through the session (the same
/// service as `GET /api/v1/scans/separator.pdf`).
pub async fn separator(
    req: HttpRequest,
    _clerk: Clerk,
    q: web::Query<Copies>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let copies = q.copies.unwrap_or(1);
    match web::block(move || service::separator_sheets(copies)).await.map_err(AppError::from).and_then(|r| r) {
        Ok(pdf) => HttpResponse::Ok()
            .content_type("application/pdf")
            .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"separator-sheets.pdf\""))
            .insert_header((header::CACHE_CONTROL, "private, no-store"))
            .body(pdf),
        Err(e) => pages::service_error(&state, &PageRequest::new(&req, None), e),
    }
}

/// A flag as the clerk reads it.
pub(super) fn flag_words(flag: &str) -> &'static str {
    match flag {
        "unreadable" => "a page could not be read",
        "unknown_letter" => "a QR code names a letter that is not on file",
        "other_citation" => "a QR code names another citation than the rest of the envelope",
        _ => "a page needs a look",
    }
}

/// The batch's envelopes as the page shows them: words for the flags, the moves each allows, the
/// thumbnails of their pages.
fn queue(batch: &Value, thumbs: &[ScanPage]) -> Value {
    let envelopes = batch["envelopes"].as_array().cloned().unwrap_or_default();
    let last = envelopes.len().saturating_sub(1);
    let page_flags = batch["page_flags"].as_array().cloned().unwrap_or_default();
    let items: Vec<Value> = envelopes
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let numbers: Vec<i64> = e["page_numbers"].as_array().into_iter().flatten().filter_map(Value::as_i64).collect();
            let flags: Vec<&str> = e["flags"].as_array().into_iter().flatten().filter_map(Value::as_str).map(flag_words).collect();
            let pages: Vec<Value> = numbers
                .iter()
                .map(|n| {
                    let words: Vec<&str> = page_flags
                        .iter()
                        .filter(|p| p["page"].as_i64() == Some(*n))
                        .flat_map(|p| p["flags"].as_array().cloned().unwrap_or_default())
                        .filter_map(|f| f.as_str().map(flag_words))
                        .collect();
                    json!({"number": n, "flags": words})
                })
                .collect();
            json!({
                "id": e["id"], "seq": i + 1, "pages": pages, "first_page": numbers.first(), "last_page": numbers.last(),
                "citation_number": e["citation_number"], "letter_id": e["letter_id"], "submission_id": e["submission_id"],
                "state": e["state"], "keyed_as": e["keyed_as"], "no_plea_reason": e["no_plea_reason"],
                "flags": flags, "can_back": i > 0, "can_forward": i < last,
                "thumbs": thumbs.iter().filter(|t| numbers.contains(&i64::from(t.page))).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!(items)
}

/// Where keying the batch stands: the first envelope left to key, whether any is done yet, and
/// once none is left (after the last save, `done=batch_done`) the line that says so.
fn keying(batch: &Value, req: &HttpRequest) -> Value {
    let states: Vec<(i64, EnvelopeState)> = batch["envelopes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| Some((e["id"].as_i64()?, e["state"].as_str()?.parse().ok()?)))
        .collect();
    let count = |s: EnvelopeState| states.iter().filter(|(_, x)| *x == s).count();
    let (keyed, not_a_plea) = (count(EnvelopeState::Keyed), count(EnvelopeState::NotAPlea));
    let done_now = req.query_string().split('&').any(|p| p == "done=batch_done");
    let finished =
        (done_now && envelope_queue::left_to_key(&states) == 0 && !states.is_empty()).then(|| match not_a_plea {
            0 => format!("All {} envelopes of this batch are keyed.", states.len()),
            n => format!("All {} envelopes of this batch are done: {keyed} keyed, {n} not a plea.", states.len()),
        });
    json!({"start": envelope_queue::next_to_key(&states, None), "started": keyed + not_a_plea > 0, "finished": finished})
}

async fn batch_page(
    state: &AppState,
    req: &HttpRequest,
    pr: &PageRequest,
    clerk: &Clerk,
    (batch, thumbs): (Value, Vec<ScanPage>),
    error: Option<(StatusCode, String)>,
) -> HttpResponse {
    let (status, error) = match error {
        Some((s, text)) => (s, Some(text)),
        None => (StatusCode::OK, None),
    };
    let saved = match super::envelopes::saved_line(state, req).await {
        Ok(s) => s,
        Err(e) => return pages::service_error(state, pr, e),
    };
    let ctx = json!({"envelopes": queue(&batch, &thumbs), "keying": keying(&batch, req), "batch": batch, "error": error, "saved": saved});
    render(state, req, pr, Some(&clerk.user), "scan", status, ctx)
}

/// The batch as the API answers it (the `scan.read` event) and the thumbnails of its pages.
fn open(c: &mut DbConn, id: i64, actor: &str) -> Result<(Value, Vec<ScanPage>), AppError> {
    Ok((service::open(c, id, actor)?, service::pages::thumbs(c, id)?))
}

/// `GET /staff/scans/{document_id}`: the batch as a queue of envelopes (`scan.read`).
pub async fn show(req: HttpRequest, clerk: Clerk, path: web::Path<i64>, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    let (id, actor) = (path.into_inner(), clerk.actor());
    match run_db(&state.pool, move |c| open(c, id, &actor)).await {
        Ok(batch) => batch_page(&state, &req, &pr, &clerk, batch, None).await,
        Err(e) => pages::service_error(&state, &pr, e),
    }
}

/// `POST /staff/scans/{document_id}/envelopes/{envelope}/move` (`page`, `to`): the page moves
/// as through `POST /api/v1/envelopes/{id}/pages/{page}/move`; 303 back to the batch. A move
/// refused shows the batch again with the reason.
pub async fn move_page(
    req: HttpRequest,
    clerk: Clerk,
    path: web::Path<(i64, i64)>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (f, pr) = match read_form(&req, payload, &state, Some(&clerk.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let (document, envelope) = path.into_inner();
    let actor = clerk.actor();
    let to: Result<MoveTo, AppError> =
        f.get("to").parse().map_err(|e: crate::domain::ParseError| AppError::field("to", e.to_string()));
    let page: Result<i32, AppError> =
        f.get("page").trim().parse().map_err(|_| AppError::field("page", "say which page moves, by its number"));
    let moved = match (to, page) {
        (Ok(to), Ok(page)) => {
            let actor = actor.clone();
            run_db(&state.pool, move |c| service::moves::move_page(c, envelope, page, to, &actor)).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let problem = match moved {
        Ok(doc) => return see_other(&state, &pr, &format!("/staff/scans/{doc}?done=moved")),
        Err(e @ AppError::Internal(_)) => return pages::service_error(&state, &pr, e),
        Err(e) => (e.status_code(), e.to_string()),
    };
    match run_db(&state.pool, move |c| open(c, document, &actor)).await {
        Ok(batch) => batch_page(&state, &req, &pr, &clerk, batch, Some(problem)).await,
        Err(e) => pages::service_error(&state, &pr, e),
    }
}
