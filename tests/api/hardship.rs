//! Unable to pay (issue 9 point 5) through the API and the console: a guilty plea online → amount
//! due → a request for a payment plan (`POST /api/v1/public/hardship`) → the clerks' queue → a
//! plan granted on the console form → the amount-due letter that states it (pdftotext) → the
//! status with the new due date and the timeline; each field's error, the uniform 404, one pending
//! request per case, a case with nothing due, and who may decide.

use crate::console::{location, signed_in, text};
use crate::deadlines::{letters_of, run_once};
use crate::helpers::{error_body, events, TestApp};
use crate::later_letters::{assert_says, words};
use crate::on_both_backends;
use crate::paper_support::*;
use chrono::Days;
use pleadesk::domain::deadline::CourtCalendar;
use pleadesk::domain::{Language, Role};
use pleadesk::letters::strings::long_date;
use serde_json::{json, Value};

pub const DOB: &str = "1988-04-12";

/// A ticket of one $135.00 charge (`language` for its letters) pleaded guilty online; returns
/// the confirmation code.
pub async fn guilty_online(app: &TestApp, clerk: &str, number: &str, language: &str) -> String {
    import(app, clerk, &[Ticket { language, ..Ticket::open(number) }]).await;
    let body = json!({
        "citation_number": number, "date_of_birth": DOB, "pleas": [{"charge_seq": 1, "plea": "guilty"}],
        "signature_name": "Ana Hernández", "attest": true
    });
    let resp = app.client.post(app.url("/api/v1/public/pleas")).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 201, "{:?}", resp.text().await);
    let receipt: Value = resp.json().await.unwrap();
    assert_eq!(case(app, clerk, number).await["status"], "amount_due");
    receipt["confirmation"].as_str().unwrap().to_string()
}

pub async fn request(app: &TestApp, body: &Value) -> reqwest::Response {
    app.client.post(app.url("/api/v1/public/hardship")).json(body).send().await.unwrap()
}

/// Asks for a payment plan on the case `confirmation` opens; the 201's body.
pub async fn ask(app: &TestApp, confirmation: &str, dob: &str) -> Value {
    let body = json!({"confirmation": confirmation, "date_of_birth": dob, "kind": "payment_plan",
        "statement": "I lost my job in October. I can pay $45 a month."});
    let resp = request(app, &body).await;
    assert_eq!(resp.status(), 201, "{:?}", resp.text().await);
    resp.json().await.unwrap()
}

pub async fn status(app: &TestApp, confirmation: &str) -> Value {
    let body = json!({"confirmation": confirmation, "date_of_birth": DOB});
    let resp = app.client.post(app.url("/api/v1/public/status")).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

/// The PDF of the letter the console's request page links to, as words.
pub async fn decision_letter(app: &TestApp, clerk: &str, page: &str) -> String {
    let at = page.find("/staff/letters/").expect("a link to the letter") + "/staff/letters/".len();
    let id: i64 = page[at..].split('/').next().unwrap().parse().unwrap();
    app.run_jobs().await;
    let resp = app.get(clerk, &format!("/api/v1/letters/{id}/pdf")).await;
    assert_eq!(resp.status(), 200);
    words(&resp.bytes().await.unwrap())
}

async fn a_plan_asked_online_is_granted_by_a_clerk_and_its_letter_states_it(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    let code = guilty_online(&app, &clerk.token, "HS-2026-000001", "en").await;
    let before = status(&app, &code).await;
    assert_eq!(before["hardship_open"], true);
    assert!(before["hardship"].is_null());
    let asked = ask(&app, &code, DOB).await;
    assert_eq!((&asked["kind"], &asked["status"]), (&json!("payment_plan"), &json!("pending")));
    assert_eq!(status(&app, &code).await["hardship_open"], false, "one request at a time");

    // The clerks' queue and dashboard.
    let (b, csrf) = signed_in(&app, &clerk).await;
    let (_, dash) = text(&b, &app, "/staff").await;
    assert!(dash.contains(r#"<td id="queue-hardship">1</td>"#), "{dash}");
    let (code_200, queue) = text(&b, &app, "/staff/queues/hardship").await;
    assert_eq!(code_200, 200);
    let link = format!("/staff/hardship/{}", asked["id"]);
    assert!(queue.contains(&link) && queue.contains("HS-2026-000001") && queue.contains("payment plan"), "{queue}");
    let (_, page) = text(&b, &app, &link).await;
    assert!(page.contains("I lost my job in October") && page.contains("$135.00"), "{page}");

    // A plan of three payments: $45.00 a month from a month from now.
    let first = today().checked_add_days(Days::new(30)).unwrap();
    let dates: Vec<_> = (0..3).map(|i| first.checked_add_months(chrono::Months::new(i)).unwrap()).collect();
    let first_s = first.to_string();
    let grant = [
        ("csrf", csrf.as_str()),
        ("kind", "payment_plan"),
        ("instalments", "3"),
        ("per_month", "45.00"),
        ("first_due_on", first_s.as_str()),
        ("due_on", ""),
        ("hours", ""),
    ];
    let r = b.post(app.url(&format!("{link}/grant"))).form(&grant).send().await.unwrap();
    assert_eq!(location(&r), format!("{link}?done=granted"));
    let (_, page) = text(&b, &app, &format!("{link}?done=granted")).await;
    assert!(page.contains("The request was granted") && page.contains(r#"id="decided""#), "{page}");
    let letter = decision_letter(&app, &clerk.token, &page).await;
    assert_says(&letter, "plan letter", &["you asked the court for a payment plan", "3 monthly payments of $45.00"]);
    for d in &dates {
        assert_says(&letter, "plan letter", &[&format!("{}: $45.00", long_date(*d, Language::En))]);
    }
    // Granting twice is refused; the queue is empty again.
    let r = b.post(app.url(&format!("{link}/grant"))).form(&grant).send().await.unwrap();
    assert_eq!(r.status(), 409);
    let (_, queue) = text(&b, &app, "/staff/queues/hardship").await;
    assert!(queue.contains(r#"id="queue-empty""#), "{queue}");

    // The status: the last instalment is the new payment deadline; the timeline tells it all.
    let now = status(&app, &code).await;
    assert_eq!(now["next"]["pay_by"], dates[2].to_string(), "{now}");
    assert_eq!(now["next"]["charges"][0]["pay_by"], dates[2].to_string());
    assert_eq!(now["hardship"]["status"], "granted");
    assert_eq!(now["hardship"]["instalments"].as_array().unwrap().len(), 3);
    let kinds: Vec<&str> = now["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    for k in ["issued", "plea_received", "amount_due", "hardship_requested", "hardship_granted", "letter_sent"] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    let said = now["timeline"].to_string();
    assert!(
        said.contains("You asked the court for a payment plan.") && said.contains("The court granted a payment plan.")
    );
    assert!(!said.contains(&clerk.name) && !said.contains("staff:") && !said.contains("lost my job"), "{said}");
    // The clerk's case page counts down to the same date.
    let (_, case_page) = text(&b, &app, "/staff/cases/HS-2026-000001").await;
    let due = format!(r#"id="next-deadline">Payment due by <strong>{}</strong>"#, dates[2].format("%B %-d, %Y"));
    assert!(case_page.contains(&due), "{case_page}");
    let trail: Vec<(String, Value)> =
        events(&app).await.into_iter().filter(|e| e.1.starts_with("hardship.")).map(|e| (e.1, e.4)).collect();
    let actions: Vec<&str> = trail.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(actions, ["hardship.requested", "hardship.read", "hardship.granted", "hardship.read", "hardship.read"]);
    assert!(!format!("{trail:?}").contains("lost my job"), "the statement stays out of the trail");
}

async fn a_request_names_each_bad_field_and_a_wrong_birth_date_is_not_found(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let code = guilty_online(&app, &clerk, "HS-2026-000002", "en").await;
    let wrong = json!({"confirmation": code, "date_of_birth": "1988-04-13", "kind": "more_time", "statement": "x"});
    let body = error_body(request(&app, &wrong).await, 404, "not_found").await;
    let unknown = json!({"confirmation": "PD-ZZZZ-ZZZZ", "date_of_birth": DOB, "kind": "more_time", "statement": "x"});
    assert_eq!(error_body(request(&app, &unknown).await, 404, "not_found").await, body, "the same 404");
    let bad = json!({"confirmation": code, "date_of_birth": DOB, "kind": "forgiveness", "statement": "  "});
    let body = error_body(request(&app, &bad).await, 422, "invalid").await;
    assert_eq!(body["error"]["fields"]["kind"], "Choose what you are asking for.");
    assert!(body["error"]["fields"]["statement"].as_str().unwrap().contains("why you cannot pay"));
    let long = json!({"confirmation": code, "date_of_birth": DOB, "kind": "more_time", "statement": "a".repeat(1001),
        "language": "es"});
    let body = error_body(request(&app, &long).await, 422, "invalid").await;
    assert!(body["error"]["fields"]["statement"].as_str().unwrap().contains("1,000 caracteres"), "{body}");
    assert!(body["error"]["fields"].get("kind").is_none());
    ask(&app, &code, DOB).await;
    let again = json!({"confirmation": code, "date_of_birth": DOB, "kind": "more_time", "statement": "Still no job."});
    let body = error_body(request(&app, &again).await, 409, "conflict").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("already sent a request"), "{body}");
    // Paid in full: nothing is due, nothing to ask.
    crate::payments::paid(&app, &clerk, "HS-2026-000002", crate::payments::check(13_500, "77")).await;
    let body = error_body(request(&app, &again).await, 409, "conflict").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("no amount due"), "{body}");
    let nothing = events(&app).await.into_iter().filter(|e| e.1 == "hardship.requested").count();
    assert_eq!(nothing, 1, "only the accepted request is recorded");
}

async fn only_clerks_decide_and_bad_terms_are_named(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    let code = guilty_online(&app, &clerk.token, "HS-2026-000003", "en").await;
    let asked = ask(&app, &code, DOB).await;
    let link = format!("/staff/hardship/{}", asked["id"]);
    let prosecutor = app.staff(Role::Prosecutor).await;
    let (p, p_csrf) = signed_in(&app, &prosecutor).await;
    assert_eq!(text(&p, &app, "/staff/queues/hardship").await.0, 403);
    let r = p.post(app.url(&format!("{link}/deny"))).form(&[("csrf", p_csrf.as_str()), ("reason", "No.")]);
    assert_eq!(r.send().await.unwrap().status(), 403);
    let (b, csrf) = signed_in(&app, &clerk).await;
    let bad = [
        ("csrf", csrf.as_str()),
        ("kind", "payment_plan"),
        ("instalments", "2"),
        ("per_month", "10.00"),
        ("first_due_on", "2020-01-01"),
    ];
    let r = b.post(app.url(&format!("{link}/grant"))).form(&bad).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap().replace("&#x2f;", "/");
    assert!(page.contains(r#"id="first_due_on-error""#) && page.contains("must be after today"), "{page}");
    assert!(page.contains(r#"value="10.00""#), "what was typed is kept");
    let r = b.post(app.url(&format!("{link}/deny"))).form(&[("csrf", csrf.as_str()), ("reason", " ")]);
    let r = r.send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(r#"id="reason-error""#));
    assert_eq!(status(&app, &code).await["hardship"]["status"], "pending", "nothing was decided");
    assert_eq!(text(&b, &app, "/staff/hardship/999999").await.0, 404);
}

/// The fields a grant's form adds to the kind and due date.
type Extra<'a> = &'a [(&'a str, &'a str)];

async fn more_time_and_community_service_are_granted_with_their_dates(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    let (b, csrf) = signed_in(&app, &clerk).await;
    let due = today().checked_add_days(Days::new(45)).unwrap();
    let (due_s, on) = (due.to_string(), long_date(due, Language::En));
    let grants: [(&str, Extra, String); 2] = [
        ("more_time", &[], format!("The court gives you more time: please pay $135.00 by {on}.")),
        ("community_service", &[("hours", "20")], format!("you may do 20 hours of community service instead of paying the amount below. Do the hours and bring or mail the proof to the court by {on}.")),
    ];
    for (i, (kind, extra, says)) in grants.iter().enumerate() {
        let number = format!("HS-2026-00001{i}");
        let code = guilty_online(&app, &clerk.token, &number, "en").await;
        let link = format!("/staff/hardship/{}", ask(&app, &code, DOB).await["id"]);
        let mut form = vec![("csrf", csrf.as_str()), ("kind", *kind), ("due_on", due_s.as_str())];
        form.extend_from_slice(extra);
        let r = b.post(app.url(&format!("{link}/grant"))).form(&form).send().await.unwrap();
        assert_eq!(location(&r), format!("{link}?done=granted"));
        let (_, page) = text(&b, &app, &link).await;
        assert_says(&decision_letter(&app, &clerk.token, &page).await, kind, &[says]);
        let now = status(&app, &code).await;
        assert_eq!((&now["next"]["pay_by"], &now["hardship"]["granted_kind"]), (&json!(due_s), &json!(kind)), "{now}");
    }
}

/// A grant's date replaces the payment window for the daily job too: the payment reminder comes
/// before the granted date, not before the date the window gave.
async fn the_payment_reminder_follows_the_granted_date(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    let (b, csrf) = signed_in(&app, &clerk).await;
    let code = guilty_online(&app, &clerk.token, "HS-2026-000031", "en").await;
    let window = pleadesk::domain::next_steps::pay_by(today(), Default::default(), &CourtCalendar::default());
    let due = today().checked_add_days(Days::new(60)).unwrap();
    let link = format!("/staff/hardship/{}", ask(&app, &code, DOB).await["id"]);
    let form = [("csrf", csrf.as_str()), ("kind", "more_time"), ("due_on", &due.to_string())];
    let r = b.post(app.url(&format!("{link}/grant"))).form(&form).send().await.unwrap();
    assert_eq!(location(&r), format!("{link}?done=granted"));
    let week_before = |d: chrono::NaiveDate| d.checked_sub_days(Days::new(7)).unwrap();
    let out = run_once(&app, week_before(window));
    assert!(out.contains("0 reminders"), "the window's date no longer stands: {out}");
    let out = run_once(&app, week_before(due));
    assert!(out.contains("1 reminders"), "{out}");
    let c = case(&app, &clerk.token, "HS-2026-000031").await;
    let reminders = letters_of(&c, "reminder");
    assert_eq!(reminders.len(), 1, "{c}");
    app.run_jobs().await;
    let resp = app.get(&clerk.token, &format!("/api/v1/letters/{}/pdf", reminders[0]["id"])).await;
    assert_eq!(resp.status(), 200);
    assert_says(&words(&resp.bytes().await.unwrap()), "payment reminder", &[&long_date(due, Language::En)]);
}

on_both_backends!(
    a_plan_asked_online_is_granted_by_a_clerk_and_its_letter_states_it,
    more_time_and_community_service_are_granted_with_their_dates,
    a_request_names_each_bad_field_and_a_wrong_birth_date_is_not_found,
    only_clerks_decide_and_bad_terms_are_named,
    the_payment_reminder_follows_the_granted_date,
);
