//! `GET /metrics`: the Prometheus text format, read strictly (`prom_text`); figures that move
//! when a plea is filed; nothing personal anywhere in the output; refused outside
//! PLEADESK_METRICS_ALLOW and through a proxy.

use crate::helpers::{error_body, spawn, Backend, TestApp};
use crate::on_both_backends;
use crate::prom_text::{parse, value, Sample};
use serde_json::json;

/// DV-2026-000103: José Luis Muñoz Peña, born 1992-07-01 (samples/citations.csv).
const NUMBER: &str = "DV-2026-000103";
const DOB: &str = "1992-07-01";

async fn scrape(app: &TestApp) -> (String, Vec<Sample>) {
    let resp = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let content_type = resp.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    let text = resp.text().await.unwrap();
    let samples = parse(&text).unwrap_or_else(|e| panic!("not the exposition format: {e}\n{text}"));
    (text, samples)
}

fn plea() -> serde_json::Value {
    json!({
        "citation_number": NUMBER, "date_of_birth": DOB,
        "pleas": [{"charge_seq": 1, "plea": "guilty"}, {"charge_seq": 2, "plea": "not_guilty"}],
        "statement": "I was driving my daughter to the hospital.",
        "email": "jose.private@example.org", "phone": "303-555-0142", "language": "es",
        "signature_name": "José Luis Muñoz Peña", "attest": true
    })
}

async fn figures_move_when_a_plea_is_filed(app: TestApp) {
    app.with_current_samples().await;
    let (_, before) = scrape(&app).await;
    let online = |s: &[Sample]| value(s, "pleadesk_pleas_received_total", &[("channel", "online")]);
    assert_eq!(online(&before), Some(0.0));
    assert_eq!(value(&before, "pleadesk_pleas_received_total", &[("channel", "mail")]), Some(0.0));
    assert_eq!(value(&before, "pleadesk_database_up", &[]), Some(1.0));
    assert_eq!(value(&before, "pleadesk_db_pool_max_connections", &[]), Some(8.0));
    let queued_renders = |s: &[Sample]| value(s, "pleadesk_jobs", &[("kind", "render_letter"), ("state", "queued")]);
    assert_eq!(queued_renders(&before), Some(0.0));
    assert_eq!(value(&before, "pleadesk_jobs_parked", &[]), Some(0.0));
    assert_eq!(value(&before, "pleadesk_scans_received_total", &[]), Some(0.0));

    let resp = app.client.post(app.url("/api/v1/public/pleas")).json(&plea()).send().await.unwrap();
    assert_eq!(resp.status(), 201);
    let (_, after) = scrape(&app).await;
    assert_eq!(online(&after), Some(1.0));
    assert_eq!(queued_renders(&after), Some(1.0), "the receipt waits for the worker");
    let route = [("method", "POST"), ("route", "/api/v1/public/pleas")];
    let with_status = [route[0], route[1], ("status", "201")];
    assert_eq!(value(&after, "pleadesk_http_requests_total", &with_status), Some(1.0));
    assert_eq!(value(&after, "pleadesk_http_request_duration_seconds_count", &route), Some(1.0));
    assert!(value(&after, "pleadesk_http_request_duration_seconds_sum", &route).unwrap() > 0.0);
    // The first scrape is counted too, by its pattern.
    let scrapes = [("route", "/metrics"), ("status", "200")];
    assert_eq!(value(&after, "pleadesk_http_requests_total", &scrapes), Some(1.0));

    // The worker renders the receipt and emails it; the letter waits for the mail run.
    app.run_jobs().await;
    let (_, done) = scrape(&app).await;
    assert_eq!(queued_renders(&done), Some(0.0));
    let letters = |status: &str| value(&done, "pleadesk_letters", &[("status", status)]);
    assert_eq!(letters("queued"), Some(1.0));
    assert_eq!(letters("printed"), Some(0.0));
    let in_use = value(&done, "pleadesk_db_pool_connections", &[("state", "in_use")]).unwrap();
    let idle = value(&done, "pleadesk_db_pool_connections", &[("state", "idle")]).unwrap();
    assert!(in_use + idle <= 8.0 && idle >= 1.0, "in use {in_use}, idle {idle}");
}

async fn no_personal_data_in_any_series(app: TestApp) {
    let clerk = app.with_current_samples().await;
    let resp = app.client.post(app.url("/api/v1/public/pleas")).json(&plea()).send().await.unwrap();
    assert_eq!(resp.status(), 201);
    let receipt: serde_json::Value = resp.json().await.unwrap();
    let confirmation = receipt["confirmation"].as_str().unwrap().to_string();
    // Paths and query strings that hold personal data, each answered by some route or none.
    assert_eq!(app.get_citation(&clerk, NUMBER).await.status(), 200);
    assert_eq!(app.get_citation(&clerk, "DV-2026-000103x").await.status(), 404);
    let lookup = format!("/lookup?citation_number={NUMBER}&dob={DOB}&name=Mu%C3%B1oz");
    assert_eq!(app.client.get(app.url(&lookup)).send().await.unwrap().status(), 200);
    let unrouted = format!("/no/such/{NUMBER}/{confirmation}");
    assert_eq!(app.client.get(app.url(&unrouted)).send().await.unwrap().status(), 404);
    let status = json!({"confirmation": confirmation, "date_of_birth": DOB});
    assert_eq!(app.client.post(app.url("/api/v1/public/status")).json(&status).send().await.unwrap().status(), 200);
    app.run_jobs().await;

    let (text, samples) = scrape(&app).await;
    let lower = text.to_lowercase();
    for personal in [
        NUMBER,
        &confirmation,
        DOB,
        "1992",
        "josé",
        "jose",
        "muñoz",
        "munoz",
        "peña",
        "private@",
        "example.org",
        "303-555",
        "hospital",
        "3301",
        "80211",
        "co-15-777",
        "jlm992",
    ] {
        assert!(!lower.contains(&personal.to_lowercase()), "'{personal}' in /metrics:\n{text}");
    }
    // The requests are there, by their route patterns.
    let case_reads = [("route", "/api/v1/citations/{number}"), ("status", "200")];
    assert_eq!(value(&samples, "pleadesk_http_requests_total", &case_reads), Some(1.0));
    let unmatched = [("route", "unmatched"), ("status", "404")];
    assert_eq!(value(&samples, "pleadesk_http_requests_total", &unmatched), Some(1.0));
    // Every label value is a method, a route pattern, a status code or a fixed name.
    for s in &samples {
        for (k, v) in &s.labels {
            let fixed = v.chars().all(|c| c.is_ascii_alphanumeric() || "_./{}:+-".contains(c));
            assert!(fixed && v.len() <= 80, "{k}={v:?} in {}", s.name);
        }
    }
}

on_both_backends!(figures_move_when_a_plea_is_filed, no_personal_data_in_any_series);

/// The test client connects from loopback: an allow-list without loopback refuses it, and so
/// does the default list when a proxy says it relayed the request.
async fn refused_outside_the_allow_list(backend: Backend) {
    let app = spawn(backend, &[("PLEADESK_METRICS_ALLOW", "10.0.0.0/8, 192.168.1.7")]).await;
    let resp = app.client.get(app.url("/metrics")).send().await.unwrap();
    let body = error_body(resp, 403, "forbidden").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("PLEADESK_METRICS_ALLOW"), "{body}");
    // Nothing else is refused.
    assert_eq!(app.client.get(app.url("/healthz")).send().await.unwrap().status(), 200);

    let open = spawn(backend, &[]).await;
    assert_eq!(open.client.get(open.url("/metrics")).send().await.unwrap().status(), 200);
    for header in ["X-Forwarded-For", "Forwarded", "X-Real-IP"] {
        let resp = open.client.get(open.url("/metrics")).header(header, "127.0.0.1").send().await.unwrap();
        error_body(resp, 403, "forbidden").await;
    }
    let off = spawn(backend, &[("PLEADESK_METRICS_ALLOW", "")]).await;
    error_body(off.client.get(off.url("/metrics")).send().await.unwrap(), 403, "forbidden").await;
}

mod allow_list {
    #[actix_web::test]
    async fn sqlite() {
        super::refused_outside_the_allow_list(crate::helpers::Backend::Sqlite).await;
    }

    #[actix_web::test]
    #[cfg_attr(not(pg_tests), ignore = "set PLEADESK_TEST_PG to a PostgreSQL server URL to run this")]
    async fn postgres() {
        super::refused_outside_the_allow_list(crate::helpers::Backend::Postgres).await;
    }
}
