//! Backups: `pleadesk backup --out FILE` writes one gzip-compressed tar holding a consistent copy
//! of the database (taken while `serve` runs), every file of the data folder, and a manifest
//! (SHA-256 and size of each entry, the schema version, which row names which file);
//! `pleadesk restore FILE` checks all of it before putting it in place. README.md, Backups, says
//! how operators use them.
//!
//! Layout: `database/pleadesk.sqlite3` (SQLite) or `database/pleadesk.pgdump` (pg_dump's custom
//! format), `data/…` (paths inside the data folder), `manifest.json` (last).

mod create;
mod files;
pub mod manifest;
mod pg_tools;
mod restore;
mod snapshot;
mod target;
mod unpack;

pub use create::{create, Created};
pub use restore::{restore, Restored};

use std::path::{Path, PathBuf};

/// A working folder beside `near` (same file system, so that renames out of it are atomic),
/// named with a leading `.` (so that no backup takes it), removed with everything in it when
/// dropped.
pub(crate) struct WorkDir(PathBuf);

impl WorkDir {
    pub fn beside(near: &Path, what: &str) -> anyhow::Result<WorkDir> {
        let near = files::absolute(near);
        let parent = near.parent().unwrap_or(Path::new("/"));
        let name = near.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let path = parent.join(format!(".{name}.{what}-{}", hex::encode(rand::random::<[u8; 6]>())));
        std::fs::create_dir_all(&path).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", path.display()))?;
        Ok(WorkDir(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
