//! The HTTP layer (actix-web): thin handlers that parse at the edge, call the services, and map
//! errors through [`crate::error::AppError`].

pub mod api;
pub mod assets;
pub(crate) mod body;
pub mod client_ip;
pub mod console;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod ratelimit;
pub mod routes;
pub(crate) mod staff;
pub mod telemetry;

use crate::config::Config;
use crate::db::DbPool;
use crate::error::AppError;
use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{middleware, web, App, HttpServer};
use routes::RouteTable;
use std::net::TcpListener;
use tracing_actix_web::TracingLogger;

/// What every handler can reach.
pub struct AppState {
    pub pool: DbPool,
    pub config: Config,
    pub letters: crate::services::letters::LetterContext,
    pub limiter: ratelimit::RateLimiter,
    pub pages: pages::Pages,
    pub metrics: metrics::Metrics,
}

impl AppState {
    /// Everything the handlers reach, with the page templates loaded (a template that does not
    /// load is an error here, at start-up).
    pub fn new(
        pool: DbPool,
        config: Config,
        letters: crate::services::letters::LetterContext,
    ) -> anyhow::Result<AppState> {
        Ok(AppState {
            pages: pages::Pages::load(&config).map_err(|e| anyhow::anyhow!("PLEADESK_TEMPLATES_DIR: {e}"))?,
            limiter: ratelimit::RateLimiter::for_backend(config.lookup_per_minute, &config.database_url, &pool),
            metrics: metrics::Metrics::new()?,
            pool,
            config,
            letters,
        })
    }

    /// Today on the court's calendar.
    pub fn today(&self) -> chrono::NaiveDate {
        chrono::Utc::now().with_timezone(&self.config.court_tz).date_naive()
    }
}

/// Limit on ordinary JSON request bodies.
pub const JSON_LIMIT: usize = 64 * 1024;

/// Registers every route; shared by the server and by tests.
pub fn routes(cfg: &mut web::ServiceConfig) {
    route_table().install(cfg);
}

/// (method, path pattern) of every route the server answers: what the authorization matrix
/// (tests/api/authz_matrix.rs) holds a row for.
pub fn route_list() -> Vec<(actix_web::http::Method, &'static str)> {
    route_table().list().to_vec()
}

fn route_table() -> RouteTable {
    let mut t = RouteTable::default();
    pages::routes(&mut t);
    console::routes(&mut t);
    t.get("/healthz", api::health::healthz);
    t.get("/metrics", metrics::scrape);
    api_routes(&mut t);
    pages::static_files(&mut t);
    t
}

/// The JSON API under `/api/v1`.
fn api_routes(t: &mut RouteTable) {
    use api::{auth, citations, jobs, letters, offers, payments, public, reports, scan_pages, scans, submissions};
    t.get("/api/v1/openapi.json", openapi::document)
        .post("/api/v1/auth/login", auth::login)
        .post("/api/v1/auth/logout", auth::logout)
        .post("/api/v1/citations/import", citations::import)
        .post("/api/v1/citations/search", citations::search)
        .get("/api/v1/citations/{number}", citations::get)
        .post("/api/v1/citations/{number}/letters", letters::create)
        .post("/api/v1/citations/{number}/payments", payments::record)
        .post("/api/v1/payments/{id}/reverse", payments::reverse)
        .post("/api/v1/citations/{number}/offers", offers::make)
        .post("/api/v1/offers/{id}/withdraw", offers::withdraw)
        .get("/api/v1/letters", letters::list)
        .post("/api/v1/letters/print-run", letters::print_run)
        .get("/api/v1/letters/{id}/pdf", letters::pdf)
        .get("/api/v1/submissions", submissions::list)
        .post("/api/v1/submissions", submissions::create)
        .post("/api/v1/submissions/{id}/link", submissions::link)
        .post("/api/v1/submissions/{id}/decide", submissions::decide)
        .post("/api/v1/scans", scans::upload)
        .get("/api/v1/scans/separator.pdf", scans::separator)
        .get("/api/v1/scans/{document_id}", scans::get)
        .get("/api/v1/scans/{document_id}/pages/{page}", scan_pages::image)
        .post("/api/v1/envelopes/{id}/pages/{page}/move", scans::move_page)
        .get("/api/v1/jobs", jobs::list)
        .get("/api/v1/reports/summary", reports::summary)
        .get("/api/v1/reports/summary.csv", reports::summary_csv)
        .post("/api/v1/jobs/{id}/retry", jobs::retry)
        .post("/api/v1/public/lookup", public::lookup)
        .post("/api/v1/public/pleas", public::pleas)
        .post("/api/v1/public/status", public::status)
        .post("/api/v1/public/hardship", public::hardship)
        .post("/api/v1/public/offers/{id}/accept", offers::accept)
        .post("/api/v1/public/offers/{id}/reject", offers::reject)
        .post("/api/v1/public/letters/{id}/pdf", public::letter);
}

fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().limit(JSON_LIMIT).error_handler(|err, _req| {
        let e = match &err {
            actix_web::error::JsonPayloadError::OverflowKnownLength { .. }
            | actix_web::error::JsonPayloadError::Overflow { .. } => {
                AppError::PayloadTooLarge(format!("the body is larger than the limit of {JSON_LIMIT} bytes"))
            }
            actix_web::error::JsonPayloadError::ContentType => {
                AppError::UnsupportedMediaType("send the body as application/json".into())
            }
            other => AppError::invalid(format!("the body is not valid JSON for this request: {other}")),
        };
        e.into()
    })
}

fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _| AppError::invalid(format!("bad path: {err}")).into())
}

/// A query string that does not fit the handler's parameters (`?limit=ten`) is a 422 saying
/// what, as a bad path is; actix's own answer would be a bare 400.
fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _| AppError::invalid(format!("bad query: {err}")).into())
}

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound("there is nothing at this address".into()))
}

/// A strict Content-Security-Policy (no inline script or style, nothing from other sites) and
/// the usual protective headers, on every response.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// With `https`, also Strict-Transport-Security: browsers then come back only over https.
fn security_headers(https: bool) -> middleware::DefaultHeaders {
    let headers = middleware::DefaultHeaders::new()
        .add(("Content-Security-Policy", CSP))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"));
    if https {
        headers.add(("Strict-Transport-Security", "max-age=31536000"))
    } else {
        headers
    }
}

/// Binds the listener and builds the server (not yet running).
pub fn server(listener: TcpListener, state: web::Data<AppState>) -> std::io::Result<Server> {
    let server = HttpServer::new(move || app(state.clone())).listen(listener)?.shutdown_timeout(20).run();
    Ok(server)
}

/// The application — every route and middleware — as each server worker runs it (`pleadesk
/// check` also asks it for pages, in-process).
pub fn app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let https = state.config.https();
    App::new()
        .wrap(pages::errors::handlers())
        .wrap(security_headers(https))
        .wrap(middleware::from_fn(metrics::record))
        .wrap(middleware::NormalizePath::trim())
        .wrap(TracingLogger::<telemetry::PrivateRootSpan>::new())
        .app_data(state)
        .app_data(json_config())
        .app_data(path_config())
        .app_data(query_config())
        .configure(routes)
        .default_service(web::to(not_found))
}

/// Runs blocking database work (diesel is synchronous) on actix's thread pool, with a
/// connection from the pool, off the async threads.
pub async fn run_db<T, F>(pool: &crate::db::DbPool, f: F) -> Result<T, crate::error::AppError>
where
    F: FnOnce(&mut crate::db::DbConn) -> Result<T, crate::error::AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get().map_err(crate::error::AppError::from)?;
        f(&mut conn)
    })
    .await?
}
