use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use actix_web::{test, web, App};
use pleadesk::config::Config;
use pleadesk::db::{Backend as DbBackend, Manager};
use pleadesk::web::{routes, AppState};

async fn healthz_answers_ok(app: TestApp) {
    let resp = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"status": "ok"}));
}

async fn unknown_paths_get_a_json_404(app: TestApp) {
    let resp = app.client.get(app.url("/api/v1/nothing-here")).send().await.unwrap();
    crate::helpers::error_body(resp, 404, "not_found").await;
}

on_both_backends!(healthz_answers_ok, unknown_paths_get_a_json_404);

/// A database that does not answer (nothing listens on the port) gives 503, not 200 or 500; the
/// metrics still answer, saying that the database is down.
#[actix_web::test]
async fn healthz_is_503_when_the_database_does_not_answer() {
    let url = "postgres://postgres@127.0.0.1:1/none?connect_timeout=1";
    let manager = Manager::new(DbBackend::from_url(url).unwrap());
    let pool = diesel::r2d2::Pool::builder()
        .connection_timeout(std::time::Duration::from_millis(500))
        .error_handler(Box::new(diesel::r2d2::NopErrorHandler))
        .build_unchecked(manager);
    let config = Config::load(|k| (k == "DATABASE_URL").then(|| url.to_string())).unwrap();
    let letters = pleadesk::services::letters::LetterContext::from_config(&config).unwrap();
    let state = web::Data::new(AppState::new(pool, config, letters).unwrap());
    let svc = test::init_service(App::new().app_data(state).configure(routes)).await;
    let resp = test::call_service(&svc, test::TestRequest::get().uri("/healthz").to_request()).await;
    assert_eq!(resp.status(), 503);
    let scrape = test::TestRequest::get().uri("/metrics").peer_addr("127.0.0.1:40000".parse().unwrap());
    let resp = test::call_service(&svc, scrape.to_request()).await;
    assert_eq!(resp.status(), 200);
    let text = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    let samples = crate::prom_text::parse(&text).unwrap();
    assert_eq!(crate::prom_text::value(&samples, "pleadesk_database_up", &[]), Some(0.0), "{text}");
    assert_eq!(crate::prom_text::value(&samples, "pleadesk_jobs_parked", &[]), None, "no figures without the database");
}

/// On PostgreSQL, dropping the database under a running server turns /healthz to 503.
#[actix_web::test]
#[cfg_attr(not(pg_tests), ignore = "set PLEADESK_TEST_PG to a PostgreSQL server URL to run this")]
async fn healthz_turns_503_when_postgres_goes_away() {
    let app = crate::helpers::spawn(Backend::Postgres, &[]).await;
    assert_eq!(app.client.get(app.url("/healthz")).send().await.unwrap().status(), 200);
    let (admin, name) = {
        let url = &app.database_url;
        let name = url.rsplit('/').next().unwrap().split('?').next().unwrap().to_string();
        (std::env::var("PLEADESK_TEST_PG").unwrap(), name)
    };
    actix_web::rt::task::spawn_blocking(move || crate::helpers::drop_pg_database(&admin, &name)).await.unwrap();
    let resp = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(resp.status(), 503);
}
