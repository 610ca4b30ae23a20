//! The scanned-mail operations (tag `staff`): uploads, batches, page images, envelope moves.

use crate::error::ErrorBody;
use utoipa::ToSchema;

#[derive(serde::Serialize, ToSchema)]
pub struct ScanEnvelope {
    pub id: i64,
    /// The envelope's first page in the scan (from 1)
    pub first_page: i32,
    /// How many pages it has
    pub pages: i64,
    pub page_numbers: Vec<i32>,
    /// The citation its first code on file links it to
    pub citation_number: Option<String>,
    /// The letter that code names
    pub letter_id: Option<i64>,
    /// The submission keyed from it
    pub submission_id: Option<i64>,
    /// unreadable, unknown_letter, other_citation
    pub flags: Vec<String>,
}

#[derive(serde::Serialize, ToSchema)]
pub struct ScanBatch {
    pub document_id: i64,
    pub pages: i32,
    /// Our codes read, as {page, payload}
    pub qr: Vec<serde_json::Value>,
    /// Set when every linked envelope is for this one citation
    pub citation_number: Option<String>,
    pub letter_id: Option<i64>,
    /// Candidates when the codes link nothing: {citation_number, reasons}
    pub suggestions: Vec<serde_json::Value>,
    pub envelopes: Vec<ScanEnvelope>,
    pub separator_pages: Vec<i32>,
    pub unreadable_pages: Vec<i32>,
    /// false when the same scan was already on file (nothing new was recorded)
    pub created: Option<bool>,
}

#[derive(serde::Deserialize, ToSchema)]
pub struct MovePage {
    /// previous or next
    pub to: String,
}

#[utoipa::path(post, path = "/api/v1/scans", tag = "staff", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "Field `file` (several allowed, at most 10): a scanned PDF, PNG, JPEG or TIFF of at most 25 MB each. One file answers its batch; several answer {uploads: [batch, …]}."),
    responses((status = 201, description = "Stored, split into envelopes and linked", body = ScanBatch),
        (status = 200, description = "The same scan was already on file", body = ScanBatch),
        (status = 413, description = "Over 25 MB, or a page over the pixel limit (decompression bomb)", body = ErrorBody),
        (status = 415, description = "Not a PDF, PNG, JPEG or TIFF (by content)", body = ErrorBody),
        (status = 422, description = "A PDF that cannot be opened", body = ErrorBody), (status = 403, description = "Clerks and admins only", body = ErrorBody)))]
fn scans_upload() {}

#[utoipa::path(get, path = "/api/v1/scans/separator.pdf", tag = "staff", security(("bearer" = [])),
    params(("copies" = Option<u32>, Query, description = "1 to 100 (default 1)")),
    responses((status = 200, description = "Separator sheets to print", content_type = "application/pdf"), (status = 403, description = "Clerks and admins only", body = ErrorBody)))]
fn scans_separator() {}

#[utoipa::path(get, path = "/api/v1/scans/{document_id}", tag = "staff", security(("bearer" = [])),
    params(("document_id" = i64, Path)),
    responses((status = 200, body = ScanBatch), (status = 404, body = ErrorBody), (status = 403, description = "Clerks and admins only", body = ErrorBody)))]
fn scans_get() {}

#[utoipa::path(get, path = "/api/v1/scans/{document_id}/pages/{page}", tag = "staff", security(("bearer" = [])),
    params(("document_id" = i64, Path), ("page" = i32, Path, description = "The page's number in the scan, from 1"),
        ("size" = Option<String>, Query, description = "thumb (180 px wide) or page (1100 px wide, the default); never enlarged")),
    responses((status = 200, description = "The page as a greyscale JPEG (Cache-Control: private; it never changes). Each fetch is a scan.page_read audit event", content_type = "image/jpeg"),
        (status = 403, description = "Clerks, prosecutors and admins only", body = ErrorBody),
        (status = 404, description = "No such scanned document or page, or a page that could not be read at upload (it has no image)", body = ErrorBody),
        (status = 409, description = "The stored scan is missing or damaged, and its page images must be made again from it", body = ErrorBody),
        (status = 422, description = "`size` is neither thumb nor page", body = ErrorBody)))]
fn scans_page_image() {}

#[utoipa::path(post, path = "/api/v1/envelopes/{id}/pages/{page}/move", tag = "staff", security(("bearer" = [])),
    params(("id" = i64, Path), ("page" = i32, Path, description = "The page's number in the scan")),
    request_body = MovePage,
    responses((status = 200, description = "The batch as it now is", body = ScanBatch),
        (status = 422, description = "Only an envelope's first page moves to the previous one, its last to the next", body = ErrorBody),
        (status = 409, description = "The envelope's only page, and a plea was keyed from it", body = ErrorBody), (status = 403, description = "Clerks and admins only", body = ErrorBody)))]
fn envelopes_move_page() {}
