//! `pleadesk backup`: the database snapshot first, then the files — those the snapshot names,
//! each checked against its recorded checksum, then the rest of the data folder — and the
//! manifest last, into a gzip-compressed tar written under a temporary name and renamed into place
//! once complete and synced.
//!
//! Files are copied after the snapshot, and every file is written before the row that names it
//! commits (`storage`), so each file the snapshot names is on disk when it is copied — on
//! PostgreSQL in the database too (`services::stored_files`), from which a file this node's data
//! folder lacks (another node stored it) is fetched for the archive. The one
//! exception: unattached evidence the worker purges (rows, then files) between the snapshot and
//! the copy. Such a file is recorded as deleted since (the restored row goes at the next purge);
//! any other file the snapshot names that is missing or damaged is listed in the manifest and the
//! backup is reported incomplete.

use super::files::{self, DATA};
use super::manifest::{self, Database, FileEntry, Manifest, Missing, Reference, Why};
use super::snapshot::{self, Snapshot, StoredRow};
use super::WorkDir;
use crate::audit;
use crate::config::Config;
use crate::db::{self, Backend};
use crate::progress::Progress;
use crate::services::stored_files;
use crate::storage::chunks::Hashing;
use crate::storage::{self, TempFile};
use flate2::write::GzEncoder;
use std::collections::BTreeSet;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

type Archive = tar::Builder<GzEncoder<File>>;

/// A backup written: its manifest and its size in bytes.
pub struct Created {
    pub manifest: Manifest,
    pub bytes: u64,
}

pub fn create(config: &Config, out: &Path, progress: &dyn Progress) -> anyhow::Result<Created> {
    if files::inside(&config.data_dir, out).is_some() {
        anyhow::bail!(
            "write the backup outside the data folder {} (every later backup would hold it)",
            config.data_dir.display()
        );
    }
    let created_at = chrono::Utc::now();
    let mut tmp = TempFile::beside(out).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))?;
    // It holds every resident's personal data: readable by the owner only.
    let owner_only = <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o600);
    tmp.file().set_permissions(owner_only)?;
    let work = WorkDir::beside(out, "backup")?;

    progress.stage("database snapshot", None);
    let snap = snapshot::take(&config.database_url, work.path())?;
    let file = tmp.take().ok_or_else(|| anyhow::anyhow!("the archive file is not open"))?;
    let mut tar = tar::Builder::new(GzEncoder::new(file, flate2::Compression::default()));
    let stamp = created_at.timestamp().max(0) as u64;
    let db_entry = append_file(&mut tar, snapshot::entry_name(snap.format), &snap.file, stamp)?;

    let mut taken = Taken { tar, stamp, names: BTreeSet::new(), files: Vec::new() };
    let (references, missing) = take_named(&mut taken, config, &snap, progress)?;

    let mut leave_out = Vec::new();
    if let Ok(Backend::Sqlite(path)) = Backend::from_url(&config.database_url) {
        leave_out.extend(files::sqlite_files(Path::new(&path)));
    }
    let rest = files::walk(&config.data_dir, &leave_out)?;
    progress.stage("other files of the data folder", Some(rest.len() as u64));
    for (path, rel) in rest {
        if !taken.names.contains(&rel) {
            match std::fs::read(&path) {
                Ok(bytes) => taken.add(&rel, &bytes)?,
                // Removed since the walk (a preview remade, a check probe): nothing names it.
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => anyhow::bail!("cannot read {}: {e}", path.display()),
            }
        }
        progress.advance(1);
    }

    let manifest = Manifest {
        format: manifest::FORMAT,
        pleadesk: env!("CARGO_PKG_VERSION").to_string(),
        created_at: created_at.to_rfc3339(),
        database: Database {
            backend: snap.backend.to_string(),
            schema_version: snap.schema_version.clone(),
            format: snap.format.to_string(),
            file: db_entry,
        },
        files: taken.files,
        references,
        missing,
    };
    progress.stage("writing the archive", None);
    let json = serde_json::to_vec_pretty(&manifest)?;
    append_bytes(&mut taken.tar, manifest::NAME, &json, stamp)?;
    let file = taken.tar.into_inner()?.finish()?;
    let bytes = file.metadata()?.len();
    tmp.put_back(file);
    // No row names a backup archive: nothing to hold it for.
    let _archive =
        tmp.publish().map_err(|e| anyhow::anyhow!("cannot put the backup in place at {}: {e}", out.display()))?;
    drop(work);
    record(config, &manifest, bytes).map_err(|e| {
        anyhow::anyhow!("the backup was written to {}, but not recorded in the audit trail: {e}", out.display())
    })?;
    Ok(Created { manifest, bytes })
}

/// The backup as an audit event (actor `cli`) in the live database.
fn record(config: &Config, m: &Manifest, bytes: u64) -> anyhow::Result<()> {
    let details = serde_json::json!({"files": m.files.len(), "bytes": bytes, "files_lost": m.losses().count()});
    let event = audit::Event {
        actor: "cli",
        action: "backup.created",
        subject_type: "backup",
        subject_id: &m.created_at,
        outcome: "ok",
        details,
    };
    db::write_transaction(&mut snapshot::open(&config.database_url)?, |c| audit::append(c, &event))?;
    Ok(())
}

/// The files of the data folder put in the archive so far.
struct Taken {
    tar: Archive,
    stamp: u64,
    /// Paths inside the data folder.
    names: BTreeSet<String>,
    files: Vec<FileEntry>,
}

impl Taken {
    fn add(&mut self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let path = format!("{DATA}{rel}");
        append_bytes(&mut self.tar, &path, bytes, self.stamp)?;
        self.files.push(FileEntry { path, sha256: storage::sha256_hex(bytes), size: bytes.len() as u64 });
        self.names.insert(rel.to_string());
        Ok(())
    }
}

/// The files the snapshot names, each checked against the checksum its row records.
fn take_named(
    taken: &mut Taken,
    config: &Config,
    snap: &Snapshot,
    progress: &dyn Progress,
) -> anyhow::Result<(Vec<Reference>, Vec<Missing>)> {
    progress.stage("files the database names", Some(snap.rows.len() as u64));
    let (mut references, mut missing) = (Vec::new(), Vec::new());
    let mut live = snapshot::open(&config.database_url)?;
    for row in &snap.rows {
        let local = stored_files::local_path(&config.data_dir, &row.path);
        let rel = files::inside(&config.data_dir, &local).unwrap_or_else(|| elsewhere(row));
        let read = stored_files::read(&mut live, &config.data_dir, &row.path, &row.sha256)
            .map_err(|e| anyhow::anyhow!("reading {}: {e}", row.path))?;
        let problem = match read {
            Ok(bytes) => {
                if !taken.names.contains(&rel) {
                    taken.add(&rel, &bytes)?;
                }
                references.push(Reference { table: row.table.to_string(), id: row.id, path: format!("{DATA}{rel}") });
                None
            }
            Err(storage::ReadError::Damaged) => Some(Why::Damaged),
            Err(storage::ReadError::Missing) => {
                Some(if snapshot::row_exists(&mut live, row.table, row.id)? { Why::Missing } else { Why::DeletedSince })
            }
            Err(storage::ReadError::Unreadable(e)) => anyhow::bail!("cannot read {}: {e}", row.path),
        };
        if let Some(why) = problem {
            let (table, stored_path, path) = (row.table.to_string(), row.path.clone(), format!("{DATA}{rel}"));
            missing.push(Missing { table, id: row.id, stored_path, path, why });
        }
        progress.advance(1);
    }
    Ok((references, missing))
}

/// Where a file the database names outside the data folder goes (a data folder moved without
/// its rows): inside it, under `elsewhere/`, and its row is pointed there at restore.
fn elsewhere(row: &StoredRow) -> String {
    let name = Path::new(&row.path).file_name().and_then(|n| n.to_str()).unwrap_or("file");
    format!("elsewhere/{}/{}/{name}", row.table, row.id)
}

fn header(size: u64, stamp: u64) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Regular);
    h.set_size(size);
    h.set_mode(0o600);
    h.set_mtime(stamp);
    h
}

fn append_bytes(tar: &mut Archive, name: &str, bytes: &[u8], stamp: u64) -> anyhow::Result<()> {
    tar.append_data(&mut header(bytes.len() as u64, stamp), name, bytes)
        .map_err(|e| anyhow::anyhow!("writing {name} into the archive: {e}"))
}

/// Streams a (possibly large) file into the archive, hashing it on the way.
fn append_file(tar: &mut Archive, name: &str, path: &PathBuf, stamp: u64) -> anyhow::Result<FileEntry> {
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    let mut reader = Hashing::new(io::Read::take(file, size));
    tar.append_data(&mut header(size, stamp), name, &mut reader)
        .map_err(|e| anyhow::anyhow!("writing {name} into the archive: {e}"))?;
    let (sha256, read, _) = reader.finish();
    if read != size {
        anyhow::bail!("the database copy changed size while it was archived");
    }
    Ok(FileEntry { path: name.to_string(), sha256, size })
}
