//! Where a restore writes: whether the configured database and data folder are empty, whether
//! this pleadesk knows the backup's schema, and putting files there durably.

use super::files;
use crate::db::{self, Backend, DbConn};
use crate::storage::{self, TempFile};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use std::io;
use std::path::{Path, PathBuf};

/// What the restore target holds now.
pub struct Survey {
    /// Tables in the database, diesel's bookkeeping table included.
    pub tables: usize,
    /// Tables holding rows (diesel's left out).
    pub rows: usize,
    /// Files in the data folder (the SQLite database itself left out).
    pub files: usize,
}

pub fn survey(backend: &Backend, data_dir: &Path) -> anyhow::Result<Survey> {
    let (tables, rows, leave_out) = match backend {
        Backend::Sqlite(path) => {
            let exists = std::fs::metadata(path).map(|m| m.len() > 0).unwrap_or(false);
            let (t, r) = if exists {
                let mut c = DbConn::Sqlite(diesel::SqliteConnection::establish(path)?);
                c.batch_execute("PRAGMA busy_timeout = 10000;")?;
                count(&mut c, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?
            } else {
                (0, 0)
            };
            (t, r, files::sqlite_files(Path::new(path)))
        }
        Backend::Postgres(url) => {
            let mut c = DbConn::Pg(diesel::PgConnection::establish(url)?);
            let (t, r) = count(&mut c, "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()")?;
            (t, r, Vec::new())
        }
    };
    let files = files::walk(data_dir, &leave_out)?.len();
    Ok(Survey { tables, rows, files })
}

/// (tables listed by `list`, how many of them other than diesel's hold a row).
fn count(c: &mut DbConn, list: &str) -> anyhow::Result<(usize, usize)> {
    let names: Vec<Name> = diesel::sql_query(list).load(c)?;
    let mut with_rows = 0;
    for t in names.iter().filter(|t| t.name != "__diesel_schema_migrations") {
        let q = format!("SELECT COUNT(*) AS n FROM (SELECT 1 FROM \"{}\" LIMIT 1) AS s", t.name.replace('"', "\"\""));
        with_rows += diesel::sql_query(q).get_result::<N>(c)?.n as usize;
    }
    Ok((names.len(), with_rows))
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

impl Survey {
    /// The refusal to restore over data, and how to go on.
    pub fn refuse_if_not_empty(&self, data_dir: &Path) -> anyhow::Result<()> {
        if self.rows > 0 {
            anyhow::bail!(
                "the database DATABASE_URL names is not empty ({} tables hold rows): restore into a new \
                 database, or add --force to replace it (SQLite: the old file is kept beside it, renamed \
                 …before-restore-…; PostgreSQL: the backup's tables are dropped and created again)",
                self.rows
            );
        }
        if self.files > 0 {
            anyhow::bail!(
                "the data folder {} is not empty ({} files): restore into an empty folder, or add --force \
                 (files the backup holds replace those of the same name; others are kept)",
                data_dir.display(),
                self.files
            );
        }
        Ok(())
    }
}

/// Refuses a backup whose schema is newer than the migrations this binary carries.
pub fn check_schema(backend: &Backend, version: &str) -> anyhow::Result<()> {
    use diesel::migration::MigrationSource;
    fn versions<B: diesel::backend::Backend>(source: &impl MigrationSource<B>) -> Vec<String> {
        source.migrations().map(|m| m.iter().map(|m| m.name().version().to_string()).collect()).unwrap_or_default()
    }
    let known = match backend {
        Backend::Sqlite(_) => versions::<diesel::sqlite::Sqlite>(&db::SQLITE_MIGRATIONS),
        Backend::Postgres(_) => versions::<diesel::pg::Pg>(&db::POSTGRES_MIGRATIONS),
    };
    if !known.iter().any(|v| v == version) {
        anyhow::bail!(
            "the backup's database is at schema version {version}, which this pleadesk ({}) does not know: \
             restore it with the pleadesk release that made it, or a newer one; nothing was restored",
            env!("CARGO_PKG_VERSION")
        );
    }
    Ok(())
}

/// Puts the staged SQLite file at `target`. A database with rows there (`--force`) is renamed
/// aside with its log files and that name returned; an empty one's log files are removed, so that
/// SQLite never applies them to the new file.
pub fn put_sqlite(staged: &Path, target: &Path, had_rows: bool) -> anyhow::Result<Option<PathBuf>> {
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    let aside = PathBuf::from(format!("{}.before-restore-{stamp}", target.display()));
    let kept = had_rows && target.exists();
    for (i, f) in files::sqlite_files(target).iter().enumerate() {
        let result = if kept {
            let suffix = ["", "-wal", "-shm", "-journal"][i];
            std::fs::rename(f, format!("{}{suffix}", aside.display()))
        } else if i > 0 {
            std::fs::remove_file(f)
        } else {
            Ok(())
        };
        match result {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                anyhow::bail!("cannot move the old database file {} out of the way: {e}", f.display())
            }
            _ => {}
        }
    }
    move_file(staged, target)?;
    Ok(kept.then_some(aside))
}

/// Renames `from` over `to` and syncs `to`'s folder; across file systems, copies it durably.
pub fn move_file(from: &Path, to: &Path) -> anyhow::Result<()> {
    let fail = |e: io::Error| anyhow::anyhow!("cannot put {} in place: {e}", to.display());
    match std::fs::rename(from, to) {
        Ok(()) => {
            storage::sync_dir(to.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."))).map_err(fail)
        }
        Err(e) if e.kind() == io::ErrorKind::CrossesDevices => {
            let mut tmp = TempFile::beside(to).map_err(fail)?;
            io::copy(&mut std::fs::File::open(from).map_err(fail)?, tmp.file()).map_err(fail)?;
            // A restore runs with serve stopped: no start-up sweep to hold the file against.
            tmp.publish().map(drop).map_err(fail)
        }
        Err(e) => Err(fail(e)),
    }
}
