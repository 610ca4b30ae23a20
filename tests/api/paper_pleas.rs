//! Paper pleas keyed in by clerks (`POST /api/v1/submissions`): the deadline by the postmark,
//! the counter, deficiency notices, duplicates, a double-clicked save, and bad input.

use crate::helpers::{error_body, events, TestApp};
use crate::on_both_backends;
use crate::paper_support::*;
use chrono::Days;
use pleadesk::domain::Role;
use serde_json::{json, Value};

async fn a_plea_postmarked_by_the_deadline_is_on_time_though_it_arrives_late(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    import(&app, &clerk, &[Ticket::overdue("PM-2026-000001")]).await;
    let due = date(&case(&app, &clerk, "PM-2026-000001").await["response_due"]);
    assert!(due < today(), "the plea arrives after the deadline");
    let mut body = mail_plea("PM-2026-000001", due, &[(1, "no_contest")]);
    body["enclosed_payment"] = json!({"amount_cents": 13500, "method": "check", "reference": "1042"});
    let answer = keyed(&app, &clerk, &body).await;
    assert_eq!(answer["status"], "linked", "{answer}");
    assert_eq!(answer["citation_number"], "PM-2026-000001");
    assert_eq!(answer["duplicate"], false);
    assert_eq!(answer["suggestions"], json!([]));
    assert_eq!(letters(&app, &clerk, &answer["letter_ids"]).await, vec![("acknowledgement".into(), "en".into())]);
    // The case moved exactly as for an online plea.
    assert_eq!(case(&app, &clerk, "PM-2026-000001").await["status"], "amount_due");
    let id = answer["id"].as_i64().unwrap().to_string();
    let all = events(&app).await;
    let keyed_event = all.iter().find(|e| e.1 == "plea.keyed").expect("plea.keyed");
    assert_eq!((keyed_event.2.as_str(), keyed_event.3.as_str()), ("submission", id.as_str()));
    assert!(keyed_event.0.starts_with("staff:"));
    assert_eq!(keyed_event.4["enclosed_payment_cents"], 13500);
    let linked = all.iter().find(|e| e.1 == "submission.linked").expect("submission.linked");
    assert_eq!((linked.2.as_str(), linked.3.as_str()), ("citation", "PM-2026-000001"));
    assert_eq!(linked.4["how"], "entry");
    assert_eq!(linked.4["status"], "linked");
}

async fn a_plea_postmarked_after_the_deadline_is_kept_as_late(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    import(&app, &clerk, &[Ticket::overdue("PM-2026-000002")]).await;
    let due = date(&case(&app, &clerk, "PM-2026-000002").await["response_due"]);
    let late = due.checked_add_days(Days::new(1)).unwrap();
    let answer = keyed(&app, &clerk, &mail_plea("PM-2026-000002", late, &[(1, "guilty")])).await;
    assert_eq!(answer["status"], "deficient", "{answer}");
    assert_eq!(answer["deficiencies"]["late"], true);
    assert_eq!(answer["letter_ids"], json!([]), "no notice: a late plea is the clerk's to decide");
    assert_eq!(case(&app, &clerk, "PM-2026-000002").await["status"], "open");
    let queue: Value = app.get(&clerk, "/api/v1/submissions?status=deficient").await.json().await.unwrap();
    assert_eq!(queue["count"], 1, "{queue}");
    assert_eq!(queue["submissions"][0]["id"], answer["id"]);
}

async fn a_counter_plea_counts_on_the_day_it_is_handed_in(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    import(&app, &clerk, &[Ticket::open("CT-2026-000001"), Ticket::overdue("CT-2026-000002")]).await;
    let mut body = mail_plea("CT-2026-000001", today(), &[(1, "not_guilty")]);
    body["channel"] = json!("counter");
    let e = error_body(key_in(&app, &clerk, &body, None).await, 422, "invalid").await;
    assert!(e["error"]["fields"]["postmark_date"].as_str().unwrap().contains("counter"), "{e}");
    body.as_object_mut().unwrap().remove("postmark_date");
    let answer = keyed(&app, &clerk, &body).await;
    assert_eq!(answer["status"], "linked", "{answer}");
    let whole = case(&app, &clerk, "CT-2026-000001").await;
    assert_eq!(whole["status"], "hearing_set");
    // The overdue ticket's deadline passed before today: handed in today, it is late.
    body["citation_number"] = json!("CT-2026-000002");
    let answer = keyed(&app, &clerk, &body).await;
    assert_eq!(answer["status"], "deficient");
    assert_eq!(answer["deficiencies"]["late"], true);
}

async fn an_incomplete_plea_gets_a_deficiency_notice_in_its_language(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let two = &[(1, "42-4-1101-C"), (2, "42-4-1409")];
    let en = Ticket { charges: two, ..Ticket::open("DF-2026-000001") };
    let es = Ticket { charges: two, language: "es", ..Ticket::open("DF-2026-000002") };
    import(&app, &clerk, &[en, es]).await;
    let mut unsigned = mail_plea("DF-2026-000001", today(), &[(1, "guilty"), (2, "guilty")]);
    unsigned["signed"] = json!(false);
    let a = keyed(&app, &clerk, &unsigned).await;
    assert_eq!(a["status"], "deficient", "{a}");
    assert_eq!(a["deficiencies"]["unsigned"], true);
    assert_eq!(a["deficiencies"]["missing_pleas"], json!([]));
    let fix_by = date(&a["deficiencies"]["fix_by"]);
    assert!(fix_by >= today().checked_add_days(Days::new(14)).unwrap(), "{fix_by}");
    let b = keyed(&app, &clerk, &mail_plea("DF-2026-000002", today(), &[(1, "no_contest")])).await;
    assert_eq!(b["status"], "deficient");
    assert_eq!(b["deficiencies"]["unsigned"], false);
    assert_eq!(b["deficiencies"]["missing_pleas"], json!([2]));
    assert_eq!(letters(&app, &clerk, &a["letter_ids"]).await, vec![("deficiency_notice".into(), "en".into())]);
    assert_eq!(letters(&app, &clerk, &b["letter_ids"]).await, vec![("deficiency_notice".into(), "es".into())]);
    // Kept and shown, the case not moved: the plea is not accepted yet.
    assert_eq!(case(&app, &clerk, "DF-2026-000001").await["status"], "open");
    let queue: Value = app.get(&clerk, "/api/v1/submissions?status=deficient").await.json().await.unwrap();
    assert_eq!(queue["count"], 2);
    let stats = app.run_jobs().await;
    assert_eq!(stats.parked, 0);
    if cfg!(has_poppler) {
        let text = |id: &Value| {
            let path = format!("/api/v1/letters/{}/pdf", id.as_i64().unwrap());
            let (app, clerk) = (&app, &clerk);
            async move { crate::letters_paper::pdftotext(&app.get(clerk, &path).await.bytes().await.unwrap()) }
        };
        let en = text(&a["letter_ids"][0]).await;
        for words in
            ["We need more from you to accept your plea", "Your signature.", "Plea by Mail Form", "Mark one box"]
        {
            assert!(en.contains(words), "{words}: {en}");
        }
        let es = text(&b["letter_ids"][0]).await;
        for words in
            ["Necesitamos más información", "Una declaración para el cargo 2", "Formulario de declaración por correo"]
        {
            assert!(es.contains(words), "{words}: {es}");
        }
        assert!(!es.contains("Su firma."), "signed: the signature is not asked for");
    }
}

async fn a_second_plea_for_an_answered_case_is_kept_and_flagged(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    import(&app, &clerk, &[Ticket::open("DU-2026-000001")]).await;
    let online = json!({
        "citation_number": "DU-2026-000001", "date_of_birth": "1988-04-12",
        "pleas": [{"charge_seq": 1, "plea": "guilty"}], "signature_name": "Ana Hernández", "attest": true
    });
    let resp = app.client.post(app.url("/api/v1/public/pleas")).json(&online).send().await.unwrap();
    assert_eq!(resp.status(), 201);
    let paper = keyed(&app, &clerk, &mail_plea("DU-2026-000001", today(), &[(1, "not_guilty")])).await;
    assert_eq!(paper["status"], "linked");
    assert_eq!(paper["duplicate"], true);
    assert_eq!(paper["letter_ids"], json!([]));
    // Nothing overwritten: the online plea's status stands until a clerk decides.
    let whole = case(&app, &clerk, "DU-2026-000001").await;
    assert_eq!(whole["status"], "amount_due");
    let dups: Value = app.get(&clerk, "/api/v1/submissions?status=duplicate").await.json().await.unwrap();
    assert_eq!(dups["count"], 1, "{dups}");
    assert_eq!(dups["submissions"][0]["citation_number"], "DU-2026-000001");
    // A third, on paper again: kept too.
    let again = keyed(&app, &clerk, &mail_plea("DU-2026-000001", today(), &[(1, "guilty")])).await;
    assert_eq!(again["duplicate"], true);
}

async fn a_double_clicked_save_records_one_plea(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    import(&app, &clerk, &[Ticket::open("ID-2026-000001")]).await;
    let body = mail_plea("ID-2026-000001", today(), &[(1, "guilty")]);
    let (a, b) = tokio::join!(key_in(&app, &clerk, &body, Some("save-1")), key_in(&app, &clerk, &body, Some("save-1")));
    assert_eq!((a.status(), b.status()), (reqwest::StatusCode::CREATED, reqwest::StatusCode::CREATED));
    let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(a["id"], b["id"]);
    assert_eq!(a["status"], "linked");
    let again: Value = key_in(&app, &clerk, &body, Some("save-1")).await.json().await.unwrap();
    assert_eq!(again, a);
    let keyed_count = events(&app).await.iter().filter(|e| e.1 == "plea.keyed").count();
    assert_eq!(keyed_count, 1);
    let mut other = body.clone();
    other["pleas"] = json!([{"charge_seq": 1, "plea": "not_guilty"}]);
    let e = error_body(key_in(&app, &clerk, &other, Some("save-1")).await, 422, "invalid").await;
    assert!(e["error"]["fields"]["Idempotency-Key"].is_string());
}

async fn bad_input_names_the_field_and_writes_nothing(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    import(&app, &clerk, &[Ticket::open("BI-2026-000001")]).await;
    let before = events(&app).await.len();
    let good = mail_plea("BI-2026-000001", today(), &[(1, "guilty")]);
    let tomorrow = today().checked_add_days(Days::new(1)).unwrap().to_string();
    let cases: Vec<(Value, &str)> = vec![
        (json!({"pleas": [{"charge_seq": 7, "plea": "guilty"}]}), "pleas.7"),
        (json!({"pleas": [{"charge_seq": 1, "plea": "guilt"}]}), "pleas.1"),
        (json!({"enclosed_payment": {"amount_cents": -500, "method": "check"}}), "enclosed_payment.amount_cents"),
        (json!({"enclosed_payment": {"amount_cents": 500, "method": "card"}}), "enclosed_payment.method"),
        (json!({"postmark_date": tomorrow}), "postmark_date"),
        (json!({"postmark_date": "12/01/2026"}), "postmark_date"),
        (json!({"channel": "online"}), "channel"),
        (json!({"document_id": 999}), "document_id"),
        (json!({"date_of_birth": "1988-13-40"}), "date_of_birth"),
        (json!({"email": "not an email"}), "email"),
    ];
    for (change, field) in cases {
        let mut body = good.clone();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let e = error_body(key_in(&app, &clerk, &body, None).await, 422, "invalid").await;
        assert!(e["error"]["fields"][field].is_string(), "{field}: {e}");
    }
    assert_eq!(events(&app).await.len(), before, "nothing written");
    assert_eq!(case(&app, &clerk, "BI-2026-000001").await["status"], "open");
    let resp = app
        .client
        .post(app.url("/api/v1/submissions"))
        .bearer_auth(&clerk)
        .json(&json!({"signed": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422, "a body without pleas");
}

on_both_backends!(
    a_plea_postmarked_by_the_deadline_is_on_time_though_it_arrives_late,
    a_plea_postmarked_after_the_deadline_is_kept_as_late,
    a_counter_plea_counts_on_the_day_it_is_handed_in,
    an_incomplete_plea_gets_a_deficiency_notice_in_its_language,
    a_second_plea_for_an_answered_case_is_kept_and_flagged,
    a_double_clicked_save_records_one_plea,
    bad_input_names_the_field_and_writes_nothing,
);
