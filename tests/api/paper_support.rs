//! What the paper-plea tests share: tickets made for the test (dates relative to today, so the
//! deadline can be in the past or the future), imported through the API, and paper pleas keyed
//! in through the API.

use crate::helpers::TestApp;
use chrono::{Days, NaiveDate};
use serde_json::{json, Value};

pub struct Ticket<'a> {
    pub number: &'a str,
    /// Days before today the ticket was issued, and days from today to the court date.
    pub issued_ago: u64,
    pub court_in: u64,
    pub last_name: &'a str,
    pub dob: &'a str,
    pub plate: &'a str,
    pub language: &'a str,
    pub charges: &'a [(i32, &'a str)],
}

impl Ticket<'_> {
    /// A ticket open for pleas: issued 5 days ago, court in 40 days, one speeding charge.
    pub fn open(number: &str) -> Ticket<'_> {
        Ticket {
            number,
            issued_ago: 5,
            court_in: 40,
            last_name: "Hernández",
            dob: "1988-04-12",
            plate: "ABC 123",
            language: "en",
            charges: &[(1, "42-4-1101-C")],
        }
    }

    /// A ticket whose response deadline (court date minus 10 days) passed a few days ago.
    pub fn overdue(number: &str) -> Ticket<'_> {
        Ticket { issued_ago: 40, court_in: 2, ..Ticket::open(number) }
    }
}

pub fn today() -> NaiveDate {
    chrono::Utc::now().with_timezone(&chrono_tz::America::Denver).date_naive()
}

pub fn csv(tickets: &[Ticket]) -> String {
    let mut out =
        String::from_utf8(crate::helpers::sample("citations.csv")).unwrap().lines().next().unwrap().to_string();
    out.push('\n');
    for t in tickets {
        let issued = today().checked_sub_days(Days::new(t.issued_ago)).unwrap();
        let court = today().checked_add_days(Days::new(t.court_in)).unwrap();
        for (seq, code) in t.charges {
            out.push_str(&format!(
                "{},DPD,{issued}T08:00:00-07:00,E Colfax Ave,P1,{court},Ana,,{},{},1 Main St,,Denver,CO,80202,,,{},CO,ana@example.org,,{},{seq},{code},135.00,4\n",
                t.number, t.last_name, t.dob, t.plate, t.language
            ));
        }
    }
    out
}

/// Imports the tickets (the offense catalog must be loaded); returns the summary.
pub async fn import(app: &TestApp, token: &str, tickets: &[Ticket<'_>]) -> Value {
    let resp = app.post_import(token, "text/csv", csv(tickets)).await;
    assert_eq!(resp.status(), 200);
    let summary: Value = resp.json().await.unwrap();
    assert_eq!(summary["rejected"], json!([]), "{summary}");
    summary
}

/// Keys in a paper plea; `key` is the Idempotency-Key.
pub async fn key_in(app: &TestApp, token: &str, body: &Value, key: Option<&str>) -> reqwest::Response {
    let mut req = app.client.post(app.url("/api/v1/submissions")).bearer_auth(token).json(body);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    req.send().await.unwrap()
}

/// Keys in a paper plea that must be accepted (201); returns the answer.
pub async fn keyed(app: &TestApp, token: &str, body: &Value) -> Value {
    let resp = key_in(app, token, body, None).await;
    assert_eq!(resp.status(), 201);
    resp.json().await.unwrap()
}

/// A signed mail plea for `number` (born 1988-04-12) with these pleas and postmark.
pub fn mail_plea(number: &str, postmark: NaiveDate, pleas: &[(i32, &str)]) -> Value {
    json!({
        "citation_number": number,
        "date_of_birth": "1988-04-12",
        "last_name": "Hernández",
        "postmark_date": postmark.to_string(),
        "pleas": pleas.iter().map(|(s, p)| json!({"charge_seq": s, "plea": p})).collect::<Vec<_>>(),
        "signed": true,
    })
}

pub async fn case(app: &TestApp, token: &str, number: &str) -> Value {
    let resp = app.get_citation(token, number).await;
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

pub fn date(v: &Value) -> NaiveDate {
    NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap()
}

/// The queued letters (type, language) for these ids.
pub async fn letters(app: &TestApp, token: &str, ids: &Value) -> Vec<(String, String)> {
    let list: Value = app.get(token, "/api/v1/letters?status=queued").await.json().await.unwrap();
    let ids: Vec<i64> = ids.as_array().unwrap().iter().map(|i| i.as_i64().unwrap()).collect();
    list["letters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| ids.contains(&l["id"].as_i64().unwrap()))
        .map(|l| (l["type"].as_str().unwrap().to_string(), l["language"].as_str().unwrap().to_string()))
        .collect()
}
