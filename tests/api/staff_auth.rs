//! Staff sign-in over the API: sessions that work as bearer tokens and end when idle, one answer
//! for every wrong name or password, the lock after five failures, sign-out, the rate limit, and
//! every attempt on the audit trail with no name typed and no secret in it.

use crate::helpers::{error_body, StaffAccount, TestApp};
use crate::on_both_backends;
use pleadesk::domain::Role;
use serde_json::{json, Value};

pub(crate) async fn login(app: &TestApp, username: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

/// (actor, action, subject_id, outcome, details) of every audit event after the first `skip`.
pub(crate) async fn events_after(app: &TestApp, skip: usize) -> Vec<(String, String, String, String, Value)> {
    let rows: Vec<(String, String, String, String, String)> = app
        .with_db(|c| {
            use diesel::prelude::*;
            use pleadesk::db::schema::events;
            events::table
                .order(events::id)
                .select((events::actor, events::action, events::subject_id, events::outcome, events::details))
                .load(c)
                .unwrap()
        })
        .await;
    rows.into_iter().skip(skip).map(|(a, b, c, d, e)| (a, b, c, d, serde_json::from_str(&e).unwrap())).collect()
}

pub(crate) async fn event_count(app: &TestApp) -> usize {
    events_after(app, 0).await.len()
}

/// No secret of `who` and nothing typed in `typed` anywhere in the events.
pub(crate) async fn assert_no_secrets(app: &TestApp, who: &StaffAccount, typed: &[&str]) {
    for e in events_after(app, 0).await {
        let text = format!("{e:?}");
        assert!(!text.contains(&who.password) && !text.contains(&who.token[4..]), "a secret in {text}");
        for t in typed {
            assert!(!text.contains(t), "{t:?} typed and recorded: {text}");
        }
    }
    let verify = app.cli().args(["audit", "verify"]).output().unwrap();
    assert!(verify.status.success(), "{verify:?}");
}

async fn session_expiry(app: &TestApp) -> chrono::NaiveDateTime {
    app.with_db(|c| {
        use diesel::prelude::*;
        use pleadesk::db::schema::api_tokens;
        api_tokens::table
            .filter(api_tokens::kind.eq("session"))
            .select(api_tokens::expires_at)
            .first::<Option<_>>(c)
            .unwrap()
            .unwrap()
    })
    .await
}

async fn a_session_works_as_a_bearer_token_each_use_moves_its_end_and_logout_ends_it(app: TestApp) {
    let clerk = app.staff(Role::Clerk).await;
    let before = event_count(&app).await;
    let resp = login(&app, &clerk.name, &clerk.password).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let body: Value = resp.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("pdk_") && token != clerk.token);
    let expires = chrono::DateTime::parse_from_rfc3339(body["expires_at"].as_str().unwrap()).unwrap();
    let in_minutes = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_minutes();
    assert!((28..=30).contains(&in_minutes), "30 idle minutes by default, got {in_minutes}");

    let first_end = session_expiry(&app).await;
    assert_eq!(app.get(&token, "/api/v1/letters").await.status(), 200);
    assert!(session_expiry(&app).await > first_end, "a use starts the idle limit again");

    let out = app.client.post(app.url("/api/v1/auth/logout")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(out.status(), 204);
    error_body(app.get(&token, "/api/v1/letters").await, 401, "unauthorized").await;
    // An API token is not a session: logging out with it ends nothing.
    let out = app.client.post(app.url("/api/v1/auth/logout")).bearer_auth(&clerk.token).send().await.unwrap();
    error_body(out, 409, "conflict").await;
    assert_eq!(app.get(&clerk.token, "/api/v1/letters").await.status(), 200);

    let got = events_after(&app, before).await;
    let actor = format!("staff:{}", clerk.id);
    let actions: Vec<(&str, &str, &str)> =
        got.iter().filter(|e| e.1.starts_with("staff.")).map(|e| (e.0.as_str(), e.1.as_str(), e.3.as_str())).collect();
    assert_eq!(
        actions,
        [(actor.as_str(), "staff.signed_in", "ok"), (actor.as_str(), "staff.signed_out", "ok")],
        "{got:?}"
    );
    assert_no_secrets(&app, &clerk, &[&token[4..]]).await;
}

async fn a_wrong_password_an_unknown_name_and_a_disabled_account_get_one_answer(app: TestApp) {
    let clerk = app.staff(Role::Clerk).await;
    let other = app.staff(Role::Clerk).await;
    assert!(app.cli().args(["user", "disable", &other.name]).output().unwrap().status.success());
    let before = event_count(&app).await;
    let wrong = error_body(login(&app, &clerk.name, "not-the-password").await, 401, "unauthorized").await;
    let unknown = error_body(login(&app, "nobody-here", "hunter2-typed").await, 401, "unauthorized").await;
    let disabled = error_body(login(&app, &other.name, &other.password).await, 401, "unauthorized").await;
    assert_eq!(wrong, unknown);
    assert_eq!(wrong, disabled);
    let got = events_after(&app, before).await;
    let seen: Vec<(String, &str, &str, &Value)> =
        got.iter().map(|e| (e.0.clone(), e.1.as_str(), e.2.as_str(), &e.4)).collect();
    assert_eq!(seen.len(), 3, "{got:?}");
    let (c, o) = (clerk.id.to_string(), other.id.to_string());
    assert_eq!(
        seen[0],
        (format!("staff:{c}"), "staff.sign_in_failed", c.as_str(), &json!({"reason": "wrong_password"}))
    );
    assert_eq!(seen[1], ("public".to_string(), "staff.sign_in_failed", "unknown", &json!({"reason": "unknown_user"})));
    assert_eq!(seen[2], (format!("staff:{o}"), "staff.sign_in_failed", o.as_str(), &json!({"reason": "disabled"})));
    assert!(got.iter().all(|e| e.3 == "denied"));
    assert_no_secrets(&app, &clerk, &["nobody-here", "hunter2-typed", "not-the-password"]).await;
}

async fn five_failures_in_a_row_lock_the_account_until_an_admin_or_the_cli_unlocks_it(app: TestApp) {
    let clerk = app.staff(Role::Clerk).await;
    // A success resets the count: four failures, a success, four more do not lock.
    for _ in 0..4 {
        error_body(login(&app, &clerk.name, "wrong").await, 401, "unauthorized").await;
    }
    assert_eq!(login(&app, &clerk.name, &clerk.password).await.status(), 200);
    for _ in 0..4 {
        error_body(login(&app, &clerk.name, "wrong").await, 401, "unauthorized").await;
    }
    let before = event_count(&app).await;
    let fifth = login(&app, &clerk.name, "wrong").await;
    assert!(fifth.headers().contains_key("retry-after"));
    let body = error_body(fifth, 423, "locked").await;
    let until = chrono::DateTime::parse_from_rfc3339(body["error"]["locked_until"].as_str().unwrap()).unwrap();
    let minutes = (until.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_minutes();
    assert!((14..=15).contains(&minutes), "locked for 15 minutes, got {minutes}");
    // Locked: the right password gets 423 too, with the same time.
    let again = error_body(login(&app, &clerk.name, &clerk.password).await, 423, "locked").await;
    assert_eq!(again["error"]["locked_until"], body["error"]["locked_until"]);
    let got = events_after(&app, before).await;
    let actions: Vec<(&str, &str, &Value)> = got.iter().map(|e| (e.1.as_str(), e.3.as_str(), &e.4)).collect();
    assert_eq!(
        actions,
        [
            ("staff.sign_in_failed", "denied", &json!({"reason": "wrong_password"})),
            ("staff.locked_out", "ok", &json!({"failures": 5, "minutes": 15})),
            ("staff.sign_in_failed", "denied", &json!({"reason": "locked"})),
        ]
    );
    // The operator unlocks it from the command line.
    let out = app.cli().args(["user", "unlock", &clerk.name]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(login(&app, &clerk.name, &clerk.password).await.status(), 200);
    let last = events_after(&app, before + 3).await;
    assert_eq!(
        (last[0].0.as_str(), last[0].1.as_str(), last[0].2.as_str()),
        ("cli", "user.unlocked", clerk.id.to_string().as_str())
    );
    assert_no_secrets(&app, &clerk, &[]).await;
}

on_both_backends!(
    a_session_works_as_a_bearer_token_each_use_moves_its_end_and_logout_ends_it,
    a_wrong_password_an_unknown_name_and_a_disabled_account_get_one_answer,
    five_failures_in_a_row_lock_the_account_until_an_admin_or_the_cli_unlocks_it,
);

/// Runs `f` on an app spawned with `extra` configuration, once per backend.
macro_rules! with_config {
    ($name:ident, $extra:expr) => {
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                super::$name($crate::helpers::spawn($crate::helpers::Backend::Sqlite, $extra).await).await;
            }
            #[actix_web::test]
            #[cfg_attr(not(pg_tests), ignore = "set PLEADESK_TEST_PG to a PostgreSQL server URL to run this")]
            async fn postgres() {
                super::$name($crate::helpers::spawn($crate::helpers::Backend::Postgres, $extra).await).await;
            }
        }
    };
}
pub(crate) use with_config;

/// Three idle seconds (PLEADESK_STAFF_IDLE_MINUTES=0.05) instead of thirty minutes.
pub(crate) const SHORT_IDLE: &[(&str, &str)] = &[("PLEADESK_STAFF_IDLE_MINUTES", "0.05")];

async fn an_unused_session_ends_after_the_idle_limit(app: TestApp) {
    let clerk = app.staff(Role::Clerk).await;
    let body: Value = login(&app, &clerk.name, &clerk.password).await.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_string();
    actix_web::rt::time::sleep(std::time::Duration::from_secs(4)).await;
    error_body(app.get(&token, "/api/v1/letters").await, 401, "unauthorized").await;
    // The API token (no idle limit) still works.
    assert_eq!(app.get(&clerk.token, "/api/v1/letters").await.status(), 200);
}
with_config!(an_unused_session_ends_after_the_idle_limit, crate::staff_auth::SHORT_IDLE);

async fn sign_in_attempts_are_rate_limited_per_address(app: TestApp) {
    // Three a minute: the fourth in a minute is refused (seven tries cover a minute's turn).
    let mut refused = None;
    for i in 0..7 {
        let resp = login(&app, &format!("guess-{i}"), "x").await;
        if resp.status() == 429 {
            refused = Some(i);
            assert!(resp.headers().contains_key("retry-after"));
            error_body(resp, 429, "rate_limited").await;
            break;
        }
        error_body(resp, 401, "unauthorized").await;
    }
    assert!(refused.is_some_and(|i| i >= 3), "refused at {refused:?}");
}
with_config!(sign_in_attempts_are_rate_limited_per_address, &[("PLEADESK_LOOKUP_PER_MINUTE", "3")]);
