//! Deciding which of two pleas for one case stands (`POST /api/v1/submissions/{id}/decide` and
//! the duplicates page): the other is kept and set aside, the chosen one applied through the
//! plea transaction, nothing deleted, one event; refused when the case has moved on.

use crate::console::{location, signed_in, text};
use crate::helpers::{error_body, events, TestApp};
use crate::on_both_backends;
use crate::paper_support::*;
use pleadesk::domain::Role;
use serde_json::{json, Value};

/// A case answered by a first paper plea, then a second plea for it: (first, duplicate) answers.
async fn two_pleas(app: &TestApp, token: &str, number: &str, first: &str, second: &str) -> (Value, Value) {
    import(app, token, &[Ticket::open(number)]).await;
    let a = keyed(app, token, &mail_plea(number, today(), &[(1, first)])).await;
    let d = keyed(app, token, &mail_plea(number, today(), &[(1, second)])).await;
    assert_eq!((a["duplicate"].clone(), d["duplicate"].clone()), (json!(false), json!(true)));
    (a, d)
}

async fn decide(app: &TestApp, token: &str, dup: &Value, stands: &Value) -> reqwest::Response {
    let path = format!("/api/v1/submissions/{}/decide", dup["id"]);
    app.post_json(token, &path, &json!({"stands": stands})).await
}

/// (id, status, duplicate, set aside) of a case's submissions.
fn statuses(case: &Value) -> Vec<(i64, String, bool, bool)> {
    case["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let (id, status) = (s["id"].as_i64().unwrap(), s["status"].as_str().unwrap().to_string());
            (id, status, s["duplicate"] == true, s["set_aside_at"].is_string())
        })
        .collect()
}

async fn keeping_the_first_plea_sets_the_second_aside(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let (a, d) = two_pleas(&app, &clerk, "DU-2026-000001", "guilty", "request_offer").await;
    error_body(decide(&app, &clerk, &d, &json!(999999)).await, 422, "invalid").await;
    let r = decide(&app, &clerk, &d, &a["id"]).await;
    assert_eq!(r.status(), 200);
    let answer: Value = r.json().await.unwrap();
    assert_eq!((answer["stands"].clone(), answer["set_aside"].clone()), (a["id"].clone(), d["id"].clone()));
    assert_eq!(answer["case_status"], "amount_due");
    let whole = case(&app, &clerk, "DU-2026-000001").await;
    let (ai, di) = (a["id"].as_i64().unwrap(), d["id"].as_i64().unwrap());
    assert_eq!(statuses(&whole), vec![(ai, "linked".into(), false, false), (di, "linked".into(), false, true)]);
    assert_eq!(whole["duplicate_pleas"], false);
    let queue: Value = app.get(&clerk, "/api/v1/submissions?status=duplicate").await.json().await.unwrap();
    assert_eq!(queue["count"], 0);
    let decided: Vec<_> = events(&app).await.into_iter().filter(|e| e.1 == "submission.decided").collect();
    assert_eq!(decided.len(), 1);
    assert_eq!((decided[0].2.as_str(), decided[0].3.as_str()), ("citation", "DU-2026-000001"));
    assert_eq!(decided[0].4, json!({"stands": ai, "set_aside": di, "replaced": false}));
    // Decided once: not again.
    error_body(decide(&app, &clerk, &d, &a["id"]).await, 409, "conflict").await;
}

async fn the_later_plea_can_stand_and_is_applied_as_any_plea(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let (a, d) = two_pleas(&app, &clerk, "DU-2026-000002", "guilty", "request_offer").await;
    let answer: Value = decide(&app, &clerk, &d, &d["id"]).await.json().await.unwrap();
    assert_eq!(answer["case_status"], "in_review", "{answer}");
    assert_eq!(letters(&app, &clerk, &answer["letter_ids"]).await, vec![("acknowledgement".into(), "en".into())]);
    let whole = case(&app, &clerk, "DU-2026-000002").await;
    let (ai, di) = (a["id"].as_i64().unwrap(), d["id"].as_i64().unwrap());
    assert_eq!(statuses(&whole), vec![(ai, "linked".into(), false, true), (di, "linked".into(), false, false)]);
    let all = events(&app).await;
    let decided = all.iter().find(|e| e.1 == "submission.decided").unwrap();
    assert_eq!(decided.4["replaced"], true);
    assert_eq!(all.iter().filter(|e| e.1 == "submission.linked" && e.4["submission_id"] == di).count(), 2);
    // The case went back to open and on to where the later plea sends it, each move on the record.
    let moves: Vec<(Value, Value)> = (all.iter())
        .filter(|e| e.1 == "case.status_changed" && e.3 == "DU-2026-000002")
        .map(|e| (e.4["from"].clone(), e.4["to"].clone()))
        .collect();
    assert_eq!(
        moves,
        [("open", "amount_due"), ("amount_due", "open"), ("open", "in_review")].map(|(f, t)| (json!(f), json!(t)))
    );
}

async fn a_plea_with_a_hearing_set_is_not_replaced(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let (_, d) = two_pleas(&app, &clerk, "DU-2026-000003", "not_guilty", "guilty").await;
    let e = error_body(decide(&app, &clerk, &d, &d["id"]).await, 409, "conflict").await;
    // The lifecycle refuses it (domain::lifecycle: no edge from hearing_set back to open).
    assert!(
        e["error"]["message"].as_str().unwrap().contains("cannot be set aside on a case with a hearing set"),
        "{e}"
    );
    let whole = case(&app, &clerk, "DU-2026-000003").await;
    assert_eq!(whole["status"], "hearing_set", "nothing changed");
    assert_eq!(whole["duplicate_pleas"], true);
    let all = events(&app).await;
    assert!(!all.iter().any(|e| e.1 == "submission.decided"));
    assert!(!all.iter().any(|e| e.1 == "case.status_changed" && e.4["to"] == "open"), "no move was recorded");
}

async fn a_clerk_decides_on_the_duplicates_page(app: TestApp) {
    app.load_offenses().await;
    let who = app.staff(Role::Clerk).await;
    let (a, d) = two_pleas(&app, &who.token, "DU-2026-000004", "guilty", "no_contest").await;
    let (b, csrf) = signed_in(&app, &who).await;
    let (status, page) = text(&b, &app, "/staff/queues/duplicates").await;
    assert_eq!(status, 200);
    let (applied, later) = (page.find("The plea applied now").unwrap(), page.find("The later plea").unwrap());
    assert!(applied < later && page[applied..].contains("Guilty") && page[later..].contains("No contest"), "{page}");
    assert!(page.contains(r#"accesskey="k""#) && page.contains("Keep the plea applied"));
    let path = format!("/staff/submissions/{}/decide", d["id"]);
    let stands = a["id"].to_string();
    let forged = b.post(app.url(&path)).form(&[("csrf", "forged"), ("stands", stands.as_str())]).send().await;
    assert_eq!(forged.unwrap().status(), 403);
    let r = b.post(app.url(&path)).form(&[("csrf", csrf.as_str()), ("stands", stands.as_str())]).send().await;
    assert_eq!(location(&r.unwrap()), "/staff/queues/duplicates?done=decided");
    let (_, page) = text(&b, &app, "/staff/queues/duplicates?done=decided").await;
    assert!(page.contains("The decision was recorded") && page.contains("Nothing waits here."));
    let decided = events(&app).await.into_iter().find(|e| e.1 == "submission.decided").unwrap();
    assert_eq!(decided.0, format!("staff:{}", who.id));
    let (_, case_page) = text(&b, &app, "/staff/cases/DU-2026-000004").await;
    assert!(case_page.contains("set aside") && !case_page.contains("id=\"duplicate-flag\""));
}

on_both_backends!(
    keeping_the_first_plea_sets_the_second_aside,
    the_later_plea_can_stand_and_is_applied_as_any_plea,
    a_plea_with_a_hearing_set_is_not_replaced,
    a_clerk_decides_on_the_duplicates_page,
);
