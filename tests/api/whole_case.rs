//! The whole case for staff (`GET /api/v1/citations/{number}`) and the case search
//! (`POST /api/v1/citations/search`), each read on the audit trail.

use crate::helpers::{error_body, events, TestApp};
use crate::on_both_backends;
use crate::paper_support::*;
use pleadesk::domain::Role;
use serde_json::{json, Value};

async fn the_whole_case_has_every_part_and_its_timeline(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    import(&app, &clerk, &[Ticket::open("WC-2026-000001"), Ticket::open("WC-2026-000002")]).await;
    let empty = case(&app, &clerk, "WC-2026-000002").await;
    for list in ["submissions", "offers", "payments", "dispositions", "letters"] {
        assert_eq!(empty[list], json!([]), "{list}: {empty}");
    }
    assert_eq!(empty["duplicate_pleas"], false);
    assert_eq!(case(&app, &clerk, "WC-2026-000001").await["events"], json!([]));
    let mut body = mail_plea("WC-2026-000001", today(), &[(1, "not_guilty")]);
    body["enclosed_payment"] = json!({"amount_cents": 13500, "method": "money_order", "reference": "MO-77"});
    body["statement"] = json!("I was not driving.");
    let paper = keyed(&app, &clerk, &body).await;
    let second = keyed(&app, &clerk, &mail_plea("WC-2026-000001", today(), &[(1, "guilty")])).await;
    let whole = case(&app, &clerk, "WC-2026-000001").await;
    assert_eq!(whole["status"], "hearing_set");
    assert_eq!(whole["charges"][0]["seq"], 1);
    let subs = whole["submissions"].as_array().unwrap();
    assert_eq!(subs.len(), 2);
    let s = &subs[0];
    assert_eq!(s["id"], paper["id"]);
    assert_eq!((s["channel"].as_str(), s["status"].as_str()), (Some("mail"), Some("linked")));
    assert_eq!(s["confirmation"], paper["confirmation"]);
    assert_eq!(s["postmark_date"], today().to_string());
    assert_eq!(s["pleas"], json!([{"charge_seq": 1, "plea": "not_guilty"}]));
    assert_eq!(
        s["enclosed_payment"],
        json!({"amount_cents": 13500, "method": "money_order", "reference": "MO-77", "payment_id": null})
    );
    assert_eq!(s["statement"], "I was not driving.");
    assert_eq!(s["documents"], json!([]));
    assert_eq!(subs[1]["id"], second["id"]);
    assert_eq!(subs[1]["duplicate"], true);
    assert_eq!(whole["duplicate_pleas"], true);
    assert_eq!(whole["payments"], json!([]), "a not-guilty plea owes nothing: its enclosed payment is not applied");
    assert_eq!(
        whole["balance"],
        json!({"amount_due_cents": 0, "paid_cents": 0, "balance_cents": 0, "overpaid_cents": 0})
    );
    assert_eq!(
        whole["dispositions"],
        json!([{"charge_seq": 1, "disposition": "hearing_set", "decided_on": today().to_string()}])
    );
    assert_eq!(whole["letters"][0]["type"], "acknowledgement");
    assert_eq!(whole["letters"][0]["language"], "en");
    assert_eq!(whole["letters"][0]["status"], "queued");
    let timeline: Vec<&str> =
        whole["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(timeline.contains(&"submission.linked"), "{timeline:?}");
    assert!(timeline.contains(&"citation.read"), "opening the case earlier is on the timeline: {timeline:?}");
    let reads = events(&app).await.into_iter().filter(|e| e.1 == "citation.read" && e.3 == "WC-2026-000001").count();
    assert_eq!(reads, 2);
}

async fn search(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post_json(token, "/api/v1/citations/search", &body).await
}

async fn staff_search_by_number_name_and_birth_date_or_plate(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let prosecutor = app.token(Role::Prosecutor).await;
    import(
        &app,
        &clerk,
        &[
            Ticket::open("SE-2026-000001"),
            Ticket { plate: "QRS 555", last_name: "Nguyen", dob: "1975-01-30", ..Ticket::open("SE-2026-000002") },
        ],
    )
    .await;
    let numbers = |v: &Value| -> Vec<String> {
        v["citations"].as_array().unwrap().iter().map(|c| c["citation_number"].as_str().unwrap().to_string()).collect()
    };
    let by_number: Value =
        search(&app, &clerk, json!({"citation_number": "se 2O26 000001"})).await.json().await.unwrap();
    assert_eq!(numbers(&by_number), vec!["SE-2026-000001"]);
    assert_eq!(by_number["citations"][0]["name"], "Ana Hernández");
    assert_eq!(by_number["citations"][0]["status"], "open");
    assert!(by_number["citations"][0]["court_date"].is_string());
    assert!(!by_number.to_string().contains("1988-04-12"), "no birth dates in the list");
    let by_name: Value = search(&app, &prosecutor, json!({"last_name": "nguyen", "date_of_birth": "1975-01-30"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(numbers(&by_name), vec!["SE-2026-000002"]);
    let by_plate: Value = search(&app, &clerk, json!({"plate": "qrs-555"})).await.json().await.unwrap();
    assert_eq!(numbers(&by_plate), vec!["SE-2026-000002"]);
    let none: Value = search(&app, &clerk, json!({"plate": "ZZZ999"})).await.json().await.unwrap();
    assert_eq!(none["count"], 0);
    let e = error_body(search(&app, &clerk, json!({"last_name": "Nguyen"})).await, 422, "invalid").await;
    assert!(e["error"]["fields"]["date_of_birth"].is_string());
    error_body(search(&app, &clerk, json!({"plate": "X1", "citation_number": "SE-2026-000001"})).await, 422, "invalid")
        .await;
    let searches: Vec<_> = events(&app).await.into_iter().filter(|e| e.1 == "citations.search").collect();
    let keys: Vec<&str> = searches.iter().map(|e| e.3.as_str()).collect();
    assert_eq!(keys, vec!["citation_number", "last_name_and_date_of_birth", "plate", "plate"]);
    assert_eq!(searches[0].4["count"], 1);
    assert!(!format!("{searches:?}").contains("Nguyen"), "the values searched for are not recorded");
}

on_both_backends!(the_whole_case_has_every_part_and_its_timeline, staff_search_by_number_name_and_birth_date_or_plate);
