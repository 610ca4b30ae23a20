//! The OpenAPI document describes every API endpoint that exists, and only those.

use crate::helpers::TestApp;
use crate::on_both_backends;
use std::collections::BTreeSet;

/// (method, path) of every route the application registers under /api, /healthz and /metrics, from the
/// route table the server installs.
fn registered_routes() -> BTreeSet<(String, String)> {
    pleadesk::web::route_list()
        .into_iter()
        .filter(|(_, path)| path.starts_with("/api/") || *path == "/healthz" || *path == "/metrics")
        .map(|(method, path)| (method.as_str().to_ascii_lowercase(), path.to_string()))
        .collect()
}

async fn the_document_lists_every_endpoint(app: TestApp) {
    let resp = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let doc: serde_json::Value = resp.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.clone(), path.clone()));
        }
    }
    let registered = registered_routes();
    assert!(registered.len() >= 14, "{registered:?}");
    assert_eq!(documented, registered, "documented vs registered routes");
    // Schemas are there for the bodies.
    for schema in ["PleaRequest", "PleaReceipt", "CaseSummary", "StatusView", "ImportSummary", "CaseView", "ErrorBody"]
    {
        assert!(doc["components"]["schemas"][schema].is_object(), "schema {schema}");
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    // Every documented route answers (not the catch-all 404).
    for (method, path) in &documented {
        let url = app.url(&path.replace("{number}", "DV-2026-000101").replace("{id}", "1"));
        let req = if method == "get" { app.client.get(url) } else { app.client.post(url) };
        let body = req.send().await.unwrap().text().await.unwrap();
        assert!(!body.contains("there is nothing at this address"), "{method} {path} is not routed");
    }
}

on_both_backends!(the_document_lists_every_endpoint);
