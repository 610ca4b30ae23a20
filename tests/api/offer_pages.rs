//! Answering an offer from the status page, as a browser without JavaScript does (issue 9):
//! the offer side by side with the charges, a confirm page, POST → 303 → the status page with a
//! notice; in Spanish.

use crate::helpers::TestApp;
use crate::offer_support::*;
use crate::on_both_backends;
use crate::pages::{browser, csrf_of, follow, see_other};
use crate::paper_support::case;
use pleadesk::domain::Role;

/// Opens the case's status page in `b` (Spanish) by its confirmation code; returns the page.
async fn open_status(b: &reqwest::Client, app: &TestApp, code: &str) -> String {
    let csrf = csrf_of(&b.get(app.url("/status?lang=es")).send().await.unwrap().text().await.unwrap());
    let form = [
        ("csrf", csrf.as_str()),
        ("confirmation", code),
        ("date_of_birth_month", "04"),
        ("date_of_birth_day", "12"),
        ("date_of_birth_year", "1988"),
    ];
    let r = b.post(app.url("/status")).form(&form).send().await.unwrap();
    let (status, page) = follow(b, app, r).await;
    assert_eq!(status, 200);
    page
}

async fn an_offer_is_accepted_from_the_status_page_in_spanish(app: TestApp) {
    app.load_offenses().await;
    let (clerk, prosecutor) = (app.token(Role::Clerk).await, app.token(Role::Prosecutor).await);
    let whole = in_review(&app, &clerk, "OF-2026-000011").await;
    let code = whole["submissions"][0]["confirmation"].as_str().unwrap().to_string();
    let b = browser();
    let page = open_status(&b, &app, &code).await;
    assert!(!page.contains("id=\"offer\""), "no offer yet");
    let made = offered(&app, &prosecutor, "OF-2026-000011", &offer_body(21)).await;
    let page = open_status(&b, &app, &code).await;
    for words in
        ["El fiscal le hizo una oferta", "En su citación", "Faro defectuoso (42-4-202)", "$50.00", "$75.00", "$125.00"]
    {
        assert!(page.contains(words), "{words}: {page}");
    }
    let accept = format!("/status/offer/{}/accept", made["id"]);
    assert!(page.contains(&format!("href=\"{accept}\"")) && page.contains("/reject\""), "{page}");

    let confirm = b.get(app.url(&accept)).send().await.unwrap().text().await.unwrap();
    assert!(confirm.contains("Sí, acepto la oferta") && confirm.contains("se declara culpable"), "{confirm}");
    // Without the page's token nothing is answered.
    let r = b.post(app.url(&accept)).form(&[("csrf", "forged")]).send().await.unwrap();
    assert_ne!(r.status(), 303);
    assert_eq!(case(&app, &clerk, "OF-2026-000011").await["status"], "offer_pending");
    let r = b.post(app.url(&accept)).form(&[("csrf", csrf_of(&confirm).as_str())]).send().await.unwrap();
    assert_eq!(see_other(&r), "/status/case");
    let (_, page) = follow(&b, &app, r).await;
    assert!(page.contains("Usted aceptó la oferta"), "{page}");
    assert!(!page.contains("id=\"offer\""), "the offer is answered: {page}");
    assert_eq!(case(&app, &clerk, "OF-2026-000011").await["status"], "amount_due");
    // Answering again says the offer is closed.
    let reject = format!("/status/offer/{}/reject", made["id"]);
    let r = b.post(app.url(&reject)).form(&[("csrf", csrf_of(&confirm).as_str())]).send().await.unwrap();
    let (_, page) = follow(&b, &app, r).await;
    assert!(page.contains("Ya no se puede responder a esta oferta"), "{page}");
    // The confirm page of an offer no longer pending leads back to the status page.
    let r = b.get(app.url(&reject)).send().await.unwrap();
    assert_eq!(see_other(&r), "/status/case");
}

on_both_backends!(an_offer_is_accepted_from_the_status_page_in_spanish);
