//! The database half of a backup: a consistent copy taken while `serve` writes, and — read from
//! that same snapshot — the schema version and every row that names a stored file.
//!
//! SQLite: `VACUUM INTO` a new file. It runs as one read transaction, which WAL mode lets writers
//! work beside, and writes a compact, complete database file. SQLite's online backup API would do
//! the same, but diesel does not expose it (only the raw handle, through `unsafe`, which this
//! crate forbids), and its incremental form starts over whenever a writer commits meanwhile.
//!
//! PostgreSQL: `pg_dump --format=custom`, on a snapshot exported from a repeatable-read
//! transaction in which the file rows are read too, so both describe the same moment.

use super::pg_tools;
use crate::db::schema::{documents, letters};
use crate::db::{Backend, DbConn};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use std::path::{Path, PathBuf};

/// The copy and what it names.
pub struct Snapshot {
    pub file: PathBuf,
    pub backend: &'static str,
    pub format: &'static str,
    pub schema_version: String,
    pub rows: Vec<StoredRow>,
}

/// A row that names a stored file, with the checksum recorded for it.
#[derive(Debug, Clone)]
pub struct StoredRow {
    pub table: &'static str,
    pub id: i64,
    pub path: String,
    pub sha256: String,
}

/// The archive entry of the database copy, per format.
pub fn entry_name(format: &str) -> &'static str {
    match format {
        SQLITE_FORMAT => "database/pleadesk.sqlite3",
        _ => "database/pleadesk.pgdump",
    }
}

pub const SQLITE_FORMAT: &str = "sqlite";
pub const PG_FORMAT: &str = "pg_dump-custom";

/// Copies the database named by `database_url` into `work` (an empty folder).
pub fn take(database_url: &str, work: &Path) -> anyhow::Result<Snapshot> {
    match Backend::from_url(database_url).map_err(|e| anyhow::anyhow!("DATABASE_URL {e}"))? {
        Backend::Sqlite(path) => sqlite(&path, work),
        Backend::Postgres(url) => postgres(&url, work),
    }
}

fn sqlite(path: &str, work: &Path) -> anyhow::Result<Snapshot> {
    if !Path::new(path).is_file() {
        anyhow::bail!("DATABASE_URL: there is no database file at {path}");
    }
    let file = work.join("pleadesk.sqlite3");
    let mut live = diesel::SqliteConnection::establish(path).map_err(|e| anyhow::anyhow!("cannot open {path}: {e}"))?;
    live.batch_execute("PRAGMA busy_timeout = 10000;")?;
    diesel::sql_query("VACUUM INTO $1")
        .bind::<diesel::sql_types::Text, _>(file.display().to_string())
        .execute(&mut live)
        .map_err(|e| anyhow::anyhow!("copying the database {path}: {e}"))?;
    drop(live);
    let mut copy = DbConn::Sqlite(
        diesel::SqliteConnection::establish(&file.display().to_string())
            .map_err(|e| anyhow::anyhow!("cannot open the database copy: {e}"))?,
    );
    let (schema_version, rows) = (schema_version(&mut copy)?, stored_rows(&mut copy)?);
    drop(copy);
    std::fs::File::open(&file)?.sync_all()?;
    Ok(Snapshot { file, backend: "sqlite", format: SQLITE_FORMAT, schema_version, rows })
}

fn postgres(url: &str, work: &Path) -> anyhow::Result<Snapshot> {
    let file = work.join("pleadesk.pgdump");
    let pg = diesel::PgConnection::establish(url).map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
    let mut conn = DbConn::Pg(pg);
    conn.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
    #[derive(QueryableByName)]
    struct Exported {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    let snapshot = diesel::sql_query("SELECT pg_export_snapshot() AS id").get_result::<Exported>(&mut conn)?.id;
    let (schema_version, rows) = (schema_version(&mut conn)?, stored_rows(&mut conn)?);
    let dump = file.display().to_string();
    pg_tools::run("pg_dump", &["--format=custom", "--snapshot", &snapshot, "--file", &dump], url)?;
    // The dump has taken its snapshot and finished: the transaction may end.
    conn.batch_execute("COMMIT")?;
    Ok(Snapshot { file, backend: "postgres", format: PG_FORMAT, schema_version, rows })
}

fn schema_version(conn: &mut DbConn) -> anyhow::Result<String> {
    #[derive(QueryableByName)]
    struct Version {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        v: Option<String>,
    }
    let v = diesel::sql_query("SELECT MAX(version) AS v FROM __diesel_schema_migrations")
        .get_result::<Version>(conn)
        .map_err(|e| anyhow::anyhow!("the database has no migrations table ({e}): is it a PleaDesk database?"))?;
    v.v.ok_or_else(|| anyhow::anyhow!("the database has no migration applied: run pleadesk migrate first"))
}

/// Every rendered letter and every document, with its file and checksum.
pub fn stored_rows(conn: &mut DbConn) -> QueryResult<Vec<StoredRow>> {
    let rendered: Vec<(i64, Option<String>, Option<String>)> = letters::table
        .filter(letters::storage_path.is_not_null())
        .order(letters::id)
        .select((letters::id, letters::storage_path, letters::sha256))
        .load(conn)?;
    let docs: Vec<(i64, String, String)> = documents::table
        .order(documents::id)
        .select((documents::id, documents::storage_path, documents::sha256))
        .load(conn)?;
    let letters = rendered.into_iter().filter_map(|(id, path, sha)| {
        Some(StoredRow { table: "letters", id, path: path?, sha256: sha.unwrap_or_default() })
    });
    let docs = docs.into_iter().map(|(id, path, sha256)| StoredRow { table: "documents", id, path, sha256 });
    Ok(letters.chain(docs).collect())
}

/// A connection to the live database, set up as the server's are.
pub fn open(database_url: &str) -> anyhow::Result<DbConn> {
    use diesel::r2d2::ManageConnection;
    let backend = Backend::from_url(database_url).map_err(|e| anyhow::anyhow!("DATABASE_URL {e}"))?;
    crate::db::Manager::new(backend).connect().map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))
}

/// Whether a row of `table` still exists in the live database.
pub fn row_exists(conn: &mut DbConn, table: &str, id: i64) -> QueryResult<bool> {
    let found = match table {
        "letters" => letters::table.find(id).select(letters::id).first::<i64>(conn).optional()?,
        _ => documents::table.find(id).select(documents::id).first::<i64>(conn).optional()?,
    };
    Ok(found.is_some())
}
