//! One page of a scanned document as staff open it (its image, what was read from it, where it
//! belongs) and the original file. Opening either is an audit event (`scan.page_read`,
//! `scan.original_read`) that names only the document and the page. Also the thumbnails of a
//! document's pages, for the pages that list them (a batch, a case).

use super::previews;
use crate::audit::{self, Event};
use crate::db::{self, documents::DocumentRecord, scans::PageRow, DbConn};
use crate::error::AppError;
use crate::letters::qr;
use crate::scan::preview::Size;
use crate::scan::ScanKind;
use serde::Serialize;
use serde_json::json;
use std::path::Path;

/// The size assumed for a page read before page sizes were kept: a letter-size sheet at 150 dpi.
const LETTER_AT_150_DPI: (u32, u32) = (1275, 1650);

/// A page of a scanned document as a list of thumbnails shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScanPage {
    /// Its number in the scan, from 1 (`GET /api/v1/scans/{document_id}/pages/{page}`)
    pub page: i32,
    /// false when it could not be read at upload: it has no image
    pub readable: bool,
    /// The thumbnail's size in pixels
    pub thumb_width: u32,
    pub thumb_height: u32,
}

/// The size in pixels of page `row`'s preview of `size`, for its `<img>`: from the page's stored
/// size, or, for a page read before sizes were kept, a letter-size sheet at 150 dpi.
pub fn preview_size(row: &PageRow, size: Size) -> (u32, u32) {
    let (width, height) = match (row.width, row.height) {
        (Some(w), Some(h)) if w > 0 && h > 0 => (w as u32, h as u32),
        _ => LETTER_AT_150_DPI,
    };
    size.of(width, height)
}

/// false for a page that could not be read at upload: it has no image.
pub fn readable(row: &PageRow) -> bool {
    !row.flags.split(',').any(|f| f == "unreadable")
}

fn thumb(row: &PageRow) -> ScanPage {
    let (thumb_width, thumb_height) = preview_size(row, Size::Thumb);
    ScanPage { page: row.page_no, readable: readable(row), thumb_width, thumb_height }
}

fn not_a_scan(document_id: i64) -> AppError {
    AppError::NotFound(format!("there is no scanned document no. {document_id}"))
}

/// Every page of scanned document `document_id`, as thumbnails (404 if it is not a scan).
pub fn thumbs(conn: &mut DbConn, document_id: i64) -> Result<Vec<ScanPage>, AppError> {
    let (_, batch, _) = db::scans::scanned_document(conn, document_id)?.ok_or_else(|| not_a_scan(document_id))?;
    Ok(db::scans::pages(conn, batch)?.iter().map(thumb).collect())
}

/// The pages of scanned document `document_id` that belong to submission `submission_id`: those
/// of the envelope it was keyed from, or else every page (none if the document is not a scan).
pub fn for_submission(conn: &mut DbConn, document_id: i64, submission_id: i64) -> Result<Vec<ScanPage>, AppError> {
    let Some((_, batch, _)) = db::scans::scanned_document(conn, document_id)? else { return Ok(Vec::new()) };
    Ok(db::scans::pages_for_submission(conn, batch, submission_id)?.iter().map(thumb).collect())
}

/// A page of a stored scan.
pub struct Located {
    pub document: DocumentRecord,
    batch: i64,
    /// How many pages the scan has.
    pub pages: i32,
    pub row: PageRow,
}

/// Page `page` of scanned document `document_id`; 404 if either is not on file.
pub fn locate(conn: &mut DbConn, document_id: i64, page: i32) -> Result<Located, AppError> {
    let (document, batch, pages) =
        db::scans::scanned_document(conn, document_id)?.ok_or_else(|| not_a_scan(document_id))?;
    let row = db::scans::pages(conn, batch)?.into_iter().find(|p| p.page_no == page).ok_or_else(|| {
        AppError::NotFound(format!("scanned document no. {document_id} has no page {page}; its pages are 1 to {pages}"))
    })?;
    Ok(Located { document, batch, pages, row })
}

/// The JPEG of the page's image of `size` (blocking: a missing image is made again from the
/// stored scan, which `original` reads). 404 for a page that could not be read at upload.
pub fn image(
    data_dir: &Path,
    at: &Located,
    size: Size,
    original: impl FnOnce() -> Result<Vec<u8>, AppError>,
) -> Result<Vec<u8>, AppError> {
    let no_image = || {
        AppError::NotFound(format!(
            "page {} of scanned document no. {} could not be read when it was scanned, so it has no image; \
             download the original file to see it",
            at.row.page_no, at.document.id
        ))
    };
    if !readable(&at.row) {
        return Err(no_image());
    }
    previews::image(data_dir, &at.document, at.row.page_no as u32, size, original)?.ok_or_else(no_image)
}

/// Records that a staff member opened a page (its page in the console, or its image through the
/// API: then `size` says which).
pub fn record_page_read(conn: &mut DbConn, at: &Located, actor: &str, size: Option<Size>) -> Result<(), AppError> {
    let mut details = json!({"page": at.row.page_no});
    if let Some(size) = size {
        details["size"] = json!(size.as_str());
    }
    let subject = at.document.id.to_string();
    let event = Event {
        actor,
        action: "scan.page_read",
        subject_type: "documents",
        subject_id: &subject,
        outcome: "ok",
        details,
    };
    audit::record(conn, &event)?;
    Ok(())
}

/// What our code on a page says: a letter of ours (on file or not).
#[derive(Debug, Serialize)]
pub struct LetterCode {
    pub letter_id: i64,
    pub citation_number: String,
    pub on_file: bool,
}

/// The envelope a page is in: its place in the batch and its pages.
#[derive(Debug, Serialize)]
pub struct EnvelopeRef {
    pub id: i64,
    pub seq: usize,
    pub pages: Vec<i32>,
}

/// A page as its console page shows it.
#[derive(Debug, Serialize)]
pub struct PageView {
    pub document_id: i64,
    pub page: i32,
    pub pages: i32,
    pub readable: bool,
    /// The page image's size in pixels.
    pub width: u32,
    pub height: u32,
    pub separator: bool,
    pub letter: Option<LetterCode>,
    /// unreadable, unknown_letter, other_citation
    pub flags: Vec<String>,
    pub envelope: Option<EnvelopeRef>,
    /// The case the page belongs to: its envelope's, or the one a plea keyed from the scan is
    /// linked to.
    pub citation_number: Option<String>,
    pub previous: Option<i32>,
    pub next: Option<i32>,
    /// The original file's kind: PDF, PNG, JPEG or TIFF.
    pub original_type: &'static str,
}

/// A staff member opens page `page` of scanned document `document_id` (`scan.page_read`).
pub fn open_page(conn: &mut DbConn, document_id: i64, page: i32, actor: &str) -> Result<PageView, AppError> {
    let at = locate(conn, document_id, page)?;
    let row = &at.row;
    let envelopes = db::scans::envelopes(conn, at.batch)?;
    let mine = envelopes.iter().enumerate().find(|(_, (e, _))| Some(e.id) == row.envelope_id);
    let envelope = match mine {
        Some((i, (e, _))) => {
            let pages = db::scans::pages(conn, at.batch)?;
            let numbers = pages.iter().filter(|p| p.envelope_id == Some(e.id)).map(|p| p.page_no).collect();
            Some(EnvelopeRef { id: e.id, seq: i + 1, pages: numbers })
        }
        None => None,
    };
    let citation_number = match mine.and_then(|(_, (_, number))| number.clone()) {
        Some(n) => Some(n),
        None => match db::scans::citations_keyed_from(conn, document_id)?.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        },
    };
    let letter = row.qr_payload.as_deref().and_then(qr::parse_payload).map(|(citation_number, letter_id)| LetterCode {
        letter_id,
        citation_number,
        on_file: row.letter_id == Some(letter_id),
    });
    let (width, height) = preview_size(row, Size::Page);
    let view = PageView {
        document_id,
        page,
        pages: at.pages,
        readable: readable(row),
        width,
        height,
        separator: row.kind == "separator",
        letter,
        flags: row.flags.split(',').filter(|f| !f.is_empty()).map(str::to_string).collect(),
        envelope,
        citation_number,
        previous: (page > 1).then_some(page - 1),
        next: (page < at.pages).then_some(page + 1),
        original_type: match at.document.content_type.as_str() {
            "application/pdf" => "PDF",
            "image/png" => "PNG",
            "image/jpeg" => "JPEG",
            "image/tiff" => "TIFF",
            _ => "file",
        },
    };
    record_page_read(conn, &at, actor, None)?;
    Ok(view)
}

/// A stored scan as it was uploaded.
pub struct Original {
    pub bytes: Vec<u8>,
    pub content_type: String,
    /// `scanned-document-12.pdf`: ids only, never the name it was sent under.
    pub file_name: String,
}

/// A staff member downloads the original file of scanned document `document_id`
/// (`scan.original_read`); checked against its checksum.
pub fn original(conn: &mut DbConn, data_dir: &Path, document_id: i64, actor: &str) -> Result<Original, AppError> {
    let (document, _, _) = db::scans::scanned_document(conn, document_id)?.ok_or_else(|| not_a_scan(document_id))?;
    let bytes = previews::original(conn, data_dir, &document)?;
    let extension = ScanKind::sniff(&bytes).map(ScanKind::extension).unwrap_or("bin");
    let subject = document_id.to_string();
    let event = Event {
        actor,
        action: "scan.original_read",
        subject_type: "documents",
        subject_id: &subject,
        outcome: "ok",
        details: json!({}),
    };
    audit::record(conn, &event)?;
    Ok(Original {
        bytes,
        content_type: document.content_type,
        file_name: format!("scanned-document-{document_id}.{extension}"),
    })
}
