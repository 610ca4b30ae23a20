//! The public pages over plain HTTP, as a browser without JavaScript uses them: forms POSTed
//! with the CSRF token, cookies kept, nothing personal in any URL.

use crate::helpers::TestApp;
use crate::on_both_backends;
use reqwest::multipart::{Form, Part};

pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(crate::helpers::IDLE)
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub(crate) fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a CSRF token in the page")
        .to_string()
}

fn hidden(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_string()
}

/// Submits the look-up form for DV-2026-000103 with a birth day of `day` July 1992.
pub(crate) async fn look_up(
    b: &reqwest::Client,
    app: &TestApp,
    csrf: &str,
    number: &str,
    day: &str,
) -> reqwest::Response {
    b.post(app.url("/case"))
        .form(&[
            ("csrf", csrf),
            ("citation_number", number),
            ("date_of_birth_month", "7"),
            ("date_of_birth_day", day),
            ("date_of_birth_year", "1992"),
        ])
        .send()
        .await
        .unwrap()
}

/// The plea form's fields for DV-2026-000103 (two charges).
pub(crate) fn plea_fields(csrf: &str) -> Form {
    Form::new()
        .text("csrf", csrf.to_string())
        .text("plea_1", "guilty")
        .text("plea_2", "request_offer")
        .text("statement", "Iba al hospital.")
        .text("email", "")
        .text("phone", "303-555-0199")
        .text("language", "es")
        .text("line1", "3301 W 38th Ave")
        .text("line2", "")
        .text("city", "Denver")
        .text("state", "CO")
        .text("postal_code", "80211")
        .text("signature_name", "José Luis Muñoz Peña")
        .text("attest", "yes")
}

/// A POST of a step: answered with `303 See Other` to a page; returns where (never with
/// anything personal in it).
pub(crate) fn see_other(r: &reqwest::Response) -> String {
    assert_eq!(r.status(), 303, "a step answers its POST with a redirect");
    let to = r.headers()["location"].to_str().unwrap().to_string();
    for personal in ["DV-2026", "1992", "PD-", "Mu%C3%B1oz", "Muñoz"] {
        assert!(!to.contains(personal), "personal data in {to}");
    }
    to
}

/// Follows a step's redirect with a GET; returns (status, page).
pub(crate) async fn follow(b: &reqwest::Client, app: &TestApp, r: reqwest::Response) -> (u16, String) {
    let to = see_other(&r);
    let page = b.get(app.url(&to)).send().await.unwrap();
    (page.status().as_u16(), page.text().await.unwrap())
}

async fn a_resident_pleads_through_the_pages_without_javascript(app: TestApp) {
    app.with_current_samples().await;
    let b = browser();
    let start = b.get(app.url("/")).send().await.unwrap();
    assert_eq!(start.status(), 200);
    for (h, v) in
        [("x-content-type-options", "nosniff"), ("x-frame-options", "DENY"), ("referrer-policy", "no-referrer")]
    {
        assert_eq!(start.headers()[h], v);
    }
    assert!(start.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    let html = start.text().await.unwrap();
    assert!(html.contains("immigration status") && html.contains("Look up your ticket"));

    // Spanish, remembered by a cookie.
    let es = b.get(app.url("/lookup?lang=es")).send().await.unwrap().text().await.unwrap();
    assert!(es.contains("Busque su citación") && es.contains("<html lang=\"es\">"));
    let csrf = csrf_of(&es);
    let r = look_up(&b, &app, &csrf, "dv-2026-000103", "1").await;
    // The draft lives on the server behind a short-lived, HttpOnly, SameSite=Lax cookie.
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("pd_draft="))
        .expect("a draft cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Max-Age=1800"),
        "{cookie}"
    );
    let (status, case) = follow(&b, &app, r).await;
    assert_eq!(status, 200);
    assert!(
        case.contains("Su citación DV-2026-000103")
            && case.contains("$200.00")
            && case.contains("Responder por correo"),
        "{case}"
    );
    assert!(case.contains("href=\"/lookup\"") && case.contains("Volver"), "a Back link: {case}");
    // Reloading a step is a plain GET.
    let again = b.get(app.url("/case")).send().await.unwrap();
    assert_eq!(again.status(), 200);

    let form = b.get(app.url("/plea")).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("Su declaración") && form.contains("value=\"3301 W 38th Ave\""), "the address is prefilled");

    let pdf = Part::bytes(b"%PDF-1.4\n% a receipt\n".to_vec())
        .file_name(r"C:\Users\José\Documents\alta del hospital.pdf")
        .mime_str("application/pdf")
        .unwrap();
    let r = b.post(app.url("/plea")).multipart(plea_fields(&csrf).part("evidence", pdf)).send().await.unwrap();
    assert_eq!(see_other(&r), "/plea/review");
    let (status, review) = follow(&b, &app, r).await;
    assert_eq!(status, 200);
    assert!(
        review.contains("Revise su declaración") && review.contains("Culpable") && review.contains("Pedir una oferta"),
        "{review}"
    );
    assert!(review.contains("Iba al hospital.") && review.contains("Documento 1"), "{review}");
    assert!(!review.contains("1992-07-01") && !review.contains("name=\"citation_number\""), "no identity in the form");
    // Back to the form: what was typed is still there.
    let form = b.get(app.url("/plea")).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("Iba al hospital.") && form.contains("value=\"guilty\" checked"), "{form}");

    // Submit twice (a double click): one plea, the same confirmation.
    let submit = || b.post(app.url("/plea/submit")).form(&[("csrf", csrf.as_str())]).send();
    let first = submit().await.unwrap();
    assert_eq!(see_other(&first), "/plea/confirmation");
    let second = submit().await.unwrap();
    assert_eq!(see_other(&second), "/plea/confirmation");
    let (status, first) = follow(&b, &app, first).await;
    assert_eq!(status, 200);
    let (_, second) = follow(&b, &app, second).await;
    let code =
        |html: &str| html.split("confirmation-code\">").nth(1).and_then(|s| s.split('<').next()).unwrap().to_string();
    assert!(code(&first).starts_with("PD-"));
    assert_eq!(code(&first), code(&second));
    // Back to the review after submitting: the plea is on file, so its status (no second plea).
    let r = b.get(app.url("/plea/review")).send().await.unwrap();
    assert_eq!(see_other(&r), "/status/case");
    let (subs, docs): (i64, i64) = app
        .with_db(|c| {
            use diesel::prelude::*;
            use pleadesk::db::schema::{submission_documents, submissions};
            (
                submissions::table.count().get_result(c).unwrap(),
                submission_documents::table.count().get_result(c).unwrap(),
            )
        })
        .await;
    assert_eq!((subs, docs), (1, 1), "one plea, with its evidence");

    // The receipt downloads at once (rendered on demand), and the status page shows the plea.
    let letter_id = hidden(&first, "letter_id");
    let receipt = b
        .post(app.url("/status/letter"))
        .form(&[("csrf", csrf.as_str()), ("letter_id", &letter_id)])
        .send()
        .await
        .unwrap();
    assert_eq!(receipt.status(), 200);
    assert_eq!(receipt.headers()["content-type"], "application/pdf");
    let saved_as = format!("attachment; filename=\"{}-recibo.pdf\"", code(&first));
    assert_eq!(receipt.headers()["content-disposition"], saved_as.as_str(), "named by what it is");
    let receipt = receipt.bytes().await.unwrap();
    assert!(receipt.starts_with(b"%PDF-"));
    // The receipt lists the evidence by the name it was sent under (its folder part dropped).
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), &receipt).unwrap();
    let out = std::process::Command::new("pdftotext").arg(f.path()).arg("-").output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Documentos recibidos") && text.contains("alta del hospital.pdf"), "{text}");
    assert!(!text.contains("Users"), "{text}");
    // Another browser looks the plea up by its code.
    let other = browser();
    let csrf2 = csrf_of(&other.get(app.url("/status?lang=es")).send().await.unwrap().text().await.unwrap());
    let r = other
        .post(app.url("/status"))
        .form(&[
            ("csrf", csrf2.as_str()),
            ("confirmation", &code(&first)),
            ("date_of_birth_month", "07"),
            ("date_of_birth_day", "01"),
            ("date_of_birth_year", "1992"),
        ])
        .send()
        .await
        .unwrap();
    let (status, page) = follow(&other, &app, r).await;
    assert_eq!(status, 200);
    assert!(page.contains("Recibimos su declaración") && page.contains("fiscal"), "{page}");
}

async fn looking_up_an_answered_ticket_leads_to_its_status(app: TestApp) {
    app.with_current_samples().await;
    let b = browser();
    let csrf = csrf_of(&b.get(app.url("/lookup")).send().await.unwrap().text().await.unwrap());
    let (_, _) = follow(&b, &app, look_up(&b, &app, &csrf, "DV-2026-000103", "1").await).await;
    let r = b.post(app.url("/plea")).multipart(plea_fields(&csrf)).send().await.unwrap();
    assert_eq!(see_other(&r), "/plea/review");
    let (_, confirmation) =
        follow(&b, &app, b.post(app.url("/plea/submit")).form(&[("csrf", csrf.as_str())]).send().await.unwrap()).await;
    assert!(confirmation.contains("confirmation-code"), "{confirmation}");

    // Someone else (a new browser) looks the same ticket up again.
    let other = browser();
    let csrf = csrf_of(&other.get(app.url("/lookup")).send().await.unwrap().text().await.unwrap());
    let r = look_up(&other, &app, &csrf, "DV-2026-000103", "1").await;
    let to = see_other(&r);
    let r = other.get(app.url(&to)).send().await.unwrap();
    assert_eq!(see_other(&r), "/status/case");
    let (status, page) = follow(&other, &app, r).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("We already received a plea") && page.contains("To change a plea, call or write to the court"),
        "{page}"
    );
    assert!(page.contains("(720) 555-0100"), "with the court's phone: {page}");
    assert!(!page.contains("cannot be answered by mail"), "{page}");
}

async fn forms_refuse_a_missing_csrf_token_and_keep_what_was_typed(app: TestApp) {
    app.with_current_samples().await;
    let b = browser();
    let page = b.get(app.url("/lookup")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    // No token, or a wrong one: refused.
    let r = b
        .post(app.url("/case"))
        .form(&[("citation_number", "DV-2026-000103"), ("date_of_birth", "1992-07-01")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = b
        .post(app.url("/case"))
        .form(&[("csrf", "0".repeat(64).as_str()), ("citation_number", "DV-2026-000103")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // A wrong birth date: the same page, the error, and the number still typed in.
    let r = look_up(&b, &app, &csrf, "DV-2026-000103", "2").await;
    assert_eq!(see_other(&r), "/lookup");
    let (status, html) = follow(&b, &app, r).await;
    assert_eq!(status, 404);
    assert!(
        html.contains("could not find a ticket")
            && html.contains("value=\"DV-2026-000103\"")
            && html.contains("value=\"2\""),
        "{html}"
    );
    // Reloading the look-up after the error shows it again (no form resent).
    assert_eq!(b.get(app.url("/lookup")).send().await.unwrap().status(), 404);
    let (_, _) = follow(&b, &app, look_up(&b, &app, &csrf, "DV-2026-000103", "1").await).await;
    // The plea form without pleas or attestation: errors beside the fields, the statement kept.
    let form = Form::new()
        .text("csrf", csrf.clone())
        .text("statement", "Lo que pasó fue esto.")
        .text("signature_name", "")
        .part(
            "evidence",
            Part::bytes(b"MZ\x90\x00not a pdf".to_vec()).file_name("photo.pdf").mime_str("application/pdf").unwrap(),
        );
    let r = b.post(app.url("/plea")).multipart(form).send().await.unwrap();
    assert_eq!(see_other(&r), "/plea");
    let (status, html) = follow(&b, &app, r).await;
    assert_eq!(status, 422);
    for id in ["pleas-1-error", "pleas-2-error", "attest-error", "signature_name-error", "evidence-error"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "no {id}:\n{html}");
    }
    assert!(html.contains("Only PDF, JPEG and PNG"));
    assert!(html.contains("Lo que pasó fue esto."), "the statement is kept");
}

on_both_backends!(
    a_resident_pleads_through_the_pages_without_javascript,
    looking_up_an_answered_ticket_leads_to_its_status,
    a_mixed_ticket_says_the_court_date_still_stands_on_every_page,
    errors_name_the_charge_in_page_order_and_a_wrong_code_is_a_wrong_code,
    citation_numbers_are_recognised_however_they_are_typed,
    forms_refuse_a_missing_csrf_token_and_keep_what_was_typed
);

/// Imports (through the staff API) a ticket with a must-appear charge (speeding 25+) and a
/// charge payable by mail (seat belt), issued a week ago with a court date five weeks out; returns
/// the court date.
async fn import_mixed_ticket(app: &TestApp, clerk: &str) -> chrono::NaiveDate {
    let today = chrono::Utc::now().with_timezone(&chrono_tz::America::Denver).date_naive();
    let issued = today - chrono::Days::new(7);
    let mut court = today + chrono::Days::new(35);
    while matches!(chrono::Datelike::weekday(&court), chrono::Weekday::Sat | chrono::Weekday::Sun) {
        court = court + chrono::Days::new(1);
    }
    let header =
        String::from_utf8(crate::helpers::sample("citations.csv")).unwrap().lines().next().unwrap().to_string();
    let row = |seq: u32, code: &str, fine: &str, points: u32| {
        format!("DV-2026-000201,DPD,{issued}T21:10:00-07:00,I-25 SB mile 205,P3307,{court},Rosa,,Quispe,1990-03-15,1200 W 1st Ave,,Denver,CO,80223,,,RQS315,CO,,,es,{seq},{code},{fine},{points}")
    };
    let csv = format!("{header}\n{}\n{}\n", row(1, "42-4-1101-E", "0.00", 12), row(2, "42-4-237", "65.00", 0));
    let r = app.post_import(clerk, "text/csv", csv).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    court
}

async fn a_mixed_ticket_says_the_court_date_still_stands_on_every_page(app: TestApp) {
    let clerk = app.with_current_samples().await;
    let court = import_mixed_ticket(&app, &clerk).await;
    let b = browser();
    let csrf = csrf_of(&b.get(app.url("/lookup")).send().await.unwrap().text().await.unwrap());
    let r = b
        .post(app.url("/case"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("citation_number", "DV-2026-000201"),
            ("date_of_birth_month", "3"),
            ("date_of_birth_day", "15"),
            ("date_of_birth_year", "1990"),
        ])
        .send()
        .await
        .unwrap();
    let (status, case) = follow(&b, &app, r).await;
    assert_eq!(status, 200, "{case}");
    let court_long = court.format("%B %-d, %Y").to_string();
    // The case page: the court date, time and place for charge 1; no $0.00 fine for it.
    for needed in [
        "You must come to court",
        &court_long,
        "8:30 a.m.",
        "1437 Bannock St",
        "interpreter",
        "What to bring",
        "does not ask about immigration status",
        "Set by the judge",
    ] {
        assert!(case.contains(needed), "the case page lacks {needed:?}:\n{case}");
    }
    assert!(!case.contains("$0.00"), "no $0.00 fine for a must-appear charge:\n{case}");
    // The plea form: consequences where the choice is made, and the court date again.
    let form = b.get(app.url("/plea")).send().await.unwrap().text().await.unwrap();
    for needed in [
        "$65.00",
        "Points",
        "immigration consequences",
        "Talk to a lawyer",
        "cannot be used against you",
        "You must come to court",
        "Total for the charges you can answer by mail",
    ] {
        assert!(form.contains(needed), "the plea form lacks {needed:?}:\n{form}");
    }
    assert!(!form.contains("same as guilty"), "{form}");
    let fields = Form::new()
        .text("csrf", csrf.clone())
        .text("plea_2", "guilty")
        .text("language", "en")
        .text("line1", "1200 W 1st Ave")
        .text("city", "Denver")
        .text("state", "CO")
        .text("postal_code", "80223")
        .text("signature_name", "Rosa Quispe")
        .text("attest", "yes");
    let r = b.post(app.url("/plea")).multipart(fields).send().await.unwrap();
    let (status, review) = follow(&b, &app, r).await;
    assert_eq!(status, 200, "{review}");
    for needed in ["$65.00", "immigration consequences", "You must come to court", &court_long] {
        assert!(review.contains(needed), "the review lacks {needed:?}:\n{review}");
    }
    let r = b.post(app.url("/plea/submit")).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    let (_, confirmation) = follow(&b, &app, r).await;
    // What happens next: pay charge 2 by a date, and still appear for charge 1.
    for needed in ["Amount due: $65.00", "Pay by", "You must come to court", &court_long, "8:30 a.m.", "payment plan"] {
        assert!(confirmation.contains(needed), "the confirmation lacks {needed:?}:\n{confirmation}");
    }
    assert!(!confirmation.contains("do not need to come to court"), "{confirmation}");
    let status = b.get(app.url("/status/case")).send().await.unwrap().text().await.unwrap();
    for needed in ["Amount due: $65.00", "You must come to court", &court_long, "check or money order"] {
        assert!(status.contains(needed), "the status page lacks {needed:?}:\n{status}");
    }
    // The public status JSON carries the same next steps.
    let code = confirmation.split("confirmation-code\">").nth(1).and_then(|s| s.split('<').next()).unwrap();
    let json: serde_json::Value = app
        .client
        .post(app.url("/api/v1/public/status"))
        .json(&serde_json::json!({"confirmation": code, "date_of_birth": "1990-03-15"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["next"]["amount_due_cents"], 6500, "{json}");
    assert_eq!(json["next"]["appearance"]["date"], court.to_string(), "{json}");
    assert_eq!(json["next"]["appearance"]["charges"], serde_json::json!([1]), "{json}");
    assert_eq!(json["next"]["charges"][0]["kind"], "appear", "{json}");
    assert_eq!(json["next"]["charges"][1]["kind"], "pay", "{json}");
}

async fn errors_name_the_charge_in_page_order_and_a_wrong_code_is_a_wrong_code(app: TestApp) {
    app.with_current_samples().await;
    let b = browser();
    let csrf = csrf_of(&b.get(app.url("/lookup")).send().await.unwrap().text().await.unwrap());
    let (_, _) = follow(&b, &app, look_up(&b, &app, &csrf, "DV-2026-000103", "1").await).await;
    let r = b.post(app.url("/plea")).multipart(Form::new().text("csrf", csrf.clone())).send().await.unwrap();
    let (status, html) = follow(&b, &app, r).await;
    assert_eq!(status, 422);
    let summary = html.split("id=\"error-summary-title\"").nth(1).unwrap().split("</ul>").next().unwrap();
    let at = |s: &str| summary.find(s).unwrap_or_else(|| panic!("{s:?} not in the summary:\n{summary}"));
    assert!(at("Charge 1: Choose a plea.") < at("Charge 2: Choose a plea."));
    assert!(at("Charge 2: Choose a plea.") < at("Type your full name"));
    assert!(at("Type your full name") < at("Check the box"));

    let r = b
        .post(app.url("/status"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("confirmation", "PD-2222-3333"),
            ("date_of_birth_month", "7"),
            ("date_of_birth_day", "1"),
            ("date_of_birth_year", "1992"),
        ])
        .send()
        .await
        .unwrap();
    let (status, html) = follow(&b, &app, r).await;
    assert_eq!(status, 404);
    assert!(html.contains("confirmation code") && !html.contains("citation number and date of birth"), "{html}");
}

async fn citation_numbers_are_recognised_however_they_are_typed(app: TestApp) {
    app.with_current_samples().await;
    for typed in ["DV2026000103", "dv 2026 000103", "DV-2O26-OOO1O3", "dv-2026-000l03"] {
        let b = browser();
        let csrf = csrf_of(&b.get(app.url("/lookup")).send().await.unwrap().text().await.unwrap());
        let r = look_up(&b, &app, &csrf, typed, "1").await;
        assert_eq!(see_other(&r), "/case", "{typed:?} is DV-2026-000103");
        let (status, page) = follow(&b, &app, r).await;
        assert_eq!(status, 200);
        assert!(page.contains("DV-2026-000103"), "{page}");
    }
    // A number that is not on file is still not found.
    let b = browser();
    let csrf = csrf_of(&b.get(app.url("/lookup")).send().await.unwrap().text().await.unwrap());
    assert_eq!(see_other(&look_up(&b, &app, &csrf, "DV 2026 000199", "1").await), "/lookup");
}
