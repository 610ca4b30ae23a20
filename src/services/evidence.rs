//! Evidence a resident uploads: stored once per content (named by its SHA-256), written durably,
//! and recorded once even when the same file arrives twice at the same moment.

use crate::db::{self, DbConn};
use crate::error::AppError;
use crate::storage;
use std::path::Path;

/// Stores an uploaded file under `data_dir/evidence/` and records it; returns the document id.
/// `content_type` is what the content was sniffed as (PDF, JPEG or PNG).
pub fn store(conn: &mut DbConn, data_dir: &Path, content_type: &str, bytes: &[u8]) -> Result<i64, AppError> {
    let sha = storage::sha256_hex(bytes);
    let ext = match content_type {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        _ => "png",
    };
    let path = data_dir.join("evidence").join(&sha[..2]).join(format!("{sha}.{ext}"));
    storage::put_checked(&path, bytes, &sha)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("storing evidence {}: {e}", path.display())))?;
    Ok(db::documents::upsert(conn, &sha, content_type, bytes.len() as i64, &path.display().to_string())?)
}
