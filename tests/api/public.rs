//! The public plea-intake API over HTTP: look-up, plea, status, letters; every rule and error.

use crate::helpers::{error_body, spawn, Backend, TestApp};
use crate::on_both_backends;
use serde_json::{json, Value};

/// DV-2026-000103: José Luis Muñoz Peña, born 1992-07-01, two charges (speeding, insurance).
const NUMBER: &str = "DV-2026-000103";
const DOB: &str = "1992-07-01";

async fn lookup(app: &TestApp, number: &str, dob: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/public/lookup"))
        .json(&json!({"citation_number": number, "date_of_birth": dob}))
        .send()
        .await
        .unwrap()
}

fn plea_body(pleas: &[(i32, &str)]) -> Value {
    json!({
        "citation_number": NUMBER,
        "date_of_birth": DOB,
        "pleas": pleas.iter().map(|(s, p)| json!({"charge_seq": s, "plea": p})).collect::<Vec<_>>(),
        "statement": "I was driving my daughter to the hospital.",
        "email": "jose.new@example.org",
        "language": "es",
        "signature_name": "José Luis Muñoz Peña",
        "attest": true
    })
}

async fn plead(app: &TestApp, body: &Value, key: Option<&str>) -> reqwest::Response {
    let mut req = app.client.post(app.url("/api/v1/public/pleas")).json(body);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    req.send().await.unwrap()
}

async fn look_up_shows_charges_deadline_and_what_can_be_done_by_mail(app: TestApp) {
    app.with_current_samples().await;
    let resp = lookup(&app, "dv-2026-000103", DOB).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let case: Value = resp.json().await.unwrap();
    assert_eq!(case["citation_number"], NUMBER);
    assert_eq!(case["eligible"], true);
    assert_eq!(case["options"], json!(["guilty", "no_contest", "not_guilty", "request_offer"]));
    assert_eq!(case["charges"][0]["fine_cents"], 20000);
    assert_eq!(case["charges"][1]["description_es"], "Sin comprobante de seguro");
    assert_eq!(case["charges"][0]["by_mail"], true);
    assert_eq!(case["total_fine_cents"], 70000);
    assert!(case["response_due"].is_string());
    // A must-appear offense: not by mail, with the reason.
    let case: Value = lookup(&app, "DV-2026-000105", "1966-09-09").await.json().await.unwrap();
    assert_eq!(case["charges"][0]["by_mail"], false, "{case}");
    assert_eq!(case["charges"][0]["reason"], "must_appear");
    assert!(case["charges"][0]["reason_text"].as_str().unwrap().contains("appear in court"));
    assert_eq!(case["eligible"], false);
    assert_eq!(case["options"], json!([]));
}

async fn a_wrong_number_and_a_wrong_birth_date_look_the_same(app: TestApp) {
    app.with_current_samples().await;
    let wrong_dob = lookup(&app, NUMBER, "1992-07-02").await;
    let wrong_number = lookup(&app, "DV-2026-999999", DOB).await;
    assert_eq!(wrong_dob.status(), 404);
    assert_eq!(wrong_number.status(), 404);
    assert_eq!(wrong_dob.text().await.unwrap(), wrong_number.text().await.unwrap(), "the same answer");
    let bad = error_body(lookup(&app, "not a number", "12/04/1988").await, 422, "invalid").await;
    assert!(bad["error"]["fields"]["citation_number"].is_string());
    assert!(bad["error"]["fields"]["date_of_birth"].is_string());
}

async fn a_plea_is_recorded_once_with_its_receipt_and_status(app: TestApp) {
    let clerk = app.with_current_samples().await;
    let resp = plead(&app, &plea_body(&[(1, "no_contest"), (2, "request_offer")]), None).await;
    assert_eq!(resp.status(), 201);
    let receipt: Value = resp.json().await.unwrap();
    let confirmation = receipt["confirmation"].as_str().unwrap().to_string();
    assert!(confirmation.starts_with("PD-") && confirmation.len() == 12, "{confirmation}");
    assert_eq!(receipt["status"], "in_review", "an offer request goes to the prosecutor");
    assert!(receipt["receipt_url"].as_str().unwrap().ends_with("/status"));

    // The case moved; the new email and language are on file.
    let case: Value = app.get_citation(&clerk, NUMBER).await.json().await.unwrap();
    assert_eq!(case["status"], "in_review");
    assert_eq!(case["defendant"]["email"], "jose.new@example.org");

    // A second plea is refused and says how to change a plea.
    let again = plead(&app, &plea_body(&[(1, "guilty"), (2, "guilty")]), None).await;
    let body = error_body(again, 409, "conflict").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("tribunal"), "Spanish, as asked: {body}");
    let again: Value = lookup(&app, NUMBER, DOB).await.json().await.unwrap();
    assert_eq!(again["charges"][0]["reason"], "already_answered");

    // The acknowledgement was queued with the plea; the worker renders and emails it.
    let stats = app.run_jobs().await;
    assert_eq!((stats.done, stats.parked), (2, 0), "render + email");
    // The receipt went to the email address given with the plea, in Spanish.
    let outbox = app.data_dir.path().join("data/outbox");
    let eml = std::fs::read_dir(&outbox).unwrap().next().unwrap().unwrap().path();
    let eml = std::fs::read_to_string(eml).unwrap();
    assert!(eml.contains("jose.new@example.org"), "{eml}");
    assert!(eml.contains("DV-2026-000103") && eml.contains("Estimado/a"), "Spanish receipt email");
    let status: Value = app
        .client
        .post(app.url("/api/v1/public/status"))
        .json(&json!({"confirmation": confirmation.to_lowercase(), "date_of_birth": DOB, "language": "es"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["status"], "in_review");
    assert!(status["status_text"].as_str().unwrap().contains("fiscal"));
    assert_eq!(status["timeline"].as_array().unwrap().len(), 3, "{status}");
    let letter_id = status["letters"][0]["id"].as_i64().unwrap();
    assert_eq!(status["letters"][0]["type"], "acknowledgement");
    assert_eq!(status["letters"][0]["available"], true);
    let pdf = app
        .client
        .post(app.url(&format!("/api/v1/public/letters/{letter_id}/pdf")))
        .json(&json!({"confirmation": confirmation, "date_of_birth": DOB}))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
    // The status needs the right birth date too.
    let wrong = app
        .client
        .post(app.url("/api/v1/public/status"))
        .json(&json!({"confirmation": confirmation, "date_of_birth": "1992-07-02"}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 404);
}

async fn each_plea_moves_the_case_where_the_rules_say(app: TestApp) {
    let clerk = app.with_current_samples().await;
    // DV-2026-000101 (one charge): guilty → amount due.
    let mut body = plea_body(&[(1, "guilty")]);
    body["citation_number"] = json!("DV-2026-000101");
    body["date_of_birth"] = json!("1988-04-12");
    let r: Value = plead(&app, &body, None).await.json().await.unwrap();
    assert_eq!(r["status"], "amount_due");
    // DV-2026-000103: not guilty on one charge → hearing set, with a disposition for that charge.
    let r: Value = plead(&app, &plea_body(&[(1, "not_guilty"), (2, "guilty")]), None).await.json().await.unwrap();
    assert_eq!(r["status"], "hearing_set");
    let case: Value = app.get_citation(&clerk, NUMBER).await.json().await.unwrap();
    assert_eq!(case["status"], "hearing_set");
    assert_eq!(case["dispositions"].as_array().unwrap().len(), 1);
    assert_eq!(
        (case["dispositions"][0]["charge_seq"].clone(), case["dispositions"][0]["disposition"].clone()),
        (json!(1), json!("hearing_set"))
    );
    // The move and the disposition are on the case's record, as domain::lifecycle described them.
    let events = case["events"].as_array().unwrap();
    let moved: Vec<&Value> = events.iter().filter(|e| e["action"] == "case.status_changed").collect();
    assert_eq!(moved.len(), 1, "{events:?}");
    assert_eq!(moved[0]["actor"], "public");
    assert_eq!(
        moved[0]["details"],
        json!({"from": "open", "to": "hearing_set", "through": [], "because": "plea_received"})
    );
    let disposed = events.iter().find(|e| e["action"] == "charges.disposed").expect("charges.disposed");
    assert_eq!(disposed["details"], json!({"charges": [1], "disposition": "hearing_set"}));
}

async fn bad_pleas_name_every_field_and_change_nothing(app: TestApp) {
    let clerk = app.with_current_samples().await;
    let mut body = plea_body(&[(1, "guilty"), (3, "guilty")]);
    body["attest"] = json!(false);
    body["signature_name"] = json!("  ");
    body["email"] = json!("not-an-email");
    body["language"] = json!("en");
    let err = error_body(plead(&app, &body, None).await, 422, "invalid").await;
    let fields = &err["error"]["fields"];
    assert!(fields["pleas.2"].as_str().unwrap().contains("Choose a plea"), "{err}");
    assert!(fields["pleas.3"].is_string());
    assert!(fields["attest"].is_string());
    assert!(fields["signature_name"].is_string());
    assert!(fields["email"].is_string());
    // In Spanish when asked.
    body["language"] = json!("es");
    let err = error_body(plead(&app, &body, None).await, 422, "invalid").await;
    assert!(err["error"]["fields"]["pleas.2"].as_str().unwrap().contains("Elija"), "{err}");
    // A plea for a must-appear charge is refused.
    let mut body = plea_body(&[(1, "guilty")]);
    body["citation_number"] = json!("DV-2026-000105");
    body["date_of_birth"] = json!("1966-09-09");
    let err = error_body(plead(&app, &body, None).await, 422, "invalid").await;
    assert!(err["error"]["message"].is_string());
    // Nothing was recorded.
    let case: Value = app.get_citation(&clerk, NUMBER).await.json().await.unwrap();
    assert_eq!(case["status"], "open");
}

async fn a_double_submit_creates_one_plea(app: TestApp) {
    app.with_current_samples().await;
    let body = plea_body(&[(1, "guilty"), (2, "guilty")]);
    let (a, b) =
        futures_util::future::join(plead(&app, &body, Some("key-123")), plead(&app, &body, Some("key-123"))).await;
    assert_eq!(a.status(), 201);
    assert_eq!(b.status(), 201);
    let a: Value = a.json().await.unwrap();
    let b: Value = b.json().await.unwrap();
    assert_eq!(a["confirmation"], b["confirmation"], "the same plea, not two");
    let again: Value = plead(&app, &body, Some("key-123")).await.json().await.unwrap();
    assert_eq!(again["confirmation"], a["confirmation"]);
    let submissions: i64 = app
        .with_db(|c| {
            use diesel::prelude::*;
            pleadesk::db::schema::submissions::table.count().get_result(c).unwrap()
        })
        .await;
    assert_eq!(submissions, 1);
    // The same key with a different request is refused.
    let other = plea_body(&[(1, "not_guilty"), (2, "guilty")]);
    let err = error_body(plead(&app, &other, Some("key-123")).await, 422, "invalid").await;
    assert!(err["error"]["fields"]["Idempotency-Key"].is_string());
}

async fn no_plea_after_the_deadline(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(pleadesk::domain::Role::Clerk).await;
    let court = chrono::Utc::now().date_naive() - chrono::Duration::days(2);
    let issued = court - chrono::Duration::days(40);
    let csv = format!(
        "{}\nLATE-0001,DPD,{issued}T10:00:00,Main St,P1,{court},Ana,,Pérez,1990-01-02,1 Main St,,Denver,CO,80202,,,,,,,en,1,42-4-604,100.00,4\n",
        pleadesk::import::citations::COLUMNS.join(",")
    );
    assert_eq!(app.post_import(&clerk, "text/csv", csv).await.status(), 200);
    let case: Value = lookup(&app, "LATE-0001", "1990-01-02").await.json().await.unwrap();
    assert_eq!(case["charges"][0]["reason"], "deadline_passed");
    let mut body = plea_body(&[(1, "guilty")]);
    body["citation_number"] = json!("LATE-0001");
    body["date_of_birth"] = json!("1990-01-02");
    body["language"] = json!("en");
    let err = error_body(plead(&app, &body, None).await, 422, "invalid").await;
    assert!(err["error"]["message"].as_str().unwrap().contains("deadline"), "{err}");
}

on_both_backends!(
    look_up_shows_charges_deadline_and_what_can_be_done_by_mail,
    a_wrong_number_and_a_wrong_birth_date_look_the_same,
    a_plea_is_recorded_once_with_its_receipt_and_status,
    each_plea_moves_the_case_where_the_rules_say,
    bad_pleas_name_every_field_and_change_nothing,
    a_double_submit_creates_one_plea,
    no_plea_after_the_deadline,
);

#[actix_web::test]
async fn identity_checks_are_rate_limited_per_client() {
    let app = spawn(Backend::Sqlite, &[("PLEADESK_LOOKUP_PER_MINUTE", "3")]).await;
    app.with_current_samples().await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(lookup(&app, NUMBER, "1992-07-02").await);
    }
    let last = statuses.pop().unwrap();
    assert!(statuses.iter().all(|r| r.status() == 404));
    assert_eq!(last.status(), 429);
    let retry: u64 = last.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    error_body(last, 429, "rate_limited").await;
}
