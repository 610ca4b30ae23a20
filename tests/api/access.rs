//! Only the right people see anything: an integration token imports and reads nothing, every
//! staff read of personal data and every admin action is on the audit trail, and a resident
//! reaches only the letters of their own case. (Which roles each route admits is the
//! authorization matrix: authz_matrix.rs.)

use crate::helpers::{error_body, events, TestApp};
use crate::on_both_backends;
use pleadesk::domain::Role;
use serde_json::{json, Value};

async fn user_id(app: &TestApp, token: &str) -> i64 {
    let token = token.to_string();
    app.with_db(move |c| pleadesk::auth::user_for_token(c, &token).unwrap().unwrap().id).await
}

async fn an_integration_token_imports_and_reads_nothing(app: TestApp) {
    let clerk = app.with_current_samples().await;
    let integration = app.token(Role::Integration).await;
    let csv = crate::helpers::sample("citations.csv");
    assert_eq!(app.post_import(&integration, "text/csv", csv).await.status(), 200);
    let before = events(&app).await.len();
    error_body(app.get_citation(&integration, "DV-2026-000101").await, 403, "forbidden").await;
    error_body(app.get(&integration, "/api/v1/letters").await, 403, "forbidden").await;
    let letter = app.post_json(&clerk, "/api/v1/citations/DV-2026-000101/letters", &json!({"type": "plea_form"})).await;
    let letter: Value = letter.json().await.unwrap();
    let path = format!("/api/v1/letters/{}/pdf", letter["id"]);
    error_body(app.get(&integration, &path).await, 403, "forbidden").await;
    error_body(app.get(&integration, "/api/v1/jobs").await, 403, "forbidden").await;
    let after = events(&app).await;
    assert_eq!(after.len(), before + 1, "only the clerk's letter is on the record: {:?}", &after[before..]);
    assert_eq!(after[before].1, "letter.created");
}

async fn staff_reads_of_personal_data_are_on_the_record(app: TestApp) {
    let clerk = app.with_current_samples().await;
    let prosecutor = app.token(Role::Prosecutor).await;
    let (clerk_actor, prosecutor_actor) =
        (format!("staff:{}", user_id(&app, &clerk).await), format!("staff:{}", user_id(&app, &prosecutor).await));
    let letter = app.post_json(&clerk, "/api/v1/citations/DV-2026-000102/letters", &json!({"type": "plea_form"})).await;
    assert_eq!(letter.status(), 201);
    let letter: Value = letter.json().await.unwrap();
    let letter_id = letter["id"].as_i64().unwrap();
    let before = events(&app).await.len();

    assert_eq!(app.get_citation(&prosecutor, "DV-2026-000101").await.status(), 200);
    let listed: Value = app.get(&prosecutor, "/api/v1/letters?status=queued").await.json().await.unwrap();
    assert_eq!(listed["letters"].as_array().unwrap().len(), 1);
    let pdf = app.get(&clerk, &format!("/api/v1/letters/{letter_id}/pdf")).await;
    assert_eq!(pdf.status(), 200);
    // A read that finds nothing shows nothing and records nothing.
    assert_eq!(app.get(&clerk, "/api/v1/letters/999999/pdf").await.status(), 404);
    assert_eq!(app.get_citation(&clerk, "DV-2026-999999").await.status(), 404);

    let got = events(&app).await;
    let got: Vec<_> =
        got[before..].iter().map(|(a, b, c, d, e)| (a.as_str(), b.as_str(), c.as_str(), d.as_str(), e)).collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(
        (got[0].0, got[0].1, got[0].2, got[0].3),
        (prosecutor_actor.as_str(), "citation.read", "citation", "DV-2026-000101")
    );
    assert_eq!(
        (got[1].0, got[1].1, got[1].2, got[1].3),
        (prosecutor_actor.as_str(), "letters.list", "letters", "queued")
    );
    assert_eq!(got[1].4, &json!({"count": 1}));
    assert_eq!(
        (got[2].0, got[2].1, got[2].2, got[2].3),
        (clerk_actor.as_str(), "letter.read", "citation", "DV-2026-000102")
    );
    assert_eq!(got[2].4, &json!({"letter_id": letter_id, "type": "plea_form"}));
    for (_, _, _, _, details) in &got {
        let text = details.to_string();
        assert!(
            !text.contains("Hernández") && !text.contains("1988") && !text.contains('@'),
            "no personal data: {text}"
        );
    }
}

async fn a_job_retry_is_on_the_record(app: TestApp) {
    let clerk = app.with_samples().await;
    let dir = app.data_dir.path().join("templates/letters/en");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("plea_form.txt"), "# Plea form\n\n[nonsense]\n").unwrap();
    let letter = app.post_json(&clerk, "/api/v1/citations/DV-2026-000102/letters", &json!({"type": "plea_form"})).await;
    assert_eq!(letter.status(), 201);
    for day in 1..=5 {
        app.run_jobs_at(pleadesk::db::now() + chrono::Duration::days(day)).await;
    }
    let parked: Value = app.get(&clerk, "/api/v1/jobs?status=parked").await.json().await.unwrap();
    let job_id = parked["jobs"][0]["id"].as_i64().expect("a parked job");
    let admin = app.token(Role::Admin).await;
    let admin_actor = format!("staff:{}", user_id(&app, &admin).await);
    let before = events(&app).await.len();
    // A clerk may not; an admin may, once.
    let path = format!("/api/v1/jobs/{job_id}/retry");
    error_body(app.post_json(&clerk, &path, &json!({})).await, 403, "forbidden").await;
    assert_eq!(app.post_json(&admin, &path, &json!({})).await.status(), 200);
    error_body(app.post_json(&admin, &path, &json!({})).await, 404, "not_found").await;
    let got = events(&app).await;
    let got = &got[before..];
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (got[0].0.as_str(), got[0].1.as_str(), got[0].2.as_str(), got[0].3.as_str()),
        (admin_actor.as_str(), "job.retried", "job", job_id.to_string().as_str())
    );
    let (code, out) = {
        let o = app.cli().args(["audit", "verify"]).output().unwrap();
        (o.status.code(), String::from_utf8_lossy(&o.stdout).into_owned())
    };
    assert_eq!(code, Some(0), "{out}");
}

/// DV-2026-000103 and DV-2026-000101 each pleaded through the API; their receipts not yet rendered.
async fn two_pleas(app: &TestApp) -> [(String, &'static str, i64); 2] {
    let mut out = Vec::new();
    for (number, dob, name, charges) in [
        ("DV-2026-000103", "1992-07-01", "José Luis Muñoz Peña", 2),
        ("DV-2026-000101", "1988-04-12", "Maria Hernández", 1),
    ] {
        let pleas: Vec<Value> = (1..=charges).map(|seq| json!({"charge_seq": seq, "plea": "not_guilty"})).collect();
        let body = json!({
            "citation_number": number, "date_of_birth": dob, "pleas": pleas,
            "language": "en", "signature_name": name, "attest": true,
        });
        let resp = app.client.post(app.url("/api/v1/public/pleas")).json(&body).send().await.unwrap();
        assert_eq!(resp.status(), 201);
        let r: Value = resp.json().await.unwrap();
        out.push((r["confirmation"].as_str().unwrap().to_string(), dob, r["letter_id"].as_i64().unwrap()));
    }
    [out.remove(0), out.remove(0)]
}

fn files_under(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries.flatten().map(|e| if e.path().is_dir() { files_under(&e.path()) } else { 1 }).sum()
}

async fn the_status_page_renders_only_a_letter_of_ones_own_case(app: TestApp) {
    app.with_current_samples().await;
    let [(mine, my_dob, my_letter), (_, _, their_letter)] = two_pleas(&app).await;
    let b = crate::pages::browser();
    let page = b.get(app.url("/status")).send().await.unwrap().text().await.unwrap();
    let csrf = crate::pages::csrf_of(&page);
    // The resident opens their own case by code and birth date (kept in the draft, not the URL).
    let (year, month, day) = (&my_dob[0..4], &my_dob[5..7], &my_dob[8..10]);
    let opened = b
        .post(app.url("/status"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("confirmation", mine.as_str()),
            ("date_of_birth_month", month),
            ("date_of_birth_day", day),
            ("date_of_birth_year", year),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(crate::pages::see_other(&opened), "/status/case");
    let data = app.data_dir.path().join("data");
    let files = files_under(&data);
    let download = |letter: i64| {
        b.post(app.url("/status/letter")).form(&[("csrf", csrf.as_str()), ("letter_id", &letter.to_string())]).send()
    };
    // Someone else's letter: refused, and nothing rendered, stored or changed.
    let resp = download(their_letter).await.unwrap();
    assert_eq!(resp.status(), 404);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(!resp.bytes().await.unwrap().starts_with(b"%PDF"));
    let stored: (Option<String>, Option<String>, String) = app
        .with_db(move |c| {
            use diesel::prelude::*;
            use pleadesk::db::schema::letters;
            letters::table
                .find(their_letter)
                .select((letters::storage_path, letters::sha256, letters::status))
                .first(c)
                .unwrap()
        })
        .await;
    assert_eq!(stored, (None, None, "queued".to_string()), "the other case's letter is untouched");
    assert_eq!(files_under(&data), files, "no file was written");
    // One's own letter renders on demand.
    let resp = download(my_letter).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.bytes().await.unwrap().starts_with(b"%PDF-"));
}

on_both_backends!(
    an_integration_token_imports_and_reads_nothing,
    staff_reads_of_personal_data_are_on_the_record,
    a_job_retry_is_on_the_record,
    the_status_page_renders_only_a_letter_of_ones_own_case,
);
