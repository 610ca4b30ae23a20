//! Defects the API fuzzing (`scripts/fuzz-api`, schemathesis against the OpenAPI document) found,
//! each held here through its real endpoint.

use crate::helpers::{error_body, TestApp};
use crate::on_both_backends;
use pleadesk::domain::Role;

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

on_both_backends!(a_query_parameter_of_the_wrong_type_is_a_422_saying_so);
