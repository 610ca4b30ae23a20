//! Rendering a letter once and storing it with its checksum; reading it back checked.

use super::{LetterContext, EMAIL_ATTEMPTS, EMAIL_JOB};
use crate::db::{self, letters::LetterRecord, DbConn};
use crate::error::AppError;
use crate::jobs::queue;
use crate::letters;
use crate::letters::data::LetterData;
use crate::letters::templates::Templates;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

fn letter_path(data_dir: &Path, id: i64) -> PathBuf {
    data_dir.join("letters").join(format!("{:04}", id / 1000)).join(format!("letter-{id}.pdf"))
}

/// Renders a letter once and stores it; rendering again later is a no-op. When the defendant has
/// an email address, the email is queued in the same transaction that records the PDF.
pub fn render_stored(
    conn: &mut DbConn,
    id: i64,
    ctx: &LetterContext,
    templates: &Templates,
) -> Result<LetterRecord, AppError> {
    let letter = db::letters::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("no letter {id}")))?;
    if letter.storage_path.is_some() {
        return Ok(letter);
    }
    let mut data: LetterData = serde_json::from_str(&letter.data)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("letter {id} has unreadable data: {e}")))?;
    data.letter_id = id;
    let rendered = letters::render(&data, templates, &ctx.setup)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("letter {id}: {e}")))?;
    let path = letter_path(&ctx.data_dir, id);
    write_atomically(&path, &rendered.pdf)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("storing letter {id}: {e}")))?;
    let stored = path.display().to_string();
    db::write_transaction(conn, |c| -> Result<(), AppError> {
        if db::letters::set_rendered(c, id, &stored, &rendered.sha256, rendered.pages as i32)?
            && data.recipient.email.is_some()
        {
            queue::enqueue(c, EMAIL_JOB, &serde_json::json!({"letter_id": id}), EMAIL_ATTEMPTS, db::now())?;
        }
        Ok(())
    })?;
    db::letters::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("no letter {id}")))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("pdf.tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// The stored PDF of a letter, checked against its SHA-256.
pub fn stored_pdf(conn: &mut DbConn, id: i64) -> Result<Vec<u8>, AppError> {
    let letter = db::letters::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("no letter {id}")))?;
    let (Some(path), Some(sha)) = (letter.storage_path, letter.sha256) else {
        return Err(AppError::Conflict(format!("letter {id} is not rendered yet; try again in a moment")));
    };
    read_checked(&path, &sha).map_err(|e| AppError::Internal(anyhow::anyhow!("letter {id}: {e}")))
}

pub(super) fn read_checked(path: &str, sha: &str) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("the stored PDF cannot be read: {e}"))?;
    if hex::encode(Sha256::digest(&bytes)) != sha {
        return Err("the stored PDF does not match its checksum; it was changed or damaged".into());
    }
    Ok(bytes)
}
