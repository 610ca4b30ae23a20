//! Stored files — letter PDFs, scans, evidence — on one node or several.
//!
//! **SQLite** (one node): the data folder is the store, as `storage` writes it (temporary name,
//! fsync, rename, checksum recorded in the row).
//!
//! **PostgreSQL** (one node or several, each with its own data folder): the database is the store
//! and each data folder a cache. A file is still written to this node's folder first
//! (`storage`), then [`keep`] streams it into the blob store (`db::blobs`: content-addressed by its
//! SHA-256, in chunks of 256 KiB, one chunk in memory at a time) in the transaction that records
//! the row naming it — so no committed row names a file the database lacks, and the same content
//! stored twice is one blob. [`read`] serves this node's copy when it matches its checksum; a copy
//! missing (another node stored the file) or damaged is fetched from the database a chunk at a
//! time into a temporary file, checked, published into the data folder, and served.
//!
//! A row records where its writer put the file; every node reads it by the path's tail inside its
//! own data folder (`storage::layout`). Files stored before the blob store
//! existed are put into it from the node that has them by the start-up sweep ([`store_missing`]).
//! Page images of scans are not kept in the database: each node makes its own from the scan. A
//! mail run's PDF is written to the node that prints it (every letter in it is in the database).

use crate::db::{self, DbConn};
use crate::error::AppError;
use crate::storage::chunks::{self, Hashing};
use crate::storage::{self, layout, ReadError, TempFile};
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Whether stored files are kept in the database: on PostgreSQL.
pub fn in_database(conn: &DbConn) -> bool {
    matches!(conn, DbConn::Pg(_))
}

/// Copies the stored file at `path` (written, and held by the caller) into the blob store as
/// `sha256`, unless the store has it; call it in the transaction that records the row naming the
/// file. Nothing on SQLite.
pub fn keep(c: &mut DbConn, path: &Path, sha256: &str) -> Result<(), AppError> {
    if !in_database(c) {
        return Ok(());
    }
    let what = || format!("stored file {}", short(sha256));
    let file = File::open(path).map_err(|e| AppError::storage(e, what()))?;
    let size = file.metadata().map_err(|e| AppError::storage(e, what()))?.len();
    if !db::blobs::begin(c, sha256, size as i64, chunks::count(size), db::now())? {
        return Ok(());
    }
    let streamed = chunks::each(file, |seq, chunk| -> Result<(), Failed> {
        db::blobs::put_chunk(c, sha256, seq, chunk).map_err(|e| Failed::Db(e.into()))
    });
    match streamed {
        Ok((sha, read)) if sha == sha256 && read == size => Ok(()),
        Ok(_) => Err(AppError::Internal(anyhow::anyhow!("{} changed while it was stored in the database", what()))),
        Err(Failed::Io(e)) => Err(AppError::storage(e, what())),
        Err(Failed::Db(e)) => Err(e),
    }
}

/// The stored file a row records at `recorded` with checksum `sha256`, read from this node's data
/// folder `data_dir`; on PostgreSQL a copy missing or damaged there is fetched from the database
/// first. The outer error is the database's or the data folder's (try again); the inner one says
/// why the file cannot be had.
pub fn read(
    conn: &mut DbConn,
    data_dir: &Path,
    recorded: &str,
    sha256: &str,
) -> Result<Result<Vec<u8>, ReadError>, AppError> {
    let path = layout::resolve(data_dir, recorded);
    let why = match storage::read_checked(&path, sha256) {
        Ok(bytes) => return Ok(Ok(bytes)),
        Err(why @ (ReadError::Missing | ReadError::Damaged)) if in_database(conn) => why,
        Err(why) => return Ok(Err(why)),
    };
    if !path.starts_with(data_dir) {
        // A path the service did not make: nothing is written outside the data folder.
        return Ok(Err(why));
    }
    match fetch(conn, &path, sha256)? {
        Fetched::Published => Ok(storage::read_checked(&path, sha256)),
        Fetched::NotInDatabase => Ok(Err(why)),
        Fetched::Damaged => Ok(Err(ReadError::Damaged)),
    }
}

enum Fetched {
    Published,
    NotInDatabase,
    /// The database's copy does not match its checksum either.
    Damaged,
}

/// Writes blob `sha256` from the database to `path`, a chunk at a time, published only if whole
/// and matching its checksum (replacing a damaged copy).
fn fetch(conn: &mut DbConn, path: &Path, sha256: &str) -> Result<Fetched, AppError> {
    let Some(blob) = db::blobs::find(conn, sha256)? else { return Ok(Fetched::NotInDatabase) };
    let what = || format!("stored file {}", short(sha256));
    let mut tmp = TempFile::beside(path).map_err(|e| AppError::storage(e, what()))?;
    let mut out = Hashing::new(tmp.file());
    for seq in 0..blob.chunks {
        let Some(chunk) = db::blobs::chunk(conn, sha256, seq)? else { return Ok(Fetched::Damaged) };
        out.write_all(&chunk).map_err(|e| AppError::storage(e, what()))?;
    }
    let (got, written, _) = out.finish();
    if (got.as_str(), written) != (sha256, blob.size_bytes as u64) {
        tracing::error!(blob = short(sha256), "a stored file in the database does not match its checksum");
        return Ok(Fetched::Damaged);
    }
    // The row naming it is committed: nothing to hold it for.
    let _published = tmp.publish().map_err(|e| AppError::storage(e, what()))?;
    tracing::info!(blob = short(sha256), "a stored file was fetched from the database into the data folder");
    Ok(Fetched::Published)
}

/// Stores into the database, from this node's data folder, every file a row names that the blob
/// store lacks (stored before it existed); nothing on SQLite. A file this node does not have (or
/// has damaged) is left for the node that has it. Returns how many were stored.
pub fn store_missing(conn: &mut DbConn, data_dir: &Path) -> Result<usize, AppError> {
    if !in_database(conn) {
        return Ok(0);
    }
    let (mut after, mut stored) = ((0, 0), 0);
    loop {
        let rows = db::blobs::unstored(conn, after, 100)?;
        if rows.is_empty() {
            return Ok(stored);
        }
        for (table, id, recorded, sha) in rows {
            if table == "letters" {
                after.0 = id;
            } else {
                after.1 = id;
            }
            let path = layout::resolve(data_dir, &recorded);
            if checksum_of(&path).as_deref() == Some(sha.as_str()) {
                db::write_transaction(conn, |c| keep(c, &path, &sha))?;
                stored += 1;
            }
        }
    }
}

/// The SHA-256 of the file at `path`, read a chunk at a time; `None` if it cannot be read.
fn checksum_of(path: &Path) -> Option<String> {
    let file = File::open(path).ok()?;
    chunks::each(file, |_, _| -> io::Result<()> { Ok(()) }).ok().map(|(sha, _)| sha)
}

/// Where the file a row records is on this node.
pub fn local_path(data_dir: &Path, recorded: &str) -> PathBuf {
    layout::resolve(data_dir, recorded)
}

/// The start of a checksum, for logs.
fn short(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}

/// What streaming a file into the database can fail on.
enum Failed {
    Io(io::Error),
    Db(AppError),
}

impl From<io::Error> for Failed {
    fn from(e: io::Error) -> Failed {
        Failed::Io(e)
    }
}
