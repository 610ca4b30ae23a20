//! What the offer tests share: a ticket whose defendant asked for an offer (keyed in as a mail
//! plea through the API), the prosecutor's offer through `POST /api/v1/citations/{n}/offers`,
//! and the text of a case's letters of a type.

use crate::helpers::TestApp;
use crate::paper_support::*;
use serde_json::{json, Value};

/// Two charges ($135.00 and 4 points each as the test tickets carry them): speeding 10-19 and
/// a red light; `pleas` per charge; born 1988-04-12.
pub async fn requested(app: &TestApp, clerk: &str, number: &str, pleas: &[(i32, &str)]) {
    let t = Ticket { charges: &[(1, "42-4-1101-C"), (2, "42-4-604")], ..Ticket::open(number) };
    import(app, clerk, &[t]).await;
    let answer = keyed(app, clerk, &mail_plea(number, today(), pleas)).await;
    assert_eq!(answer["status"], "linked", "{answer}");
}

/// Both charges asked an offer for; returns the case.
pub async fn in_review(app: &TestApp, clerk: &str, number: &str) -> Value {
    requested(app, clerk, number, &[(1, "request_offer"), (2, "request_offer")]).await;
    let whole = case(app, clerk, number).await;
    assert_eq!(whole["status"], "in_review");
    whole
}

/// The offer body the tests make: charge 1 amended to a defective headlamp ($50.00, no points),
/// charge 2 as charged at $75.00 and 2 points; open `days` days.
pub fn offer_body(days: u64) -> Value {
    json!({
        "charges": [
            {"charge_seq": 1, "offense_code": "42-4-202", "fine_cents": 5_000, "points": 0},
            {"charge_seq": 2, "fine_cents": 7_500, "points": 2},
        ],
        "expires_on": (today() + chrono::Days::new(days)).to_string(),
    })
}

pub async fn post_offer(app: &TestApp, token: &str, number: &str, body: &Value) -> reqwest::Response {
    app.post_json(token, &format!("/api/v1/citations/{number}/offers"), body).await
}

/// Makes an offer that must be accepted (201); returns the answer.
pub async fn offered(app: &TestApp, token: &str, number: &str, body: &Value) -> Value {
    let resp = post_offer(app, token, number, body).await;
    assert_eq!(resp.status(), 201, "{:?}", resp.text().await);
    resp.json().await.unwrap()
}

/// The defendant's answer online: `what` is accept or reject.
pub async fn answer(app: &TestApp, id: &Value, what: &str, dob: &str) -> reqwest::Response {
    let url = app.url(&format!("/api/v1/public/offers/{id}/{what}"));
    app.client.post(url).json(&json!({"date_of_birth": dob})).send().await.unwrap()
}

/// The words of the newest letter of `kind` on the case (rendered by the worker first).
pub async fn newest_letter(app: &TestApp, token: &str, number: &str, kind: &str) -> String {
    assert_eq!(app.run_jobs().await.parked, 0, "every letter renders");
    let whole = case(app, token, number).await;
    let letter = whole["letters"].as_array().unwrap().iter().rfind(|l| l["type"] == kind);
    let id = letter.unwrap_or_else(|| panic!("no {kind} letter: {}", whole["letters"]))["id"].clone();
    let pdf = app.get(token, &format!("/api/v1/letters/{id}/pdf")).await.bytes().await.unwrap();
    crate::later_letters::words(&pdf)
}

/// The types of the case's letters, oldest first.
pub fn letter_types(whole: &Value) -> Vec<String> {
    whole["letters"].as_array().unwrap().iter().map(|l| l["type"].as_str().unwrap().to_string()).collect()
}
