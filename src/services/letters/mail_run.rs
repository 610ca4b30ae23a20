//! The mail run: every queued letter in one PDF, marked printed all or nothing.

use super::render::{read_checked, render_stored};
use super::LetterContext;
use crate::db::{self, DbConn};
use crate::error::AppError;
use crate::letters::merge::PdfMerger;
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
pub fn print_run(conn: &mut DbConn, ctx: &LetterContext, out: &Path, actor: &str) -> Result<PrintRun, AppError> {
    let templates = ctx.templates()?;
    for id in db::letters::unrendered_queued(conn)? {
        render_stored(conn, id, ctx, &templates)?;
    }
    let letters = db::letters::printable(conn)?;
    if letters.is_empty() {
        return Err(AppError::Conflict("there are no queued letters to print".into()));
    }
    let tmp = out.with_extension("pdf.partial");
    let result = (|| -> Result<PrintRun, AppError> {
        let file = std::fs::File::create(&tmp)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("cannot write {}: {e}", tmp.display())))?;
        let title = format!("Mail run {} ({} letters)", ctx.today(), letters.len());
        let mut merger =
            PdfMerger::new(std::io::BufWriter::new(file), &title).map_err(|e| AppError::Internal(e.into()))?;
        for (id, path, sha) in &letters {
            let bytes = read_checked(path, sha).map_err(|e| AppError::Internal(anyhow::anyhow!("letter {id}: {e}")))?;
            merger.add(&bytes).map_err(|e| AppError::Internal(anyhow::anyhow!("letter {id}: {e}")))?;
        }
        let (summary, writer) = merger.finish().map_err(|e| AppError::Internal(e.into()))?;
        let file = writer.into_inner().map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
        file.sync_all().map_err(|e| AppError::Internal(e.into()))?;
        let ids: Vec<i64> = letters.iter().map(|(id, _, _)| *id).collect();
        db::write_transaction(conn, |c| -> Result<(), AppError> {
            let marked = db::letters::mark_printed(c, &ids, db::now())?;
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
            if marked != ids.len() {
                return Err(AppError::Conflict(
                    "another mail run printed some of these letters at the same time; run it again".into(),
                ));
            }
            std::fs::rename(&tmp, out)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("cannot write {}: {e}", out.display())))
        })?;
        Ok(PrintRun { letters: summary.documents, pages: summary.pages, blank_pages: summary.blank_pages })
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
