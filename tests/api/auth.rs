use crate::helpers::{error_body, sample, TestApp};
use crate::on_both_backends;
use pleadesk::domain::Role;

async fn staff_endpoints_need_a_token(app: TestApp) {
    let resp = app.client.get(app.url("/api/v1/citations/DV-2026-000101")).send().await.unwrap();
    assert_eq!(resp.headers()["www-authenticate"], "Bearer");
    error_body(resp, 401, "unauthorized").await;

    let resp = app.post_import("pdk_not-a-real-token", "text/csv", sample("citations.csv")).await;
    error_body(resp, 401, "unauthorized").await;

    let resp = app
        .client
        .get(app.url("/api/v1/citations/DV-2026-000101"))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    error_body(resp, 401, "unauthorized").await;
}

async fn roles_are_checked(app: TestApp) {
    app.load_offenses().await;
    let prosecutor = app.token(Role::Prosecutor).await;
    let resp = app.post_import(&prosecutor, "text/csv", sample("citations.csv")).await;
    let body = error_body(resp, 403, "forbidden").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("clerk, admin, integration"));

    for role in [Role::Clerk, Role::Admin, Role::Integration] {
        let token = app.token(role).await;
        let resp = app.post_import(&token, "text/csv", sample("citations.csv")).await;
        assert_eq!(resp.status(), 200, "{role} may import");
    }
    // Every staff role may read a case.
    let resp = app.get_citation(&prosecutor, "DV-2026-000101").await;
    assert_eq!(resp.status(), 200);
}

async fn a_disabled_user_is_refused(app: TestApp) {
    use diesel::prelude::*;
    use pleadesk::db::schema::users;
    let token = app.token(Role::Clerk).await;
    assert_eq!(app.get_citation(&token, "DV-2026-000101").await.status(), 404);
    app.with_db(|c| diesel::update(users::table).set(users::disabled.eq(true)).execute(c).unwrap()).await;
    error_body(app.get_citation(&token, "DV-2026-000101").await, 401, "unauthorized").await;
}

async fn tokens_are_stored_only_as_hashes(app: TestApp) {
    use diesel::prelude::*;
    use pleadesk::db::schema::{api_tokens, users};
    let token = app.token(Role::Clerk).await;
    let (stored, password_hash): (String, String) = app
        .with_db(|c| {
            api_tokens::table
                .inner_join(users::table)
                .select((api_tokens::token_hash, users::password_hash))
                .first(c)
                .unwrap()
        })
        .await;
    assert_ne!(stored, token);
    assert!(!stored.contains(&token[4..]));
    assert_eq!(stored, pleadesk::auth::hash_token(&token));
    assert!(password_hash.starts_with("$argon2id$"), "{password_hash}");
}

on_both_backends!(
    staff_endpoints_need_a_token,
    roles_are_checked,
    a_disabled_user_is_refused,
    tokens_are_stored_only_as_hashes
);
