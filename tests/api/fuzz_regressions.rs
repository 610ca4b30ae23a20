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

on_both_backends!(
    a_query_parameter_of_the_wrong_type_is_a_422_saying_so,
    a_user_name_with_a_nul_byte_is_an_unknown_name
);
