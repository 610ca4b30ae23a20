//! Only the right people see anything: every staff route admits exactly its roles, every staff
//! read of personal data and every admin action is on the audit trail, and a resident reaches only
//! the letters of their own case.

use crate::helpers::{error_body, events, TestApp};
use crate::on_both_backends;
use pleadesk::domain::Role;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const READERS: &[Role] = &[Role::Clerk, Role::Prosecutor, Role::Admin];
const CLERKS: &[Role] = &[Role::Clerk, Role::Admin];
const PROSECUTORS: &[Role] = &[Role::Prosecutor, Role::Admin];

/// Every staff route (method, path as in the OpenAPI document) and the roles allowed on it. A
/// staff route the application registers that is missing here fails the test below.
const STAFF_ROUTES: &[(&str, &str, &[Role])] = &[
    ("post", "/api/v1/citations/import", &[Role::Clerk, Role::Admin, Role::Integration]),
    ("get", "/api/v1/citations/{number}", READERS),
    ("post", "/api/v1/citations/search", READERS),
    ("post", "/api/v1/citations/{number}/letters", CLERKS),
    ("post", "/api/v1/citations/{number}/payments", CLERKS),
    ("post", "/api/v1/payments/{id}/reverse", CLERKS),
    ("post", "/api/v1/citations/{number}/offers", PROSECUTORS),
    ("post", "/api/v1/offers/{id}/withdraw", PROSECUTORS),
    ("get", "/api/v1/letters", READERS),
    ("post", "/api/v1/letters/print-run", CLERKS),
    ("get", "/api/v1/letters/{id}/pdf", READERS),
    ("get", "/api/v1/submissions", CLERKS),
    ("post", "/api/v1/submissions", CLERKS),
    ("post", "/api/v1/submissions/{id}/link", CLERKS),
    ("post", "/api/v1/submissions/{id}/decide", CLERKS),
    ("post", "/api/v1/scans", CLERKS),
    ("get", "/api/v1/scans/separator.pdf", CLERKS),
    ("get", "/api/v1/scans/{document_id}", CLERKS),
    ("get", "/api/v1/scans/{document_id}/pages/{page}", READERS),
    ("post", "/api/v1/envelopes/{id}/pages/{page}/move", CLERKS),
    ("get", "/api/v1/jobs", CLERKS),
    ("post", "/api/v1/jobs/{id}/retry", &[Role::Admin]),
    ("get", "/api/v1/reports/summary", READERS),
    ("get", "/api/v1/reports/summary.csv", READERS),
    ("post", "/api/v1/auth/logout", &[Role::Clerk, Role::Prosecutor, Role::Admin, Role::Integration]),
];

/// Every console page and form (method, path) and the roles allowed on it (signed in with the
/// session cookie). Without a session each answers 303 to the sign-in page; a role outside the
/// list gets the 403 page.
const STAFF_PAGES: &[(&str, &str, &[Role])] = &[
    ("get", "/staff", READERS),
    ("get", "/staff/reports", READERS),
    ("get", "/staff/reports.csv", READERS),
    ("get", "/staff/admin/users", &[Role::Admin]),
    ("post", "/staff/admin/users", &[Role::Admin]),
    ("get", "/staff/admin/users/{id}", &[Role::Admin]),
    ("post", "/staff/admin/users/{id}/role", &[Role::Admin]),
    ("post", "/staff/admin/users/{id}/disable", &[Role::Admin]),
    ("post", "/staff/admin/users/{id}/enable", &[Role::Admin]),
    ("post", "/staff/admin/users/{id}/reset-password", &[Role::Admin]),
    ("post", "/staff/admin/users/{id}/unlock", &[Role::Admin]),
    ("post", "/staff/admin/users/{id}/tokens", &[Role::Admin]),
    ("post", "/staff/admin/tokens/{id}/revoke", &[Role::Admin]),
    ("get", "/staff/admin/letters", &[Role::Admin]),
    ("get", "/staff/admin/letters/{kind}/{lang}.pdf", &[Role::Admin]),
    ("get", "/staff/admin/court", &[Role::Admin]),
    ("post", "/staff/admin/court/holidays", &[Role::Admin]),
    ("post", "/staff/admin/court/holidays/{day}/remove", &[Role::Admin]),
    ("get", "/staff/cases", READERS),
    ("post", "/staff/cases", READERS),
    ("get", "/staff/cases/{number}", READERS),
    ("get", "/staff/cases/{number}/payments", CLERKS),
    ("post", "/staff/cases/{number}/payments", CLERKS),
    ("get", "/staff/payments/{payment}/reverse", CLERKS),
    ("post", "/staff/payments/{payment}/reverse", CLERKS),
    ("get", "/staff/queues/refunds", CLERKS),
    ("get", "/staff/queues/hardship", CLERKS),
    ("get", "/staff/hardship/{hardship}", CLERKS),
    ("post", "/staff/hardship/{hardship}/grant", CLERKS),
    ("post", "/staff/hardship/{hardship}/deny", CLERKS),
    ("get", "/staff/queues/offers", PROSECUTORS),
    ("get", "/staff/cases/{number}/offer", PROSECUTORS),
    ("post", "/staff/cases/{number}/offer", PROSECUTORS),
    ("post", "/staff/cases/{number}/offer/decline", PROSECUTORS),
    ("post", "/staff/offers/{id}/withdraw", PROSECUTORS),
    ("get", "/staff/admin/offer-patterns", &[Role::Admin]),
    ("post", "/staff/admin/offer-patterns", &[Role::Admin]),
    ("post", "/staff/admin/offer-patterns/{id}/retire", &[Role::Admin]),
    ("get", "/staff/letters/{letter}/pdf", READERS),
    ("get", "/staff/queues/unmatched", CLERKS),
    ("get", "/staff/queues/deficient", CLERKS),
    ("get", "/staff/queues/duplicates", CLERKS),
    ("get", "/staff/queues/linked", CLERKS),
    ("get", "/staff/queues/envelopes", CLERKS),
    ("post", "/staff/submissions/{submission}/link", CLERKS),
    ("post", "/staff/submissions/{submission}/decide", CLERKS),
    ("get", "/staff/pleas/new", CLERKS),
    ("post", "/staff/pleas/new", CLERKS),
    ("get", "/staff/pleas/{submission}", CLERKS),
    ("get", "/staff/scans", CLERKS),
    ("post", "/staff/scans", CLERKS),
    ("get", "/staff/scans/separator.pdf", CLERKS),
    ("get", "/staff/scans/{document_id}", CLERKS),
    ("post", "/staff/scans/{document_id}/envelopes/{envelope}/move", CLERKS),
    ("get", "/staff/scans/{document_id}/pages/{page}", READERS),
    ("get", "/staff/scans/{document_id}/pages/{page}/image", READERS),
    ("get", "/staff/scans/{document_id}/original", READERS),
    ("get", "/staff/envelopes/{envelope}", CLERKS),
    ("post", "/staff/envelopes/{envelope}", CLERKS),
    ("post", "/staff/envelopes/{envelope}/not-a-plea", CLERKS),
    ("post", "/staff/envelopes/{envelope}/reopen", CLERKS),
    ("post", "/staff/envelopes/{envelope}/offer-slip", CLERKS),
];

/// Console pages whose GET answers with a 303 to the page to work on (the oldest envelope).
const QUEUE_STARTS: &[&str] = &["/staff/queues/envelopes"];

/// Routes anyone may call (residents identify themselves in the body).
fn is_public(path: &str) -> bool {
    path == "/healthz"
        || path == "/api/v1/openapi.json"
        || path == "/api/v1/auth/login"
        || path.starts_with("/api/v1/public/")
}

/// (method, path) of every route in the OpenAPI document, which another test holds equal to the
/// route table.
async fn documented_routes(app: &TestApp) -> BTreeSet<(String, String)> {
    let doc: Value = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            assert_eq!(secured, !is_public(path), "{method} {path}: documented security and the route's kind disagree");
            out.insert((method.clone(), path.clone()));
        }
    }
    out
}

async fn user_id(app: &TestApp, token: &str) -> i64 {
    let token = token.to_string();
    app.with_db(move |c| pleadesk::auth::user_for_token(c, &token).unwrap().unwrap().id).await
}

async fn every_staff_route_admits_exactly_its_roles(app: TestApp) {
    app.with_current_samples().await;
    let documented = documented_routes(&app).await;
    let listed: BTreeSet<(String, String)> =
        STAFF_ROUTES.iter().map(|(m, p, _)| (m.to_string(), p.to_string())).collect();
    for (method, path) in &documented {
        assert!(
            is_public(path) || listed.contains(&(method.clone(), path.clone())),
            "{method} {path} is a staff route missing from STAFF_ROUTES: add it with the roles allowed"
        );
    }
    for route in &listed {
        assert!(documented.contains(route), "{route:?} is listed but not registered");
    }

    let mut tokens = Vec::new();
    for role in Role::ALL {
        tokens.push((*role, app.token(*role).await));
    }
    for (method, path, allowed) in STAFF_ROUTES {
        let url = app.url(
            &path
                .replace("{number}", "DV-2026-000101")
                .replace("{id}", "1")
                .replace("{document_id}", "1")
                .replace("{page}", "1"),
        );
        let send = |token: Option<&str>| {
            let mut req = if *method == "get" {
                app.client.get(&url)
            } else {
                app.client.post(&url).json(&json!({"type": "plea_form"}))
            };
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            req.send()
        };
        error_body(send(None).await.unwrap(), 401, "unauthorized").await;
        error_body(send(Some("pdk_not-a-real-token")).await.unwrap(), 401, "unauthorized").await;
        for (role, token) in &tokens {
            let resp = send(Some(token)).await.unwrap();
            let status = resp.status().as_u16();
            if allowed.contains(role) {
                assert!(status != 401 && status != 403, "{role} must be let through {method} {path}, got {status}");
            } else {
                let body = error_body(resp, 403, "forbidden").await;
                let message = body["error"]["message"].as_str().unwrap();
                assert!(message.contains(&format!("({role})")), "{method} {path}: {message}");
            }
        }
    }
}

async fn every_console_page_admits_exactly_its_roles(app: TestApp) {
    let target = app.staff(Role::Clerk).await;
    // A case with a plea and its letter, for the pages that show one.
    app.load_offenses().await;
    let number = "AC-2026-000001";
    crate::paper_support::import(&app, &target.token, &[crate::paper_support::Ticket::open(number)]).await;
    let plea = crate::paper_support::mail_plea(number, crate::paper_support::today(), &[(1, "guilty")]);
    let plea = crate::paper_support::keyed(&app, &target.token, &plea).await;
    let payment = crate::payments::paid(&app, &target.token, number, crate::payments::check(1_000, "1")).await;
    let hardship = crate::hardship::ask(&app, plea["confirmation"].as_str().unwrap(), "1988-04-12").await;
    app.run_jobs().await;
    let scan = crate::console_scans::upload_blank(&app, &target.token).await;
    let fill = |path: &str| {
        path.replace("{id}", &target.id.to_string())
            .replace("{document_id}", &scan["document_id"].to_string())
            .replace("{envelope}", &scan["envelopes"][0]["id"].to_string())
            .replace("{page}", "1")
            .replace("{number}", number)
            .replace("{submission}", &plea["id"].to_string())
            .replace("{letter}", &plea["letter_ids"][0].to_string())
            .replace("{payment}", &payment["payment_id"].to_string())
            .replace("{hardship}", &hardship["id"].to_string())
            .replace("{kind}", "plea_offer")
            .replace("{lang}", "es")
            .replace("{day}", "2026-12-24")
    };
    let stranger = crate::pages::browser();
    let mut signed_in = Vec::new();
    for role in Role::ALL {
        let who = app.staff(*role).await;
        signed_in.push((*role, crate::console::signed_in(&app, &who).await));
    }
    for (method, path, allowed) in STAFF_PAGES {
        let url = app.url(&fill(path));
        let r = if *method == "get" { stranger.get(&url) } else { stranger.post(&url).form(&[("csrf", "x")]) };
        let r = r.send().await.unwrap();
        assert_eq!(r.status(), 303, "{method} {path} without a session");
        assert!(r.headers()["location"].to_str().unwrap().starts_with("/staff/sign-in"));
        for (role, (b, csrf)) in &signed_in {
            // A form that would change something is sent with a bad field, so nothing changes.
            let r = if *method == "get" {
                b.get(&url)
            } else {
                b.post(&url).form(&[("csrf", csrf.as_str()), ("role", "no-such-role"), ("username", "x")])
            };
            let r = r.send().await.unwrap();
            let status = r.status().as_u16();
            if allowed.contains(role) {
                assert_ne!(status, 403, "{role} must be let through {method} {path}");
                if *method == "get" && QUEUE_STARTS.contains(path) {
                    assert_eq!(status, 303, "{role} on {method} {path}");
                    assert!(r.headers()["location"].to_str().unwrap().starts_with("/staff/envelopes/"));
                } else if *method == "get" {
                    assert_eq!(status, 200, "{role} on {method} {path}");
                }
            } else {
                assert_eq!(status, 403, "{role} on {method} {path}");
                assert!(r.text().await.unwrap().contains(&format!("({role})")));
            }
        }
    }
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
    every_staff_route_admits_exactly_its_roles,
    every_console_page_admits_exactly_its_roles,
    an_integration_token_imports_and_reads_nothing,
    staff_reads_of_personal_data_are_on_the_record,
    a_job_retry_is_on_the_record,
    the_status_page_renders_only_a_letter_of_ones_own_case,
);
