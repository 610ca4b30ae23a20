//! What the start-up sweep (`services::sweep`) needs from the data folder: temporary files
//! nobody holds, files that can be claimed (locked) because no process is writing or recording
//! them, and a place to set orphans aside.

use super::{is_at, parent_of, sync_dir, Held};
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// Whether `name` is a temporary file's (`.<name>.<random>.partial`).
pub fn is_temporary(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".partial")
}

/// The file at `path`, locked, if no process holds it (nobody is writing it or about to record
/// it); `None` if one does, or if there is no file there.
pub fn claim(path: &Path) -> io::Result<Option<Held>> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    match file.try_lock() {
        Ok(()) if is_at(&file, path) => Ok(Some(Held::new(file))),
        Ok(()) | Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Removes the temporary files under `dir` that no process holds: what writers killed before
/// they published left. Returns how many.
pub fn remove_abandoned(dir: &Path) -> io::Result<usize> {
    let mut removed = 0;
    for path in files_under(dir)? {
        if !path.file_name().and_then(|n| n.to_str()).is_some_and(is_temporary) {
            continue;
        }
        if let Some(_held) = claim(&path)? {
            match std::fs::remove_file(&path) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(removed)
}

/// Every file under `dir` (recursively; none if it does not exist).
pub fn files_under(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            out.extend(files_under(&entry.path())?);
        } else {
            out.push(entry.path());
        }
    }
    Ok(out)
}

/// Moves `path` (under `data_dir`) to the same place under `data_dir/orphaned/`, for an
/// administrator to look at; returns where it went.
pub fn set_aside(data_dir: &Path, path: &Path) -> io::Result<PathBuf> {
    let relative = path.strip_prefix(data_dir).map_err(io::Error::other)?;
    let first = data_dir.join("orphaned").join(relative);
    let mut to = first.clone();
    for n in 1.. {
        if !to.exists() {
            break;
        }
        let mut name = first.clone().into_os_string();
        name.push(format!(".{n}"));
        to = PathBuf::from(name);
    }
    let dir = parent_of(&to);
    std::fs::create_dir_all(dir)?;
    std::fs::rename(path, &to)?;
    sync_dir(dir)?;
    sync_dir(parent_of(path))?;
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{put_checked, sha256_hex, write_durably, TempFile};

    #[test]
    fn a_temporary_file_nobody_holds_is_removed_and_one_being_written_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let left = dir.path().join("letters/0001/.letter-1001.pdf.0011223344556677.partial");
        std::fs::create_dir_all(left.parent().unwrap()).unwrap();
        std::fs::write(&left, b"half a letter").unwrap(); // its writer is gone: nobody holds it
        let live = TempFile::beside(&dir.path().join("letters/0001/letter-1002.pdf")).unwrap();
        let stored = dir.path().join("letters/0001/letter-1003.pdf");
        std::fs::write(&stored, b"a letter").unwrap();
        assert_eq!(remove_abandoned(dir.path()).unwrap(), 1);
        assert!(!left.exists());
        assert!(live.temp_path().exists(), "its writer holds it");
        assert!(stored.exists(), "not a temporary file");
    }

    #[test]
    fn a_stored_file_is_held_until_its_writer_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scans/ab/file.pdf");
        let held = write_durably(&path, b"content").unwrap();
        assert!(claim(&path).unwrap().is_none(), "written, not yet recorded");
        drop(held);
        drop(claim(&path).unwrap().expect("nobody holds it now"));
        let again = put_checked(&path, b"content", &sha256_hex(b"content")).unwrap();
        assert!(claim(&path).unwrap().is_none(), "found in place and held again");
        drop(again);
        assert!(claim(&dir.path().join("missing.pdf")).unwrap().is_none());
    }

    #[test]
    fn orphans_are_set_aside_under_the_same_name() {
        let dir = tempfile::tempdir().unwrap();
        for round in 1..=2 {
            let path = dir.path().join("letters/0000/letter-7.pdf");
            write_durably(&path, format!("round {round}").as_bytes()).map(drop).unwrap();
            let to = set_aside(dir.path(), &path).unwrap();
            assert!(!path.exists());
            assert_eq!(std::fs::read(&to).unwrap(), format!("round {round}").as_bytes());
        }
        let kept: Vec<_> = files_under(&dir.path().join("orphaned")).unwrap();
        assert_eq!(kept.len(), 2, "{kept:?}");
        assert!(kept.iter().all(|p| p.starts_with(dir.path().join("orphaned/letters/0000"))), "{kept:?}");
    }
}
