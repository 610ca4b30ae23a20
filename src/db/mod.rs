//! The data layer: one connection type over SQLite and PostgreSQL, the pool, migrations, and one
//! file of queries per area. Query functions are synchronous; the web layer calls them through
//! [`run`], which moves them off the async threads.

pub mod blobs;
pub mod candidates;
pub mod case_parts;
pub mod citations;
pub mod counts;
pub mod deadlines;
pub mod documents;
pub mod drafts;
pub mod envelope_queue;
pub mod hardship;
pub mod jobs;
pub mod letters;
pub mod mail_runs;
pub mod offenses;
pub mod offers;
pub mod paper;
pub mod payments;
pub mod rate_windows;
pub mod reports;
pub mod scans;
pub mod schema;
pub mod submissions;
pub mod users;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::time::Duration;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Runs `$q`, a statement built on the backend's own connection `$c`: multi-row inserts do not
/// compile on the multi-backend connection (NOTES-stack.md), so they match on it here, in one
/// place.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $q:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite($c) => $q,
            $crate::db::DbConn::Pg($c) => $q,
        }
    };
}
pub(crate) use on_backend;

/// PostgreSQL only: refreshes the planner's statistics of `tables` (names, each with the columns
/// to look at if not all, written in the code, never input) after work that changed them wholesale — a large import, a long run of the daily job —
/// so that the next queries are planned from what the tables hold now, not from before (or from
/// nothing: autovacuum analyses a table only a while later). SQLite plans from its indexes alone.
pub fn analyze(conn: &mut DbConn, tables: &[&'static str]) -> diesel::QueryResult<()> {
    match conn {
        DbConn::Pg(c) => c.batch_execute(&format!("ANALYZE {}", tables.join(", "))),
        DbConn::Sqlite(_) => Ok(()),
    }
}

/// A connection to whichever database `DATABASE_URL` names.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

pub type DbPool = Pool<Manager>;
pub type PooledConn = PooledConnection<Manager>;

/// Which backend a `DATABASE_URL` names, with what the driver needs to open it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// A file path (`sqlite://pleadesk-data/pleadesk.db` → `pleadesk-data/pleadesk.db`).
    Sqlite(String),
    Postgres(String),
}

impl Backend {
    /// Chooses the backend from the URL scheme. Diesel's own `establish` would try each backend in
    /// turn and SQLite accepts any string as a file name, so the scheme decides here.
    pub fn from_url(url: &str) -> Result<Backend, String> {
        if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            if path.is_empty() {
                return Err("a sqlite:// URL needs a file path, like sqlite://pleadesk-data/pleadesk.db".into());
            }
            return Ok(Backend::Sqlite(path.to_string()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Backend::Postgres(url.to_string()));
        }
        Err("must start with sqlite:// or postgres://".into())
    }

    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }
}

/// Opens connections for the r2d2 pool, choosing the variant from the URL scheme and setting the
/// SQLite pragmas on every new connection.
#[derive(Debug, Clone)]
pub struct Manager {
    backend: Backend,
}

impl Manager {
    pub fn new(backend: Backend) -> Self {
        Manager { backend }
    }
}

/// Per connection. WAL mode is a property of the database file, set once in [`connect`] before
/// the pool opens its connections (setting it from several new connections at once would make
/// them wait on each other's locks). `synchronous = FULL`: in WAL mode, NORMAL does not fsync the
/// log at each commit, so the last commits — answers already given as 2xx — could vanish on a
/// power cut; FULL syncs every commit (SPEC §5: a 2xx is durably committed).
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;";

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match &self.backend {
            Backend::Sqlite(path) => {
                let mut c = SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                c.batch_execute(SQLITE_PRAGMAS).map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(c))
            }
            Backend::Postgres(url) => {
                let mut c = PgConnection::establish(url).map_err(r2d2::Error::ConnectionError)?;
                c.batch_execute("SET TIME ZONE 'UTC'").map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Pg(c))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

/// Builds the pool. For SQLite the file's folder is created first.
pub fn connect(database_url: &str) -> anyhow::Result<DbPool> {
    let backend = Backend::from_url(database_url).map_err(|e| anyhow::anyhow!("DATABASE_URL {e}"))?;
    if let Backend::Sqlite(path) = &backend {
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| anyhow::anyhow!("cannot create the database folder {}: {e}", dir.display()))?;
            }
        }
        let mut first = SqliteConnection::establish(path).map_err(|e| anyhow::anyhow!("cannot open {path}: {e}"))?;
        first
            .batch_execute("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL;")
            .map_err(|e| anyhow::anyhow!("cannot switch {path} to WAL mode: {e}"))?;
    }
    let size = match backend {
        Backend::Sqlite(_) => 8,
        Backend::Postgres(_) => 8,
    };
    let pool = Pool::builder()
        .max_size(size)
        .connection_timeout(Duration::from_secs(10))
        .build(Manager::new(backend.clone()))
        .map_err(|e| anyhow::anyhow!("cannot open the {} database: {e}", backend.name()))?;
    Ok(pool)
}

/// Applies every pending migration of the connection's backend; returns how many ran.
pub fn migrate(conn: &mut DbConn) -> anyhow::Result<usize> {
    let ran = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConn::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len()),
    };
    ran.map_err(|e| anyhow::anyhow!("migration failed: {e}"))
}

/// Where a database stands against the migrations this binary carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    pub applied: usize,
    /// Migrations of this binary not applied yet, by name, oldest first.
    pub pending: Vec<String>,
    /// Versions applied that this binary does not know (a newer release ran them).
    pub unknown: Vec<String>,
}

/// Compares the database's applied migrations with the embedded ones. Changes nothing but
/// diesel's bookkeeping table, which it creates when missing.
pub fn migration_status(conn: &mut DbConn) -> anyhow::Result<MigrationStatus> {
    use diesel::migration::MigrationSource;
    fn status<C: MigrationHarness<B>, B: diesel::backend::Backend>(
        c: &mut C,
        source: EmbeddedMigrations,
    ) -> diesel::migration::Result<MigrationStatus> {
        let known: Vec<String> =
            MigrationSource::<B>::migrations(&source)?.iter().map(|m| m.name().version().to_string()).collect();
        let applied: Vec<String> = c.applied_migrations()?.iter().map(|v| v.to_string()).collect();
        let pending = c.pending_migrations(source)?.iter().map(|m| m.name().to_string()).collect();
        let unknown = applied.iter().filter(|v| !known.contains(v)).cloned().collect();
        Ok(MigrationStatus { applied: applied.len(), pending, unknown })
    }
    let result = match conn {
        DbConn::Sqlite(c) => status(c, SQLITE_MIGRATIONS),
        DbConn::Pg(c) => status(c, POSTGRES_MIGRATIONS),
    };
    result.map_err(|e| anyhow::anyhow!("cannot read the applied migrations: {e}"))
}

/// A pool that opens no connection until one is asked for (for work that may not need the
/// database, like rendering the page templates in `pleadesk check`).
pub fn lazy_pool(database_url: &str) -> anyhow::Result<DbPool> {
    let backend = Backend::from_url(database_url).map_err(|e| anyhow::anyhow!("DATABASE_URL {e}"))?;
    Ok(Pool::builder()
        .max_size(1)
        .min_idle(Some(0))
        .connection_timeout(Duration::from_secs(2))
        .build_unchecked(Manager::new(backend)))
}

/// Reverts every migration (used by the migration round-trip test and by operators).
pub fn revert_all(conn: &mut DbConn) -> anyhow::Result<usize> {
    let reverted = match conn {
        DbConn::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConn::Pg(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS).map(|v| v.len()),
    };
    reverted.map_err(|e| anyhow::anyhow!("reverting migrations failed: {e}"))
}

/// Runs `f` in a transaction that will write. On SQLite it begins `IMMEDIATE`, taking the write
/// lock up front (waiting up to the busy timeout) instead of failing at its first write when
/// another writer went first; on PostgreSQL it is an ordinary transaction. Nested
/// `transaction` calls inside `f` become savepoints as usual.
pub fn write_transaction<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let DbConn::Sqlite(c) = conn else {
        return conn.transaction(f);
    };
    AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
    let result = f(conn);
    let DbConn::Sqlite(c) = conn else {
        unreachable!("the connection's backend does not change") // ok: matched as SQLite above
    };
    match result {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(c)?;
            Ok(value)
        }
        Err(e) => {
            // The transaction is gone either way; the caller's error is the one to report.
            let _ = AnsiTransactionManager::rollback_transaction(c);
            Err(e)
        }
    }
}

/// The current time in UTC without a zone, as every TIMESTAMP column stores it.
pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(diesel::QueryableByName)]
    struct Pragma {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }

    fn pragma(conn: &mut DbConn, name: &str) -> String {
        use diesel::RunQueryDsl;
        let sql = format!("SELECT CAST({name} AS TEXT) AS value FROM pragma_{name}");
        diesel::sql_query(sql).get_result::<Pragma>(conn).unwrap().value
    }

    /// Every pooled SQLite connection commits durably: WAL with synchronous=FULL (2).
    #[test]
    fn sqlite_connections_commit_durably() {
        let dir = tempfile::tempdir().unwrap();
        let pool = connect(&format!("sqlite://{}", dir.path().join("d.db").display())).unwrap();
        let mut conns: Vec<_> = (0..3).map(|_| pool.get().unwrap()).collect();
        for c in &mut conns {
            assert_eq!(pragma(c, "journal_mode"), "wal");
            assert_eq!(pragma(c, "synchronous"), "2", "synchronous=FULL");
            assert_eq!(pragma(c, "foreign_keys"), "1");
        }
    }

    #[test]
    fn backend_from_scheme() {
        assert_eq!(Backend::from_url("sqlite://a/b.db").unwrap(), Backend::Sqlite("a/b.db".into()));
        assert_eq!(Backend::from_url("sqlite:///tmp/x.db").unwrap(), Backend::Sqlite("/tmp/x.db".into()));
        assert!(matches!(Backend::from_url("postgres://u@h/db").unwrap(), Backend::Postgres(_)));
        assert!(Backend::from_url("mysql://h/db").is_err());
        assert!(Backend::from_url("sqlite://").is_err());
    }
}
