use crate::helpers::{error_body, fixture, sample, spawn, Backend, TestApp};
use crate::on_both_backends;
use pleadesk::domain::Role;
use serde_json::{json, Value};

async fn import(app: &TestApp, token: &str, content_type: &str, body: Vec<u8>) -> Value {
    let resp = app.post_import(token, content_type, body).await;
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

/// (line, citation_number, error) of every rejected row.
fn rejected(summary: &Value) -> Vec<(u64, String, String)> {
    summary["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["citation_number"].as_str().unwrap().to_string(),
                r["error"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn samples_import_once_and_then_change_nothing(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let first = import(&app, &clerk, "text/csv", sample("citations.csv")).await;
    assert_eq!(first, json!({"imported": 12, "updated": 0, "unchanged": 0, "rejected": []}));
    let again = import(&app, &clerk, "text/csv; charset=utf-8", sample("citations.csv")).await;
    assert_eq!(again, json!({"imported": 0, "updated": 0, "unchanged": 12, "rejected": []}));

    let case: Value = app.get_citation(&clerk, "dv-2026-000103").await.json().await.unwrap();
    assert_eq!(case["citation_number"], "DV-2026-000103");
    assert_eq!(case["status"], "open");
    assert_eq!(case["issued_at"], "2026-10-04T23:02:00+00:00", "stored in UTC");
    assert_eq!(case["court_date"], "2026-12-16");
    // court date minus 10 days is Sunday 2026-12-06: the deadline rolls to Monday.
    assert_eq!(case["response_due"], "2026-12-07");
    assert_eq!(case["location"], "I-25 NB, mile 210");
    assert_eq!(case["defendant"]["last_name"], "Muñoz Peña");
    assert_eq!(case["defendant"]["date_of_birth"], "1992-07-01");
    assert_eq!(case["defendant"]["language"], "es");
    assert_eq!(case["defendant"]["phone"], Value::Null);
    let charges = case["charges"].as_array().unwrap();
    assert_eq!(charges.len(), 2);
    assert_eq!(charges[0]["seq"], 1);
    assert_eq!(charges[0]["offense_code"], "42-4-1101-D");
    assert_eq!(charges[0]["fine_cents"], 20000);
    assert_eq!(charges[0]["points"], 6);
    assert_eq!(charges[0]["description"], "Speeding 20-24 mph over the limit");
    assert_eq!(charges[1]["fine_cents"], 50000);
    assert_eq!(case["total_fine_cents"], 70000);

    // A must-appear offense is marked as such.
    let case: Value = app.get_citation(&clerk, "DV-2026-000105").await.json().await.unwrap();
    assert_eq!(case["charges"][0]["must_appear"], true);
    assert_eq!(case["charges"][0]["plea_by_mail"], false);

    error_body(app.get_citation(&clerk, "DV-2099-000001").await, 404, "not_found").await;
    let bad = error_body(app.get_citation(&clerk, "not%20a%20number").await, 422, "invalid").await;
    assert!(bad["error"]["fields"]["number"].is_string());
}

async fn a_changed_row_updates_the_citation(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    import(&app, &clerk, "text/csv", sample("citations.csv")).await;
    let text = String::from_utf8(sample("citations.csv")).unwrap();
    let changed = text.replace(
        "DV-2026-000102,DPD,2026-10-03T09:40:00-06:00,Speer Blvd & Lincoln St,P2211,2026-12-15",
        "DV-2026-000102,DPD,2026-10-03T09:40:00-06:00,Speer Blvd & Lincoln St,P2211,2027-01-12",
    );
    assert_ne!(changed, text);
    let summary = import(&app, &clerk, "text/csv", changed.into_bytes()).await;
    assert_eq!(summary, json!({"imported": 0, "updated": 1, "unchanged": 11, "rejected": []}));
    let case: Value = app.get_citation(&clerk, "DV-2026-000102").await.json().await.unwrap();
    assert_eq!(case["court_date"], "2027-01-12");
    assert_eq!(case["response_due"], "2027-01-04", "the deadline follows the new court date");

    // A charge removed by the police system disappears from the case.
    let text = String::from_utf8(sample("citations.csv")).unwrap();
    let fewer: String = text
        .lines()
        .filter(|l| !(l.starts_with("DV-2026-000103") && l.contains(",2,42-4-1409,")))
        .map(|l| format!("{l}\n"))
        .collect();
    let summary = import(&app, &clerk, "text/csv", fewer.into_bytes()).await;
    assert_eq!(summary["updated"], 2, "{summary}");
    let case: Value = app.get_citation(&clerk, "DV-2026-000103").await.json().await.unwrap();
    assert_eq!(case["charges"].as_array().unwrap().len(), 1);
}

async fn every_bad_row_is_named_and_good_citations_still_import(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let summary = import(&app, &clerk, "text/csv", fixture("bad_rows.csv")).await;
    // Good: T-0001 (two charges), T-0009 (quoted comma and newline), T-0011.
    assert_eq!(summary["imported"], 3, "{summary}");
    assert_eq!(summary["updated"], 0);
    assert_eq!(summary["unchanged"], 0);
    let rows = rejected(&summary);
    let error_on = |line: u64| -> String {
        rows.iter().find(|r| r.0 == line).unwrap_or_else(|| panic!("line {line} not rejected: {summary}")).2.clone()
    };
    let expect = |line: u64, number: &str, words: &str| {
        let r = rows.iter().find(|r| r.0 == line).unwrap_or_else(|| panic!("line {line} not rejected: {summary}"));
        assert_eq!(r.1, number, "line {line}");
        assert!(r.2.contains(words), "line {line}: expected '{words}' in '{}'", r.2);
    };
    expect(4, "T-0002", "unknown offense code '99-9-999'");
    expect(5, "T-0003", "court_date '2026-13-01' is not a date");
    expect(6, "T-0004", "charge numbers must run 1, 2, 3");
    expect(7, "T-0004", "line 6 of the same citation was rejected");
    expect(9, "T-0005", "charge 1 appears twice with different values (lines 8 and 9)");
    expect(8, "T-0005", "line 9 of the same citation was rejected");
    expect(11, "T-0006", "'last_name' differs from line 10");
    expect(10, "T-0006", "not imported");
    expect(12, "T-0007", "date_of_birth 2027-01-01 is after the ticket was issued");
    expect(13, "T-0008", "fine");
    expect(16, "T-0010", "this line has 4 values but the header has 26 columns");
    assert!(error_on(6).contains("1, 3"));
    assert_eq!(rows.len(), 11, "{summary}");
    assert!(rows.windows(2).all(|w| w[0].0 <= w[1].0), "sorted by line");

    // Nothing of a rejected citation was written; the good ones were, whole.
    assert_eq!(app.get_citation(&clerk, "T-0004").await.status(), 404);
    assert_eq!(app.get_citation(&clerk, "T-0006").await.status(), 404);
    let t1: Value = app.get_citation(&clerk, "T-0001").await.json().await.unwrap();
    assert_eq!(t1["charges"].as_array().unwrap().len(), 2);
    let t9: Value = app.get_citation(&clerk, "T-0009").await.json().await.unwrap();
    assert_eq!(t9["location"], "I-25 NB, mile 210 near exit");
    assert_eq!(t9["defendant"]["last_name"], "Nguyễn");
}

async fn bom_crlf_and_quotes_are_read(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let summary = import(&app, &clerk, "text/csv", fixture("bom_crlf.csv")).await;
    assert_eq!(summary, json!({"imported": 2, "updated": 0, "unchanged": 0, "rejected": []}));
    let b1: Value = app.get_citation(&clerk, "B-0001").await.json().await.unwrap();
    assert_eq!(b1["citation_number"], "B-0001", "the BOM is not part of the first column");
    assert_eq!(b1["location"], "Speer Blvd, \"north\" side");
    let b2: Value = app.get_citation(&clerk, "B-0002").await.json().await.unwrap();
    assert_eq!(b2["defendant"]["last_name"], "Muñoz Peña");
    assert_eq!(b2["charges"].as_array().unwrap().len(), 2);
}

async fn unusable_files_get_a_clear_error_and_change_nothing(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let cases = [
        ("missing_column.csv", "missing column(s): offense_code"),
        ("latin1.csv", "not UTF-8"),
        ("empty.csv", "the file is empty"),
    ];
    for (file, words) in cases {
        let body = error_body(app.post_import(&clerk, "text/csv", fixture(file)).await, 422, "invalid").await;
        let msg = body["error"]["message"].as_str().unwrap();
        assert!(msg.contains(words), "{file}: '{msg}'");
    }
    let body =
        error_body(app.post_import(&clerk, "application/xml", "<x/>").await, 415, "unsupported_media_type").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("text/csv"));
    let body = error_body(app.post_import(&clerk, "application/json", "{not json").await, 422, "invalid").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("JSON array"));
    assert_eq!(app.get_citation(&clerk, "M-0001").await.status(), 404);
    assert_eq!(app.get_citation(&clerk, "L-0001").await.status(), 404);
}

async fn a_citation_with_a_plea_is_never_overwritten(app: TestApp) {
    use diesel::prelude::*;
    use pleadesk::db::schema::{citations, submissions};
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    import(&app, &clerk, "text/csv", sample("citations.csv")).await;
    // A plea arrives for DV-2026-000101 (the plea endpoints come later; write the row directly).
    app.with_db(|c| {
        let id: i64 = citations::table
            .filter(citations::citation_number.eq("DV-2026-000101"))
            .select(citations::id)
            .first(c)
            .unwrap();
        let now = pleadesk::db::now();
        diesel::insert_into(submissions::table)
            .values((
                submissions::citation_id.eq(id),
                submissions::confirmation.eq("TEST-CONF-1"),
                submissions::channel.eq("online"),
                submissions::status.eq("linked"),
                submissions::received_at.eq(now),
                submissions::language.eq("es"),
                submissions::created_at.eq(now),
                submissions::updated_at.eq(now),
            ))
            .execute(c)
            .unwrap();
    })
    .await;
    // Unchanged rows of it are still fine.
    let same = import(&app, &clerk, "text/csv", sample("citations.csv")).await;
    assert_eq!(same["unchanged"], 12);
    // A change to it is refused; the other citations in the file still import.
    let text = String::from_utf8(sample("citations.csv")).unwrap().replace(",135.00,4", ",35.00,4");
    let summary = import(&app, &clerk, "text/csv", text.into_bytes()).await;
    assert_eq!(summary["updated"], 0);
    assert_eq!(summary["unchanged"], 11);
    let rows = rejected(&summary);
    assert_eq!(rows.len(), 1, "{summary}");
    assert_eq!(rows[0].0, 2);
    assert_eq!(rows[0].1, "DV-2026-000101");
    assert!(rows[0].2.contains("already has a plea"), "{}", rows[0].2);
    let case: Value = app.get_citation(&clerk, "DV-2026-000101").await.json().await.unwrap();
    assert_eq!(case["charges"][0]["fine_cents"], 13500, "the fine was not overwritten");
}

async fn json_rows_import_like_csv(app: TestApp) {
    app.load_offenses().await;
    let token = app.token(Role::Integration).await;
    let row = |seq: u32, code: &str, fine: Value| {
        json!({
            "citation_number": "J-0001", "agency": "DPD", "issued_at": "2026-10-03T08:14:00",
            "location": "Colfax & Grant", "officer_badge": "P1", "court_date": "2026-12-15",
            "first_name": "Ana", "middle_name": null, "last_name": "Pérez", "date_of_birth": "1990-01-02",
            "address_line1": "1 Main St", "address_line2": "", "city": "Denver", "state": "co",
            "postal_code": "80202", "license_number": "", "license_state": "", "plate": "", "plate_state": "",
            "email": "", "phone": "", "language": "", "charge_seq": seq, "offense_code": code, "fine": fine, "points": 4
        })
    };
    let body = json!([row(1, "42-4-1101-C", json!("135.00")), row(2, "42-4-604", json!(100))]);
    let summary = import(&app, &token, "application/json", serde_json::to_vec(&body).unwrap()).await;
    assert_eq!(summary, json!({"imported": 1, "updated": 0, "unchanged": 0, "rejected": []}));
    // An integration imports but may not read cases: a clerk looks.
    let clerk = app.token(Role::Clerk).await;
    let case: Value = app.get_citation(&clerk, "J-0001").await.json().await.unwrap();
    assert_eq!(case["issued_at"], "2026-10-03T14:14:00+00:00", "no offset: the court's time zone");
    assert_eq!(case["defendant"]["address"]["state"], "CO");
    assert_eq!(case["defendant"]["language"], "en");
    assert_eq!(case["charges"][1]["fine_cents"], 10000);

    let bad = json!([row(1, "NOPE", json!("1.00"))]);
    let summary = import(&app, &token, "application/json", serde_json::to_vec(&bad).unwrap()).await;
    let rows = rejected(&summary);
    assert_eq!(rows[0].0, 1, "JSON rows are numbered by position");
    assert!(rows[0].2.contains("unknown offense code 'NOPE'"));
}

/// Several clerks importing the same file at once: every citation is written exactly once and
/// nothing is rejected.
async fn concurrent_imports_of_one_file_write_each_citation_once(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let sends = (0..4).map(|_| app.post_import(&clerk, "text/csv", sample("citations.csv")));
    let mut imported = 0;
    for resp in futures_util::future::join_all(sends).await {
        assert_eq!(resp.status(), 200);
        let summary: Value = resp.json().await.unwrap();
        assert_eq!(summary["rejected"], json!([]), "{summary}");
        assert_eq!(summary["imported"].as_u64().unwrap() + summary["unchanged"].as_u64().unwrap(), 12, "{summary}");
        imported += summary["imported"].as_u64().unwrap();
    }
    assert_eq!(imported, 12);
    let case: Value = app.get_citation(&clerk, "DV-2026-000112").await.json().await.unwrap();
    assert_eq!(case["charges"].as_array().unwrap().len(), 2);
}

on_both_backends!(
    concurrent_imports_of_one_file_write_each_citation_once,
    samples_import_once_and_then_change_nothing,
    a_changed_row_updates_the_citation,
    every_bad_row_is_named_and_good_citations_still_import,
    bom_crlf_and_quotes_are_read,
    unusable_files_get_a_clear_error_and_change_nothing,
    a_citation_with_a_plea_is_never_overwritten,
    json_rows_import_like_csv,
);

#[actix_web::test]
async fn bodies_over_the_limit_get_413() {
    let app = spawn(Backend::Sqlite, &[("PLEADESK_MAX_IMPORT_BYTES", "2048")]).await;
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let big = sample("citations.csv");
    assert!(big.len() > 2048);
    let body = error_body(app.post_import(&clerk, "text/csv", big.clone()).await, 413, "payload_too_large").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("2048 bytes"));
    // Without a Content-Length (chunked), the limit still holds.
    let stream =
        futures_util::stream::iter(big.chunks(512).map(|c| Ok::<_, std::io::Error>(c.to_vec())).collect::<Vec<_>>());
    let resp = app.post_import(&clerk, "text/csv", reqwest::Body::wrap_stream(stream)).await;
    error_body(resp, 413, "payload_too_large").await;
    assert_eq!(app.get_citation(&clerk, "DV-2026-000101").await.status(), 404);
}
