//! The case page's summary and timeline as a clerk reads them: the next deadline is the nearest
//! one that applies where the case stands (the payment deadline once an amount is due), and each
//! event is told in court words, with who and when in the court's time zone.

use crate::console::{signed_in, text};
use crate::helpers::{events, TestApp};
use crate::on_both_backends;
use crate::paper_support::*;
use chrono::Days;
use pleadesk::domain::deadline::CourtCalendar;
use pleadesk::domain::{Language, Role};
use pleadesk::letters::strings::long_date;
use serde_json::{json, Value};

fn next_deadline(page: &str) -> &str {
    let at = page.find(r#"<p id="next-deadline">"#).expect("the next deadline is shown");
    &page[at..at + page[at..].find("</p>").unwrap()]
}

async fn the_next_deadline_is_the_payment_once_an_amount_is_due(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    // Court in 60 days: the response is due 50 days from today, later than a fine paid in 30.
    import(&app, &clerk.token, &[Ticket { court_in: 60, ..Ticket::open("DV-2026-000201") }]).await;
    let (b, _) = signed_in(&app, &clerk).await;
    let (status, page) = text(&b, &app, "/staff/cases/DV-2026-000201").await;
    assert_eq!(status, 200);
    let due = date(&case(&app, &clerk.token, "DV-2026-000201").await["response_due"]);
    let shown = next_deadline(&page);
    assert!(shown.contains("Response due") && shown.contains(&long_date(due, Language::En)), "{shown}");

    // Answered no contest today: the fine is due in the payment window (30 days, no holidays on
    // file, rolled past a weekend), and the response deadline no longer counts.
    keyed(&app, &clerk.token, &mail_plea("DV-2026-000201", today(), &[(1, "no_contest")])).await;
    let pay_by = CourtCalendar::default().roll_forward(today().checked_add_days(Days::new(30)).unwrap());
    assert!(pay_by < due);
    let (_, page) = text(&b, &app, "/staff/cases/DV-2026-000201").await;
    assert!(page.contains(r#"id="case-status">amount due<"#));
    let shown = next_deadline(&page);
    assert!(shown.contains(&format!("Payment due by <strong>{}</strong>", long_date(pay_by, Language::En))), "{shown}");
}

async fn the_timeline_tells_each_event_in_court_words(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    let tickets = [Ticket { language: "es", ..Ticket::open("DV-2026-000301") }, Ticket::open("DV-2026-000302")];
    import(&app, &clerk.token, &tickets).await;
    // The defendant pleads online (the receipt is queued in Spanish); a clerk queues a plea form.
    let online = json!({
        "citation_number": "DV-2026-000301", "date_of_birth": "1988-04-12",
        "pleas": [{"charge_seq": 1, "plea": "guilty"}], "signature_name": "Ana Hernández", "attest": true
    });
    assert_eq!(app.client.post(app.url("/api/v1/public/pleas")).json(&online).send().await.unwrap().status(), 201);
    let form = json!({"type": "plea_form"});
    let resp = app.post_json(&clerk.token, "/api/v1/citations/DV-2026-000301/letters", &form).await;
    assert_eq!(resp.status(), 201);
    // A paper plea with a wrong number and no birth date waits; a clerk links it to 000302.
    let mut lost = mail_plea("DV-2026-000399", today(), &[(1, "guilty")]);
    lost.as_object_mut().unwrap().remove("date_of_birth");
    let waiting = keyed(&app, &clerk.token, &lost).await;
    assert_eq!(waiting["status"], "unmatched");
    let link = format!("/api/v1/submissions/{}/link", waiting["id"]);
    let resp = app.post_json(&clerk.token, &link, &json!({"citation_number": "DV-2026-000302"})).await;
    assert_eq!(resp.status(), 200);

    let whole: Value = case(&app, &clerk.token, "DV-2026-000301").await; // read through the API
    let (b, _) = signed_in(&app, &clerk).await;
    let (status, page) = text(&b, &app, "/staff/cases/DV-2026-000301").await;
    assert_eq!(status, 200);
    let timeline = &page[page.find(r#"<h2 id="timeline">"#).unwrap()..];
    let row = |who: &str, what: &str| format!(r#"<td data-label="Who">{who}</td><td data-label="What">{what}</td>"#);
    let plea = timeline.find(&row("the defendant", "Plea received online; letter queued: plea receipt (Spanish)"));
    let letter = timeline.find(&row(&clerk.name, "Letter queued: plea form (Spanish)"));
    let read = timeline.find(&row(&clerk.name, "Case opened"));
    assert!(plea.is_some() && letter.is_some() && read.is_some(), "{timeline}");
    assert!(read < letter && letter < plea, "newest first: {timeline}");
    // When: the plea's time in the court's zone (Denver), not in UTC.
    let recorded = whole["events"].as_array().unwrap().iter().find(|e| e["action"] == "plea.recorded").unwrap();
    let at = chrono::DateTime::parse_from_rfc3339(recorded["at"].as_str().unwrap()).unwrap();
    let local = at.with_timezone(&chrono_tz::America::Denver).format("%b %-d, %Y, %-I:%M %p").to_string();
    let when = format!(r#"<td data-label="When">{local}</td>{}"#, row("the defendant", "Plea received online;"));
    assert!(timeline.contains(when.trim_end_matches("</td>")), "{local}: {timeline}");
    // No action is shown by its stored name.
    for (_, action, _, subject, _) in events(&app).await {
        if subject == "DV-2026-000301" {
            assert!(!timeline.contains(&action), "{action} shown raw: {timeline}");
        }
    }

    let (_, page) = text(&b, &app, "/staff/cases/DV-2026-000302").await;
    let timeline = &page[page.find(r#"<h2 id="timeline">"#).unwrap()..];
    let linked = row(&clerk.name, "Linked to this citation by a clerk; letter queued: plea receipt (English)");
    assert!(timeline.contains(&linked), "{timeline}");
    assert!(!timeline.contains("submission.linked"));
}

on_both_backends!(the_next_deadline_is_the_payment_once_an_amount_is_due, the_timeline_tells_each_event_in_court_words);
