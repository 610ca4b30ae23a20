//! Keying a paper plea in the console (`/staff/pleas/new`): the look-up step, the three results
//! (linked, unmatched with suggestions to link, deficient with its notice), a double submit that
//! records one plea, bad input named field by field, CSRF.

use crate::console::{location, signed_in, text};
use crate::helpers::{events, TestApp};
use crate::on_both_backends;
use crate::paper_support::*;
use pleadesk::domain::Role;
use serde_json::Value;

/// The hidden key of a fresh keying form.
async fn form_key(b: &reqwest::Client, app: &TestApp) -> String {
    let (status, page) = text(b, app, "/staff/pleas/new").await;
    assert_eq!(status, 200);
    let at = page.find(r#"name="key" value=""#).expect("the form's key") + r#"name="key" value=""#.len();
    page[at..at + 32].to_string()
}

fn plea_form<'a>(csrf: &'a str, key: &'a str, number: &'a str) -> Vec<(&'a str, String)> {
    vec![
        ("csrf", csrf.into()),
        ("key", key.into()),
        ("citation_number", number.into()),
        ("date_of_birth", "1988-04-12".into()),
        ("last_name", "Hernández".into()),
        ("channel", "mail".into()),
        ("postmark_date", today().to_string()),
        ("plea_1", "guilty".into()),
        ("plea_2", "".into()),
        ("plea_3", "".into()),
        ("signed", "yes".into()),
        ("payment_amount", "135.00".into()),
        ("payment_method", "check".into()),
        ("payment_reference", "1042".into()),
        ("step", "save".into()),
    ]
}

async fn post(b: &reqwest::Client, app: &TestApp, form: &[(&str, String)]) -> reqwest::Response {
    b.post(app.url("/staff/pleas/new")).form(form).send().await.unwrap()
}

async fn submissions(app: &TestApp, token: &str, status: &str) -> Value {
    app.get(token, &format!("/api/v1/submissions?status={status}")).await.json().await.unwrap()
}

async fn a_clerk_looks_up_the_charges_and_keys_a_linked_plea_once(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    import(&app, &clerk.token, &[Ticket::open("KY-2026-000001")]).await;
    let (b, csrf) = signed_in(&app, &clerk).await;
    let key = form_key(&b, &app).await;
    // The look-up step: the case's charges, on the record as a read of the case.
    let mut form = plea_form(&csrf, &key, "ky2026000001");
    form.retain(|(k, _)| *k != "step");
    form.push(("step", "lookup".into()));
    let r = post(&b, &app, &form).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap().replace("&#x2f;", "/");
    assert!(page.contains("Citation <a class=\"usa-link\" href=\"/staff/cases/KY-2026-000001\">"), "{page}");
    assert!(page.contains("Charge 1: 42-4-1101-C") && !page.contains("Charge 2"), "the case's one charge");
    assert!(page.contains(r#"value="guilty" selected"#), "what was typed is kept");
    assert!(events(&app).await.iter().any(|e| e.1 == "citation.read" && e.3 == "KY-2026-000001"));
    // Saved twice with the same form (a double click): one plea.
    let form = plea_form(&csrf, &key, "KY-2026-000001");
    let first = location(&post(&b, &app, &form).await);
    let second = location(&post(&b, &app, &form).await);
    assert_eq!(first, second);
    assert!(first.starts_with("/staff/pleas/") && first.ends_with("?done=keyed"), "{first}");
    let keyed: Vec<_> = events(&app).await.into_iter().filter(|e| e.1 == "plea.keyed").collect();
    assert_eq!(keyed.len(), 1, "one plea recorded");
    assert_eq!(keyed[0].0, format!("staff:{}", clerk.id));
    assert_eq!(keyed[0].4["enclosed_payment_cents"], 13500);
    let (status, page) = text(&b, &app, &first).await;
    assert_eq!(status, 200);
    assert!(page.contains("The paper plea was recorded.") && page.contains("Linked to its citation"), "{page}");
    assert!(page.contains("/staff/cases/KY-2026-000001") && page.contains("acknowledgement is queued"));
    assert!(events(&app).await.iter().any(|e| e.1 == "submission.read"));
    // Guilty, and the $135.00 check in the envelope pays it: resolved, the check applied once.
    let whole = case(&app, &clerk.token, "KY-2026-000001").await;
    assert_eq!(whole["status"], "resolved");
    assert_eq!(whole["payments"].as_array().unwrap().len(), 1);
    // A new form is a new plea: its key differs.
    assert_ne!(form_key(&b, &app).await, key);
}

async fn a_plea_for_a_number_not_on_file_waits_with_suggestions_and_is_linked_from_its_page(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    import(&app, &clerk.token, &[Ticket::open("KY-2026-000010")]).await;
    let (b, csrf) = signed_in(&app, &clerk).await;
    let key = form_key(&b, &app).await;
    let mut form = plea_form(&csrf, &key, "KY-2026-000019");
    form.retain(|(k, _)| *k != "step");
    form.push(("step", "lookup".into()));
    let page = post(&b, &app, &form).await.text().await.unwrap();
    assert!(page.contains("No citation on file has this number yet"), "{page}");
    assert!(page.contains("Charge 1") && page.contains("Charge 3"), "rows by the form's numbers");
    let to = location(&post(&b, &app, &plea_form(&csrf, &key, "KY-2026-000019")).await);
    let (_, page) = text(&b, &app, &to).await;
    assert!(page.contains("Waiting for a match") && page.contains("Link to KY-2026-000010"), "{page}");
    assert_eq!(submissions(&app, &clerk.token, "unmatched").await["count"], 1);
    let id = to.trim_start_matches("/staff/pleas/").split('?').next().unwrap().to_string();
    let r = b
        .post(app.url(&format!("/staff/submissions/{id}/link")))
        .form(&[("csrf", csrf.as_str()), ("back", "result"), ("citation_number", "KY-2026-000010")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), format!("/staff/pleas/{id}?done=linked"));
    let (_, page) = text(&b, &app, &format!("/staff/pleas/{id}?done=linked")).await;
    assert!(page.contains("The plea was linked to its citation.") && page.contains("Linked to its citation"));
    assert_eq!(submissions(&app, &clerk.token, "unmatched").await["count"], 0);
}

async fn an_unsigned_plea_is_deficient_with_its_notice_queued(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    import(&app, &clerk.token, &[Ticket::open("KY-2026-000020")]).await;
    let (b, csrf) = signed_in(&app, &clerk).await;
    let key = form_key(&b, &app).await;
    let mut form = plea_form(&csrf, &key, "KY-2026-000020");
    form.retain(|(k, _)| *k != "signed");
    let to = location(&post(&b, &app, &form).await);
    let (_, page) = text(&b, &app, &to).await;
    assert!(page.contains("Deficient") && page.contains("The signature."), "{page}");
    assert!(page.contains("A deficiency notice with a fresh plea form is queued"));
    let queue = submissions(&app, &clerk.token, "deficient").await;
    assert_eq!(queue["count"], 1);
    let (_, list) = text(&b, &app, "/staff/queues/deficient").await;
    assert!(list.contains("Not signed.") && list.contains("Deficiency notice (PDF)"), "{list}");
}

async fn bad_input_is_named_and_nothing_is_recorded(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    import(&app, &clerk.token, &[Ticket::open("KY-2026-000030")]).await;
    let (b, csrf) = signed_in(&app, &clerk).await;
    let key = form_key(&b, &app).await;
    let mut form = plea_form(&csrf, &key, "KY-2026-000030");
    form.retain(|(k, _)| !matches!(*k, "postmark_date" | "payment_amount"));
    form.push(("payment_amount", "twelve".into()));
    let r = post(&b, &app, &form).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("The plea was not recorded") && page.contains(r##"href="#enclosed_payment-amount_cents""##));
    let mut form = plea_form(&csrf, &key, "KY-2026-000030");
    form.retain(|(k, _)| *k != "postmark_date");
    let r = post(&b, &app, &form).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("the postmark date is required for mail"));
    // A forged form: refused, nothing recorded.
    let mut forged = plea_form(&csrf, &key, "KY-2026-000030");
    forged[0].1 = "forged".into();
    assert_eq!(post(&b, &app, &forged).await.status(), 403);
    assert!(!events(&app).await.iter().any(|e| e.1 == "plea.keyed"));
    assert_eq!(case(&app, &clerk.token, "KY-2026-000030").await["submissions"], serde_json::json!([]));
}

on_both_backends!(
    a_clerk_looks_up_the_charges_and_keys_a_linked_plea_once,
    a_plea_for_a_number_not_on_file_waits_with_suggestions_and_is_linked_from_its_page,
    an_unsigned_plea_is_deficient_with_its_notice_queued,
    bad_input_is_named_and_nothing_is_recorded,
);
