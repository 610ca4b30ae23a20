//! Files the service keeps (evidence, letters, mail runs), written the way databases write: to a
//! temporary name in the same folder, fsynced, renamed over the final name, and the folder
//! fsynced — so a file is either wholly there or not there, even after a power cut. A stored file
//! is trusted only if its SHA-256 matches the one recorded for it.
//!
//! A writer holds its file locked (`flock`) from the moment it creates the temporary file until
//! the row that names the file is committed ([`Held`]); the lock goes with the process, even when
//! it is killed. So the start-up sweep (`services::sweep`) can tell what a dead process left — a
//! temporary file, a file no row names — from what a live one is writing, on this machine or
//! another that shares the folder: it touches only files it can lock ([`sweep`]).
//!
//! [`layout`] says where each kind of file lives inside a data folder and finds the file a row
//! names on this node; [`chunks`] cuts a file into chunks and puts it together again, for the
//! copy kept in the database on PostgreSQL (`services::stored_files`).

use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

pub mod chunks;
pub mod layout;
pub mod sweep;

/// The lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A stored file held open under a lock by the process that wrote (or found) it, until the row
/// that names it is committed: drop it after the commit. While it is held, no sweep moves the
/// file aside as an orphan.
#[must_use = "hold the file until the row that names it is committed"]
pub struct Held {
    _file: File,
}

impl Held {
    pub(crate) fn new(file: File) -> Held {
        Held { _file: file }
    }
}

/// Writes `bytes` to `path` atomically and durably (creating its folder).
pub fn write_durably(path: &Path, bytes: &[u8]) -> io::Result<Held> {
    let mut tmp = TempFile::beside(path)?;
    tmp.file().write_all(bytes)?;
    tmp.publish()
}

/// Makes sure `path` holds exactly the content whose SHA-256 is `sha256`: a file already there
/// is kept only if its checksum matches, otherwise (missing, damaged, or half-written by an older
/// version) it is written again. Safe when several requests store the same content at once: each
/// writes its own temporary file and the renames replace identical bytes.
pub fn put_checked(path: &Path, bytes: &[u8], sha256: &str) -> io::Result<Held> {
    match hold_if_matching(path, sha256)? {
        Some(held) => Ok(held),
        None => write_durably(path, bytes),
    }
}

/// The file at `path`, held (shared lock), if its content has this checksum.
fn hold_if_matching(path: &Path, sha256: &str) -> io::Result<Option<Held>> {
    let Ok(mut file) = File::open(path) else { return Ok(None) };
    file.lock_shared()?;
    // A sweep may have moved the file aside while this waited for the lock.
    if !is_at(&file, path) {
        return Ok(None);
    }
    let mut existing = Vec::new();
    file.read_to_end(&mut existing)?;
    Ok((sha256_hex(&existing) == sha256).then_some(Held { _file: file }))
}

/// Whether `file` is (still) the file at `path`.
pub(crate) fn is_at(file: &File, path: &Path) -> bool {
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Why a stored file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("the stored file is missing")]
    Missing,
    #[error("the stored file cannot be read: {0}")]
    Unreadable(io::Error),
    #[error("the stored file does not match its checksum; it was changed or damaged")]
    Damaged,
}

/// Reads a stored file and checks it against its SHA-256.
pub fn read_checked(path: &Path, sha256: &str) -> Result<Vec<u8>, ReadError> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => ReadError::Missing,
        _ => ReadError::Unreadable(e),
    })?;
    if sha256_hex(&bytes) != sha256 {
        return Err(ReadError::Damaged);
    }
    Ok(bytes)
}

/// A file being written under a temporary name next to its final one. [`TempFile::publish`]
/// fsyncs it, renames it into place and fsyncs the folder; dropping it unpublished removes it.
pub struct TempFile {
    file: Option<File>,
    tmp: PathBuf,
    target: PathBuf,
}

impl TempFile {
    /// Creates `.<name>.<random>.partial` in `target`'s folder (created if needed), so that
    /// writers of the same target never share a temporary file, and locks it.
    pub fn beside(target: &Path) -> io::Result<TempFile> {
        let dir = parent_of(target);
        if !dir.exists() {
            std::fs::create_dir_all(dir)?;
            if let Some(above) = dir.parent() {
                sync_dir(if above.as_os_str().is_empty() { Path::new(".") } else { above })?;
            }
        }
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = dir.join(format!(".{name}.{}.partial", hex::encode(rand::random::<[u8; 8]>())));
        let file = File::options().write(true).create_new(true).open(&tmp)?;
        file.lock()?;
        Ok(TempFile { file: Some(file), tmp, target: target.to_path_buf() })
    }

    /// The open file, to write into.
    pub fn file(&mut self) -> &mut File {
        self.file.as_mut().expect("the file is open until it is published") // ok: taken only by publish
    }

    /// Takes the file out to hand it to a writer; give it back with [`TempFile::put_back`].
    pub fn take(&mut self) -> Option<File> {
        self.file.take()
    }

    pub fn put_back(&mut self, file: File) {
        self.file = Some(file);
    }

    /// Makes the temporary file itself durable — its content and its name in the folder — for a
    /// caller that records it before publishing it (a mail run).
    pub fn sync(&mut self) -> io::Result<()> {
        self.file().sync_all()?;
        sync_dir(parent_of(&self.tmp))
    }

    /// Where the content is being written.
    pub fn temp_path(&self) -> &Path {
        &self.tmp
    }

    /// fsync, rename over the target, fsync the folder; the file stays held (locked) until the
    /// returned [`Held`] is dropped. If the rename itself fails, the complete temporary file is
    /// kept (at [`TempFile::temp_path`]) for the caller to report.
    pub fn publish(mut self) -> io::Result<Held> {
        let file = self.file.take().ok_or_else(|| io::Error::other("the file was taken and not put back"))?;
        file.sync_all()?;
        if let Err(e) = std::fs::rename(&self.tmp, &self.target) {
            self.tmp = PathBuf::new(); // keep the finished file: Drop removes nothing
            return Err(e);
        }
        self.tmp = PathBuf::new();
        sync_dir(parent_of(&self.target))?;
        Ok(Held { _file: file })
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        // Not published (an error on the way, or the caller gave up): leave nothing behind.
        // After a successful publish the temporary name no longer exists and this is a no-op.
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

pub(crate) fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// fsyncs a folder, so that a rename or a new file in it survives a power cut.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_files_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/file.pdf");
        drop(write_durably(&path, b"first").unwrap());
        drop(write_durably(&path, b"second").unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> =
            std::fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("file.pdf")]);
    }

    #[test]
    fn an_unpublished_file_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("run.pdf");
        let mut tmp = TempFile::beside(&target).unwrap();
        tmp.file().write_all(b"half").unwrap();
        let temp_path = tmp.temp_path().to_path_buf();
        assert!(temp_path.exists());
        drop(tmp);
        assert!(!temp_path.exists() && !target.exists());
    }

    #[test]
    fn an_existing_file_is_reused_only_if_its_checksum_matches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.png");
        let sha = sha256_hex(b"content");
        std::fs::write(&path, b"conte").unwrap(); // a file cut short by a crash
        drop(put_checked(&path, b"content", &sha).unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), b"content");
        assert!(matches!(read_checked(&path, &sha), Ok(b) if b == b"content"));
        std::fs::write(&path, b"CONTENT").unwrap();
        assert!(matches!(read_checked(&path, &sha), Err(ReadError::Damaged)));
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(read_checked(&path, &sha), Err(ReadError::Missing)));
    }
}
