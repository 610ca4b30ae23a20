//! The reports summary (`GET /api/v1/reports/summary`, `…/summary.csv`) over cases made through
//! the real endpoints: citations imported, pleas online, by mail and at the counter, payments
//! recorded and one reversed; every number checked exactly, for the default range (the last 90
//! days), a wider one and one in the past; bad ranges named; who may read; the CSV the same
//! numbers as the JSON.

use crate::helpers::{error_body, TestApp};
use crate::on_both_backends;
use crate::paper_support::*;
use crate::payments::{check, paid, reverse};
use chrono::Days;
use pleadesk::domain::Role;
use serde_json::{json, Value};

/// The five tickets (each one $135.00 charge) and what happened to them:
/// RP1 issued 5 days ago, guilty online, $50 paid and $20 paid then reversed → owes $85;
/// RP2 issued 5 days ago, guilty by mail, paid in full by money order → resolved today;
/// RP3 issued 5 days ago, not guilty at the counter → hearing set today;
/// RP4 issued 45 days ago, no plea (open); RP5 issued 100 days ago, no plea (open).
pub async fn five_cases(app: &TestApp) -> String {
    let clerk = app.token(Role::Clerk).await;
    five_cases_by(app, &clerk).await;
    clerk
}

/// The five cases, made by the clerk whose token is `clerk`.
pub async fn five_cases_by(app: &TestApp, clerk: &str) {
    app.load_offenses().await;
    let clerk = clerk.to_string();
    let t = |number, issued_ago| Ticket { issued_ago, court_in: 30, ..Ticket::open(number) };
    import(app, &clerk, &[t("RP-2026-000001", 5), t("RP-2026-000002", 5), t("RP-2026-000003", 5)]).await;
    import(app, &clerk, &[t("RP-2026-000004", 45), t("RP-2026-000005", 100)]).await;

    let online = json!({"citation_number": "RP-2026-000001", "date_of_birth": "1988-04-12",
        "pleas": [{"charge_seq": 1, "plea": "guilty"}], "signature_name": "Ana Hernández", "attest": true});
    let resp = app.client.post(app.url("/api/v1/public/pleas")).json(&online).send().await.unwrap();
    assert_eq!(resp.status(), 201, "{:?}", resp.text().await);
    paid(app, &clerk, "RP-2026-000001", check(5_000, "101")).await;
    let bounced = paid(app, &clerk, "RP-2026-000001", check(2_000, "102")).await;
    assert_eq!(reverse(app, &clerk, &bounced["payment_id"], "returned unpaid").await.status(), 200);

    assert_eq!(keyed(app, &clerk, &mail_plea("RP-2026-000002", today(), &[(1, "guilty")])).await["status"], "linked");
    let mo = json!({"amount_cents": 13_500, "method": "money_order", "reference": "MO-1", "received_on": today().to_string()});
    assert_eq!(paid(app, &clerk, "RP-2026-000002", mo).await["status"], "resolved");

    let mut counter = mail_plea("RP-2026-000003", today(), &[(1, "not_guilty")]);
    counter["channel"] = json!("counter");
    counter.as_object_mut().unwrap().remove("postmark_date");
    assert_eq!(keyed(app, &clerk, &counter).await["status"], "linked");
    assert_eq!(case(app, &clerk, "RP-2026-000003").await["status"], "hearing_set");
}

async fn summary(app: &TestApp, token: &str, query: &str) -> Value {
    let resp = app.get(token, &format!("/api/v1/reports/summary{query}")).await;
    assert_eq!(resp.status(), 200, "{query}");
    resp.json().await.unwrap()
}

/// `[{key, count}]` as (key, count) pairs.
fn counts(v: &Value) -> Vec<(String, i64)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| (c["key"].as_str().unwrap().to_string(), c["count"].as_i64().unwrap()))
        .collect()
}

fn pairs(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    list.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}

fn days_ago(n: u64) -> String {
    today().checked_sub_days(Days::new(n)).unwrap().to_string()
}

async fn the_summary_counts_what_the_cases_hold(app: TestApp) {
    let clerk = five_cases(&app).await;
    let s = summary(&app, &clerk, "").await;
    assert_eq!((s["from"].as_str().unwrap(), s["to"].as_str().unwrap()), (days_ago(89).as_str(), days_ago(0).as_str()));
    assert_eq!((&s["time_zone"], &s["as_of"]), (&json!("America/Denver"), &json!(today().to_string())));
    let statuses = [("open", 1), ("responded", 0), ("in_review", 0), ("offer_pending", 0), ("amount_due", 1)];
    let statuses: Vec<_> = statuses.into_iter().chain([("resolved", 1), ("hearing_set", 1), ("default", 0)]).collect();
    assert_eq!(counts(&s["cases_by_status"]), pairs(&statuses), "RP5 was issued before the range");
    assert_eq!(s["cases_total"], 4);
    assert_eq!(counts(&s["ageing"]), pairs(&[("0-30", 1), ("31-60", 1), ("61-90", 0), ("91+", 0)]));
    assert_eq!(counts(&s["pleas_by_channel"]), pairs(&[("online", 1), ("mail", 1), ("counter", 1)]));
    let weeks = s["pleas_by_week"].as_array().unwrap();
    assert!((13..=14).contains(&weeks.len()), "90 days fall in 13 or 14 weeks: {}", weeks.len());
    let last = weeks.last().unwrap();
    assert_eq!(
        (&last["online"], &last["mail"], &last["counter"], &last["total"]),
        (&json!(1), &json!(1), &json!(1), &json!(3))
    );
    assert!(weeks[..weeks.len() - 1].iter().all(|w| w["total"] == 0));
    let monday = chrono::NaiveDate::parse_from_str(last["week_start"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    assert_eq!(chrono::Datelike::weekday(&monday), chrono::Weekday::Mon);
    assert!(monday <= today() && today() < monday + Days::new(7));
    assert_eq!((&s["offers"]["made"], &s["offers"]["accepted"]), (&json!(0), &json!(0)));
    assert_eq!(s["offers"]["by_status"].as_array().unwrap().len(), 5);
    let m = &s["money"];
    assert_eq!((&m["due_cents"], &m["cases_owing"]), (&json!(8_500), &json!(1)), "RP1 owes $135 − $50");
    let mut balances = 0;
    for n in 1..=4 {
        balances +=
            case(&app, &clerk, &format!("RP-2026-00000{n}")).await["balance"]["balance_cents"].as_i64().unwrap();
    }
    assert_eq!(m["due_cents"], balances, "the sum of the balances the case pages show");
    assert_eq!((&m["collected_cents"], &m["payments"]), (&json!(18_500), &json!(2)), "the reversed $20 does not count");
    assert_eq!(m["collected_by_method"][0], json!({"method": "check", "payments": 1, "cents": 5_000}));
    assert_eq!(m["collected_by_method"][1], json!({"method": "money_order", "payments": 1, "cents": 13_500}));
    assert_eq!(
        s["without_appearance"],
        json!({"resolved": 1, "hearing_set": 1, "default": 0, "decided": 2, "share_percent": 50.0})
    );
}

async fn the_range_chooses_what_is_counted(app: TestApp) {
    let clerk = five_cases(&app).await;
    let wide = summary(&app, &clerk, &format!("?from={}&to={}", days_ago(120), days_ago(0))).await;
    assert_eq!(wide["cases_total"], 5);
    assert_eq!(wide["cases_by_status"][0], json!({"key": "open", "count": 2}));
    assert_eq!(counts(&wide["ageing"]), pairs(&[("0-30", 1), ("31-60", 1), ("61-90", 0), ("91+", 1)]));

    // Only RP5 was issued in this range; nothing was received, paid or decided in it.
    let past = summary(&app, &clerk, &format!("?from={}&to={}", days_ago(120), days_ago(60))).await;
    assert_eq!(
        (past["cases_total"].clone(), past["cases_by_status"][0].clone()),
        (json!(1), json!({"key": "open", "count": 1}))
    );
    assert_eq!(
        counts(&past["ageing"]),
        pairs(&[("0-30", 0), ("31-60", 0), ("61-90", 0), ("91+", 1)]),
        "aged as of today"
    );
    assert!(past["pleas_by_week"].as_array().unwrap().iter().all(|w| w["total"] == 0));
    assert_eq!((&past["money"]["due_cents"], &past["money"]["collected_cents"]), (&json!(0), &json!(0)));
    assert_eq!(past["without_appearance"]["decided"], 0);
    assert_eq!(past["without_appearance"]["share_percent"], Value::Null, "no share of nothing");

    // Today alone: the three pleas, both payments, both decisions; the cases issued 5 days ago not.
    let one = summary(&app, &clerk, &format!("?from={0}&to={0}", days_ago(0))).await;
    assert_eq!((&one["cases_total"], &one["money"]["due_cents"]), (&json!(0), &json!(0)));
    assert_eq!(one["pleas_by_week"].as_array().unwrap().len(), 1);
    assert_eq!(one["pleas_by_week"][0]["total"], 3);
    assert_eq!((&one["money"]["collected_cents"], &one["without_appearance"]["decided"]), (&json!(18_500), &json!(2)));
}

async fn bad_ranges_are_named(app: TestApp) {
    let clerk = app.token(Role::Clerk).await;
    let bad = |q: &'static str| {
        let (app, clerk) = (&app, &clerk);
        async move {
            let body = error_body(app.get(clerk, &format!("/api/v1/reports/summary{q}")).await, 422, "invalid").await;
            body["error"]["fields"].clone()
        }
    };
    let f = bad("?from=2026-02-30&to=tomorrow").await;
    assert!(
        f["from"].as_str().unwrap().contains("YYYY-MM-DD") && f["to"].as_str().unwrap().contains("tomorrow"),
        "{f}"
    );
    let f = bad("?from=2026-05-02&to=2026-05-01").await;
    assert!(f["to"].as_str().unwrap().contains("before it starts") && f.get("from").is_none(), "{f}");
    assert!(bad("?from=2025-01-01&to=2026-01-02").await["to"].as_str().unwrap().contains("366"));
    assert!(bad("?format=xlsx").await["format"].as_str().unwrap().contains("csv"));
    let csv = app.get(&clerk, "/api/v1/reports/summary.csv?from=2026-05-02&to=2026-05-01").await;
    error_body(csv, 422, "invalid").await;
}

async fn only_court_staff_read_reports(app: TestApp) {
    for path in ["/api/v1/reports/summary", "/api/v1/reports/summary.csv"] {
        error_body(app.client.get(app.url(path)).send().await.unwrap(), 401, "unauthorized").await;
        let integration = app.token(Role::Integration).await;
        error_body(app.get(&integration, path).await, 403, "forbidden").await;
        for role in [Role::Clerk, Role::Prosecutor, Role::Admin] {
            assert_eq!(app.get(&app.token(role).await, path).await.status(), 200, "{role} {path}");
        }
    }
    let trail = crate::helpers::events(&app).await;
    assert!(trail.iter().all(|e| !e.1.starts_with("report")), "counts are not personal data: no audit event");
}

/// The CSV's rows as (measure, key, value).
fn csv_rows(text: &str) -> Vec<(String, String, String)> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap(), vec!["measure", "key", "value"]);
    reader.records().map(|r| r.unwrap()).map(|r| (r[0].to_string(), r[1].to_string(), r[2].to_string())).collect()
}

async fn the_csv_holds_the_same_numbers(app: TestApp) {
    let clerk = five_cases(&app).await;
    let json = summary(&app, &clerk, "").await;
    for path in ["/api/v1/reports/summary.csv", "/api/v1/reports/summary?format=csv"] {
        let resp = app.get(&clerk, path).await;
        assert_eq!(resp.status(), 200);
        assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let disposition = resp.headers()["content-disposition"].to_str().unwrap().to_string();
        assert!(
            disposition.contains(&format!("pleadesk-report-{}-to-{}.csv", days_ago(89), days_ago(0))),
            "{disposition}"
        );
        let text = resp.text().await.unwrap();
        assert!(text.starts_with("measure,key,value\r\n") && text.ends_with("\r\n"), "RFC 4180 lines");
        let rows = csv_rows(&text);
        let value =
            |m: &str, k: &str| rows.iter().find(|r| r.0 == m && r.1 == k).map(|r| r.2.clone()).unwrap_or_default();
        for c in json["cases_by_status"].as_array().unwrap() {
            assert_eq!(value("cases_by_status", c["key"].as_str().unwrap()), c["count"].to_string());
        }
        for c in json["ageing"].as_array().unwrap() {
            assert_eq!(value("open_cases_by_age_days", c["key"].as_str().unwrap()), c["count"].to_string());
        }
        for w in json["pleas_by_week"].as_array().unwrap() {
            for channel in ["online", "mail", "counter", "total"] {
                let week = w["week_start"].as_str().unwrap();
                assert_eq!(value(&format!("pleas_by_week_{channel}"), week), w[channel].to_string());
            }
        }
        assert_eq!(value("money", "due_dollars"), "85.00");
        assert_eq!(value("money", "collected_dollars"), "185.00");
        assert_eq!(value("collected_dollars_by_method", "money_order"), "135.00");
        assert_eq!(value("offers", "made"), "0");
        assert_eq!(value("decided", "share_resolved_without_appearance_percent"), "50.0");
        assert_eq!(value("range", "time_zone"), "America/Denver");
        for (m, k, v) in &rows {
            for cell in [m, k, v] {
                assert!(!cell.starts_with(['=', '+', '-', '@']), "a formula cell: {cell}");
            }
        }
    }
}

on_both_backends!(
    the_summary_counts_what_the_cases_hold,
    the_range_chooses_what_is_counted,
    bad_ranges_are_named,
    only_court_staff_read_reports,
    the_csv_holds_the_same_numbers,
);
