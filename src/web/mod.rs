//! The HTTP layer (actix-web): thin handlers that parse at the edge, call the services, and map
//! errors through [`crate::error::AppError`].

pub mod api;
pub mod assets;
pub(crate) mod body;
pub mod console;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod ratelimit;
pub(crate) mod staff;
pub mod telemetry;

use crate::config::Config;
use crate::db::DbPool;
use crate::error::AppError;
use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{middleware, web, App, HttpServer};
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
            limiter: ratelimit::RateLimiter::new(config.lookup_per_minute),
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
    use api::{
        auth, citations, health, jobs, letters, offers, payments, public, reports, scan_pages, scans, submissions,
    };
    use web::{get, post, resource};
    cfg.configure(pages::routes).configure(console::routes);
    cfg.service(resource("/healthz").route(get().to(health::healthz)));
    cfg.service(resource("/metrics").route(get().to(metrics::scrape))).service(
        web::scope("/api/v1")
            .service(resource("/openapi.json").route(get().to(openapi::document)))
            .service(resource("/auth/login").route(post().to(auth::login)))
            .service(resource("/auth/logout").route(post().to(auth::logout)))
            .service(resource("/citations/import").route(post().to(citations::import)))
            .service(resource("/citations/search").route(post().to(citations::search)))
            .service(resource("/citations/{number}").route(get().to(citations::get)))
            .service(resource("/citations/{number}/letters").route(post().to(letters::create)))
            .service(resource("/citations/{number}/payments").route(post().to(payments::record)))
            .service(resource("/payments/{id}/reverse").route(post().to(payments::reverse)))
            .service(resource("/citations/{number}/offers").route(post().to(offers::make)))
            .service(resource("/offers/{id}/withdraw").route(post().to(offers::withdraw)))
            .service(resource("/letters").route(get().to(letters::list)))
            .service(resource("/letters/print-run").route(post().to(letters::print_run)))
            .service(resource("/letters/{id}/pdf").route(get().to(letters::pdf)))
            .service(resource("/submissions").route(get().to(submissions::list)).route(post().to(submissions::create)))
            .service(resource("/submissions/{id}/link").route(post().to(submissions::link)))
            .service(resource("/submissions/{id}/decide").route(post().to(submissions::decide)))
            .service(resource("/scans").route(post().to(scans::upload)))
            .service(resource("/scans/separator.pdf").route(get().to(scans::separator)))
            .service(resource("/scans/{document_id}").route(get().to(scans::get)))
            .service(resource("/scans/{document_id}/pages/{page}").route(get().to(scan_pages::image)))
            .service(resource("/envelopes/{id}/pages/{page}/move").route(post().to(scans::move_page)))
            .service(resource("/jobs").route(get().to(jobs::list)))
            .service(resource("/reports/summary").route(get().to(reports::summary)))
            .service(resource("/reports/summary.csv").route(get().to(reports::summary_csv)))
            .service(resource("/jobs/{id}/retry").route(post().to(jobs::retry)))
            .service(resource("/public/lookup").route(post().to(public::lookup)))
            .service(resource("/public/pleas").route(post().to(public::pleas)))
            .service(resource("/public/status").route(post().to(public::status)))
            .service(resource("/public/hardship").route(post().to(public::hardship)))
            .service(resource("/public/offers/{id}/accept").route(post().to(offers::accept)))
            .service(resource("/public/offers/{id}/reject").route(post().to(offers::reject)))
            .service(resource("/public/letters/{id}/pdf").route(post().to(public::letter))),
    );
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

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound("there is nothing at this address".into()))
}

/// A strict Content-Security-Policy (no inline script or style, nothing from other sites) and
/// the usual protective headers, on every response.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

fn security_headers() -> middleware::DefaultHeaders {
    middleware::DefaultHeaders::new()
        .add(("Content-Security-Policy", CSP))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
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
    App::new()
        .wrap(pages::errors::handlers())
        .wrap(security_headers())
        .wrap(middleware::from_fn(metrics::record))
        .wrap(middleware::NormalizePath::trim())
        .wrap(TracingLogger::<telemetry::PrivateRootSpan>::new())
        .app_data(state)
        .app_data(json_config())
        .app_data(path_config())
        .configure(routes)
        .configure(pages::static_files)
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
