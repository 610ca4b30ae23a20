//! Payments in the console, as a browser without JavaScript uses them: the record form on the
//! case page (dollars typed, a double-click recording once), errors next to the fields with what
//! was typed kept, a state that refuses, the reversal's confirm page with its required reason,
//! and the refunds owed (queue page and dashboard row).

use crate::console::{location, signed_in, text};
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::paper_support::*;
use crate::payments::{check, guilty_case, paid};
use pleadesk::domain::Role;
use serde_json::{json, Value};

/// The value of the hidden `key` field of the payment form on `page`.
fn form_key(page: &str) -> String {
    let at = page.find(r#"name="key" value=""#).expect("the form's key") + r#"name="key" value=""#.len();
    page[at..].split('"').next().unwrap().to_string()
}

async fn post(b: &reqwest::Client, app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    b.post(app.url(path)).form(form).send().await.unwrap()
}

async fn a_clerk_records_a_payment_on_the_case_page(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    guilty_case(&app, &clerk.token, "PC-2026-000001").await;
    let (b, csrf) = signed_in(&app, &clerk).await;
    let (status, page) = text(&b, &app, "/staff/cases/PC-2026-000001").await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"id="record-payment""#) && page.contains("Record a payment"), "{page}");
    assert!(page.contains(r#"id="balance-owed"><strong>$135.00"#), "{page}");
    let key = form_key(&page);
    let today = today().to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("key", key.as_str()),
        ("amount", "35.50"),
        ("method", "check"),
        ("reference", "1042"),
        ("received_on", today.as_str()),
    ];
    let path = "/staff/cases/PC-2026-000001/payments";
    assert_eq!(location(&post(&b, &app, path, &form).await), "/staff/cases/PC-2026-000001?done=paid#payments");
    // A double-click sends the same form again: one payment.
    assert_eq!(location(&post(&b, &app, path, &form).await), "/staff/cases/PC-2026-000001?done=paid#payments");
    let whole = case(&app, &clerk.token, "PC-2026-000001").await;
    assert_eq!(whole["payments"].as_array().unwrap().len(), 1);
    assert_eq!(
        (&whole["payments"][0]["amount_cents"], &whole["balance"]["balance_cents"]),
        (&json!(3_550), &json!(9_950))
    );
    let (_, page) = text(&b, &app, "/staff/cases/PC-2026-000001?done=paid").await;
    assert!(page.contains("The payment was recorded") && page.contains("$35.50") && page.contains("check no. 1042"));
    assert!(page.contains(r#"id="balance-owed"><strong>$99.50"#), "{page}");
    assert!(form_key(&page) != key, "a fresh form gets a fresh key");
}

async fn a_bad_payment_form_names_each_field_and_keeps_what_was_typed(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    guilty_case(&app, &clerk.token, "PC-2026-000002").await;
    import(&app, &clerk.token, &[Ticket::open("PC-2026-000003")]).await;
    let (b, csrf) = signed_in(&app, &clerk).await;
    let tomorrow = today().succ_opt().unwrap().to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("amount", "twelve"),
        ("method", "money_order"),
        ("reference", ""),
        ("received_on", tomorrow.as_str()),
    ];
    let r = post(&b, &app, "/staff/cases/PC-2026-000002/payments", &form).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    for field in ["amount_cents", "reference", "received_on"] {
        assert!(page.contains(&format!(r#"id="pay-{field}-error""#)), "{field}: {page}");
        assert!(page.contains(&format!(r##"href="#pay-{field}""##)), "{field} in the summary");
    }
    assert!(
        page.contains("&#x27;twelve&#x27; is not an amount in dollars") || page.contains("'twelve' is not an amount")
    );
    assert!(
        page.contains(r#"value="twelve""#) && page.contains(&format!(r#"value="{tomorrow}""#)),
        "typed values kept"
    );
    assert!(page.contains(r#"<option value="money_order" selected>"#));
    assert_eq!(case(&app, &clerk.token, "PC-2026-000002").await["payments"], json!([]));
    // A case that owes nothing refuses in the lifecycle's words, on the form's own page.
    let (status, own) = text(&b, &app, "/staff/cases/PC-2026-000003/payments").await;
    assert_eq!(status, 200);
    let key = form_key(&own);
    let today = today().to_string();
    let form = [("csrf", csrf.as_str()), ("key", &key), ("amount", "10"), ("method", "cash"), ("received_on", &today)];
    let r = post(&b, &app, "/staff/cases/PC-2026-000003/payments", &form).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("a payment cannot be recorded on a case still open (no plea yet)"));
}

async fn a_clerk_reverses_a_payment_with_a_reason(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    guilty_case(&app, &clerk.token, "PC-2026-000004").await;
    let p = paid(&app, &clerk.token, "PC-2026-000004", check(13_500, "4444")).await;
    let (b, csrf) = signed_in(&app, &clerk).await;
    let confirm = format!("/staff/payments/{}/reverse", p["payment_id"]);
    let (_, page) = text(&b, &app, "/staff/cases/PC-2026-000004").await;
    assert!(page.contains(&format!(r#"href="{confirm}""#)), "{page}");
    assert!(!page.contains(r#"id="record-payment""#), "nothing is owed: no form");
    let (status, page) = text(&b, &app, &confirm).await;
    assert_eq!(status, 200);
    assert!(page.contains("$135.00 by check no. 4444") && page.contains("Why it is reversed"), "{page}");
    let r = post(&b, &app, &confirm, &[("csrf", csrf.as_str()), ("reason", "   ")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(r#"id="reason-error""#));
    assert_eq!(case(&app, &clerk.token, "PC-2026-000004").await["status"], "resolved");
    let r = post(&b, &app, &confirm, &[("csrf", csrf.as_str()), ("reason", "check returned unpaid")]).await;
    assert_eq!(location(&r), "/staff/cases/PC-2026-000004?done=reversed#payments");
    let (_, page) = text(&b, &app, "/staff/cases/PC-2026-000004?done=reversed").await;
    assert!(page.contains("The payment was reversed") && page.contains(">Reversed<"), "{page}");
    assert!(page.contains("check returned unpaid") && page.contains(r#"id="record-payment""#));
    let (_, page) = text(&b, &app, &confirm).await;
    assert!(page.contains(r#"id="already-reversed""#) && !page.contains(r#"name="reason""#));
    let r = post(&b, &app, &confirm, &[("csrf", csrf.as_str()), ("reason", "again")]).await;
    assert_eq!(r.status(), 409);
}

async fn an_overpaid_case_waits_in_the_refunds_queue(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    guilty_case(&app, &clerk.token, "PC-2026-000005").await;
    let over = paid(&app, &clerk.token, "PC-2026-000005", check(20_000, "5555")).await;
    let (b, _) = signed_in(&app, &clerk).await;
    let (status, page) = text(&b, &app, "/staff/queues/refunds").await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"id="refund-PC-2026-000005""#) && page.contains("$65.00"), "{page}");
    let (_, dashboard) = text(&b, &app, "/staff").await;
    assert!(dashboard.contains(r#"<td id="queue-refunds">1</td>"#), "{dashboard}");
    let (_, case_page) = text(&b, &app, "/staff/cases/PC-2026-000005").await;
    assert!(case_page.contains(r#"id="overpaid""#) && case_page.contains("Refund owed"));
    // The check bounces: nothing is owed back any more.
    let back = crate::payments::reverse(&app, &clerk.token, &over["payment_id"], "check returned").await;
    assert_eq!(back.status(), 200);
    let (_, page) = text(&b, &app, "/staff/queues/refunds").await;
    assert!(page.contains(r#"id="queue-empty""#), "{page}");
    let (_, dashboard) = text(&b, &app, "/staff").await;
    assert!(dashboard.contains(r#"<td id="queue-refunds">0</td>"#));
    let v: Value = back.json().await.unwrap();
    assert_eq!((&v["overpaid_cents"], &v["status"]), (&json!(0), &json!("amount_due")));
}

on_both_backends!(
    a_clerk_records_a_payment_on_the_case_page,
    a_bad_payment_form_names_each_field_and_keeps_what_was_typed,
    a_clerk_reverses_a_payment_with_a_reason,
    an_overpaid_case_waits_in_the_refunds_queue,
);
