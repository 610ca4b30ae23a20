//! Match suggestions for paper pleas that name no filed citation, the one-call link, and the
//! unmatched queue linked automatically when the citation is imported.

use crate::helpers::{error_body, events, TestApp};
use crate::on_both_backends;
use crate::paper_support::*;
use pleadesk::domain::Role;
use serde_json::{json, Value};

fn tickets() -> Vec<Ticket<'static>> {
    vec![
        Ticket::open("DV-2026-000101"),
        Ticket { last_name: "Nguyen", dob: "1975-01-30", plate: "XYZ-987", ..Ticket::open("DV-2026-000110") },
        Ticket { last_name: "Smith", dob: "1990-06-01", plate: "SMI 001", ..Ticket::open("DV-2026-000555") },
    ]
}

/// (citation number, reasons) of an answer's suggestions.
fn suggested(answer: &Value) -> Vec<(String, Vec<String>)> {
    answer["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let reasons = s["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect();
            (s["citation_number"].as_str().unwrap().to_string(), reasons)
        })
        .collect()
}

fn claim(fields: Value) -> Value {
    let mut body =
        json!({"postmark_date": today().to_string(), "pleas": [{"charge_seq": 1, "plea": "guilty"}], "signed": true});
    for (k, v) in fields.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

async fn suggestions_rank_near_numbers_names_and_plates_with_reasons(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    import(&app, &clerk, &tickets()).await;
    let typo = keyed(&app, &clerk, &claim(json!({"citation_number": "DV-2026-000102"}))).await;
    assert_eq!(typo["status"], "unmatched");
    assert_eq!(typo["citation_number"], Value::Null);
    let s = suggested(&typo);
    assert_eq!(s[0], ("DV-2026-000101".into(), vec!["number differs in 1 character".into()]));
    assert!(s.iter().any(|(n, r)| n == "DV-2026-000110" && r == &vec!["number differs in 2 characters".to_string()]));
    assert!(!s.iter().any(|(n, _)| n == "DV-2026-000555"));
    let swapped = keyed(&app, &clerk, &claim(json!({"citation_number": "DV-2026-001001"}))).await;
    assert_eq!(
        suggested(&swapped)[0],
        ("DV-2026-000101".into(), vec!["number has two neighbouring characters swapped".into()])
    );
    // O for 0 and a missing dash, with a wrong birth date: the number is found but not linked blindly.
    let look_alike =
        keyed(&app, &clerk, &claim(json!({"citation_number": "DV2O26OOO555", "date_of_birth": "1991-06-01"}))).await;
    assert_eq!(look_alike["status"], "unmatched");
    assert_eq!(suggested(&look_alike)[0], ("DV-2026-000555".into(), vec!["number matches".into()]));
    let o_for_0 = keyed(&app, &clerk, &claim(json!({"citation_number": "DV-2026-0OO555X"}))).await;
    assert_eq!(suggested(&o_for_0)[0], ("DV-2026-000555".into(), vec!["number has 1 extra character".into()]));
    let by_name = keyed(&app, &clerk, &claim(json!({"last_name": "NGUYEN", "date_of_birth": "1975-01-30"}))).await;
    assert_eq!(
        suggested(&by_name),
        vec![("DV-2026-000110".into(), vec!["date of birth matches".into(), "last name matches".into()])]
    );
    let by_plate = keyed(&app, &clerk, &claim(json!({"plate": "smi-001"}))).await;
    assert_eq!(suggested(&by_plate), vec![("DV-2026-000555".into(), vec!["plate matches".into()])]);
    let nothing = keyed(&app, &clerk, &claim(json!({"last_name": "Nobody"}))).await;
    assert_eq!(nothing["suggestions"], json!([]));
    // The queue: oldest first, with what was claimed and no birth dates.
    let queue: Value = app.get(&clerk, "/api/v1/submissions?status=unmatched").await.json().await.unwrap();
    assert_eq!(queue["count"], 7);
    assert_eq!(queue["submissions"][0]["id"], typo["id"]);
    assert_eq!(queue["submissions"][0]["claimed_citation_number"], "DV-2026-000102");
    assert!(!queue.to_string().contains("1975-01-30"), "no dates of birth in the queue");
    let listed = events(&app).await.into_iter().filter(|e| e.1 == "submissions.list").count();
    assert_eq!(listed, 1);
}

async fn a_clerk_links_a_suggestion_with_one_call(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    import(&app, &clerk, &tickets()).await;
    let typo = keyed(&app, &clerk, &claim(json!({"citation_number": "DV-2026-000102"}))).await;
    let path = format!("/api/v1/submissions/{}/link", typo["id"]);
    let linked = app.post_json(&clerk, &path, &json!({"citation_number": "DV-2026-000101"})).await;
    assert_eq!(linked.status(), 200);
    let linked: Value = linked.json().await.unwrap();
    assert_eq!(linked["status"], "linked", "{linked}");
    assert_eq!(linked["citation_number"], "DV-2026-000101");
    assert_eq!(letters(&app, &clerk, &linked["letter_ids"]).await, vec![("acknowledgement".into(), "en".into())]);
    assert_eq!(case(&app, &clerk, "DV-2026-000101").await["status"], "amount_due");
    let event = events(&app).await.into_iter().find(|e| e.1 == "submission.linked").unwrap();
    assert_eq!(event.3, "DV-2026-000101");
    assert_eq!(event.4["how"], "clerk");
    // Applied to a case: not moved elsewhere.
    let again = app.post_json(&clerk, &path, &json!({"citation_number": "DV-2026-000110"})).await;
    error_body(again, 409, "conflict").await;
    let unknown = app.post_json(&clerk, &path, &json!({"citation_number": "DV-2026-999999"})).await;
    let e = error_body(unknown, 422, "invalid").await;
    assert!(e["error"]["fields"]["citation_number"].is_string());
    let missing =
        app.post_json(&clerk, "/api/v1/submissions/999999/link", &json!({"citation_number": "DV-2026-000101"})).await;
    error_body(missing, 404, "not_found").await;
    // A plea for a charge the chosen case does not have: refused, left unmatched.
    let two =
        keyed(&app, &clerk, &claim(json!({"citation_number": "XX-1", "pleas": [{"charge_seq": 2, "plea": "guilty"}]})))
            .await;
    let path = format!("/api/v1/submissions/{}/link", two["id"]);
    let e =
        error_body(app.post_json(&clerk, &path, &json!({"citation_number": "DV-2026-000110"})).await, 422, "invalid")
            .await;
    assert!(e["error"]["fields"]["pleas.2"].is_string(), "{e}");
    let queue: Value = app.get(&clerk, "/api/v1/submissions?status=unmatched").await.json().await.unwrap();
    assert_eq!(queue["count"], 1);
}

async fn a_waiting_plea_is_linked_when_its_citation_is_imported(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let before = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let body =
        |dob: &str| claim(json!({"citation_number": "dv 2026 000777", "date_of_birth": dob, "last_name": "Hernández"}));
    let waiting = keyed(&app, &clerk, &body("1988-04-12")).await;
    assert_eq!(waiting["status"], "unmatched");
    let other_person = keyed(&app, &clerk, &body("1988-04-13")).await;
    let summary = import(&app, &clerk, &[Ticket::open("DV-2026-000777")]).await;
    assert_eq!(summary["imported"], 1);
    assert_eq!(summary["linked_pleas"], 1);
    let whole = case(&app, &clerk, "DV-2026-000777").await;
    assert_eq!(whole["status"], "amount_due");
    let event = events(&app).await.into_iter().find(|e| e.1 == "submission.linked").unwrap();
    assert_eq!((event.3.as_str(), event.4["how"].as_str()), ("DV-2026-000777", Some("import")));
    assert_eq!(event.4["submission_id"], waiting["id"]);
    // The birth date differs: still waiting.
    let queue: Value = app.get(&clerk, "/api/v1/submissions?status=unmatched").await.json().await.unwrap();
    assert_eq!(queue["count"], 1);
    assert_eq!(queue["submissions"][0]["id"], other_person["id"]);
    // What was linked since the clerk last looked.
    let since: Value =
        app.get(&clerk, &format!("/api/v1/submissions?status=linked&since={before}")).await.json().await.unwrap();
    assert_eq!(since["count"], 1, "{since}");
    assert_eq!(since["submissions"][0]["linked_how"], "import");
    assert_eq!(since["submissions"][0]["citation_number"], "DV-2026-000777");
    let later = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let none: Value =
        app.get(&clerk, &format!("/api/v1/submissions?status=linked&since={later}")).await.json().await.unwrap();
    assert_eq!(none["count"], 0);
    // Importing the same file again links nothing more.
    let again = import(&app, &clerk, &[Ticket::open("DV-2026-000777")]).await;
    assert_eq!(again.get("linked_pleas"), None);
}

on_both_backends!(
    suggestions_rank_near_numbers_names_and_plates_with_reasons,
    a_clerk_links_a_suggestion_with_one_call,
    a_waiting_plea_is_linked_when_its_citation_is_imported,
);
