//! `GET /api/v1/scans/{document_id}/pages/{page}?size=thumb|page`: a scanned page's image for
//! the case readers' API tokens, each fetch a `scan.page_read` audit event. The console's image
//! route answers with the same [`jpeg`] response.

use crate::error::AppError;
use crate::scan::preview::Size;
use crate::services::scans::{pages, previews};
use crate::web::staff::{CaseReaders, Staff};
use crate::web::{run_db, AppState};
use actix_web::{http::header, web, HttpResponse};
use serde::Deserialize;

/// A page's image never changes for its document and number (a scan is stored once per content),
/// so the browser may keep it, for the signed-in member only, for a day.
const CACHE: &str = "private, max-age=86400, immutable";

/// Optional here so that a missing or wrong size is answered by the handler (after the role
/// guard), with the field named.
#[derive(Deserialize)]
pub struct SizeQuery {
    size: Option<String>,
}

impl SizeQuery {
    /// `thumb` or `page` (the default); anything else is refused naming the field.
    pub fn size(&self) -> Result<Size, AppError> {
        self.size.as_deref().unwrap_or("page").parse().map_err(|e: String| AppError::field("size", e))
    }
}

/// A page image as the browser gets it.
pub fn jpeg(bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/jpeg")
        .insert_header((header::CACHE_CONTROL, CACHE))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(bytes)
}

/// Page `page` of scanned document `document_id` at `size` (blocking work off the async
/// threads: a missing image is made again from the stored scan, read with a connection taken only
/// then); the page as located.
pub async fn page_image(
    state: &AppState,
    (document_id, page): (i64, i32),
    size: Size,
) -> Result<(Vec<u8>, pages::Located), AppError> {
    let at = run_db(&state.pool, move |c| pages::locate(c, document_id, page)).await?;
    let (data_dir, pool) = (state.config.data_dir.clone(), state.pool.clone());
    web::block(move || {
        let original = || previews::original(&mut *pool.get()?, &data_dir, &at.document);
        pages::image(&data_dir, &at, size, original).map(|bytes| (bytes, at))
    })
    .await?
}

/// `GET /api/v1/scans/{document_id}/pages/{page}?size=thumb|page`
pub async fn image(
    user: Staff<CaseReaders>,
    path: web::Path<(i64, i32)>,
    q: web::Query<SizeQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let size = q.size()?;
    let (bytes, at) = page_image(&state, path.into_inner(), size).await?;
    let actor = user.actor();
    run_db(&state.pool, move |c| pages::record_page_read(c, &at, &actor, Some(size))).await?;
    Ok(jpeg(bytes))
}
