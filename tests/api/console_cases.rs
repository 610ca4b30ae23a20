//! The clerk's console pages over the paper-plea services, as a browser without JavaScript uses
//! them: case search by each key (keys only in the POST body), the case page and its audit event,
//! a letter's PDF through the session, the unmatched queue with its one-click link, CSRF.

use crate::console::{location, signed_in, text};
use crate::helpers::{events, TestApp};
use crate::on_both_backends;
use crate::paper_support::*;
use pleadesk::domain::Role;
use serde_json::json;

fn tickets() -> Vec<Ticket<'static>> {
    vec![
        Ticket { last_name: "Nguyen", dob: "1975-01-30", plate: "XYZ-987", ..Ticket::open("DV-2026-000110") },
        Ticket { last_name: "Nguyen", dob: "1975-01-30", plate: "XYZ-987", ..Ticket::open("DV-2026-000111") },
        Ticket::open("DV-2026-000101"),
    ]
}

async fn search(b: &reqwest::Client, app: &TestApp, csrf: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut form = vec![("csrf", csrf)];
    form.extend_from_slice(fields);
    b.post(app.url("/staff/cases")).form(&form).send().await.unwrap()
}

async fn a_clerk_searches_by_each_key_and_opens_the_case(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    import(&app, &clerk.token, &tickets()).await;
    let (b, csrf) = signed_in(&app, &clerk).await;
    let (status, page) = text(&b, &app, "/staff/cases").await;
    assert_eq!(status, 200);
    assert!(page.contains("By citation number") && page.contains("By plate") && page.contains(r#"accesskey="n""#));
    // One hit: straight to the case page, whose address holds the number only.
    let r = search(&b, &app, &csrf, &[("by", "citation_number"), ("citation_number", "dv 2026 000101")]).await;
    assert_eq!(location(&r), "/staff/cases/DV-2026-000101");
    // Two hits by name and birth date, and by plate: a list, answered to the POST itself.
    let r =
        search(&b, &app, &csrf, &[("by", "last_name"), ("last_name", "nguyen"), ("date_of_birth", "1975-01-30")]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let list = r.text().await.unwrap().replace("&#x2f;", "/");
    assert!(list.contains("/staff/cases/DV-2026-000110") && list.contains("/staff/cases/DV-2026-000111"), "{list}");
    assert!(!list.contains("DV-2026-000101"));
    let r = search(&b, &app, &csrf, &[("by", "plate"), ("plate", "xyz987")]).await;
    let list = r.text().await.unwrap().replace("&#x2f;", "/");
    assert!(list.contains("/staff/cases/DV-2026-000110") && list.contains("/staff/cases/DV-2026-000111"));
    let r = search(&b, &app, &csrf, &[("by", "plate"), ("plate", "NOPE 1")]).await;
    assert!(r.text().await.unwrap().contains("No case on file matches"));
    // A name without a birth date: the field is named, 422.
    let r = search(&b, &app, &csrf, &[("by", "last_name"), ("last_name", "Nguyen"), ("date_of_birth", "")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("needs the date of birth too"));
    let searches: Vec<_> = events(&app).await.into_iter().filter(|e| e.1 == "citations.search").collect();
    assert_eq!(searches.len(), 4, "each search is on the record");
    assert_eq!(searches[1].4, json!({"by": "last_name_and_date_of_birth", "count": 2}));
    for e in &searches {
        assert!(!format!("{e:?}").contains("Nguyen") && !format!("{e:?}").contains("1975"), "{e:?}");
    }
}

async fn the_case_page_tells_the_whole_case_and_is_an_audit_event(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    import(&app, &clerk.token, &tickets()).await;
    let mut body = mail_plea("DV-2026-000101", today(), &[(1, "no_contest")]);
    body["enclosed_payment"] = json!({"amount_cents": 13500, "method": "check", "reference": "1042"});
    body["statement"] = json!("I was late for work.");
    let answer = keyed(&app, &clerk.token, &body).await;
    let (b, _) = signed_in(&app, &clerk).await;
    let before = events(&app).await.len();
    let (status, page) = text(&b, &app, "/staff/cases/DV-2026-000101").await;
    assert_eq!(status, 200);
    let after = events(&app).await;
    let read: Vec<_> = after[before..].iter().filter(|e| e.1 == "citation.read").collect();
    assert_eq!(read.len(), 1);
    assert_eq!((read[0].0.clone(), read[0].3.as_str()), (format!("staff:{}", clerk.id), "DV-2026-000101"));
    let status_at = page.find("id=\"case-status\"").unwrap();
    for (words, after_status) in [
        ("amount due", true),
        ("Hernández", true),
        ("1988", true),
        ("42-4-1101-C", true),
        (answer["confirmation"].as_str().unwrap(), true),
        ("No contest", true),
        ("$135.00 by check no. 1042", true),
        ("I was late for work.", true),
        ("acknowledgement (en), queued", true),
        ("Paper plea keyed in and linked to this citation", true),
    ] {
        let at = page.find(words).unwrap_or_else(|| panic!("{words} missing: {page}"));
        assert!(!after_status || at > status_at, "{words} before the status");
    }
    assert!(page.contains(&clerk.name), "the timeline names who did it");
    assert!(!page.contains("submission.linked"), "the timeline tells events in words, not by stored name");
    let letter = answer["letter_ids"][0].as_i64().unwrap();
    app.run_jobs().await; // the letter's PDF is rendered by the job queue
    assert!(page.contains(&format!("/staff/letters/{letter}/pdf")));
    let pdf = b.get(app.url(&format!("/staff/letters/{letter}/pdf"))).send().await.unwrap();
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
    assert!(events(&app).await.iter().any(|e| e.1 == "letter.read" && e.3 == "DV-2026-000101"));
    // A prosecutor reads it too, without the clerk's actions; an unknown number is a 404 page.
    let prosecutor = app.staff(Role::Prosecutor).await;
    let (p, _) = signed_in(&app, &prosecutor).await;
    let (status, page) = text(&p, &app, "/staff/cases/DV-2026-000101").await;
    assert_eq!(status, 200);
    assert!(page.contains("Case search") && !page.contains("/staff/queues/unmatched"));
    assert_eq!(text(&p, &app, "/staff/cases/DV-2026-999999").await.0, 404);
}

async fn a_clerk_links_an_unmatched_plea_from_the_queue(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    import(&app, &clerk.token, &tickets()).await;
    let mut typo = mail_plea("DV-2026-000102", today(), &[(1, "guilty")]);
    typo.as_object_mut().unwrap().remove("date_of_birth");
    let waiting = keyed(&app, &clerk.token, &typo).await;
    assert_eq!(waiting["status"], "unmatched");
    let id = waiting["id"].as_i64().unwrap();
    let (b, csrf) = signed_in(&app, &clerk).await;
    let (status, queue) = text(&b, &app, "/staff/queues/unmatched").await;
    assert_eq!(status, 200);
    assert!(queue.contains("Citation DV-2026-000102"), "what the paper claimed: {queue}");
    let first = queue.find("Link to DV-2026-000101").expect("the closest suggestion");
    assert!(queue[..first].contains(r#"accesskey="l""#) || queue[first..].contains("Alt+L"));
    assert!(queue.contains("number differs in 1 character"), "{queue}");
    // A number not on file: refused on the queue page, nothing linked.
    let path = format!("/staff/submissions/{id}/link");
    let r = b.post(app.url(&path)).form(&[("csrf", csrf.as_str()), ("citation_number", "DV-2026-999999")]).send().await;
    let r = r.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("no citation DV-2026-999999 is on file"));
    // Without the CSRF token: nothing changes.
    let r = b.post(app.url(&path)).form(&[("csrf", "forged"), ("citation_number", "DV-2026-000101")]).send().await;
    assert_eq!(r.unwrap().status(), 403);
    assert_eq!(case(&app, &clerk.token, "DV-2026-000101").await["status"], "open");
    // The one-click link: 303 back to the queue, which says what happened and is empty.
    let r = b.post(app.url(&path)).form(&[("csrf", csrf.as_str()), ("citation_number", "DV-2026-000101")]).send().await;
    assert_eq!(location(&r.unwrap()), "/staff/queues/unmatched?done=linked");
    let (_, queue) = text(&b, &app, "/staff/queues/unmatched?done=linked").await;
    assert!(queue.contains("The plea was linked to its citation.") && queue.contains("Nothing waits here."));
    assert_eq!(case(&app, &clerk.token, "DV-2026-000101").await["status"], "amount_due");
    let linked = events(&app).await.into_iter().find(|e| e.1 == "submission.linked").unwrap();
    assert_eq!((linked.0, linked.3.as_str()), (format!("staff:{}", clerk.id), "DV-2026-000101"));
    assert_eq!(linked.4["how"], "clerk");
}

async fn the_dashboard_shows_each_queue_with_its_age_and_what_was_linked_since_the_last_look(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    let waiting = keyed(&app, &clerk.token, &mail_plea("LS-2026-000001", today(), &[(1, "guilty")])).await;
    assert_eq!(waiting["status"], "unmatched");
    let (b, _) = signed_in(&app, &clerk).await;
    let (_, page) = text(&b, &app, "/staff").await;
    assert!(
        page.contains(r#"id="queue-unmatched">1<"#) && page.contains(r#"id="age-unmatched">under a minute<"#),
        "{page}"
    );
    assert!(page.contains(r#"id="queue-duplicate">0<"#) && page.contains(r#"id="age-duplicate">–<"#));
    assert!(page.contains("<strong>0</strong> pleas linked since you last looked"));
    // The first look: nothing yet, and it becomes the clerk's last look.
    let (status, list) = text(&b, &app, "/staff/queues/linked").await;
    assert_eq!(status, 200);
    assert!(list.contains("you had not looked before") && list.contains("Nothing was linked since."), "{list}");
    // The citation arrives: the waiting plea links itself.
    import(&app, &clerk.token, &[Ticket::open("LS-2026-000001")]).await;
    let (_, page) = text(&b, &app, "/staff").await;
    assert!(page.contains("<strong>1</strong> plea linked since you last looked"), "{page}");
    assert!(page.contains(r#"id="queue-unmatched">0<"#));
    let (_, list) = text(&b, &app, "/staff/queues/linked").await;
    assert!(list.contains("/staff/cases/LS-2026-000001") && list.contains("When its citation was imported"), "{list}");
    let (_, page) = text(&b, &app, "/staff").await;
    assert!(page.contains("<strong>0</strong> pleas linked since you last looked"), "seen now");
    // Another clerk has their own last look.
    let other = app.staff(Role::Clerk).await;
    let (o, _) = signed_in(&app, &other).await;
    assert!(text(&o, &app, "/staff").await.1.contains("<strong>1</strong> plea linked since you last looked"));
    // A prosecutor's dashboard has no clerks' queues.
    let prosecutor = app.staff(Role::Prosecutor).await;
    let (p, _) = signed_in(&app, &prosecutor).await;
    assert!(!text(&p, &app, "/staff").await.1.contains("linked since you last looked"));
}

on_both_backends!(
    the_dashboard_shows_each_queue_with_its_age_and_what_was_linked_since_the_last_look,
    a_clerk_searches_by_each_key_and_opens_the_case,
    the_case_page_tells_the_whole_case_and_is_an_audit_event,
    a_clerk_links_an_unmatched_plea_from_the_queue,
);
