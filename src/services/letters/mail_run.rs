//! The mail run: every queued letter in one PDF, marked printed all or nothing. The run is
//! recorded (`mail_runs`) with its temporary file in the transaction that marks the letters; the
//! file is renamed into place after the commit, and a run whose process died in between is
//! finished by the next start-up or mail run ([`finish_interrupted`]).

use super::render::{checked_pdf, render_stored};
use super::LetterContext;
use crate::db::{self, DbConn};
use crate::error::AppError;
use crate::letters::merge::PdfMerger;
use crate::progress::Progress;
use crate::services::stored_files;
use crate::storage::{self, ReadError, TempFile};
use std::path::{Path, PathBuf};

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
    if let Err(e) = finish_interrupted(conn, &ctx.data_dir) {
        tracing::error!(error = %e, "an interrupted mail run could not be finished");
    }
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
        let bytes = match stored_files::read(conn, &ctx.data_dir, path, sha)? {
            Ok(bytes) => bytes,
            Err(ReadError::Missing) => {
                let letter =
                    db::letters::find(conn, *id)?.ok_or_else(|| AppError::NotFound(format!("no letter {id}")))?;
                checked_pdf(conn, &letter, ctx, Some(&templates))?
            }
            Err(e) => return Err(AppError::Internal(anyhow::anyhow!("letter {id}: {e}"))),
        };
        merger.add(&bytes).map_err(|e| AppError::Internal(anyhow::anyhow!("letter {id}: {e}")))?;
        progress.advance(1);
    }
    let (summary, writer) = merger.finish().map_err(|e| AppError::Internal(e.into()))?;
    tmp.put_back(writer.into_inner().map_err(|e| AppError::storage(e.into_error(), out.display()))?);
    let ids: Vec<i64> = letters.iter().map(|(id, _, _)| *id).collect();
    // Durable before the commit records it: after any crash past the commit, it is there whole;
    // a full disk fails the run here, before its letters are marked printed.
    tmp.sync().map_err(|e| AppError::storage(e, out.display()))?;
    let written = tmp.temp_path().to_path_buf();
    let (out_at, written_at) = (absolute(out)?, absolute(&written)?);
    let run = db::write_transaction(conn, |c| -> Result<i64, AppError> {
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
        let node = this_node(&ctx.data_dir)?;
        Ok(db::mail_runs::insert(c, &node, (&out_at, &written_at), ids.len() as i32, db::now())?)
    })?;
    // Committed: the letters are printed. Publishing cannot be undone by a rollback any more, so
    // a failure here names where the finished run is (the next start-up tries again).
    let _published = tmp.publish().map_err(|e| {
        AppError::Internal(anyhow::anyhow!(
            "the letters are marked printed but the mail run could not be moved to {} ({e}); it is at {}",
            out.display(),
            written.display()
        ))
    })?;
    if let Err(e) = db::mail_runs::set_published(conn, run, db::now()) {
        tracing::warn!(mail_run = run, error = %e, "a mail run was published but not recorded so; the next start-up records it");
    }
    Ok(PrintRun { letters: summary.documents, pages: summary.pages, blank_pages: summary.blank_pages })
}

/// Renames into place the mail runs whose letters were marked printed by a process that died (or
/// failed to rename) before publishing the run; their temporary file is complete and synced. A run
/// whose temporary file another process still holds is left to it. Returns how many were finished.
pub fn finish_interrupted(conn: &mut DbConn, data_dir: &Path) -> Result<usize, AppError> {
    let mut finished = 0;
    for run in db::mail_runs::unpublished(conn, &this_node(data_dir)?)? {
        let (path, staged) = (PathBuf::from(&run.path), PathBuf::from(&run.staged_path));
        let Some(_held) = storage::sweep::claim(&staged).map_err(|e| file_error(&run, e))? else {
            if staged.exists() {
                continue; // its process is still at it
            }
            if path.exists() {
                db::mail_runs::set_published(conn, run.id, db::now())?; // renamed, not yet recorded
            } else {
                tracing::error!(mail_run = run.id, letters = run.letters, "a mail run's file is missing and so is its temporary file; its letters are marked printed: print them again");
            }
            continue;
        };
        std::fs::rename(&staged, &path).map_err(|e| file_error(&run, e))?;
        storage::sync_dir(storage::parent_of(&path)).map_err(|e| file_error(&run, e))?;
        db::mail_runs::set_published(conn, run.id, db::now())?;
        tracing::warn!(
            mail_run = run.id,
            letters = run.letters,
            "an interrupted mail run was finished: its file is in place"
        );
        finished += 1;
    }
    Ok(finished)
}

fn file_error(run: &db::mail_runs::MailRun, e: std::io::Error) -> AppError {
    AppError::Internal(anyhow::anyhow!("mail run {} could not be moved into place at {}: {e}", run.id, run.path))
}

/// This node, as mail runs record it: its host name and data folder (nodes on one machine each
/// have their own folder; nodes on different machines may have the same one).
fn this_node(data_dir: &Path) -> Result<String, AppError> {
    Ok(format!("{}:{}", crate::config::host_name(), absolute(data_dir)?))
}

/// `path` made absolute (against the working folder), as text for the record.
fn absolute(path: &Path) -> Result<String, AppError> {
    std::path::absolute(path)
        .map(|p| p.display().to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{}: {e}", path.display())))
}
