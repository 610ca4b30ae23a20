//! An offer accepted by mail (issue 9): the plea offer letter rendered, its last page (with the
//! signed tear-off slip) scanned and uploaded; the scan links the envelope to the letter and the
//! clerk confirms the acceptance with one click on the envelope page → the amount due. A slip
//! for an offer already answered is refused with the reason.

use crate::console::{location, signed_in, text};
use crate::helpers::{events, TestApp};
use crate::offer_support::*;
use crate::on_both_backends;
use crate::paper_support::case;
use crate::scans::{rasterise, scanned, upload};
use pleadesk::domain::Role;
use serde_json::Value;

/// The plea offer letter of the case scanned as it comes back by mail (its last page, with the
/// slip), uploaded; returns (the envelope's id, the letter's id).
async fn mailed_back_slip(app: &TestApp, clerk: &str, number: &str) -> (i64, Value) {
    assert_eq!(app.run_jobs().await.parked, 0);
    let whole = case(app, clerk, number).await;
    let letter =
        whole["letters"].as_array().unwrap().iter().rfind(|l| l["type"] == "plea_offer").unwrap()["id"].clone();
    let pdf = app.get(clerk, &format!("/api/v1/letters/{letter}/pdf")).await.bytes().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let last = rasterise(&pdf, 150, dir.path(), "offer").pop().unwrap();
    let jpg = scanned(&last, 1.5, &dir.path().join("slip.jpg"));
    let r = upload(app, clerk, vec![(std::fs::read(jpg).unwrap(), "slip.jpg")]).await;
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    assert_eq!((&v["citation_number"], &v["letter_id"]), (&Value::from(number), &letter), "{v}");
    (v["envelopes"][0]["id"].as_i64().unwrap(), letter)
}

async fn an_offer_is_accepted_by_its_scanned_slip_with_one_click(app: TestApp) {
    app.load_offenses().await;
    let (clerk, prosecutor) = (app.token(Role::Clerk).await, app.token(Role::Prosecutor).await);
    in_review(&app, &clerk, "OF-2026-000021").await;
    let made = offered(&app, &prosecutor, "OF-2026-000021", &offer_body(21)).await;
    let (envelope, letter) = mailed_back_slip(&app, &clerk, "OF-2026-000021").await;
    let (b, csrf) = signed_in(&app, &app.staff(Role::Clerk).await).await;
    let path = format!("/staff/envelopes/{envelope}");
    let (status, page) = text(&b, &app, &path).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("Offer acceptance slip for offer {}", made["id"])), "{page}");
    assert!(page.contains(&format!("plea offer letter no. {letter}")) && page.contains("Confirm acceptance"));
    let slip = format!("{path}/offer-slip");
    let r = b.post(app.url(&slip)).form(&[("csrf", csrf.as_str()), ("answer", "accept")]).send().await.unwrap();
    assert_eq!(location(&r), path);
    let whole = case(&app, &clerk, "OF-2026-000021").await;
    assert_eq!(whole["status"], "amount_due");
    assert_eq!(whole["offers"][0]["status"], "accepted");
    assert_eq!(letter_types(&whole).last().unwrap(), "amount_due");
    let (_, page) = text(&b, &app, &path).await;
    assert!(page.contains(&format!("Offer {} is accepted.", made["id"])), "{page}");
    assert!(page.contains("Set aside as not a plea: offer acceptance slip for offer"), "it left the queue");
    let noted = events(&app).await.into_iter().rfind(|e| e.1 == "offer.noted").unwrap();
    assert!(noted.0.starts_with("staff:"));
    assert_eq!((&noted.4["channel"], &noted.4["answer"]), (&Value::from("mail"), &Value::from("accepted")));
    assert_says_due(&newest_letter(&app, &clerk, "OF-2026-000021", "amount_due").await);
    // Clicking again changes nothing: the envelope was dealt with.
    let r = b.post(app.url(&slip)).form(&[("csrf", csrf.as_str()), ("answer", "accept")]).send().await.unwrap();
    assert_eq!(r.status(), 409);
}

fn assert_says_due(text: &str) {
    crate::later_letters::assert_says(text, "amount-due letter", &["Please pay $125.00 by", "Defective headlamp"]);
}

async fn a_slip_for_an_offer_already_answered_is_refused_with_the_reason(app: TestApp) {
    app.load_offenses().await;
    let (clerk, prosecutor) = (app.token(Role::Clerk).await, app.token(Role::Prosecutor).await);
    in_review(&app, &clerk, "OF-2026-000022").await;
    let made = offered(&app, &prosecutor, "OF-2026-000022", &offer_body(21)).await;
    assert_eq!(answer(&app, &made["id"], "reject", "1988-04-12").await.status(), 200);
    let (envelope, _) = mailed_back_slip(&app, &clerk, "OF-2026-000022").await;
    let (b, csrf) = signed_in(&app, &app.staff(Role::Clerk).await).await;
    let path = format!("/staff/envelopes/{envelope}");
    let (_, page) = text(&b, &app, &path).await;
    assert!(page.contains(&format!("Offer {} is rejected: it can no longer be accepted", made["id"])), "{page}");
    assert!(!page.contains("Confirm acceptance"));
    let r = b.post(app.url(&format!("{path}/offer-slip"))).form(&[("csrf", csrf.as_str()), ("answer", "accept")]);
    let r = r.send().await.unwrap();
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("it can no longer be accepted"));
    assert_eq!(case(&app, &clerk, "OF-2026-000022").await["status"], "hearing_set");
    // A prosecutor does not key envelopes.
    let (p, p_csrf) = signed_in(&app, &app.staff(Role::Prosecutor).await).await;
    let r = p.post(app.url(&format!("{path}/offer-slip"))).form(&[("csrf", p_csrf.as_str()), ("answer", "accept")]);
    assert_eq!(r.send().await.unwrap().status(), 403);
}

on_both_backends!(
    an_offer_is_accepted_by_its_scanned_slip_with_one_click,
    a_slip_for_an_offer_already_answered_is_refused_with_the_reason,
);
