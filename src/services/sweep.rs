//! The start-up sweep: what a process killed in the middle of its work left in the data folder,
//! cleared before `serve` accepts requests. In order:
//!
//! 1. mail runs whose letters were marked printed but whose file was not renamed into place are
//!    finished (`letters::finish_interrupted`: the temporary file is complete);
//! 2. temporary files (`.<name>.<random>.partial`) that no process holds are removed;
//! 3. stored files no row names — a letter's PDF whose letter is not recorded as rendered, a scan
//!    or an evidence file no document has — are moved to `orphaned/` in the data folder, where an
//!    administrator may look at them (a database restored from an older backup leaves such files
//!    too, and then they are the only copy); the page images of a scan no document has (a cache)
//!    are removed;
//! 4. on PostgreSQL, files rows name that the database's blob store lacks (stored before it
//!    existed) are stored into it from this node's copy (`stored_files::store_missing`).
//!
//! Files fetched from the database into this node's folder (`stored_files`) are named by their
//! rows like any other, so they are never taken for orphans; the sweep never deletes a blob. On
//! PostgreSQL a file no row names is set aside as on SQLite: it is either what a request that
//! failed before its commit wrote (its content then is not in the database either) or this node's
//! copy of evidence another node purged.
//!
//! A file a live process holds (`storage::Held`: being written, or written and not yet recorded)
//! is left alone, so the sweep is safe while another node sharing the folder is at work.

use crate::db::{self, DbConn};
use crate::error::AppError;
use crate::services::{letters, stored_files};
use crate::storage::sweep::{claim, files_under, remove_abandoned, set_aside};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What a sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    pub mail_runs_finished: usize,
    pub partial_files_removed: usize,
    pub orphans_set_aside: usize,
    pub page_image_folders_removed: usize,
    pub stored_in_database: usize,
}

/// Sweeps the data folder `data_dir` (see the module's comment).
pub fn run(conn: &mut DbConn, data_dir: &Path) -> Result<Swept, AppError> {
    let mail_runs_finished = letters::finish_interrupted(conn, data_dir)?;
    let partial_files_removed = remove_abandoned(data_dir).map_err(|e| io_error(data_dir, e))?;
    let orphans_set_aside = orphan_letters(conn, data_dir)? + orphan_documents(conn, data_dir)?;
    let page_image_folders_removed = orphan_page_images(conn, data_dir)?;
    let stored_in_database = stored_files::store_missing(conn, data_dir)?;
    let swept = Swept {
        mail_runs_finished,
        partial_files_removed,
        orphans_set_aside,
        page_image_folders_removed,
        stored_in_database,
    };
    if swept != Swept::default() {
        tracing::info!(
            mail_runs_finished,
            partial_files_removed,
            orphans_set_aside,
            page_image_folders_removed,
            stored_in_database,
            orphaned = %data_dir.join("orphaned").display(),
            "start-up sweep: what interrupted work left was cleared"
        );
    }
    Ok(swept)
}

/// Letter PDFs (`letters/NNNN/letter-<id>.pdf`) whose letter is not recorded as rendered.
fn orphan_letters(conn: &mut DbConn, data_dir: &Path) -> Result<usize, AppError> {
    let files: Vec<(i64, PathBuf)> =
        files_in(&data_dir.join("letters"))?.into_iter().filter_map(|p| letter_id(&p).map(|id| (id, p))).collect();
    let ids: Vec<i64> = files.iter().map(|(id, _)| *id).collect();
    let rendered: HashSet<i64> = db::letters::rendered_among(conn, &ids)?.into_iter().collect();
    let orphans = files.into_iter().filter(|(id, _)| !rendered.contains(id));
    set_aside_unless(conn, data_dir, orphans, |c, id| Ok(!db::letters::rendered_among(c, &[*id])?.is_empty()))
}

/// Scans (`scans/xx/<sha>.<ext>`) and evidence (`evidence/xx/<sha>.<ext>`) no document has.
fn orphan_documents(conn: &mut DbConn, data_dir: &Path) -> Result<usize, AppError> {
    let pages = data_dir.join("scans").join("pages");
    let mut files = files_in(&data_dir.join("scans"))?;
    files.retain(|p| !p.starts_with(&pages));
    files.extend(files_in(&data_dir.join("evidence"))?);
    let files: Vec<(String, PathBuf)> = files.into_iter().filter_map(|p| checksum_named(&p).map(|s| (s, p))).collect();
    let shas: Vec<String> = files.iter().map(|(s, _)| s.clone()).collect();
    let known: HashSet<String> = db::documents::known_among(conn, &shas)?.into_iter().collect();
    let orphans = files.into_iter().filter(|(sha, _)| !known.contains(sha));
    set_aside_unless(conn, data_dir, orphans, |c, sha| {
        Ok(!db::documents::known_among(c, std::slice::from_ref(sha))?.is_empty())
    })
}

/// Moves each of `candidates` aside unless, once it is locked (its writer, if any, has committed
/// and let go), `recorded` finds its row after all. Returns how many were moved.
fn set_aside_unless<K>(
    conn: &mut DbConn,
    data_dir: &Path,
    candidates: impl Iterator<Item = (K, PathBuf)>,
    recorded: impl Fn(&mut DbConn, &K) -> Result<bool, AppError>,
) -> Result<usize, AppError> {
    let mut moved = 0;
    for (key, path) in candidates {
        let Some(_held) = claim(&path).map_err(|e| io_error(&path, e))? else { continue };
        if recorded(conn, &key)? {
            continue;
        }
        let to = set_aside(data_dir, &path).map_err(|e| io_error(&path, e))?;
        tracing::warn!(from = %path.display(), to = %to.display(), "a stored file no row names was set aside");
        moved += 1;
    }
    Ok(moved)
}

/// Page-image folders (`scans/pages/<sha>/`) of scans no document has.
fn orphan_page_images(conn: &mut DbConn, data_dir: &Path) -> Result<usize, AppError> {
    let pages = data_dir.join("scans").join("pages");
    let folders: Vec<(String, PathBuf)> = match std::fs::read_dir(&pages) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
            .filter(|(name, path)| is_checksum(name) && path.is_dir())
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(io_error(&pages, e)),
    };
    let shas: Vec<String> = folders.iter().map(|(s, _)| s.clone()).collect();
    let known: HashSet<String> = db::documents::known_among(conn, &shas)?.into_iter().collect();
    let mut removed = 0;
    for (_, folder) in folders.into_iter().filter(|(sha, _)| !known.contains(sha)) {
        std::fs::remove_dir_all(&folder).map_err(|e| io_error(&folder, e))?;
        removed += 1;
    }
    Ok(removed)
}

fn files_in(dir: &Path) -> Result<Vec<PathBuf>, AppError> {
    files_under(dir).map_err(|e| io_error(dir, e))
}

/// `letter-42.pdf` → 42.
fn letter_id(path: &Path) -> Option<i64> {
    path.file_name()?.to_str()?.strip_prefix("letter-")?.strip_suffix(".pdf")?.parse().ok()
}

/// `<64 hex digits>.<ext>` → the checksum.
fn checksum_named(path: &Path) -> Option<String> {
    let stem = path.file_name()?.to_str()?.split_once('.')?.0;
    is_checksum(stem).then(|| stem.to_string())
}

fn is_checksum(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn io_error(path: &Path, e: std::io::Error) -> AppError {
    AppError::Internal(anyhow::anyhow!("start-up sweep: {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_names_of_stored_files() {
        assert_eq!(letter_id(Path::new("d/letters/0001/letter-1042.pdf")), Some(1042));
        assert_eq!(letter_id(Path::new("d/letters/0001/.letter-1042.pdf.0a1b.partial")), None);
        let sha = "ab".repeat(32);
        assert_eq!(checksum_named(Path::new(&format!("d/scans/ab/{sha}.pdf"))), Some(sha.clone()));
        assert_eq!(checksum_named(Path::new(&format!("d/scans/ab/{}.pdf", &sha[1..]))), None);
        assert_eq!(checksum_named(Path::new("d/evidence/ab/notes.txt")), None);
    }
}
