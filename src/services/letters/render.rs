//! Rendering a letter once and storing it with its checksum; reading it back checked.

use super::{LetterContext, EMAIL_ATTEMPTS, EMAIL_JOB};
use crate::db::jobs as queue;
use crate::db::{self, letters::LetterRecord, DbConn};
use crate::error::AppError;
use crate::letters;
use crate::letters::data::LetterData;
use crate::letters::templates::Templates;
use crate::services::stored_files;
use crate::storage::{self, layout, ReadError};

/// Renders a letter once and stores it; rendering again later is a no-op. When the defendant has
/// an email address, the email is queued in the same transaction that records the PDF (and, on
/// PostgreSQL, stores it in the database: `stored_files`).
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
    let data = data_of(&letter)?;
    let rendered = render(&data, ctx, templates)?;
    let path = ctx.data_dir.join(layout::letter(id));
    // Held until the row names it: a sweep starting meanwhile leaves it alone.
    let _held =
        storage::write_durably(&path, &rendered.pdf).map_err(|e| AppError::storage(e, format!("letter {id}")))?;
    let stored = path.display().to_string();
    db::write_transaction(conn, |c| -> Result<(), AppError> {
        if !db::letters::set_rendered(c, id, &stored, &rendered.sha256, rendered.pages as i32)? {
            return Ok(()); // rendered meanwhile by another worker
        }
        stored_files::keep(c, &path, &rendered.sha256)?;
        if data.recipient.email.is_some() {
            queue::enqueue(c, EMAIL_JOB, &serde_json::json!({"letter_id": id}), EMAIL_ATTEMPTS, db::now())?;
        }
        Ok(())
    })?;
    db::letters::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("no letter {id}")))
}

/// The stored PDF of a letter, checked against its SHA-256 (on PostgreSQL, fetched from the
/// database when this node lacks it). If the file is missing (a restore without the data folder, a
/// disk replaced), the letter is rendered again from its stored data and served only if the result
/// matches the recorded checksum byte for byte.
pub fn stored_pdf(conn: &mut DbConn, id: i64, ctx: &LetterContext) -> Result<Vec<u8>, AppError> {
    let letter = db::letters::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("no letter {id}")))?;
    checked_pdf(conn, &letter, ctx, None)
}

/// A rendered letter's PDF: the stored file if it matches its checksum, else (file missing) the
/// letter rendered again from its data, which must match the checksum too.
pub(super) fn checked_pdf(
    conn: &mut DbConn,
    letter: &LetterRecord,
    ctx: &LetterContext,
    templates: Option<&Templates>,
) -> Result<Vec<u8>, AppError> {
    let id = letter.id;
    let (Some(path), Some(sha)) = (&letter.storage_path, &letter.sha256) else {
        return Err(AppError::Conflict(format!("letter {id} is not rendered yet; try again in a moment")));
    };
    match stored_files::read(conn, &ctx.data_dir, path, sha)? {
        Ok(bytes) => Ok(bytes),
        Err(ReadError::Missing) => {
            let loaded;
            let templates = match templates {
                Some(t) => t,
                None => {
                    loaded = ctx.templates()?;
                    &loaded
                }
            };
            let rendered = render(&data_of(letter)?, ctx, templates)?;
            if rendered.sha256 != *sha {
                return Err(AppError::Conflict(format!(
                    "letter {id}: its stored PDF is missing, and rendering it again from its data gives a different \
                     PDF (the templates, fonts or court details changed since); restore {path} from a backup"
                )));
            }
            let local = stored_files::local_path(&ctx.data_dir, path);
            // The row names it already: nothing to hold it for.
            let _restored = storage::write_durably(&local, &rendered.pdf)
                .map_err(|e| AppError::storage(e, format!("restoring letter {id}")))?;
            db::write_transaction(conn, |c| stored_files::keep(c, &local, sha))?;
            tracing::warn!(letter_id = id, "a letter's stored PDF was missing; rendered again and restored");
            Ok(rendered.pdf)
        }
        Err(e) => Err(AppError::Internal(anyhow::anyhow!("letter {id}: {e}"))),
    }
}

/// The data a letter is rendered from, with its id filled in.
pub(super) fn data_of(letter: &LetterRecord) -> Result<LetterData, AppError> {
    let id = letter.id;
    let mut data: LetterData = serde_json::from_str(&letter.data)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("letter {id} has unreadable data: {e}")))?;
    data.letter_id = id;
    Ok(data)
}

fn render(data: &LetterData, ctx: &LetterContext, templates: &Templates) -> Result<letters::Rendered, AppError> {
    letters::render(data, templates, &ctx.setup)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("letter {}: {e}", data.letter_id)))
}
