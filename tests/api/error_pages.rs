//! Error answers through the real server: for the resident's pages an HTML page in the
//! resident's language (language cookie, else Accept-Language) with a link back to the start
//! page; under `/api` the JSON error body. One test per status: 404, 405, 413, 429, 500.

use crate::helpers::{spawn, Backend, TestApp};
use crate::on_both_backends;
use diesel::connection::SimpleConnection;
use serde_json::Value;

use crate::pages::browser;

/// Opens the look-up form (setting the CSRF cookie, and the language cookie for Spanish) and
/// returns the form's token.
async fn csrf_token(b: &reqwest::Client, app: &TestApp, lang: &str) -> String {
    let html = b.get(app.url(&format!("/lookup?lang={lang}"))).send().await.unwrap().text().await.unwrap();
    html.split("name=\"csrf\" value=\"").nth(1).and_then(|s| s.split('"').next()).expect("a CSRF token").to_string()
}

/// An HTML error page: its status, language, heading and text, and a link to the start page.
async fn expect_page(resp: reqwest::Response, status: u16, lang: &str, heading: &str, text: &str) -> String {
    let url = resp.url().to_string();
    assert_eq!(resp.status().as_u16(), status, "status of {url}");
    let ct = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(ct.starts_with("text/html"), "{url}: content-type {ct}");
    assert!(resp.headers().get("content-security-policy").is_some(), "{url}: the page keeps the security headers");
    let html = resp.text().await.unwrap();
    assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{url}: page in {lang}:\n{html}");
    assert!(html.contains(&format!("<h1>{heading}</h1>")), "{url}: heading {heading:?}:\n{html}");
    assert!(html.contains(text), "{url}: text {text:?}:\n{html}");
    assert!(html.contains("<a class=\"usa-button\" href=\"/\">"), "{url}: a way back to the start page:\n{html}");
    html
}

/// A JSON error body with `code`.
async fn expect_json(resp: reqwest::Response, status: u16, code: &str) {
    let url = resp.url().to_string();
    assert_eq!(resp.status().as_u16(), status, "status of {url}");
    let ct = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(ct.starts_with("application/json"), "{url}: content-type {ct}");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], code, "{url}: {body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{url}: {body}");
}

const EN_404: (&str, &str) = ("Page not found", "The address may be mistyped");
const ES_404: (&str, &str) = ("Página no encontrada", "Puede que la dirección tenga un error");

#[actix_web::test]
async fn not_found_is_a_page_in_the_residents_language_and_json_under_api() {
    let app = spawn(Backend::Sqlite, &[]).await;
    let c = reqwest::Client::new();
    let resp = c.get(app.url("/no-such-page")).send().await.unwrap();
    expect_page(resp, 404, "en", EN_404.0, EN_404.1).await;
    let resp = c.get(app.url("/no-such-page")).header("accept-language", "es-MX,es;q=0.9").send().await.unwrap();
    expect_page(resp, 404, "es", ES_404.0, ES_404.1).await;
    // The language cookie wins over the browser's language, as on every page.
    let b = browser();
    csrf_token(&b, &app, "es").await;
    let resp = b.get(app.url("/plea/no-such-step")).header("accept-language", "en-US").send().await.unwrap();
    let html = expect_page(resp, 404, "es", ES_404.0, ES_404.1).await;
    assert!(html.contains("href=\"/?lang=en\""), "the language switch leads to the start page:\n{html}");
    // A missing static file is a page too; the API keeps JSON, whatever the language.
    let resp = c.get(app.url("/static/no-such-file.css")).send().await.unwrap();
    expect_page(resp, 404, "en", EN_404.0, EN_404.1).await;
    let resp = c.get(app.url("/api/v1/no-such-thing")).header("accept-language", "es").send().await.unwrap();
    expect_json(resp, 404, "not_found").await;
}

#[actix_web::test]
async fn a_method_an_address_does_not_take_is_a_page_and_json_under_api() {
    let app = spawn(Backend::Sqlite, &[]).await;
    let c = reqwest::Client::new();
    let resp = c.put(app.url("/")).header("accept-language", "es").send().await.unwrap();
    expect_page(resp, 405, "es", "Esta página no se puede abrir de esta forma", "Los pasos se abren uno tras otro")
        .await;
    let resp = c.delete(app.url("/lookup")).send().await.unwrap();
    expect_page(resp, 405, "en", "This page cannot be opened this way", "The steps open one after the other").await;
    let resp = c.get(app.url("/api/v1/public/lookup")).send().await.unwrap();
    expect_json(resp, 405, "method_not_allowed").await;
}

#[actix_web::test]
async fn a_body_over_the_limit_is_a_page_and_json_under_api() {
    let app = spawn(Backend::Sqlite, &[]).await;
    let b = browser();
    let csrf = csrf_token(&b, &app, "es").await;
    let filler = "x".repeat(100 * 1024);
    let resp = b
        .post(app.url("/case"))
        .form(&[("csrf", csrf.as_str()), ("citation_number", "DV-2026-000101"), ("statement", filler.as_str())])
        .send()
        .await
        .unwrap();
    expect_page(resp, 413, "es", "Lo que envió es demasiado grande", "Cada documento puede tener hasta 10 MB").await;
    let body = serde_json::json!({"citation_number": filler, "date_of_birth": "1988-04-12"});
    let resp = reqwest::Client::new().post(app.url("/api/v1/public/lookup")).json(&body).send().await.unwrap();
    expect_json(resp, 413, "payload_too_large").await;
}

#[actix_web::test]
async fn too_many_tries_is_a_page_and_json_under_api() {
    let app = spawn(Backend::Sqlite, &[("PLEADESK_LOOKUP_PER_MINUTE", "1")]).await;
    let b = browser();
    let csrf = csrf_token(&b, &app, "es").await;
    let look_up = |number: &'static str| {
        b.post(app.url("/case")).form(&[
            ("csrf", csrf.as_str()),
            ("citation_number", number),
            ("date_of_birth_month", "4"),
            ("date_of_birth_day", "12"),
            ("date_of_birth_year", "1988"),
        ])
    };
    let first = look_up("DV-2026-000901").send().await.unwrap();
    // Answered (not refused): a ticket that is not found sends the resident back to the form.
    assert_eq!(first.status().as_u16(), 303, "the first look-up is answered");
    assert_eq!(first.headers()["location"], "/lookup");
    let resp = look_up("DV-2026-000901").send().await.unwrap();
    assert!(resp.headers().get("retry-after").is_some(), "429 says when to retry");
    expect_page(resp, 429, "es", "Demasiados intentos", "Espere un minuto").await;
    let body = serde_json::json!({"citation_number": "DV-2026-000901", "date_of_birth": "1988-04-12"});
    let resp = reqwest::Client::new().post(app.url("/api/v1/public/lookup")).json(&body).send().await.unwrap();
    assert!(resp.headers().get("retry-after").is_some(), "429 says when to retry");
    expect_json(resp, 429, "rate_limited").await;
}

/// A failure on our side (here: the database has lost its citations table) is a page that
/// says nothing was saved, and the JSON `internal` error under `/api`.
async fn a_failure_on_our_side_is_a_page_and_json_under_api(app: TestApp) {
    app.with_db(|c| c.batch_execute("ALTER TABLE citations RENAME TO citations_gone").unwrap()).await;
    let b = browser();
    let csrf = csrf_token(&b, &app, "es").await;
    let resp = b
        .post(app.url("/case"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("citation_number", "DV-2026-000101"),
            ("date_of_birth_month", "4"),
            ("date_of_birth_day", "12"),
            ("date_of_birth_year", "1988"),
        ])
        .send()
        .await
        .unwrap();
    expect_page(resp, 500, "es", "Algo salió mal", "No se guardó nada").await;
    let body = serde_json::json!({"citation_number": "DV-2026-000101", "date_of_birth": "1988-04-12"});
    let resp = reqwest::Client::new().post(app.url("/api/v1/public/lookup")).json(&body).send().await.unwrap();
    expect_json(resp, 500, "internal").await;
}

on_both_backends!(a_failure_on_our_side_is_a_page_and_json_under_api);

#[actix_web::test]
async fn a_page_whose_template_fails_is_an_error_page_not_plain_text() {
    let templates = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(templates.path().join("pages")).unwrap();
    std::fs::write(
        templates.path().join("pages/status_form.html"),
        "{% extends \"pages/base.html\" %}{% block content %}{% include \"pages/no-such-part.html\" %}{% endblock %}",
    )
    .unwrap();
    let dir = templates.path().display().to_string();
    let app = spawn(Backend::Sqlite, &[("PLEADESK_TEMPLATES_DIR", dir.as_str())]).await;
    let resp = reqwest::Client::new().get(app.url("/status")).send().await.unwrap();
    expect_page(resp, 500, "en", "Something went wrong", "Nothing was saved").await;
}
