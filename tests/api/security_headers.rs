//! Every answer carries the security headers — pages, JSON, files, redirects and every error
//! (404, 405, 413, 429, 500) — and every cookie is HttpOnly with SameSite, and Secure when the
//! server's address is https (which also turns on Strict-Transport-Security). The authorization
//! matrix checks the same on each of its answers.

use crate::helpers::{spawn, Backend, TestApp};
use crate::on_both_backends;
use crate::pages::{browser, csrf_of};
use diesel::connection::SimpleConnection;
use pleadesk::domain::Role;
use reqwest::header::HeaderMap;

/// What is missing or wrong in an answer's headers; `https` says whether the server's address is.
pub fn problems(headers: &HeaderMap, https: bool) -> Vec<String> {
    let mut out = Vec::new();
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    for (name, want) in [
        ("content-security-policy", pleadesk::web::CSP),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        if get(name) != Some(want) {
            out.push(format!("{name} is {:?}", get(name)));
        }
    }
    if !get("content-security-policy").is_some_and(|v| v.contains("frame-ancestors 'none'")) {
        out.push("the CSP lets other sites frame the page".into());
    }
    if !get("permissions-policy").is_some_and(|v| v.contains("camera=()")) {
        out.push(format!("permissions-policy is {:?}", get("permissions-policy")));
    }
    let hsts = get("strict-transport-security");
    if https != hsts.is_some_and(|v| v.starts_with("max-age=") && !v.starts_with("max-age=0")) {
        out.push(format!("strict-transport-security is {hsts:?} (https: {https})"));
    }
    for cookie in headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()) {
        let name = cookie.split('=').next().unwrap_or("");
        let attrs: Vec<String> = cookie.split(';').skip(1).map(|a| a.trim().to_ascii_lowercase()).collect();
        let has = |a: &str| attrs.iter().any(|x| x == a);
        if !has("httponly") {
            out.push(format!("cookie {name} is not HttpOnly: {cookie}"));
        }
        if !has("samesite=strict") && !has("samesite=lax") {
            out.push(format!("cookie {name} has no SameSite: {cookie}"));
        }
        if https != has("secure") {
            out.push(format!("cookie {name}: Secure should be {https}: {cookie}"));
        }
    }
    out
}

fn assert_headers(what: &str, resp: &reqwest::Response, https: bool) {
    let p = problems(resp.headers(), https);
    assert!(p.is_empty(), "{what} ({}): {p:?}", resp.status());
}

/// A page, a JSON answer, a file (whole, HEAD, not modified), a redirect, a download, and the
/// errors 401, 404, 405, 413 and 500 — as pages and as JSON.
async fn every_kind_of_answer_carries_the_headers(app: TestApp) {
    let clerk = app.token(Role::Clerk).await;
    let b = browser();
    let c = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let filler = "x".repeat(100 * 1024);
    let start = b.get(app.url("/")).send().await.unwrap();
    assert_headers("start page", &start, false);
    let html = start.text().await.unwrap();
    let asset = html.split("href=\"/static/").nth(1).and_then(|s| s.split('"').next()).unwrap();
    let asset = format!("/static/{asset}");
    let r = b.get(app.url("/lookup?lang=es")).send().await.unwrap();
    let set: Vec<&str> = r.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).collect();
    assert!(set.iter().any(|c| c.starts_with("pd_lang=es")), "the language is remembered: {set:?}");
    assert_headers("language switch", &r, false);
    let csrf = csrf_of(&r.text().await.unwrap());

    let file = c.get(app.url(&asset)).send().await.unwrap();
    assert_eq!(file.status(), 200);
    assert_headers("static file", &file, false);
    let etag = file.headers()["etag"].clone();
    let r = c.get(app.url(&asset)).header("if-none-match", etag).send().await.unwrap();
    assert_eq!(r.status(), 304);
    assert_headers("static file not modified", &r, false);
    let r = c.head(app.url("/favicon.ico")).send().await.unwrap();
    assert_headers("favicon HEAD", &r, false);

    let mut cases = vec![
        ("health", c.get(app.url("/healthz")), 200),
        ("API document", c.get(app.url("/api/v1/openapi.json")), 200),
        ("PDF download", c.get(app.url("/api/v1/scans/separator.pdf")).bearer_auth(&clerk), 200),
        ("console without a session", c.get(app.url("/staff/cases")), 303),
        ("API without a token", c.get(app.url("/api/v1/letters")), 401),
        ("unknown page", c.get(app.url("/no-such-page")), 404),
        ("unknown API address", c.get(app.url("/api/v1/no-such-thing")), 404),
        ("missing static file", c.get(app.url("/static/no-such-file.css")), 404),
        ("method a page does not take", c.put(app.url("/")), 405),
        ("method the API does not take", c.get(app.url("/api/v1/public/lookup")), 405),
    ];
    let big = serde_json::json!({"citation_number": filler, "date_of_birth": "1988-04-12"});
    cases.push(("JSON body too large", c.post(app.url("/api/v1/public/lookup")).json(&big), 413));
    let form = [("csrf", csrf.as_str()), ("citation_number", "DV-2026-000101"), ("statement", filler.as_str())];
    cases.push(("page form too large", b.post(app.url("/case")).form(&form), 413));
    for (what, req, status) in cases {
        let r = req.send().await.unwrap();
        assert_eq!(r.status().as_u16(), status, "{what}");
        assert_headers(what, &r, false);
    }

    // A failure on our side: the database has lost its citations table.
    app.with_db(|c| c.batch_execute("ALTER TABLE citations RENAME TO citations_gone").unwrap()).await;
    let body = serde_json::json!({"citation_number": "DV-2026-000101", "date_of_birth": "1988-04-12"});
    let r = c.post(app.url("/api/v1/public/lookup")).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 500);
    assert_headers("500 under /api", &r, false);
    let form = [
        ("csrf", csrf.as_str()),
        ("citation_number", "DV-2026-000101"),
        ("date_of_birth_month", "4"),
        ("date_of_birth_day", "12"),
        ("date_of_birth_year", "1988"),
    ];
    let r = b.post(app.url("/case")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 500);
    assert_headers("500 page", &r, false);
}

#[actix_web::test]
async fn too_many_tries_carries_the_headers() {
    let app = spawn(Backend::Sqlite, &[("PLEADESK_LOOKUP_PER_MINUTE", "1")]).await;
    let body = serde_json::json!({"citation_number": "DV-2026-000901", "date_of_birth": "1988-04-12"});
    let c = reqwest::Client::new();
    c.post(app.url("/api/v1/public/lookup")).json(&body).send().await.unwrap();
    let r = c.post(app.url("/api/v1/public/lookup")).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 429);
    assert_headers("429", &r, false);
}

/// With an https address every cookie is Secure and every answer says Strict-Transport-Security
/// (the requests themselves are plain HTTP here, as behind a proxy that ends TLS).
#[actix_web::test]
async fn on_https_cookies_are_secure_and_transport_security_is_strict() {
    let app = spawn(Backend::Sqlite, &[("PLEADESK_BASE_URL", "https://court.example.org")]).await;
    let admin = app.staff(Role::Admin).await;
    let c = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = c.get(app.url("/staff/sign-in?lang=es")).send().await.unwrap();
    assert_headers("sign-in page", &r, true);
    let csrf_cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("pd_csrf="))
        .and_then(|v| v.split(';').next())
        .expect("a CSRF cookie")
        .to_string();
    let form = [("csrf", csrf_cookie.as_str()), ("username", admin.name.as_str()), ("password", &admin.password)];
    let r = c
        .post(app.url("/staff/sign-in"))
        .header("cookie", format!("pd_csrf={csrf_cookie}"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers().get_all("set-cookie").iter().any(|v| v.to_str().unwrap().starts_with("pd_staff=")));
    assert_headers("signed in", &r, true);
    for (what, path) in [("API document", "/api/v1/openapi.json"), ("unknown page", "/no-such-page")] {
        assert_headers(what, &c.get(app.url(path)).send().await.unwrap(), true);
    }
}

on_both_backends!(every_kind_of_answer_carries_the_headers);
