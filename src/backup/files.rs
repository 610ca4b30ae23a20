//! The data folder as a backup sees it: the files to take (temporary `.`-files and the SQLite
//! database itself left out), paths inside the folder as archive entries.

use std::io;
use std::path::{Component, Path, PathBuf};

/// Archive entries of the data folder start with this.
pub const DATA: &str = "data/";

/// Every file under `dir` (sorted; none if `dir` does not exist) as (path, path inside `dir` with
/// `/` separators), leaving out names that start with `.` (files being written, check probes),
/// anything not a plain file or folder, and the paths in `leave_out` (compared absolute).
pub fn walk(dir: &Path, leave_out: &[PathBuf]) -> io::Result<Vec<(PathBuf, String)>> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = match std::fs::read_dir(&folder) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                folders.push(path);
            } else if kind.is_file() && !leave_out.contains(&absolute(&path)) {
                if let Some(rel) = inside(dir, &path) {
                    found.push((path, rel));
                }
            }
        }
    }
    found.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(found)
}

/// `path` relative to `dir` with `/` separators, if it lies inside (compared as absolute paths,
/// then with links resolved); `None` outside, or for a name that is not UTF-8.
pub fn inside(dir: &Path, path: &Path) -> Option<String> {
    let lexical = absolute(path).strip_prefix(absolute(dir)).ok().map(Path::to_path_buf);
    let rel = lexical.or_else(|| {
        let (p, d) = (path.canonicalize().ok()?, dir.canonicalize().ok()?);
        p.strip_prefix(d).ok().map(Path::to_path_buf)
    })?;
    let parts: Option<Vec<&str>> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    parts.filter(|p| !p.is_empty()).map(|p| p.join("/"))
}

/// Whether an archive entry name is safe to unpack: relative, plain names, no `..`.
pub fn is_plain(name: &str) -> bool {
    !name.is_empty() && Path::new(name).components().all(|c| matches!(c, Component::Normal(_)))
}

/// `path` made absolute against the working folder, without touching the disk.
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The SQLite database file and the files SQLite keeps beside it.
pub fn sqlite_files(db: &Path) -> Vec<PathBuf> {
    let base = absolute(db);
    let with = |suffix: &str| PathBuf::from(format!("{}{suffix}", base.display()));
    vec![base.clone(), with("-wal"), with("-shm"), with("-journal")]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_walk_leaves_out_temporaries_and_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in ["letters/0000/letter-1.pdf", "scans/ab/x.pdf", "pleadesk.db", "pleadesk.db-wal", ".x.partial"] {
            drop(crate::storage::write_durably(&root.join(f), b"x").unwrap());
        }
        let found = walk(root, &sqlite_files(&root.join("pleadesk.db"))).unwrap();
        let names: Vec<&str> = found.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(names, ["letters/0000/letter-1.pdf", "scans/ab/x.pdf"]);
        assert_eq!(inside(root, &root.join("a/../b")), None, "no way out of the folder");
        assert_eq!(inside(&root.join("data"), &root.join("elsewhere/x")), None);
        assert!(is_plain("data/letters/x.pdf") && !is_plain("../x") && !is_plain("/etc/passwd"));
    }
}
