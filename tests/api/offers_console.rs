//! The prosecutor's console (issue 9): the dashboard's link to the queue of requests for an
//! offer (oldest first, with the date to answer by), a case's review (statement, evidence, the
//! same person's other citations, the charges), an offer made from a saved pattern (the admin's
//! page), every bad field shown by its field, withdrawal and declining with a reason.

use crate::console::{location, signed_in, text};
use crate::helpers::TestApp;
use crate::offer_support::*;
use crate::on_both_backends;
use crate::paper_support::{case, today};
use pleadesk::domain::deadline::{CourtCalendar, DeadlineRules};
use pleadesk::domain::Role;

async fn post(b: &reqwest::Client, app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    b.post(app.url(path)).form(form).send().await.unwrap()
}

async fn an_admin_saves_a_pattern_and_a_prosecutor_makes_an_offer_from_it(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    in_review(&app, &clerk, "OF-2026-000031").await;
    in_review(&app, &clerk, "OF-2026-000032").await;

    let (admin, a_csrf) = signed_in(&app, &app.staff(Role::Admin).await).await;
    let bad = [
        ("csrf", a_csrf.as_str()),
        ("name", ""),
        ("offense_code", "NOPE"),
        ("fine_rule", "percent"),
        ("fine_value", "150"),
        ("points", "x"),
    ];
    let r = post(&admin, &app, "/staff/admin/offer-patterns", &bad).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    for id in ["pattern-name-error", "pattern-offense_code-error", "pattern-fine_rule-error", "pattern-points-error"] {
        assert!(page.contains(&format!("id=\"{id}\"")), "{id}: {page}");
    }
    let good = [
        ("csrf", a_csrf.as_str()),
        ("name", "Amend to a non-point offense, same fine"),
        ("offense_code", "42-4-202"),
        ("fine_rule", "same"),
        ("fine_value", ""),
        ("points", "0"),
    ];
    let r = post(&admin, &app, "/staff/admin/offer-patterns", &good).await;
    assert_eq!(location(&r), "/staff/admin/offer-patterns?done=pattern_saved");
    let (_, page) = text(&admin, &app, "/staff/admin/offer-patterns").await;
    assert!(page.contains("amend to 42-4-202; same fine; 0 points"), "{page}");

    let (b, csrf) = signed_in(&app, &app.staff(Role::Prosecutor).await).await;
    let (_, dashboard) = text(&b, &app, "/staff").await;
    assert!(dashboard.contains("href=\"/staff/queues/offers\"") && dashboard.contains("2 waiting"), "{dashboard}");
    let (status, queue) = text(&b, &app, "/staff/queues/offers").await;
    assert_eq!(status, 200);
    let (first, second) = (queue.find("OF-2026-000031").unwrap(), queue.find("OF-2026-000032").unwrap());
    assert!(first < second, "oldest first");

    let review = "/staff/cases/OF-2026-000031/offer";
    let (_, page) = text(&b, &app, review).await;
    for words in [
        "Driving record in this court",
        "The defendant wrote no statement",
        "No evidence files were sent",
        "42-4-1101-C",
        "Make the offer",
    ] {
        assert!(page.contains(words), "{words}: {page}");
    }
    assert!(page.contains("/staff/cases/OF-2026-000032\""), "the same person's other citation: {page}");
    // The offer acceptance window (21 days by default), rolled forward to a business day.
    let window = DeadlineRules::default().offer_expires_on(today(), &CourtCalendar::default());
    assert!(page.contains(&format!("value=\"{window}\"")), "the court's offer window");
    let pattern_id = page.split("<option value=\"").nth(2).unwrap().split('"').next().unwrap().to_string();
    let (_, page) = text(&b, &app, &format!("{review}?pattern={pattern_id}")).await;
    assert!(page.contains("<option value=\"42-4-202\" selected>"), "prefilled from the pattern: {page}");
    assert!(page.contains("value=\"135.00\""), "the same fine: {page}");

    let expires = (today() + chrono::Days::new(21)).to_string();
    let line = |fine: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("seq_0", "1".into()),
            ("offense_code_0", "42-4-202".into()),
            ("fine_0", fine.into()),
            ("points_0", "0".into()),
            ("seq_1", "2".into()),
            ("offense_code_1", "42-4-604".into()),
            ("fine_1", "75.00".into()),
            ("points_1", "13".into()),
            ("expires_on", expires.clone()),
        ]
    };
    let r = b.post(app.url(review)).form(&line("ten dollars")).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("id=\"charges-0-fine_cents-error\"") && page.contains("id=\"charges-1-points-error\""),
        "{page}"
    );
    assert!(page.contains("value=\"ten dollars\""), "what was typed is kept");
    assert!(page.contains("not an amount in dollars"), "the fine is named as typed wrong, not as missing: {page}");
    let mut ok = line("50.00");
    ok[8].1 = "2".into();
    let r = b.post(app.url(review)).form(&ok).send().await.unwrap();
    assert_eq!(location(&r), format!("{review}?done=offer_made"));
    // The same form sent again (a double click) does not amend the offer just made.
    let r = b.post(app.url(review)).form(&ok).send().await.unwrap();
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("the offer changed since the form was opened"));
    assert_eq!(case(&app, &clerk, "OF-2026-000031").await["offers"].as_array().unwrap().len(), 1);
    let whole = case(&app, &clerk, "OF-2026-000031").await;
    assert_eq!(whole["status"], "offer_pending");
    assert_eq!(whole["offers"][0]["charges"][0]["fine_cents"], 5_000);
    let (_, page) = text(&b, &app, review).await;
    assert!(page.contains("Amend the offer") && page.contains("Withdraw the offer"), "{page}");

    let id = whole["offers"][0]["id"].to_string();
    let withdraw = format!("/staff/offers/{id}/withdraw");
    let r = post(&b, &app, &withdraw, &[("csrf", &csrf), ("number", "OF-2026-000031"), ("reason", "")]).await;
    assert_eq!(r.status(), 422);
    let r =
        post(&b, &app, &withdraw, &[("csrf", &csrf), ("number", "OF-2026-000031"), ("reason", "witness unavailable")])
            .await;
    assert_eq!(location(&r), format!("{review}?done=offer_withdrawn"));
    assert_eq!(case(&app, &clerk, "OF-2026-000031").await["status"], "hearing_set");

    let decline = "/staff/cases/OF-2026-000032/offer/decline";
    let r = post(&b, &app, decline, &[("csrf", &csrf), ("reason", " ")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"decline-error\""));
    let r = post(&b, &app, decline, &[("csrf", &csrf), ("reason", "two prior convictions")]).await;
    assert_eq!(location(&r), "/staff/cases/OF-2026-000032/offer?done=offer_declined");
    assert_eq!(case(&app, &clerk, "OF-2026-000032").await["status"], "hearing_set");
    let (_, queue) = text(&b, &app, "/staff/queues/offers").await;
    assert!(queue.contains("No request for an offer is waiting"), "{queue}");

    // Clerks keep out of the prosecutor's pages.
    let (c, _) = signed_in(&app, &app.staff(Role::Clerk).await).await;
    assert_eq!(text(&c, &app, "/staff/queues/offers").await.0, 403);
    assert_eq!(text(&b, &app, "/staff/evidence/999999").await.0, 404);
}

async fn the_review_shows_the_statement_and_opens_the_evidence_sent_online(app: TestApp) {
    use crate::pages::{browser, csrf_of, look_up, plea_fields, see_other};
    app.with_current_samples().await;
    let resident = browser();
    let csrf = csrf_of(&resident.get(app.url("/lookup?lang=es")).send().await.unwrap().text().await.unwrap());
    see_other(&look_up(&resident, &app, &csrf, "DV-2026-000103", "1").await);
    let pdf = reqwest::multipart::Part::bytes(b"%PDF-1.4\n% a discharge note\n".to_vec())
        .file_name("alta del hospital.pdf")
        .mime_str("application/pdf")
        .unwrap();
    let r = resident.post(app.url("/plea")).multipart(plea_fields(&csrf).part("evidence", pdf)).send().await.unwrap();
    assert_eq!(see_other(&r), "/plea/review");
    let r = resident.post(app.url("/plea/submit")).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(see_other(&r), "/plea/confirmation");

    let (b, _) = signed_in(&app, &app.staff(Role::Prosecutor).await).await;
    let (_, page) = text(&b, &app, "/staff/cases/DV-2026-000103/offer").await;
    assert!(page.contains("Iba al hospital.") && page.contains(">alta del hospital.pdf</a>"), "{page}");
    let link = page.split("href=\"/staff/evidence/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let r = b.get(app.url(&format!("/staff/evidence/{link}"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.4\n% a discharge note\n");
    assert!(crate::helpers::events(&app).await.iter().any(|e| e.1 == "evidence.read" && e.3 == link));
}

on_both_backends!(
    an_admin_saves_a_pattern_and_a_prosecutor_makes_an_offer_from_it,
    the_review_shows_the_statement_and_opens_the_evidence_sent_online,
);
