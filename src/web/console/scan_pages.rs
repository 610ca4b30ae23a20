//! A scanned page in the console, for everyone who reads cases: the page with its image and what
//! was read from it (`/staff/scans/{document_id}/pages/{page}`, the `scan.page_read` event), the
//! image itself (`…/image?size=thumb|page`, the same as `GET /api/v1/scans/{document_id}/pages/
//! {page}`; not an event of its own: the page that shows it is), and the original file
//! (`/staff/scans/{document_id}/original`, the `scan.original_read` event).

use super::{message, render, scans::flag_words};
use crate::domain::Role;
use crate::error::AppError;
use crate::services::scans::pages;
use crate::web::api::scan_pages::{jpeg, page_image, SizeQuery};
use crate::web::pages::{service_error, PageRequest};
use crate::web::staff::{CaseReaders, StaffPage};
use crate::web::{run_db, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde_json::json;

type Reader = StaffPage<CaseReaders>;

/// A refusal with its reason on the page (no such document or page, a wrong size, a stored scan
/// that is missing); anything else is the usual error page.
fn refused(state: &AppState, req: &HttpRequest, reader: &Reader, e: AppError) -> HttpResponse {
    let heading = match &e {
        AppError::NotFound(_) => "There is no such page",
        AppError::Invalid { .. } => "This address is not right",
        AppError::Conflict(_) => "The scan cannot be shown",
        _ => return service_error(state, &PageRequest::new(req, None), e),
    };
    message(state, req, Some(&reader.user), e.status_code(), heading, &e.to_string())
}

/// `GET /staff/scans/{document_id}/pages/{page}`: the page, large, with what was read from it and
/// the ways on: the pages before and after, the batch (for clerks), the case, the original.
pub async fn show(
    req: HttpRequest,
    reader: Reader,
    path: web::Path<(i64, i32)>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let ((document, page), actor) = (path.into_inner(), reader.actor());
    let view = match run_db(&state.pool, move |c| pages::open_page(c, document, page, &actor)).await {
        Ok(v) => v,
        Err(e) => return refused(&state, &req, &reader, e),
    };
    let flags: Vec<&str> = view.flags.iter().map(|f| flag_words(f)).collect();
    let ctx = json!({"p": view, "flags": flags, "can_batch": reader.user.role != Role::Prosecutor});
    let pr = PageRequest::new(&req, None);
    render(&state, &req, &pr, Some(&reader.user), "scan_page", StatusCode::OK, ctx)
}

/// `GET /staff/scans/{document_id}/pages/{page}/image?size=thumb|page`: the JPEG.
pub async fn image(
    req: HttpRequest,
    reader: Reader,
    path: web::Path<(i64, i32)>,
    q: web::Query<SizeQuery>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let got = match q.size() {
        Ok(size) => page_image(&state, path.into_inner(), size).await,
        Err(e) => Err(e),
    };
    match got {
        Ok((bytes, _)) => jpeg(bytes),
        Err(e) => refused(&state, &req, &reader, e),
    }
}

/// `GET /staff/scans/{document_id}/original`: the file as it was uploaded, to save.
pub async fn original(
    req: HttpRequest,
    reader: Reader,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (document, actor, data_dir) = (path.into_inner(), reader.actor(), state.config.data_dir.clone());
    match run_db(&state.pool, move |c| pages::original(c, &data_dir, document, &actor)).await {
        Ok(file) => HttpResponse::Ok()
            .content_type(file.content_type)
            .insert_header((header::CONTENT_DISPOSITION, crate::services::downloads::attachment(&file.file_name)))
            .insert_header((header::CACHE_CONTROL, "private, no-store"))
            .body(file.bytes),
        Err(e) => refused(&state, &req, &reader, e),
    }
}
