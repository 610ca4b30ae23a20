//! Answering an offer from the status page, as a browser without JavaScript does (issue 9):
//! the offer side by side with the charges, a confirm page, POST → 303 → the status page with a
//! notice; in Spanish. A status session answers only its own case's offer.

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

/// Two defendants born the same day: resident A's status session names B's offer (the offer id
/// is in B's letter; the birth date is A's own, and B's too). A's answer must not reach B's case;
/// B's own answer from the same page does.
async fn a_status_session_answers_only_its_own_cases_offer(app: TestApp) {
    use crate::offer_support::{in_review, offer_body, offered};
    use crate::paper_support::{case, import, Ticket};
    app.load_offenses().await;
    let (clerk, prosecutor) = (app.token(Role::Clerk).await, app.token(Role::Prosecutor).await);
    let whole = in_review(&app, &clerk, "TW-2026-000002").await;
    let b_code = whole["submissions"][0]["confirmation"].as_str().unwrap().to_string();
    let offer = offered(&app, &prosecutor, "TW-2026-000002", &offer_body(21)).await["id"].clone();
    let same_day = "1988-04-12";
    import(&app, &clerk, &[Ticket { dob: same_day, ..Ticket::open("TW-2026-000001") }]).await;
    let a_code = crate::authz_fixtures::pleads_online(&app, "TW-2026-000001", same_day, "Sam Abernathy").await;

    let (a, a_csrf) = crate::authz_callers::resident_session(&app, &a_code, same_day).await;
    for what in ["accept", "reject"] {
        let url = app.url(&format!("/status/offer/{offer}/{what}"));
        let r = a.get(&url).send().await.unwrap();
        assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, "/status/case"));
        let r = a.post(&url).form(&[("csrf", a_csrf.as_str())]).send().await.unwrap();
        assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, "/status/case"));
        let page = a.get(app.url("/status/case")).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains("TW-2026-000002") && !page.contains("offer-notice"), "{page}");
    }
    assert_eq!(case(&app, &clerk, "TW-2026-000002").await["status"], "offer_pending", "B's offer is untouched");

    let (b, b_csrf) = crate::authz_callers::resident_session(&app, &b_code, same_day).await;
    let r = b.post(app.url(&format!("/status/offer/{offer}/accept"))).form(&[("csrf", b_csrf.as_str())]);
    assert_eq!(r.send().await.unwrap().headers()["location"], "/status/case");
    assert_eq!(case(&app, &clerk, "TW-2026-000002").await["status"], "amount_due", "B answered B's offer");
}

on_both_backends!(
    an_offer_is_accepted_from_the_status_page_in_spanish,
    a_status_session_answers_only_its_own_cases_offer,
);
