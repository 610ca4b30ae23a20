//! Prosecutors' offers through the API (issue 9, points 2 and 3): a request for an offer → an
//! offer → accepted online → paid in full → resolved, each letter read back; declined → a
//! hearing; an amendment replaces the pending offer; withdrawn → a hearing; rejected online; a
//! wrong birth date gets the look-up's 404; every bad field named; who may make offers.

use crate::helpers::{error_body, events, TestApp};
use crate::offer_support::*;
use crate::on_both_backends;
use crate::paper_support::*;
use crate::payments::{check, paid};
use pleadesk::domain::{Language, Role};
use pleadesk::letters::strings::long_date;
use serde_json::{json, Value};

fn en(days: u64) -> String {
    long_date(today() + chrono::Days::new(days), Language::En)
}

async fn an_offer_accepted_online_and_paid_resolves_the_case(app: TestApp) {
    app.load_offenses().await;
    let (clerk, prosecutor) = (app.token(Role::Clerk).await, app.token(Role::Prosecutor).await);
    let filed = in_review(&app, &clerk, "OF-2026-000001").await;
    let code = filed["submissions"][0]["confirmation"].as_str().unwrap().to_string();
    let made = offered(&app, &prosecutor, "OF-2026-000001", &offer_body(21)).await;
    assert_eq!((&made["status"], &made["case_status"]), (&json!("pending"), &json!("offer_pending")));
    let whole = case(&app, &clerk, "OF-2026-000001").await;
    assert_eq!(whole["status"], "offer_pending");
    assert_eq!(
        whole["offers"][0]["charges"],
        json!([
            {"charge_seq": 1, "offense_code": "42-4-202", "fine_cents": 5_000, "points": 0},
            {"charge_seq": 2, "offense_code": "42-4-604", "fine_cents": 7_500, "points": 2},
        ]),
        "a line without an offense code keeps the offense charged"
    );
    assert_eq!(letter_types(&whole), ["acknowledgement", "plea_offer"]);
    let offer = newest_letter(&app, &clerk, "OF-2026-000001", "plea_offer").await;
    assert_says(
        &offer,
        &[
            "The prosecutor's offer",
            &format!("The offer is open until {}.", en(21)),
            "Defective headlamp",
            "$50.00",
            "$75.00",
            "I accept the offer",
            "($125.00 in all)",
        ],
    );

    // Accepted online with the birth date: the amended fines are due.
    let resp = answer(&app, &made["id"], "accept", "1988-04-12").await;
    assert_eq!(resp.status(), 200);
    let accepted: Value = resp.json().await.unwrap();
    assert_eq!((&accepted["status"], &accepted["case_status"]), (&json!("accepted"), &json!("amount_due")));
    let due = newest_letter(&app, &clerk, "OF-2026-000001", "amount_due").await;
    assert_says(&due, &["Amount due", "Please pay $125.00 by", "Defective headlamp", "Total $125.00"]);
    // The status page's "what happens next" follows the accepted offer: both fines due, no review.
    let body = json!({"confirmation": code, "date_of_birth": "1988-04-12"});
    let status: Value =
        app.client.post(app.url("/api/v1/public/status")).json(&body).send().await.unwrap().json().await.unwrap();
    let next = &status["next"];
    assert_eq!((&next["amount_due_cents"], &next["offer_answer_by"]), (&json!(12_500), &Value::Null), "{next}");
    let kinds: Vec<(&Value, &Value)> =
        next["charges"].as_array().unwrap().iter().map(|c| (&c["kind"], &c["amount_cents"])).collect();
    assert_eq!(kinds, [(&json!("pay"), &json!(5_000)), (&json!("pay"), &json!(7_500))], "{next}");
    assert!(next["pay_by"].is_string(), "{next}");
    let again = answer(&app, &made["id"], "reject", "1988-04-12").await;
    assert!(error_body(again, 409, "conflict").await["error"]["message"].as_str().unwrap().contains("no longer"));

    // Paid in full through the payments endpoint: resolved, paid as amended, the outcome letter.
    let payment = paid(&app, &clerk, "OF-2026-000001", check(12_500, "2001")).await;
    assert_eq!(payment["status"], "resolved");
    let whole = case(&app, &clerk, "OF-2026-000001").await;
    let dispositions: Vec<&str> =
        whole["dispositions"].as_array().unwrap().iter().map(|d| d["disposition"].as_str().unwrap()).collect();
    assert_eq!(dispositions, ["paid_amended", "paid_amended"]);
    assert_eq!(letter_types(&whole), ["acknowledgement", "plea_offer", "amount_due", "outcome"]);
    let outcome = newest_letter(&app, &clerk, "OF-2026-000001", "outcome").await;
    assert_says(&outcome, &["Your case is closed", "Paid as amended by the offer", "$125.00"]);
    let trail: Vec<(String, String)> =
        events(&app).await.into_iter().filter(|e| e.3 == "OF-2026-000001").map(|e| (e.0, e.1)).collect();
    let has = |actor: &str, action: &str| trail.iter().any(|(a, b)| a.starts_with(actor) && b == action);
    assert!(
        has("staff:", "offer.made") && has("public", "offer.accepted") && has("public", "offer.noted"),
        "{trail:?}"
    );
}

fn assert_says(text: &str, expected: &[&str]) {
    crate::later_letters::assert_says(text, "letter", expected);
}

async fn a_declined_request_sets_a_hearing_with_its_notice(app: TestApp) {
    app.load_offenses().await;
    let (clerk, prosecutor) = (app.token(Role::Clerk).await, app.token(Role::Prosecutor).await);
    in_review(&app, &clerk, "OF-2026-000002").await;
    let resp = post_offer(&app, &prosecutor, "OF-2026-000002", &json!({"decline": true})).await;
    let body = error_body(resp, 422, "invalid").await;
    assert!(body["error"]["fields"]["reason"].as_str().unwrap().contains("required"), "{body}");
    let resp =
        post_offer(&app, &prosecutor, "OF-2026-000002", &json!({"decline": true, "reason": "prior record"})).await;
    assert_eq!(resp.status(), 200);
    let declined: Value = resp.json().await.unwrap();
    assert_eq!((&declined["status"], &declined["case_status"]), (&json!("declined"), &json!("hearing_set")));
    let whole = case(&app, &clerk, "OF-2026-000002").await;
    assert_eq!(letter_types(&whole), ["acknowledgement", "hearing_notice"]);
    let notice = newest_letter(&app, &clerk, "OF-2026-000002", "hearing_notice").await;
    assert_says(&notice, &["Notice of hearing", "the prosecutor reviewed your case and did not make an offer."]);
    let noted = events(&app).await.into_iter().rfind(|e| e.1 == "offer.noted").unwrap();
    assert_eq!(noted.4["reason"], "prior record");
    // Nothing to decline or offer any more: the lifecycle's words.
    let resp = post_offer(&app, &prosecutor, "OF-2026-000002", &offer_body(21)).await;
    let body = error_body(resp, 409, "conflict").await;
    assert_eq!(
        body["error"]["message"],
        "an offer cannot be made on a case with a hearing set; offers answer a request for an offer"
    );
}

async fn an_amended_offer_replaces_the_pending_one_and_a_withdrawal_sets_a_hearing(app: TestApp) {
    app.load_offenses().await;
    let (clerk, prosecutor) = (app.token(Role::Clerk).await, app.token(Role::Prosecutor).await);
    in_review(&app, &clerk, "OF-2026-000003").await;
    let first = offered(&app, &prosecutor, "OF-2026-000003", &offer_body(21)).await;
    let mut body = offer_body(30);
    body["charges"][1]["fine_cents"] = json!(6_000);
    let second = offered(&app, &prosecutor, "OF-2026-000003", &body).await;
    assert_eq!(second["replaces"], first["id"]);
    let whole = case(&app, &clerk, "OF-2026-000003").await;
    let statuses: Vec<&str> =
        whole["offers"].as_array().unwrap().iter().map(|o| o["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["withdrawn", "pending"]);
    assert_eq!(letter_types(&whole), ["acknowledgement", "plea_offer", "plea_offer"]);
    assert_says(&newest_letter(&app, &clerk, "OF-2026-000003", "plea_offer").await, &["$60.00", &en(30)]);
    assert!(events(&app).await.iter().any(|e| e.1 == "offer.amended"));
    // The replaced offer can no longer be answered.
    let resp = answer(&app, &first["id"], "accept", "1988-04-12").await;
    error_body(resp, 409, "conflict").await;

    let url = |id: &Value| format!("/api/v1/offers/{id}/withdraw");
    let resp = app.post_json(&prosecutor, &url(&second["id"]), &json!({"reason": " "})).await;
    assert!(error_body(resp, 422, "invalid").await["error"]["fields"]["reason"].is_string());
    let resp = app.post_json(&prosecutor, &url(&second["id"]), &json!({"reason": "officer unavailable"})).await;
    assert_eq!(resp.status(), 200);
    let withdrawn: Value = resp.json().await.unwrap();
    assert_eq!((&withdrawn["status"], &withdrawn["case_status"]), (&json!("withdrawn"), &json!("hearing_set")));
    assert_says(
        &newest_letter(&app, &clerk, "OF-2026-000003", "hearing_notice").await,
        &["the prosecutor withdrew the offer."],
    );
    let resp = app.post_json(&prosecutor, &url(&second["id"]), &json!({"reason": "again"})).await;
    error_body(resp, 409, "conflict").await;
    error_body(app.post_json(&prosecutor, &url(&json!(999_999)), &json!({"reason": "x"})).await, 404, "not_found")
        .await;
}

async fn a_rejected_offer_sets_a_hearing_and_a_wrong_birth_date_is_not_found(app: TestApp) {
    app.load_offenses().await;
    let (clerk, prosecutor) = (app.token(Role::Clerk).await, app.token(Role::Prosecutor).await);
    in_review(&app, &clerk, "OF-2026-000004").await;
    let made = offered(&app, &prosecutor, "OF-2026-000004", &offer_body(21)).await;
    let wrong_birth = error_body(answer(&app, &made["id"], "reject", "1988-04-13").await, 404, "not_found").await;
    let wrong_offer = error_body(answer(&app, &json!(999_999), "reject", "1988-04-12").await, 404, "not_found").await;
    assert_eq!(wrong_birth, wrong_offer, "the same answer whichever is wrong");
    let lookup = app
        .client
        .post(app.url("/api/v1/public/lookup"))
        .json(&json!({"citation_number": "OF-2026-999999", "date_of_birth": "1988-04-12"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_body(lookup, 404, "not_found").await["error"]["message"], wrong_birth["error"]["message"]);
    let resp = answer(&app, &made["id"], "reject", "12/04/1988").await;
    assert!(error_body(resp, 422, "invalid").await["error"]["fields"]["date_of_birth"].is_string());
    let resp = answer(&app, &made["id"], "reject", "1988-04-12").await;
    assert_eq!(resp.status(), 200);
    let rejected: Value = resp.json().await.unwrap();
    assert_eq!((&rejected["status"], &rejected["case_status"]), (&json!("rejected"), &json!("hearing_set")));
    assert_says(
        &newest_letter(&app, &clerk, "OF-2026-000004", "hearing_notice").await,
        &["you rejected the prosecutor's offer."],
    );
}

async fn every_bad_field_of_an_offer_is_named_and_only_prosecutors_make_offers(app: TestApp) {
    app.load_offenses().await;
    let (clerk, prosecutor, admin) =
        (app.token(Role::Clerk).await, app.token(Role::Prosecutor).await, app.token(Role::Admin).await);
    requested(&app, &clerk, "OF-2026-000005", &[(1, "request_offer"), (2, "guilty")]).await;
    let body = json!({
        "charges": [
            {"charge_seq": 1, "offense_code": "NO-SUCH", "fine_cents": -1, "points": 13},
            {"charge_seq": "two", "fine_cents": 1.5},
        ],
        "expires_on": today().to_string(),
    });
    let resp = post_offer(&app, &prosecutor, "OF-2026-000005", &body).await;
    let body = error_body(resp, 422, "invalid").await;
    let fields: Vec<&String> = body["error"]["fields"].as_object().unwrap().keys().collect();
    assert_eq!(
        fields,
        [
            "charges[0].fine_cents",
            "charges[0].offense_code",
            "charges[0].points",
            "charges[1].charge_seq",
            "charges[1].fine_cents",
            "charges[1].points",
            "expires_on"
        ],
        "{body}"
    );
    let far = json!({"charges": [{"charge_seq": 1, "fine_cents": 0, "points": 0}], "expires_on": "2099-01-01"});
    let body = error_body(post_offer(&app, &prosecutor, "OF-2026-000005", &far).await, 422, "invalid").await;
    assert!(body["error"]["fields"]["expires_on"].as_str().unwrap().contains("180 days"), "{body}");
    let mut off_ticket = offer_body(21);
    off_ticket["charges"] = json!([{"charge_seq": 3, "fine_cents": 0, "points": 0}]);
    let body = error_body(post_offer(&app, &prosecutor, "OF-2026-000005", &off_ticket).await, 422, "invalid").await;
    assert_eq!(body["error"]["fields"]["charges[0].charge_seq"], "charge 3 is not on this ticket");
    // Charge 2 was pleaded guilty: an offer covers only the charge asked one for.
    let body =
        error_body(post_offer(&app, &prosecutor, "OF-2026-000005", &offer_body(21)).await, 409, "conflict").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("charge 2 has no request for an offer"), "{body}");
    error_body(post_offer(&app, &prosecutor, "OF-2026-999999", &offer_body(21)).await, 404, "not_found").await;

    let only_first = json!({"charges": [{"charge_seq": 1, "fine_cents": 5_000, "points": 0}], "expires_on": (today() + chrono::Days::new(21)).to_string()});
    error_body(post_offer(&app, &clerk, "OF-2026-000005", &only_first).await, 403, "forbidden").await;
    let resp =
        app.client.post(app.url("/api/v1/citations/OF-2026-000005/offers")).json(&only_first).send().await.unwrap();
    error_body(resp, 401, "unauthorized").await;
    assert_eq!(case(&app, &clerk, "OF-2026-000005").await["offers"], json!([]), "nothing written");
    let made = offered(&app, &admin, "OF-2026-000005", &only_first).await;
    assert_eq!(made["case_status"], "offer_pending");
}

on_both_backends!(
    an_offer_accepted_online_and_paid_resolves_the_case,
    a_declined_request_sets_a_hearing_with_its_notice,
    an_amended_offer_replaces_the_pending_one_and_a_withdrawal_sets_a_hearing,
    a_rejected_offer_sets_a_hearing_and_a_wrong_birth_date_is_not_found,
    every_bad_field_of_an_offer_is_named_and_only_prosecutors_make_offers,
    a_retried_offer_with_its_key_is_made_once,
);

/// A prosecutor's retried save with the same Idempotency-Key makes one offer and one letter, and
/// the repeat answers with the offer; the key sent with another offer is refused, naming it.
async fn a_retried_offer_with_its_key_is_made_once(app: TestApp) {
    app.load_offenses().await;
    let (clerk, prosecutor) = (app.token(Role::Clerk).await, app.token(Role::Prosecutor).await);
    in_review(&app, &clerk, "OF-2026-000006").await;
    let post = |body: Value| {
        let req = app.client.post(app.url("/api/v1/citations/OF-2026-000006/offers")).bearer_auth(&prosecutor);
        req.header("Idempotency-Key", "offer-1").json(&body).send()
    };
    let first = post(offer_body(21)).await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = post(offer_body(21)).await.unwrap();
    assert_eq!(again.status(), 201);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again, first, "the repeat answers with the offer made");
    let whole = case(&app, &clerk, "OF-2026-000006").await;
    assert_eq!(whole["offers"].as_array().unwrap().len(), 1);
    assert_eq!(letter_types(&whole), ["acknowledgement", "plea_offer"]);
    let other = error_body(post(offer_body(30)).await.unwrap(), 422, "invalid").await;
    assert!(other["error"]["fields"]["Idempotency-Key"].as_str().unwrap().contains("different offer"), "{other}");
    assert_eq!(case(&app, &clerk, "OF-2026-000006").await["offers"], whole["offers"], "nothing more was made");
}
