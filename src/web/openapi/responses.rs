//! The answers every operation of a kind can give, added to the document in one place rather than
//! written on each path: 401 where a token is required (the guard, `web::staff`), 413, 415 and
//! 422 where a JSON body is read (`web::json_config`), 422 where a path or query parameter is
//! parsed (`web::path_config`, `web::query_config`). An operation that describes one of these
//! statuses itself keeps its own words.

use crate::web::JSON_LIMIT;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};
use utoipa::Modify;

pub struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for op in [&mut item.get, &mut item.post].into_iter().flatten() {
                add_common(op);
            }
        }
    }
}

fn add_common(op: &mut Operation) {
    if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
        add(op, 401, "No valid token: send `Authorization: Bearer <token>` (an API token, or a session's from /api/v1/auth/login)");
    }
    let json_body = match &op.request_body {
        Some(RefOr::T(body)) => body.content.contains_key("application/json"),
        _ => false,
    };
    if json_body {
        add(op, 413, &format!("The body is larger than {} KiB", JSON_LIMIT / 1024));
        add(op, 415, "The body is not sent as application/json");
        add(
            op,
            422,
            "The body is not JSON of this request's shape, or a field in it is not valid; `fields` names each",
        );
    }
    let parsed_params = op
        .parameters
        .iter()
        .flatten()
        .any(|p| matches!(p, RefOr::T(p) if matches!(p.parameter_in, ParameterIn::Path | ParameterIn::Query)));
    if parsed_params {
        add(op, 422, "A path or query parameter is not valid (not a number where one is expected, or not one of the values listed)");
    }
}

/// Adds `status` with the error body, unless the operation already describes it.
fn add(op: &mut Operation, status: u16, description: &str) {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
    op.responses.responses.entry(status.to_string()).or_insert_with(|| {
        RefOr::T(ResponseBuilder::new().description(description).content("application/json", content).build())
    });
}
