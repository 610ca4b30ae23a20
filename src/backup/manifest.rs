//! The archive's table of contents (`manifest.json`, its last entry): what made it, the
//! database's schema version, every file with its SHA-256 and size, which rows point at which
//! file, and the files the database names that could not be taken.

use serde::{Deserialize, Serialize};

/// Bumped when the layout of the archive changes; a restore refuses a format it does not know.
pub const FORMAT: u32 = 1;

/// The archive entry that holds the manifest.
pub const NAME: &str = "manifest.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// The pleadesk version that wrote it.
    pub pleadesk: String,
    /// When the database snapshot was taken (UTC, RFC 3339).
    pub created_at: String,
    pub database: Database,
    /// Every file of the data folder taken, the database copy excepted.
    pub files: Vec<FileEntry>,
    /// The rows of the snapshot that name a stored file, and the archive entry holding it.
    pub references: Vec<Reference>,
    /// Files the snapshot names that are not in the archive, and why.
    pub missing: Vec<Missing>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Database {
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The newest migration applied (diesel's version, e.g. `20261205090000`).
    pub schema_version: String,
    /// `sqlite` (a database file) or `pg_dump-custom` (pg_restore reads it).
    pub format: String,
    pub file: FileEntry,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// The archive entry: `database/…` or `data/` + the path inside the data folder.
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

/// A row that names a stored file: `letters` or `documents`, its id, and the archive entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub table: String,
    pub id: i64,
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Missing {
    pub table: String,
    pub id: i64,
    /// The path the row holds.
    pub stored_path: String,
    /// Where the file would have been in the archive; the row is pointed there at restore.
    pub path: String,
    pub why: Why,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// Not on disk while the row still is: lost.
    Missing,
    /// On disk but not what the row's checksum says.
    Damaged,
    /// Deleted with its row after the snapshot (unattached evidence purged by the worker): the
    /// restored row goes at the next purge. Not a loss.
    DeletedSince,
}

impl Why {
    /// Whether the file is lost (the backup is then reported as incomplete).
    pub fn is_loss(self) -> bool {
        !matches!(self, Why::DeletedSince)
    }

    pub fn text(self) -> &'static str {
        match self {
            Why::Missing => "the file is missing",
            Why::Damaged => "the file does not match its checksum",
            Why::DeletedSince => "deleted with its row after the snapshot",
        }
    }
}

impl Manifest {
    /// Every entry the archive must hold besides the manifest: the database, then the files.
    pub fn entries(&self) -> impl Iterator<Item = &FileEntry> {
        std::iter::once(&self.database.file).chain(self.files.iter())
    }

    /// The files lost (missing or damaged), as opposed to deleted after the snapshot.
    pub fn losses(&self) -> impl Iterator<Item = &Missing> {
        self.missing.iter().filter(|m| m.why.is_loss())
    }
}
