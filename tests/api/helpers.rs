//! Starts the real server on port 0 with a fresh database per test: a temporary SQLite file, or a
//! new PostgreSQL database on the server named by `PLEADESK_TEST_PG`.

use diesel::{Connection, RunQueryDsl};
use pleadesk::app::Application;
use pleadesk::config::Config;
use pleadesk::db::{self, DbPool};
use pleadesk::domain::Role;
use std::collections::HashMap;

/// How long test clients keep an idle connection: less than the server's keep-alive (5 s), so
/// that a test which waits (on a CLI run, a slow render under load) never reuses a connection the
/// server has just closed (hyper's "IncompleteMessage").
pub const IDLE: std::time::Duration = std::time::Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub worker: std::sync::Arc<pleadesk::jobs::Worker>,
    pub address: String,
    pub client: reqwest::Client,
    pub pool: DbPool,
    pub database_url: String,
    pub data_dir: tempfile::TempDir,
    pg_cleanup: Option<(String, String)>,
}

/// Runs each named `async fn name(app: TestApp)` once per backend, as `sqlite::name` and
/// `postgres::name`. The PostgreSQL copies are ignored (with the reason shown) unless
/// `PLEADESK_TEST_PG` was set when the tests were built.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[actix_web::test]
                async fn $name() {
                    let app = $crate::helpers::spawn($crate::helpers::Backend::Sqlite, &[]).await;
                    super::$name(app).await;
                }
            )+
        }
        mod postgres {
            $(
                #[actix_web::test]
                #[cfg_attr(not(pg_tests), ignore = "set PLEADESK_TEST_PG to a PostgreSQL server URL to run this")]
                async fn $name() {
                    let app = $crate::helpers::spawn($crate::helpers::Backend::Postgres, &[]).await;
                    super::$name(app).await;
                }
            )+
        }
    };
}

/// Creates a fresh, empty PostgreSQL database and returns (its URL, the admin URL, its name).
pub fn fresh_pg_database() -> (String, String, String) {
    let admin = std::env::var("PLEADESK_TEST_PG").expect("PLEADESK_TEST_PG must name a PostgreSQL server");
    let name = format!("pleadesk_t_{}", hex::encode(rand::random::<[u8; 8]>()));
    let mut conn = diesel::PgConnection::establish(&admin)
        .unwrap_or_else(|e| panic!("PostgreSQL at PLEADESK_TEST_PG does not answer: {e}"));
    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn).expect("create test database");
    (replace_db_name(&admin, &name), admin, name)
}

/// `postgres://u@h:5432/test?x=y` with the database name replaced.
fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_part = match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    };
    format!("{host_part}/{name}{query}")
}

pub fn drop_pg_database(admin: &str, name: &str) {
    if let Ok(mut conn) = diesel::PgConnection::establish(admin) {
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn);
    }
}

/// Starts the application with a fresh database; `extra` overrides configuration variables.
pub async fn spawn(backend: Backend, extra: &[(&str, &str)]) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let (database_url, pg_cleanup) = match backend {
        Backend::Sqlite => (format!("sqlite://{}", data_dir.path().join("test.db").display()), None),
        Backend::Postgres => {
            let (url, admin, name) = actix_web::rt::task::spawn_blocking(fresh_pg_database).await.unwrap();
            (url, Some((admin, name)))
        }
    };
    spawn_on(database_url, data_dir, pg_cleanup, extra).await
}

/// Starts the application on the database at `database_url` (which the caller made and
/// removes); `extra` overrides configuration variables.
pub async fn spawn_at(database_url: String, extra: &[(&str, &str)]) -> TestApp {
    spawn_on(database_url, tempfile::tempdir().expect("temp dir"), None, extra).await
}

/// Starts the application on a database and folder already there: `database_url`, the data
/// folder `data_dir/data` (dropped with the app, as is the PostgreSQL database `pg_cleanup` names).
pub async fn spawn_on(
    database_url: String,
    data_dir: tempfile::TempDir,
    pg_cleanup: Option<(String, String)>,
    extra: &[(&str, &str)],
) -> TestApp {
    pleadesk::web::telemetry::init_with_default("warn");
    let mut env: HashMap<String, String> = HashMap::new();
    env.insert("DATABASE_URL".into(), database_url.clone());
    env.insert("PLEADESK_BIND".into(), "127.0.0.1:0".into());
    // Tests make many identity checks from one address; the limit itself is tested on its own.
    env.insert("PLEADESK_LOOKUP_PER_MINUTE".into(), "100000".into());
    env.insert("PLEADESK_DATA_DIR".into(), data_dir.path().join("data").display().to_string());
    // An empty templates folder: the shipped templates apply until a test writes its own.
    env.insert("PLEADESK_TEMPLATES_DIR".into(), data_dir.path().join("templates").display().to_string());
    for (k, v) in extra {
        env.insert(k.to_string(), v.to_string());
    }
    let config = Config::load(|k| env.get(k).cloned()).expect("test configuration");
    let application = Application::build(config).await.expect("application starts");
    let port = application.port();
    let pool = application.pool().clone();
    let worker = std::sync::Arc::new(application.worker().expect("worker"));
    actix_web::rt::spawn(application.run_until_stopped(false));
    TestApp {
        worker,
        address: format!("http://127.0.0.1:{port}"),
        client: reqwest::Client::builder().pool_idle_timeout(IDLE).build().expect("an HTTP client"),
        pool,
        database_url,
        data_dir,
        pg_cleanup,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg_cleanup {
            drop_pg_database(admin, name);
        }
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Creates a staff user with `role` and returns its API token.
    pub async fn token(&self, role: Role) -> String {
        let pool = self.pool.clone();
        let name = format!("{}-{}", role, hex::encode(rand::random::<[u8; 4]>()));
        actix_web::rt::task::spawn_blocking(move || {
            let mut conn = pool.get().unwrap();
            pleadesk::auth::add_user(&mut conn, &name, role).unwrap().token
        })
        .await
        .unwrap()
    }

    /// Creates a staff user with `role` through the library (`pleadesk user add`).
    pub async fn staff(&self, role: Role) -> StaffAccount {
        let pool = self.pool.clone();
        let name = format!("{}-{}", role, hex::encode(rand::random::<[u8; 4]>()));
        let n = name.clone();
        let c = actix_web::rt::task::spawn_blocking(move || {
            pleadesk::auth::add_user(&mut pool.get().unwrap(), &n, role).unwrap()
        })
        .await
        .unwrap();
        StaffAccount { id: c.user_id, name, password: c.password, token: c.token }
    }

    /// Loads the shipped offense catalog (samples/offenses.csv) through the library.
    pub async fn load_offenses(&self) {
        let pool = self.pool.clone();
        actix_web::rt::task::spawn_blocking(move || {
            let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/offenses.csv")).unwrap();
            let rows = pleadesk::import::rows::from_csv(&bytes, pleadesk::import::offenses::COLUMNS).unwrap();
            let s = pleadesk::import::offenses::import(&mut pool.get().unwrap(), rows).unwrap();
            assert_eq!(s.imported, 18);
        })
        .await
        .unwrap();
    }

    /// Runs blocking database work against the test's database.
    pub async fn with_db<T: Send + 'static>(&self, f: impl FnOnce(&mut db::DbConn) -> T + Send + 'static) -> T {
        let pool = self.pool.clone();
        actix_web::rt::task::spawn_blocking(move || f(&mut pool.get().unwrap())).await.unwrap()
    }

    pub async fn post_import(
        &self,
        token: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/citations/import"))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get_citation(&self, token: &str, number: &str) -> reqwest::Response {
        self.client
            .get(self.url(&format!("/api/v1/citations/{number}")))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post_json(&self, token: &str, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client.post(self.url(path)).bearer_auth(token).json(body).send().await.expect("request sent")
    }

    pub async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).bearer_auth(token).send().await.expect("request sent")
    }

    /// Runs the background worker once, as of `now`.
    pub async fn run_jobs_at(&self, now: chrono::NaiveDateTime) -> pleadesk::jobs::RunStats {
        let worker = self.worker.clone();
        actix_web::rt::task::spawn_blocking(move || worker.run_once(now).expect("jobs run")).await.unwrap()
    }

    pub async fn run_jobs(&self) -> pleadesk::jobs::RunStats {
        self.run_jobs_at(pleadesk::db::now()).await
    }

    /// Imports the shipped offense catalog and sample citations; returns a clerk's token.
    pub async fn with_samples(&self) -> String {
        self.load_offenses().await;
        let clerk = self.token(Role::Clerk).await;
        let resp = self.post_import(&clerk, "text/csv", sample("citations.csv")).await;
        assert_eq!(resp.status(), 200);
        clerk
    }

    /// Imports the offense catalog and the sample citations with their dates moved so that the
    /// newest ticket is a week old today (as `serve --demo` does): the cases are open for pleas
    /// whatever day the tests run. Returns a clerk's token.
    pub async fn with_current_samples(&self) -> String {
        self.load_offenses().await;
        let pool = self.pool.clone();
        actix_web::rt::task::spawn_blocking(move || {
            use pleadesk::import::{self, rows};
            let mut rows = rows::from_csv(&sample("citations.csv"), import::citations::COLUMNS).unwrap();
            let today = chrono::Utc::now().with_timezone(&chrono_tz::America::Denver).date_naive();
            pleadesk::services::demo::shift_dates(&mut rows, today, &Default::default()).unwrap();
            let rules = import::ImportRules {
                court_tz: chrono_tz::America::Denver,
                response_due: pleadesk::domain::deadline::ResponseDueRule::BeforeCourtDate(10),
            };
            let s = import::citations::import(&mut pool.get().unwrap(), rows, &rules, "test").unwrap();
            assert_eq!(s.imported, 12);
        })
        .await
        .unwrap();
        self.token(Role::Clerk).await
    }

    /// A `pleadesk` command run against this test's database.
    pub fn cli(&self) -> std::process::Command {
        cli_on(&self.database_url, &self.data_dir.path().join("data"))
    }
}

/// A `pleadesk` command run against `database_url` and the data folder `data`.
pub fn cli_on(database_url: &str, data: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_pleadesk"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url)
        .env("PLEADESK_DATA_DIR", data)
        .env("RUST_LOG", "warn");
    cmd
}

/// A staff account made for a test, with its secrets.
pub struct StaffAccount {
    pub id: i64,
    pub name: String,
    pub password: String,
    pub token: String,
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

pub fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// (actor, action, subject_type, subject_id, details) of every audit event, in order.
pub async fn events(app: &TestApp) -> Vec<(String, String, String, String, serde_json::Value)> {
    let rows: Vec<(String, String, String, String, String)> = app
        .with_db(|c| {
            use diesel::prelude::*;
            use pleadesk::db::schema::events;
            events::table
                .order(events::id)
                .select((events::actor, events::action, events::subject_type, events::subject_id, events::details))
                .load(c)
                .unwrap()
        })
        .await;
    rows.into_iter().map(|(a, b, c, d, e)| (a, b, c, d, serde_json::from_str(&e).unwrap())).collect()
}

/// Asserts the JSON error body shape of SPEC §4 and returns it.
pub async fn error_body(resp: reqwest::Response, status: u16, code: &str) -> serde_json::Value {
    assert_eq!(resp.status().as_u16(), status, "status");
    let body: serde_json::Value = resp.json().await.expect("JSON error body");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert!(body["error"]["fields"].is_object(), "{body}");
    body
}

#[test]
fn db_name_is_replaced() {
    assert_eq!(replace_db_name("postgres://postgres@127.0.0.1:5432/test", "x"), "postgres://postgres@127.0.0.1:5432/x");
    assert_eq!(replace_db_name("postgres://h/test?sslmode=disable", "x"), "postgres://h/x?sslmode=disable");
    assert_eq!(replace_db_name("postgres://h", "x"), "postgres://h/x");
}
