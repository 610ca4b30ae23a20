//! The mail run: every queued letter in one PDF, marked printed all or nothing.

use super::render::{checked_pdf, render_stored};
use super::LetterContext;
use crate::db::{self, DbConn};
use crate::error::AppError;
use crate::letters::merge::PdfMerger;
use crate::progress::Progress;
use crate::storage::{self, ReadError, TempFile};
use std::path::Path;

/// What a mail run printed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PrintRun {
    pub letters: u32,
    pub pages: u32,
    pub blank_pages: u32,
}

/// Writes every queued letter into one PDF at `out` (each letter on an odd page) and marks them
/// printed — all or nothing: on any failure no letter is marked and `out` is not created.
/// `progress` hears of each letter rendered and merged.
pub fn print_run(
    conn: &mut DbConn,
    ctx: &LetterContext,
    out: &Path,
    actor: &str,
    progress: &dyn Progress,
) -> Result<PrintRun, AppError> {
    let templates = ctx.templates()?;
    let unrendered = db::letters::unrendered_queued(conn)?;
    if !unrendered.is_empty() {
        progress.stage("rendering letters", Some(unrendered.len() as u64));
    }
    for id in unrendered {
        render_stored(conn, id, ctx, &templates)?;
        progress.advance(1);
    }
    let letters = db::letters::printable(conn)?;
    if letters.is_empty() {
        return Err(AppError::Conflict("there are no queued letters to print".into()));
    }
    // Written under a temporary name; published (renamed to `out`) only after the transaction
    // that marks the letters printed has committed, so that a mail run on paper always matches
    // the letters recorded as printed. Dropped unpublished on any error: no file is left.
    let mut tmp = TempFile::beside(out).map_err(|e| AppError::storage(e, out.display()))?;
    let file = tmp.take().ok_or_else(|| AppError::Internal(anyhow::anyhow!("the mail run file is not open")))?;
    let title = format!("Mail run {} ({} letters)", ctx.today(), letters.len());
    let mut merger = PdfMerger::new(std::io::BufWriter::new(file), &title).map_err(|e| AppError::Internal(e.into()))?;
    progress.stage("merging letters", Some(letters.len() as u64));
    for (id, path, sha) in &letters {
        let bytes = match storage::read_checked(Path::new(path), sha) {
            Ok(bytes) => bytes,
            Err(ReadError::Missing) => {
                let letter =
                    db::letters::find(conn, *id)?.ok_or_else(|| AppError::NotFound(format!("no letter {id}")))?;
                checked_pdf(&letter, ctx, Some(&templates))?
            }
            Err(e) => return Err(AppError::Internal(anyhow::anyhow!("letter {id}: {e}"))),
        };
        merger.add(&bytes).map_err(|e| AppError::Internal(anyhow::anyhow!("letter {id}: {e}")))?;
        progress.advance(1);
    }
    let (summary, writer) = merger.finish().map_err(|e| AppError::Internal(e.into()))?;
    tmp.put_back(writer.into_inner().map_err(|e| AppError::storage(e.into_error(), out.display()))?);
    // On disk before the letters are marked printed: a full disk fails the run here, not after.
    tmp.sync().map_err(|e| AppError::storage(e, out.display()))?;
    let ids: Vec<i64> = letters.iter().map(|(id, _, _)| *id).collect();
    db::write_transaction(conn, |c| -> Result<(), AppError> {
        let marked = db::letters::mark_printed(c, &ids, db::now())?;
        if marked != ids.len() {
            return Err(AppError::Conflict(
                "another mail run printed some of these letters at the same time; run it again".into(),
            ));
        }
        crate::audit::append(
            c,
            &crate::audit::Event {
                actor,
                action: "letters.printed",
                subject_type: "mail_run",
                subject_id: "-",
                outcome: "ok",
                details: serde_json::json!({"letters": ids.len(), "first": ids.first(), "last": ids.last()}),
            },
        )?;
        Ok(())
    })?;
    // Committed: the letters are printed. Publishing cannot be undone by a rollback any more, so
    // a failure here names where the finished run is.
    let written = tmp.temp_path().to_path_buf();
    tmp.publish().map_err(|e| {
        AppError::Internal(anyhow::anyhow!(
            "the letters are marked printed but the mail run could not be moved to {} ({e}); it is at {}",
            out.display(),
            written.display()
        ))
    })?;
    Ok(PrintRun { letters: summary.documents, pages: summary.pages, blank_pages: summary.blank_pages })
}
