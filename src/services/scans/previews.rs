//! The two images of each scanned page (`scan::preview`), kept as a cache beside the scans:
//! `scans/pages/<sha>/<n>-page.jpg` and `<n>-thumb.jpg` under the data folder, `<sha>` being the
//! scan's checksum and `<n>` the page's number. They are made as each page is read at upload.
//! When one is missing (a scan stored before page images were made, or the folder deleted), every
//! page's are made again from the stored scan on the first request, one decode at a time.

use super::DECODING;
use crate::db::documents::DocumentRecord;
use crate::db::DbConn;
use crate::error::AppError;
use crate::scan::preview::{Previews, Size};
use crate::scan::ScanKind;
use crate::services::stored_files;
use crate::storage::{self, ReadError};
use std::path::{Path, PathBuf};

fn folder(data_dir: &Path, sha: &str) -> PathBuf {
    data_dir.join("scans").join("pages").join(sha)
}

/// Where page `page`'s preview of `size` is kept.
pub fn path(data_dir: &Path, sha: &str, page: u32, size: Size) -> PathBuf {
    folder(data_dir, sha).join(format!("{page}-{}.jpg", size.as_str()))
}

/// Keeps page `page`'s previews, each written as every stored file is (temporary name, fsync,
/// rename). A failure is logged, not fatal: a missing image is made again when asked for.
pub fn put(data_dir: &Path, sha: &str, page: u32, previews: &Previews) {
    for (size, bytes) in [(Size::Page, &previews.page), (Size::Thumb, &previews.thumb)] {
        if let Err(e) = storage::write_durably(&path(data_dir, sha, page, size), bytes) {
            tracing::warn!(page, error = %e, "a scanned page's image was not kept; it is made again when asked for");
        }
    }
}

/// Removes the previews kept for a scan that was then refused.
pub fn forget(data_dir: &Path, sha: &str) {
    let _ = std::fs::remove_dir_all(folder(data_dir, sha));
}

/// The JPEG of page `page`'s preview of the stored scan `doc` (blocking: it may decode the scan,
/// read by `original` — from this node's data folder, or on PostgreSQL from the database).
/// `None` when the page has no image even after the scan was read again (it cannot be decoded).
pub fn image(
    data_dir: &Path,
    doc: &DocumentRecord,
    page: u32,
    size: Size,
    original: impl FnOnce() -> Result<Vec<u8>, AppError>,
) -> Result<Option<Vec<u8>>, AppError> {
    let wanted = path(data_dir, &doc.sha256, page, size);
    if let Some(bytes) = cached(&wanted)? {
        return Ok(Some(bytes));
    }
    let _one_at_a_time = DECODING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    // Another request for this scan may have made them while this one waited.
    if let Some(bytes) = cached(&wanted)? {
        return Ok(Some(bytes));
    }
    remake(data_dir, doc, &original()?)?;
    cached(&wanted)
}

fn cached(path: &Path) -> Result<Option<Vec<u8>>, AppError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(AppError::Internal(anyhow::anyhow!("reading a page image at {}: {e}", path.display()))),
    }
}

/// Makes every page's previews again from the stored scan `bytes` (the caller holds `DECODING`).
fn remake(data_dir: &Path, doc: &DocumentRecord, bytes: &[u8]) -> Result<(), AppError> {
    let kind = ScanKind::sniff(bytes).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("scanned document {} is stored but is not a scan", doc.id))
    })?;
    let sha = &doc.sha256;
    let pages = crate::scan::preview_pages(bytes, kind, &mut |page, images| put(data_dir, sha, page, &images))
        .map_err(super::refused)?;
    tracing::info!(document_id = doc.id, pages, "a scan's page images were missing; made again from the stored scan");
    Ok(())
}

/// The stored file of document `doc` (a scan or evidence), checked against its checksum: this
/// node's copy, or on PostgreSQL the database's (`stored_files`).
pub fn original(conn: &mut DbConn, data_dir: &Path, doc: &DocumentRecord) -> Result<Vec<u8>, AppError> {
    stored_files::read(conn, data_dir, &doc.storage_path, &doc.sha256)?.map_err(|e| match e {
        ReadError::Missing | ReadError::Damaged => AppError::Conflict(format!(
            "the stored file of scanned document no. {} is {}; restore it from a backup",
            doc.id,
            if matches!(e, ReadError::Missing) { "missing" } else { "damaged (its checksum does not match)" }
        )),
        ReadError::Unreadable(io) => AppError::Internal(anyhow::anyhow!("reading scanned document {}: {io}", doc.id)),
    })
}
