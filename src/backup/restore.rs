//! `pleadesk restore FILE`: into the database and data folder configured, which must be empty
//! unless `--force`. The archive is unpacked and checked beside the data folder first; then the
//! files are moved into the data folder, and last the database is put in place (SQLite: the file,
//! renamed over; PostgreSQL: `pg_restore` in one transaction) with each row that names a file
//! pointed at its new place and the restore recorded in the audit trail.

use super::files::DATA;
use super::manifest::Manifest;
use super::{pg_tools, snapshot, target, unpack, WorkDir};
use crate::audit::{self, Event};
use crate::config::Config;
use crate::db::schema::{documents, letters};
use crate::db::{self, Backend, DbConn};
use crate::progress::Progress;
use diesel::prelude::*;
use std::path::{Path, PathBuf};

/// What a restore did.
pub struct Restored {
    pub manifest: Manifest,
    /// The SQLite file that was there before (`--force`), kept under this name.
    pub set_aside: Option<PathBuf>,
}

pub fn restore(config: &Config, archive: &Path, force: bool, progress: &dyn Progress) -> anyhow::Result<Restored> {
    let backend = Backend::from_url(&config.database_url).map_err(|e| anyhow::anyhow!("DATABASE_URL {e}"))?;
    let before = target::survey(&backend, &config.data_dir)?;
    if !force {
        before.refuse_if_not_empty(&config.data_dir)?;
    }
    let staging = WorkDir::beside(&config.data_dir, "restore")?;
    let manifest = unpack::unpack(archive, staging.path(), progress)?;
    if manifest.database.backend != backend.name() {
        anyhow::bail!(
            "{} holds a {} database and DATABASE_URL names {}: restore it into a {} database; nothing was restored",
            archive.display(),
            manifest.database.backend,
            backend.name(),
            manifest.database.backend
        );
    }
    target::check_schema(&backend, &manifest.database.schema_version)?;

    progress.stage("files into the data folder", Some(manifest.files.len() as u64));
    place_files(&manifest, staging.path(), &config.data_dir, progress)?;

    progress.stage("database", None);
    let dump = staging.path().join(&manifest.database.file.path);
    let set_aside = match &backend {
        Backend::Sqlite(path) => {
            let mut conn = DbConn::Sqlite(diesel::SqliteConnection::establish(&dump.display().to_string())?);
            repoint(&mut conn, &manifest, &config.data_dir)?;
            drop(conn);
            std::fs::File::open(&dump)?.sync_all()?;
            target::put_sqlite(&dump, Path::new(path), before.rows > 0)?
        }
        Backend::Postgres(url) => {
            let dump = dump.display().to_string();
            let mut args = vec!["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"];
            if before.tables > 0 {
                args.extend(["--clean", "--if-exists"]);
            }
            args.push(&dump);
            pg_tools::run("pg_restore", &args, url)?;
            repoint(&mut snapshot::open(url)?, &manifest, &config.data_dir)?;
            None
        }
    };
    drop(staging);
    Ok(Restored { manifest, set_aside })
}

/// Moves every staged file into the data folder (replacing one of the same name) and syncs the
/// folders it went into.
fn place_files(manifest: &Manifest, staging: &Path, data_dir: &Path, progress: &dyn Progress) -> anyhow::Result<()> {
    let mut folders = std::collections::BTreeSet::new();
    for f in &manifest.files {
        let rel = f.path.strip_prefix(DATA).unwrap_or(&f.path);
        let to = data_dir.join(rel);
        let folder = to.parent().unwrap_or(data_dir).to_path_buf();
        std::fs::create_dir_all(&folder).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", folder.display()))?;
        target::move_file(&staging.join(&f.path), &to)?;
        folders.insert(folder);
        progress.advance(1);
    }
    for folder in folders.iter().map(PathBuf::as_path).chain([data_dir]) {
        let mut at = Some(folder);
        // Each new folder's own entry lives in its parent: sync up to the data folder.
        while let Some(dir) = at.filter(|d| d.starts_with(data_dir)) {
            crate::storage::sync_dir(dir)?;
            at = dir.parent();
        }
    }
    Ok(())
}

/// Points each row that names a file at its place in this data folder (the layout the server
/// writes; a file the backup lacks goes there too when a letter is rendered again), and records
/// the restore in the audit trail, in one transaction.
fn repoint(conn: &mut DbConn, manifest: &Manifest, data_dir: &Path) -> anyhow::Result<()> {
    let rows = manifest.references.iter().map(|r| (&r.table, r.id, &r.path));
    let rows = rows.chain(manifest.missing.iter().map(|m| (&m.table, m.id, &m.path)));
    db::write_transaction(conn, |c| -> anyhow::Result<()> {
        for (table, id, entry) in rows {
            let path = data_dir.join(entry.strip_prefix(DATA).unwrap_or(entry)).display().to_string();
            let n = match table.as_str() {
                "letters" => diesel::update(letters::table.find(id)).set(letters::storage_path.eq(&path)).execute(c)?,
                _ => diesel::update(documents::table.find(id)).set(documents::storage_path.eq(&path)).execute(c)?,
            };
            if n != 1 {
                anyhow::bail!("the restored database has no {table} row {id}, which the manifest names");
            }
        }
        let lost = manifest.losses().count();
        let details = serde_json::json!({
            "backup_created_at": manifest.created_at,
            "files": manifest.files.len(),
            "files_repointed": manifest.references.len(),
            "files_lost": lost,
        });
        let subject = manifest.created_at.clone();
        let event = Event {
            actor: "cli",
            action: "backup.restored",
            subject_type: "backup",
            subject_id: &subject,
            outcome: "ok",
            details,
        };
        audit::append(c, &event)?;
        Ok(())
    })?;
    Ok(())
}
