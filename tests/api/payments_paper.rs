//! Payments enclosed with a paper plea: applied when the plea is applied and leaves money owed —
//! keyed in, linked later by the import, or standing after a duplicate decision — once, however
//! often the plea is linked; and left received, not applied, while nothing is owed.

use crate::helpers::{events, TestApp};
use crate::on_both_backends;
use crate::paper_support::*;
use pleadesk::domain::Role;
use serde_json::{json, Value};

fn with_payment(mut plea: Value, cents: i64, method: &str, reference: &str) -> Value {
    plea["enclosed_payment"] = json!({"amount_cents": cents, "method": method, "reference": reference});
    plea
}

fn applied(app_events: &[(String, String, String, String, Value)], number: &str) -> Vec<Value> {
    app_events.iter().filter(|e| e.1 == "payment.enclosed_applied" && e.3 == number).map(|e| e.4.clone()).collect()
}

async fn an_enclosed_payment_is_applied_once_when_its_plea_is_keyed_and_linked(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    import(&app, &clerk.token, &[Ticket::open("PE-2026-000001")]).await;
    let plea = with_payment(mail_plea("PE-2026-000001", today(), &[(1, "guilty")]), 5_000, "money_order", "MO-1");
    let sub = keyed(&app, &clerk.token, &plea).await;
    assert_eq!(sub["status"], "linked");
    let whole = case(&app, &clerk.token, "PE-2026-000001").await;
    assert_eq!(whole["status"], "amount_due");
    let p = &whole["payments"][0];
    assert_eq!(
        (&p["amount_cents"], &p["method"], &p["reference"]),
        (&json!(5_000), &json!("money_order"), &json!("MO-1"))
    );
    assert_eq!((&p["submission_id"], &p["received_on"]), (&sub["id"], &json!(today().to_string())));
    assert_eq!(whole["submissions"][0]["enclosed_payment"]["payment_id"], p["id"]);
    assert_eq!(whole["balance"]["balance_cents"], 8_500);
    let recorded = events(&app).await;
    assert_eq!(
        applied(&recorded, "PE-2026-000001"),
        [json!({"submission_id": sub["id"], "payment_id": p["id"], "amount_cents": 5_000})]
    );
    let by = recorded.iter().find(|e| e.1 == "payment.recorded").unwrap();
    assert_eq!(by.0, format!("staff:{}", clerk.id), "the clerk who keyed the plea");
    // Linking it again is refused, and nothing is paid twice.
    let again = app
        .post_json(
            &clerk.token,
            &format!("/api/v1/submissions/{}/link", sub["id"]),
            &json!({"citation_number": "PE-2026-000001"}),
        )
        .await;
    assert_eq!(again.status(), 409);
    let whole = case(&app, &clerk.token, "PE-2026-000001").await;
    assert_eq!(whole["payments"].as_array().unwrap().len(), 1);
}

async fn an_unmatched_plea_pays_when_its_citation_is_imported_and_only_once(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let plea = with_payment(mail_plea("PE-2026-000002", today(), &[(1, "no_contest")]), 13_500, "check", "555");
    let sub = keyed(&app, &clerk, &plea).await;
    assert_eq!(sub["status"], "unmatched");
    for _ in 0..2 {
        // The second import changes nothing, and pays nothing again.
        import(&app, &clerk, &[Ticket::open("PE-2026-000002")]).await;
    }
    let whole = case(&app, &clerk, "PE-2026-000002").await;
    assert_eq!(whole["submissions"][0]["linked_how"], "import");
    assert_eq!(whole["status"], "resolved", "paid in full by the check in the envelope");
    assert_eq!(whole["payments"].as_array().unwrap().len(), 1);
    assert_eq!(whole["payments"][0]["submission_id"], sub["id"]);
    assert_eq!(whole["dispositions"][0]["disposition"], "paid_as_charged");
    let types: Vec<&str> = whole["letters"].as_array().unwrap().iter().map(|l| l["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["acknowledgement", "outcome"]);
    assert_eq!(applied(&events(&app).await, "PE-2026-000002").len(), 1);
}

async fn an_enclosed_payment_waits_while_nothing_is_owed(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    import(&app, &clerk, &[Ticket::open("PE-2026-000003")]).await;
    let plea = with_payment(mail_plea("PE-2026-000003", today(), &[(1, "request_offer")]), 13_500, "cash", "");
    keyed(&app, &clerk, &plea).await;
    let whole = case(&app, &clerk, "PE-2026-000003").await;
    assert_eq!(whole["status"], "in_review");
    assert_eq!(whole["payments"], json!([]));
    assert_eq!(whole["submissions"][0]["enclosed_payment"]["payment_id"], Value::Null);
    assert!(applied(&events(&app).await, "PE-2026-000003").is_empty());
}

async fn a_duplicates_payment_is_applied_when_it_stands(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    import(&app, &clerk, &[Ticket::open("PE-2026-000004")]).await;
    keyed(&app, &clerk, &mail_plea("PE-2026-000004", today(), &[(1, "guilty")])).await;
    let dup = with_payment(mail_plea("PE-2026-000004", today(), &[(1, "guilty")]), 13_500, "check", "808");
    let dup = keyed(&app, &clerk, &dup).await;
    assert_eq!(dup["duplicate"], true);
    assert_eq!(case(&app, &clerk, "PE-2026-000004").await["payments"], json!([]), "a duplicate is not applied");
    let path = format!("/api/v1/submissions/{}/decide", dup["id"]);
    let decided = app.post_json(&clerk, &path, &json!({"stands": dup["id"]})).await;
    assert_eq!(decided.status(), 200);
    let whole = case(&app, &clerk, "PE-2026-000004").await;
    assert_eq!(whole["status"], "resolved");
    assert_eq!(whole["payments"][0]["submission_id"], dup["id"]);
}

on_both_backends!(
    an_enclosed_payment_is_applied_once_when_its_plea_is_keyed_and_linked,
    an_unmatched_plea_pays_when_its_citation_is_imported_and_only_once,
    an_enclosed_payment_waits_while_nothing_is_owed,
    a_duplicates_payment_is_applied_when_it_stands,
);
