//! The public pages over plain HTTP, as a browser without JavaScript uses them: forms POSTed
//! with the CSRF token, cookies kept, nothing personal in any URL.

use crate::helpers::TestApp;
use crate::on_both_backends;
use reqwest::multipart::{Form, Part};

fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn csrf_of(html: &str) -> String {
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
async fn look_up(b: &reqwest::Client, app: &TestApp, csrf: &str, number: &str, day: &str) -> reqwest::Response {
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
fn plea_fields(csrf: &str) -> Form {
    Form::new()
        .text("csrf", csrf.to_string())
        .text("citation_number", "DV-2026-000103")
        .text("date_of_birth", "1992-07-01")
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
    assert!(es.contains("Busque su multa") && es.contains("<html lang=\"es\">"));
    let csrf = csrf_of(&es);
    let case = look_up(&b, &app, &csrf, "dv-2026-000103", "1").await;
    assert_eq!(case.status(), 200);
    let case = case.text().await.unwrap();
    assert!(
        case.contains("Su multa DV-2026-000103") && case.contains("$200.00") && case.contains("Responder por correo"),
        "{case}"
    );

    let form = b
        .post(app.url("/plea"))
        .form(&[("csrf", csrf.as_str()), ("citation_number", "DV-2026-000103"), ("date_of_birth", "1992-07-01")])
        .send()
        .await
        .unwrap();
    let form = form.text().await.unwrap();
    assert!(form.contains("Su declaración") && form.contains("value=\"3301 W 38th Ave\""), "the address is prefilled");

    let pdf = Part::bytes(b"%PDF-1.4\n% a receipt\n".to_vec())
        .file_name(r"C:\Users\José\Documents\alta del hospital.pdf")
        .mime_str("application/pdf")
        .unwrap();
    let review =
        b.post(app.url("/plea/review")).multipart(plea_fields(&csrf).part("evidence", pdf)).send().await.unwrap();
    assert_eq!(review.status(), 200);
    let review = review.text().await.unwrap();
    assert!(
        review.contains("Revise su declaración") && review.contains("Culpable") && review.contains("Pedir una oferta"),
        "{review}"
    );
    let key = hidden(&review, "idempotency_key");
    let token = hidden(&review, "evidence_token");
    assert!(!key.is_empty() && !token.is_empty());

    // Submit twice (a double click): one plea.
    let submit = || plea_fields(&csrf).text("idempotency_key", key.clone()).text("evidence_token", token.clone());
    let first = b.post(app.url("/plea/submit")).multipart(submit()).send().await.unwrap();
    assert_eq!(first.status(), 201);
    let first = first.text().await.unwrap();
    let second = b.post(app.url("/plea/submit")).multipart(submit()).send().await.unwrap().text().await.unwrap();
    let code =
        |html: &str| html.split("confirmation-code\">").nth(1).and_then(|s| s.split('<').next()).unwrap().to_string();
    assert!(code(&first).starts_with("PD-"));
    assert_eq!(code(&first), code(&second));
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
        .form(&[
            ("csrf", csrf.as_str()),
            ("confirmation", &code(&first)),
            ("date_of_birth", "1992-07-01"),
            ("letter_id", &letter_id),
        ])
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
    let status = b
        .post(app.url("/status"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("confirmation", &code(&first)),
            ("date_of_birth_month", "07"),
            ("date_of_birth_day", "01"),
            ("date_of_birth_year", "1992"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(status.contains("Recibimos su declaración") && status.contains("fiscal"), "{status}");
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
    assert_eq!(r.status(), 404);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("could not find a ticket")
            && html.contains("value=\"DV-2026-000103\"")
            && html.contains("value=\"2\""),
        "{html}"
    );
    // The plea form without pleas or attestation: errors beside the fields, the statement kept.
    let form = Form::new()
        .text("csrf", csrf.clone())
        .text("citation_number", "DV-2026-000103")
        .text("date_of_birth", "1992-07-01")
        .text("statement", "Lo que pasó fue esto.")
        .text("signature_name", "")
        .part(
            "evidence",
            Part::bytes(b"MZ\x90\x00not a pdf".to_vec()).file_name("photo.pdf").mime_str("application/pdf").unwrap(),
        );
    let r = b.post(app.url("/plea/review")).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    for id in ["pleas-1-error", "pleas-2-error", "attest-error", "signature_name-error", "evidence-error"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "no {id}:\n{html}");
    }
    assert!(html.contains("Only PDF, JPEG and PNG"));
    assert!(html.contains("Lo que pasó fue esto."), "the statement is kept");
}

on_both_backends!(
    a_resident_pleads_through_the_pages_without_javascript,
    forms_refuse_a_missing_csrf_token_and_keep_what_was_typed
);
