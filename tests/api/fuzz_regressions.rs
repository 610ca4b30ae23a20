//! Defects the API fuzzing (`scripts/fuzz-api`, schemathesis against the OpenAPI document) found,
//! each held here through its real endpoint.

use crate::helpers::{error_body, TestApp};
use crate::on_both_backends;
use crate::pages::{browser, csrf_of};
use crate::staff_auth::{event_count, events_after, login};
use pleadesk::domain::Role;
use serde_json::json;

/// A query parameter of the wrong type (`limit` not a number, `copies` not a whole number) was
/// answered by actix's bare 400 "the request could not be read", a status the document does not
/// give; it is a 422 that says what is wrong, as a bad path or field is.
async fn a_query_parameter_of_the_wrong_type_is_a_422_saying_so(app: TestApp) {
    let clerk = app.token(Role::Clerk).await;
    for path in [
        "/api/v1/submissions?limit=ten",
        "/api/v1/submissions?limit=9223372036854775808",
        "/api/v1/scans/separator.pdf?copies=1.5",
        "/api/v1/scans/separator.pdf?copies=-1",
    ] {
        let body = error_body(app.get(&clerk, path).await, 422, "invalid").await;
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.starts_with("bad query: "), "{path}: {message}");
    }
}

/// A sign-in whose user name held a NUL byte reached PostgreSQL, which refuses such text: a 500
/// (SQLite answered 401). A name no account can have is not looked up: it gets the answer of an
/// unknown name, over the API and on the console's sign-in page.
async fn a_user_name_with_a_nul_byte_is_an_unknown_name(app: TestApp) {
    let clerk = app.staff(Role::Clerk).await;
    let before = event_count(&app).await;
    let typed = format!("{}\u{0}", clerk.name);
    error_body(login(&app, &typed, &clerk.password).await, 401, "unauthorized").await;
    let b = browser();
    let page = b.get(app.url("/staff/sign-in")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    let form = [("csrf", csrf.as_str()), ("username", typed.as_str()), ("password", clerk.password.as_str())];
    let r = b.post(app.url("/staff/sign-in")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 401, "{:?}", r.text().await);
    let unknown = ("public".to_string(), "staff.sign_in_failed".to_string(), "unknown".to_string());
    let seen: Vec<_> = events_after(&app, before).await.into_iter().map(|(a, b, c, _, e)| ((a, b, c), e)).collect();
    assert_eq!(
        seen,
        vec![(unknown.clone(), json!({"reason": "unknown_user"})), (unknown, json!({"reason": "unknown_user"}))]
    );
}

/// A NUL byte in a confirmation code or in a plea's statement reached PostgreSQL, which refuses
/// such text: a 500 from the status, hardship and letter look-ups, the online plea and the paper
/// plea (SQLite looked the code up, or stored the statement). A code of other characters than
/// letters, digits and hyphens is no code: the look-up's 404; a statement with a control character
/// other than a line break or a tab is a field error, and nothing is recorded.
async fn a_nul_byte_in_a_code_or_a_statement_is_refused_not_a_500(app: TestApp) {
    let clerk = app.with_current_samples().await;
    let who = json!({"confirmation": "PD-7Q4K-M2X\u{0}", "date_of_birth": "1988-04-12"});
    let mut hardship = who.clone();
    hardship["kind"] = json!("more_time");
    hardship["statement"] = json!("I lost my job.");
    for (path, body) in [
        ("/api/v1/public/status", &who),
        ("/api/v1/public/letters/1/pdf", &who),
        ("/api/v1/public/hardship", &hardship),
    ] {
        let resp = app.client.post(app.url(path)).json(body).send().await.unwrap();
        error_body(resp, 404, "not_found").await;
    }
    let online = json!({
        "citation_number": "DV-2026-000101", "date_of_birth": "1988-04-12",
        "pleas": [{"charge_seq": 1, "plea": "guilty"}], "statement": "I was\u{0} late.",
        "signature_name": "Maria Elena Hernández", "attest": true,
    });
    let resp = app.client.post(app.url("/api/v1/public/pleas")).json(&online).send().await.unwrap();
    let body = error_body(resp, 422, "invalid").await;
    assert!(body["error"]["fields"]["statement"].as_str().unwrap().contains("control character"), "{body}");
    let mut paper = crate::paper_support::mail_plea("DV-2026-000101", crate::paper_support::today(), &[(1, "guilty")]);
    paper["statement"] = json!("Paid\u{0} by check.");
    let body = error_body(app.post_json(&clerk, "/api/v1/submissions", &paper).await, 422, "invalid").await;
    assert!(body["error"]["fields"]["statement"].is_string(), "{body}");
    // Nothing was recorded: the ticket still takes its plea, line breaks and all.
    let mut fine = online.clone();
    fine["statement"] = json!("I was late.\r\nSorry.\tThank you.");
    let resp = app.client.post(app.url("/api/v1/public/pleas")).json(&fine).send().await.unwrap();
    assert_eq!(resp.status(), 201, "{:?}", resp.text().await);
}

on_both_backends!(
    a_query_parameter_of_the_wrong_type_is_a_422_saying_so,
    a_user_name_with_a_nul_byte_is_an_unknown_name,
    a_nul_byte_in_a_code_or_a_statement_is_refused_not_a_500
);
