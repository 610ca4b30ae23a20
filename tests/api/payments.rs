//! Payments through the API (`POST /api/v1/citations/{number}/payments`,
//! `POST /api/v1/payments/{id}/reverse`): paid in two parts → resolved with its outcome letter;
//! a bounced check → the balance back, the case owing again, its dispositions withdrawn; an
//! overpayment flagged; each bad field named; a state that refuses a payment; idempotency; who
//! may pay; and the balance always the amount due minus what was paid.

use crate::helpers::{error_body, events, TestApp};
use crate::on_both_backends;
use crate::paper_support::*;
use pleadesk::domain::Role;
use serde_json::{json, Value};

/// Records a payment; `key` is the Idempotency-Key.
pub async fn pay_with(app: &TestApp, token: &str, number: &str, body: &Value, key: Option<&str>) -> reqwest::Response {
    let mut req =
        app.client.post(app.url(&format!("/api/v1/citations/{number}/payments"))).bearer_auth(token).json(body);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    req.send().await.unwrap()
}

/// Records a payment that must be accepted (201); returns the answer.
pub async fn paid(app: &TestApp, token: &str, number: &str, body: Value) -> Value {
    let resp = pay_with(app, token, number, &body, None).await;
    assert_eq!(resp.status(), 201, "{:?}", resp.text().await);
    resp.json().await.unwrap()
}

pub fn check(cents: i64, number: &str) -> Value {
    json!({"amount_cents": cents, "method": "check", "reference": number, "received_on": today().to_string()})
}

pub async fn reverse(app: &TestApp, token: &str, id: &Value, reason: &str) -> reqwest::Response {
    app.post_json(token, &format!("/api/v1/payments/{id}/reverse"), &json!({"reason": reason})).await
}

/// A ticket with one $135.00 charge answered guilty by mail: $135.00 due.
pub async fn guilty_case(app: &TestApp, token: &str, number: &str) {
    import(app, token, &[Ticket::open(number)]).await;
    let answer = keyed(app, token, &mail_plea(number, today(), &[(1, "guilty")])).await;
    assert_eq!(answer["status"], "linked");
    assert_eq!(case(app, token, number).await["status"], "amount_due");
}

/// (type, status) of a case's letters, oldest first.
fn letter_types(whole: &Value) -> Vec<&str> {
    whole["letters"].as_array().unwrap().iter().map(|l| l["type"].as_str().unwrap()).collect()
}

async fn guilty_then_paid_in_two_parts_is_resolved_with_an_outcome_letter(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    guilty_case(&app, &clerk, "PY-2026-000001").await;
    let first = paid(&app, &clerk, "PY-2026-000001", check(5_000, "1042")).await;
    assert_eq!(
        (&first["balance_cents"], &first["amount_due_cents"], &first["paid_cents"], &first["overpaid_cents"]),
        (&json!(8_500), &json!(13_500), &json!(5_000), &json!(0))
    );
    assert_eq!(first["status"], "amount_due");
    let mo = json!({"amount_cents": 8_500, "method": "money_order", "reference": "MO-77", "received_on": today().to_string()});
    let second = paid(&app, &clerk, "PY-2026-000001", mo).await;
    assert_eq!((&second["balance_cents"], &second["paid_cents"]), (&json!(0), &json!(13_500)));
    assert_eq!(second["status"], "resolved");
    assert_ne!(first["payment_id"], second["payment_id"]);
    let whole = case(&app, &clerk, "PY-2026-000001").await;
    assert_eq!(whole["status"], "resolved");
    assert_eq!(
        whole["balance"],
        json!({"amount_due_cents": 13_500, "paid_cents": 13_500, "balance_cents": 0, "overpaid_cents": 0})
    );
    assert_eq!(whole["payments"][1]["method"], "money_order");
    assert_eq!(whole["payments"][1]["reference"], "MO-77");
    assert_eq!(whole["payments"][0]["reversed_at"], Value::Null);
    assert_eq!(
        whole["dispositions"],
        json!([{"charge_seq": 1, "disposition": "paid_as_charged", "decided_on": today().to_string()}])
    );
    assert_eq!(letter_types(&whole), ["acknowledgement", "outcome"]);
    let trail: Vec<String> = events(&app).await.into_iter().filter(|e| e.3 == "PY-2026-000001").map(|e| e.1).collect();
    let tail: Vec<&str> = trail.iter().map(String::as_str).skip_while(|a| *a != "payment.recorded").collect();
    assert_eq!(
        tail,
        ["payment.recorded", "case.status_changed", "payment.recorded", "charges.disposed", "citation.read"]
    );
    let recorded = events(&app).await.into_iter().rfind(|e| e.1 == "payment.recorded").unwrap();
    assert_eq!(recorded.4["balance"], json!({"due_cents": 13_500, "paid_cents": 13_500}));
    assert!(recorded.0.starts_with("staff:"));
    assert_eq!(app.run_jobs().await.retried, 0, "every letter rendered");
    if cfg!(has_poppler) {
        let id = whole["letters"][1]["id"].as_i64().unwrap();
        let pdf = app.get(&clerk, &format!("/api/v1/letters/{id}/pdf")).await;
        assert_eq!(pdf.status(), 200);
        let text = crate::letters_paper::pdftotext(&pdf.bytes().await.unwrap());
        for words in [
            "Your case is closed",
            "PY-2026-000001",
            "Paid as charged",
            "Check",
            "Money order",
            "$50.00",
            "$85.00",
            "$135.00",
            "$0.00",
        ] {
            assert!(text.contains(words), "{words}: {text}");
        }
    }
}

async fn a_bounced_check_puts_the_balance_back_and_withdraws_the_dispositions(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    guilty_case(&app, &clerk, "PY-2026-000002").await;
    let settled = paid(&app, &clerk, "PY-2026-000002", check(13_500, "2001")).await;
    assert_eq!(settled["status"], "resolved");
    let id = &settled["payment_id"];
    let e = error_body(reverse(&app, &clerk, id, "  ").await, 422, "invalid").await;
    assert!(e["error"]["fields"]["reason"].as_str().unwrap().contains("say why"), "{e}");
    error_body(reverse(&app, &clerk, &json!(999_999), "bounced").await, 404, "not_found").await;
    assert_eq!(case(&app, &clerk, "PY-2026-000002").await["status"], "resolved", "nothing changed");
    let resp = reverse(&app, &clerk, id, "check returned unpaid").await;
    assert_eq!(resp.status(), 200);
    let back: Value = resp.json().await.unwrap();
    assert_eq!(
        (&back["balance_cents"], &back["paid_cents"], &back["status"]),
        (&json!(13_500), &json!(0), &json!("amount_due"))
    );
    assert!(back["reversed_at"].is_string());
    let e = error_body(reverse(&app, &clerk, id, "again").await, 409, "conflict").await;
    assert!(e["error"]["message"].as_str().unwrap().contains("already reversed"), "{e}");
    let whole = case(&app, &clerk, "PY-2026-000002").await;
    assert_eq!(whole["status"], "amount_due");
    assert_eq!(whole["payments"].as_array().unwrap().len(), 1, "never deleted");
    assert_eq!(whole["payments"][0]["reversal_reason"], "check returned unpaid");
    assert!(whole["payments"][0]["reversed_at"].is_string());
    let d = &whole["dispositions"];
    assert_eq!((d.as_array().unwrap().len(), &d[0]["disposition"]), (1, &json!("paid_as_charged")), "kept: {d}");
    assert!(d[0]["withdrawn_at"].is_string(), "{d}");
    assert_eq!(letter_types(&whole), ["acknowledgement", "outcome", "amount_due"]);
    assert_eq!(app.run_jobs().await.retried, 0, "every letter rendered");
    if cfg!(has_poppler) {
        let id = whole["letters"][2]["id"].as_i64().unwrap();
        let text = crate::letters_paper::pdftotext(
            &app.get(&clerk, &format!("/api/v1/letters/{id}/pdf")).await.bytes().await.unwrap(),
        );
        assert!(text.contains("PY-2026-000002") && text.contains("$135.00"), "{text}");
        assert!(!text.contains("Paid so far"), "the bounced check is not counted as paid: {text}");
    }
    let actions: Vec<String> = events(&app).await.into_iter().map(|e| e.1).collect();
    for a in ["payment.reversed", "charges.dispositions_withdrawn"] {
        assert!(actions.iter().any(|x| x == a), "{a}: {actions:?}");
    }
    // Paid again in cash: resolved again, the new disposition standing beside the withdrawn one.
    let cash = json!({"amount_cents": 13_500, "method": "cash", "received_on": today().to_string()});
    assert_eq!(paid(&app, &clerk, "PY-2026-000002", cash).await["status"], "resolved");
    let d = case(&app, &clerk, "PY-2026-000002").await["dispositions"].clone();
    assert_eq!(d.as_array().unwrap().len(), 2);
    assert!(d[0]["withdrawn_at"].is_string() && d[1].get("withdrawn_at").is_none(), "{d}");
}

async fn an_overpayment_is_flagged_for_a_refund(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    guilty_case(&app, &clerk, "PY-2026-000003").await;
    let over = paid(&app, &clerk, "PY-2026-000003", check(20_000, "3003")).await;
    assert_eq!(
        (&over["status"], &over["balance_cents"], &over["overpaid_cents"]),
        (&json!("resolved"), &json!(0), &json!(6_500))
    );
    assert_eq!(case(&app, &clerk, "PY-2026-000003").await["balance"]["overpaid_cents"], 6_500);
    let flagged: Vec<_> = events(&app).await.into_iter().filter(|e| e.1 == "payment.overpaid").collect();
    assert_eq!(flagged.len(), 1);
    assert_eq!((flagged[0].3.as_str(), &flagged[0].4), ("PY-2026-000003", &json!({"overpaid_cents": 6_500})));
    // Nothing is owed now: another payment is refused in the lifecycle's words.
    let e =
        error_body(pay_with(&app, &clerk, "PY-2026-000003", &check(100, "3004"), None).await, 409, "conflict").await;
    assert!(
        e["error"]["message"].as_str().unwrap().contains("a payment cannot be recorded on a case that is resolved"),
        "{e}"
    );
}

async fn every_bad_field_is_named_and_nothing_is_written(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    guilty_case(&app, &clerk, "PY-2026-000004").await;
    let tomorrow = today().succ_opt().unwrap().to_string();
    let today = today().to_string();
    let cases: Vec<(Value, &[&str])> = vec![
        (json!({"amount_cents": 0, "method": "cash", "received_on": today}), &["amount_cents"]),
        (json!({"amount_cents": -500, "method": "cash", "received_on": today}), &["amount_cents"]),
        (json!({"amount_cents": "12.50", "method": "cash", "received_on": today}), &["amount_cents"]),
        (json!({"amount_cents": 12.5, "method": "cash", "received_on": today}), &["amount_cents"]),
        (json!({"method": "cash", "received_on": today}), &["amount_cents"]),
        (json!({"amount_cents": 500, "method": "bitcoin", "received_on": today}), &["method"]),
        (json!({"amount_cents": 500, "received_on": today}), &["method"]),
        (json!({"amount_cents": 500, "method": "check", "received_on": today}), &["reference"]),
        (json!({"amount_cents": 500, "method": "money_order", "reference": " ", "received_on": today}), &["reference"]),
        (json!({"amount_cents": 500, "method": "card", "received_on": today}), &["reference"]),
        (json!({"amount_cents": 500, "method": "cash", "received_on": tomorrow}), &["received_on"]),
        (json!({"amount_cents": 500, "method": "cash", "received_on": "12/01/2026"}), &["received_on"]),
        (json!({"amount_cents": 500, "method": "cash"}), &["received_on"]),
        (
            json!({"amount_cents": 0, "method": "check", "received_on": tomorrow}),
            &["amount_cents", "received_on", "reference"],
        ),
    ];
    for (body, fields) in cases {
        let e = error_body(pay_with(&app, &clerk, "PY-2026-000004", &body, None).await, 422, "invalid").await;
        let named: Vec<&str> = e["error"]["fields"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(named, fields, "{body}: {e}");
    }
    let e =
        error_body(pay_with(&app, &clerk, "PY-2026-000004", &json!({"amount": 5}), None).await, 422, "invalid").await;
    assert!(e["error"]["message"].as_str().unwrap().contains("unknown field"), "{e}");
    let whole = case(&app, &clerk, "PY-2026-000004").await;
    assert_eq!(whole["payments"], json!([]));
    assert!(!events(&app).await.iter().any(|e| e.1.starts_with("payment.")));
}

async fn a_case_whose_state_refuses_a_payment_answers_409(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    import(&app, &clerk, &[Ticket::open("PY-2026-000005"), Ticket::open("PY-2026-000006")]).await;
    let e = error_body(pay_with(&app, &clerk, "PY-2026-000005", &check(500, "1"), None).await, 409, "conflict").await;
    assert_eq!(e["error"]["message"], "a payment cannot be recorded on a case still open (no plea yet)");
    keyed(&app, &clerk, &mail_plea("PY-2026-000006", today(), &[(1, "not_guilty")])).await;
    let e = error_body(pay_with(&app, &clerk, "PY-2026-000006", &check(500, "1"), None).await, 409, "conflict").await;
    assert!(e["error"]["message"].as_str().unwrap().starts_with("nothing is owed on this case now"), "{e}");
    error_body(pay_with(&app, &clerk, "PY-2026-999999", &check(500, "1"), None).await, 404, "not_found").await;
    for n in ["PY-2026-000005", "PY-2026-000006"] {
        assert_eq!(case(&app, &clerk, n).await["payments"], json!([]));
    }
}

async fn the_same_idempotency_key_records_one_payment(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let other = app.token(Role::Clerk).await;
    guilty_case(&app, &clerk, "PY-2026-000007").await;
    let body = check(2_000, "7007");
    let (a, b) = tokio::join!(
        pay_with(&app, &clerk, "PY-2026-000007", &body, Some("k-1")),
        pay_with(&app, &clerk, "PY-2026-000007", &body, Some("k-1")),
    );
    let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(a["payment_id"], b["payment_id"], "{a} {b}");
    let again: Value = pay_with(&app, &clerk, "PY-2026-000007", &body, Some("k-1")).await.json().await.unwrap();
    assert_eq!((&again["payment_id"], &again["paid_cents"]), (&a["payment_id"], &json!(2_000)));
    let e =
        error_body(pay_with(&app, &clerk, "PY-2026-000007", &check(2_500, "7007"), Some("k-1")).await, 422, "invalid")
            .await;
    assert!(e["error"]["fields"]["Idempotency-Key"].is_string());
    // Another clerk's key is their own.
    let theirs = pay_with(&app, &other, "PY-2026-000007", &body, Some("k-1")).await;
    assert_eq!(theirs.status(), 201);
    let theirs: Value = theirs.json().await.unwrap();
    assert_ne!(theirs["payment_id"], a["payment_id"]);
    assert_eq!(case(&app, &clerk, "PY-2026-000007").await["payments"].as_array().unwrap().len(), 2);
}

async fn only_clerks_and_admins_record_or_reverse(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    guilty_case(&app, &clerk, "PY-2026-000008").await;
    let admin = app.token(Role::Admin).await;
    let by_admin = paid(&app, &admin, "PY-2026-000008", check(1_000, "8")).await;
    for role in [Role::Prosecutor, Role::Integration] {
        let token = app.token(role).await;
        error_body(pay_with(&app, &token, "PY-2026-000008", &check(1_000, "9"), None).await, 403, "forbidden").await;
        error_body(reverse(&app, &token, &by_admin["payment_id"], "bounced").await, 403, "forbidden").await;
    }
    let anonymous = app.client.post(app.url("/api/v1/citations/PY-2026-000008/payments")).json(&check(1, "1")).send();
    error_body(anonymous.await.unwrap(), 401, "unauthorized").await;
    let whole = case(&app, &clerk, "PY-2026-000008").await;
    assert_eq!(whole["balance"]["paid_cents"], 1_000, "only the admin's payment counts");
    assert_eq!(whole["payments"][0]["reversed_at"], Value::Null);
}

/// A guilty and a not-guilty charge: the guilty one is paid before the hearing (disposed, the
/// case stays `hearing_set`), and a bounce takes it back with an amount-due letter.
async fn a_mixed_plea_pays_its_guilty_charge_before_the_hearing(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let number = "PY-2026-000010";
    import(&app, &clerk, &[Ticket { charges: &[(1, "42-4-1101-C"), (2, "42-4-1101-C")], ..Ticket::open(number) }])
        .await;
    keyed(&app, &clerk, &mail_plea(number, today(), &[(1, "guilty"), (2, "not_guilty")])).await;
    let p = paid(&app, &clerk, number, check(13_500, "1010")).await;
    assert_eq!((&p["status"], &p["balance_cents"]), (&json!("hearing_set"), &json!(0)));
    let disposed: Vec<Value> = case(&app, &clerk, number).await["dispositions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| json!([d["charge_seq"], d["disposition"]]))
        .collect();
    assert_eq!(disposed, [json!([2, "hearing_set"]), json!([1, "paid_as_charged"])]);
    let back = reverse(&app, &clerk, &p["payment_id"], "check returned").await;
    assert_eq!(back.status(), 200);
    let whole = case(&app, &clerk, number).await;
    assert_eq!((&whole["status"], &whole["balance"]["balance_cents"]), (&json!("hearing_set"), &json!(13_500)));
    assert!(
        whole["dispositions"][1]["withdrawn_at"].is_string() && whole["dispositions"][0].get("withdrawn_at").is_none()
    );
    assert_eq!(letter_types(&whole), ["acknowledgement", "amount_due"]);
    assert_eq!(app.run_jobs().await.retried, 0, "the amount-due letter rendered");
}

/// Property, through the service: after any sequence of payments and reversals the balance is
/// what is due minus what counts as paid, in every answer and in the whole case.
async fn the_balance_is_always_due_minus_paid(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let number = "PY-2026-000009";
    import(&app, &clerk, &[Ticket { charges: &[(1, "42-4-1101-C"), (2, "42-4-1101-C")], ..Ticket::open(number) }])
        .await;
    keyed(&app, &clerk, &mail_plea(number, today(), &[(1, "guilty"), (2, "no_contest")])).await;
    let due = 27_000;
    let mut seed: u64 = 0x5eed_0009;
    let mut next = |n: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let mut counted: Vec<(Value, i64)> = Vec::new();
    for step in 0..14 {
        let paid_now: i64 = counted.iter().map(|(_, c)| c).sum();
        let reverse_one = !counted.is_empty() && next(3) == 0;
        let answer: Value = if reverse_one {
            let (id, _) = counted.remove(next(counted.len() as u64) as usize);
            let resp = reverse(&app, &clerk, &id, "step").await;
            assert_eq!(resp.status(), 200, "step {step}");
            resp.json().await.unwrap()
        } else {
            let amount = 1 + next(12_000) as i64;
            let resp = pay_with(&app, &clerk, number, &check(amount, &format!("{step}")), None).await;
            if paid_now >= due {
                assert_eq!(resp.status(), 409, "step {step}: nothing is owed");
                continue;
            }
            assert_eq!(resp.status(), 201, "step {step}");
            let a: Value = resp.json().await.unwrap();
            counted.push((a["payment_id"].clone(), amount));
            a
        };
        let paid: i64 = counted.iter().map(|(_, c)| c).sum();
        let expect = json!({
            "amount_due_cents": due, "paid_cents": paid,
            "balance_cents": (due - paid).max(0), "overpaid_cents": (paid - due).max(0),
        });
        let got = json!({
            "amount_due_cents": answer["amount_due_cents"], "paid_cents": answer["paid_cents"],
            "balance_cents": answer["balance_cents"], "overpaid_cents": answer["overpaid_cents"],
        });
        assert_eq!(got, expect, "step {step}");
        let whole = case(&app, &clerk, number).await;
        assert_eq!(whole["balance"], expect, "step {step}");
        assert_eq!(whole["status"], if paid >= due { "resolved" } else { "amount_due" }, "step {step}");
    }
}

on_both_backends!(
    guilty_then_paid_in_two_parts_is_resolved_with_an_outcome_letter,
    a_bounced_check_puts_the_balance_back_and_withdraws_the_dispositions,
    an_overpayment_is_flagged_for_a_refund,
    every_bad_field_is_named_and_nothing_is_written,
    a_case_whose_state_refuses_a_payment_answers_409,
    the_same_idempotency_key_records_one_payment,
    only_clerks_and_admins_record_or_reverse,
    a_mixed_plea_pays_its_guilty_charge_before_the_hearing,
    the_balance_is_always_due_minus_paid,
);
