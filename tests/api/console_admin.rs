//! The admin pages and the operator's commands for users and tokens, each change on the audit
//! trail; and the dashboard's counts.

use crate::console::{location, signed_in, text};
use crate::helpers::{error_body, TestApp};
use crate::on_both_backends;
use crate::staff_auth::{assert_no_secrets, event_count, events_after, login};
use pleadesk::domain::Role;
use serde_json::json;

/// The secret shown once on a page.
fn secret_of(page: &str) -> String {
    page.split("id=\"secret-value\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("a secret on the page")
        .to_string()
}

async fn an_admin_manages_users_and_tokens_from_the_pages(app: TestApp) {
    let admin = app.staff(Role::Admin).await;
    let (b, csrf) = signed_in(&app, &admin).await;
    let actor = format!("staff:{}", admin.id);
    let before = event_count(&app).await;
    let post = |path: String, extra: Vec<(&'static str, String)>| {
        let mut form = vec![("csrf", csrf.clone())];
        form.extend(extra);
        b.post(app.url(&path)).form(&form).send()
    };
    // Add a user: the password is shown once, on the page the form goes to.
    let r = post("/staff/admin/users".into(), vec![("username", "clerk.new".into()), ("role", "clerk".into())])
        .await
        .unwrap();
    let page = location(&r);
    assert!(!page.contains("password"));
    let id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    let (status, shown) = text(&b, &app, &page).await;
    assert_eq!(status, 200);
    let password = secret_of(&shown);
    assert!(!text(&b, &app, &page).await.1.contains(&password), "shown only once");
    assert_eq!(login(&app, "clerk.new", &password).await.status(), 200);
    // A taken name: the form again with the reason.
    let r = post("/staff/admin/users".into(), vec![("username", "clerk.new".into()), ("role", "clerk".into())])
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("already exists"));
    // Role, disable, enable, reset, unlock.
    let act = |action: &str| format!("/staff/admin/users/{id}/{action}");
    assert_eq!(location(&post(act("role"), vec![("role", "prosecutor".into())]).await.unwrap()), page);
    assert!(text(&b, &app, &page).await.1.contains("<dd id=\"role\">prosecutor</dd>"));
    post(act("disable"), vec![]).await.unwrap();
    error_body(login(&app, "clerk.new", &password).await, 401, "unauthorized").await;
    post(act("enable"), vec![]).await.unwrap();
    let r = post(act("reset-password"), vec![]).await.unwrap();
    assert_eq!(location(&r), page);
    let new_password = secret_of(&text(&b, &app, &page).await.1);
    error_body(login(&app, "clerk.new", &password).await, 401, "unauthorized").await;
    // The old password was the first failure; three more, then the fifth locks.
    for _ in 0..3 {
        error_body(login(&app, "clerk.new", "wrong").await, 401, "unauthorized").await;
    }
    error_body(login(&app, "clerk.new", "wrong").await, 423, "locked").await;
    error_body(login(&app, "clerk.new", &new_password).await, 423, "locked").await;
    assert!(text(&b, &app, &page).await.1.contains("Locked until"));
    post(act("unlock"), vec![]).await.unwrap();
    assert_eq!(login(&app, "clerk.new", &new_password).await.status(), 200);
    // A token: shown once, works, then revoked.
    post(act("tokens"), vec![]).await.unwrap();
    let shown = text(&b, &app, &page).await.1;
    let token = secret_of(&shown);
    assert_eq!(app.get(&token, "/api/v1/letters").await.status(), 200);
    let token_id: i64 = shown.split("/staff/admin/tokens/").nth(1).unwrap().split('/').next().unwrap().parse().unwrap();
    assert_eq!(location(&post(format!("/staff/admin/tokens/{token_id}/revoke"), vec![]).await.unwrap()), page);
    error_body(app.get(&token, "/api/v1/letters").await, 401, "unauthorized").await;
    assert!(text(&b, &app, &page).await.1.contains("Revoked"));
    // An admin does not lock themselves out.
    let r = post(format!("/staff/admin/users/{}/disable", admin.id), vec![]).await.unwrap();
    assert_eq!(r.status(), 409);

    let got = events_after(&app, before).await;
    let mine: Vec<(&str, &str)> = got.iter().filter(|e| e.0 == actor).map(|e| (e.1.as_str(), e.2.as_str())).collect();
    let uid = id.to_string();
    let expected = [
        "user.added",
        "user.role_changed",
        "user.disabled",
        "user.enabled",
        "user.password_reset",
        "user.unlocked",
        "token.created",
        "token.revoked",
    ];
    let admin_actions: Vec<&str> = mine.iter().filter(|(a, _)| !a.starts_with("staff.")).map(|(a, _)| *a).collect();
    assert_eq!(admin_actions, expected, "{got:?}");
    assert!(mine.iter().filter(|(a, _)| !a.starts_with("staff.")).all(|(_, s)| *s == uid));
    let added = got.iter().find(|e| e.1 == "user.added").unwrap();
    assert_eq!(added.4, json!({"username": "clerk.new", "role": "clerk"}));
    for e in &got {
        let t = format!("{e:?}");
        assert!(!t.contains(&password) && !t.contains(&new_password) && !t.contains(&token[4..]), "{t}");
    }
    assert_no_secrets(&app, &admin, &[]).await;
}

fn run(app: &TestApp, args: &[&str]) -> String {
    let out = app.cli().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

async fn an_operator_manages_users_and_tokens_from_the_command_line(app: TestApp) {
    let before = event_count(&app).await;
    let out = run(&app, &["user", "add", "ops.clerk", "--role", "clerk"]);
    let password = out.lines().find_map(|l| l.strip_prefix("password: ")).unwrap().to_string();
    assert!(out.lines().any(|l| l.starts_with("token: pdk_")));
    assert!(run(&app, &["user", "list"]).contains("ops.clerk\tclerk\tactive"));
    run(&app, &["user", "disable", "ops.clerk"]);
    assert!(run(&app, &["user", "list"]).contains("ops.clerk\tclerk\tdisabled"));
    error_body(login(&app, "ops.clerk", &password).await, 401, "unauthorized").await;
    run(&app, &["user", "enable", "ops.clerk"]);
    let reset = run(&app, &["user", "reset-password", "ops.clerk"]);
    let new_password = reset.trim().strip_prefix("password: ").unwrap().to_string();
    error_body(login(&app, "ops.clerk", &password).await, 401, "unauthorized").await;
    assert_eq!(login(&app, "ops.clerk", &new_password).await.status(), 200);
    run(&app, &["user", "unlock", "ops.clerk"]);
    let created = run(&app, &["token", "create", "ops.clerk"]);
    let token_id = created.lines().find_map(|l| l.strip_prefix("token id: ")).unwrap().to_string();
    let token = created.lines().find_map(|l| l.strip_prefix("token: ")).unwrap().to_string();
    assert_eq!(app.get(&token, "/api/v1/letters").await.status(), 200);
    run(&app, &["token", "revoke", &token_id]);
    error_body(app.get(&token, "/api/v1/letters").await, 401, "unauthorized").await;
    // Unknown names and tokens: a clear error, exit 1.
    let out = app.cli().args(["user", "disable", "nobody"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no staff user"));
    assert_eq!(app.cli().args(["token", "revoke", &token_id]).output().unwrap().status.code(), Some(1));

    let got = events_after(&app, before).await;
    let by_cli: Vec<&str> = got.iter().filter(|e| e.0 == "cli").map(|e| e.1.as_str()).collect();
    assert_eq!(
        by_cli,
        [
            "user.added",
            "token.created",
            "user.disabled",
            "user.enabled",
            "user.password_reset",
            "user.unlocked",
            "token.created",
            "token.revoked"
        ]
    );
    for e in &got {
        let t = format!("{e:?}");
        assert!(!t.contains(&password) && !t.contains(&new_password) && !t.contains(&token[4..]), "{t}");
    }
}

async fn the_dashboard_counts_what_waits_and_what_came_in_today(app: TestApp) {
    let clerk_token = app.with_current_samples().await;
    let body = json!({
        "citation_number": "DV-2026-000101", "date_of_birth": "1988-04-12",
        "pleas": [{"charge_seq": 1, "plea": "not_guilty"}], "language": "en",
        "signature_name": "Maria Hernández", "attest": true,
    });
    assert_eq!(app.client.post(app.url("/api/v1/public/pleas")).json(&body).send().await.unwrap().status(), 201);
    let letter =
        app.post_json(&clerk_token, "/api/v1/citations/DV-2026-000102/letters", &json!({"type": "plea_form"})).await;
    assert_eq!(letter.status(), 201);
    let queued: serde_json::Value = app.get(&clerk_token, "/api/v1/letters?status=queued").await.json().await.unwrap();
    let queued = queued["letters"].as_array().unwrap().len();
    let clerk = app.staff(Role::Clerk).await;
    let (b, _) = signed_in(&app, &clerk).await;
    let (status, page) = text(&b, &app, "/staff").await;
    assert_eq!(status, 200);
    for (id, n) in [("online", 1), ("mail", 0), ("counter", 0), ("total", 1)] {
        assert!(
            page.contains(&format!("id=\"count-{id}\">{n}<"))
                || page.contains(&format!("id=\"count-{id}\"><strong>{n}<")),
            "{id}: {page}"
        );
    }
    assert!(page.contains(&format!("id=\"count-letters-queued\">{queued}<")), "{page}");
    // Unmatched and deficient pleas are counted once, in the clerks' queue table.
    assert!(page.contains("id=\"queue-unmatched\">0<") && page.contains("id=\"queue-deficient\">0<"), "{page}");
    assert!(!page.contains("count-unmatched") && !page.contains("count-deficient"), "counted twice: {page}");
    assert!(!page.contains("count-parked-jobs"), "parked jobs are for admins");
    assert!(!page.contains("Hernández") && !page.contains("DV-2026"), "no personal data");
    let admin = app.staff(Role::Admin).await;
    let (ab, _) = signed_in(&app, &admin).await;
    let page = text(&ab, &app, "/staff").await.1;
    assert!(page.contains("id=\"count-parked-jobs\">0<"));
    assert!(page.contains("href=\"/staff/admin/users\""), "an admin's menu");
}

on_both_backends!(
    an_admin_manages_users_and_tokens_from_the_pages,
    an_operator_manages_users_and_tokens_from_the_command_line,
    the_dashboard_counts_what_waits_and_what_came_in_today,
);
