//! The receipt of a plea (acknowledgement letter and its email), through the real endpoints:
//! a plea made with `POST /api/v1/public/pleas`, the letter rendered by the worker, read back
//! with pdftotext, the email read from the outbox.

use crate::helpers::{spawn, Backend, TestApp};
use crate::on_both_backends;
use chrono::{Datelike, Days, NaiveDate, Weekday};
use pleadesk::domain::Language;
use pleadesk::letters::strings::long_date;
use serde_json::{json, Value};
use std::process::Command;

const HEADER: &str = "citation_number,agency,issued_at,location,officer_badge,court_date,first_name,middle_name,last_name,date_of_birth,address_line1,address_line2,city,state,postal_code,license_number,license_state,plate,plate_state,email,phone,language,charge_seq,offense_code,fine,points";

fn today() -> NaiveDate {
    chrono::Utc::now().with_timezone(&chrono_tz::America::Denver).date_naive()
}

/// The first weekday on or after `d`.
fn weekday(mut d: NaiveDate) -> NaiveDate {
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d = d.succ_opt().unwrap();
    }
    d
}

/// A court date six weeks ahead (a weekday), so the ticket is open for pleas today.
fn court_date() -> NaiveDate {
    weekday(today() + Days::new(42))
}

/// Imports one mixed ticket — speeding 25+ mph (must appear) and a seat-belt charge (by mail) —
/// for a defendant writing in `lang`, through the import API.
async fn import_mixed_ticket(app: &TestApp, clerk: &str, number: &str, lang: &str) {
    let issued = (today() - Days::new(2)).format("%Y-%m-%dT10:00:00");
    let court = court_date();
    let row = |seq: i32, code: &str, fine: &str, points: i32| {
        format!(
            "{number},DPD,{issued},I-25 SB & 6th Ave,P1184,{court},Rosa,,Villalobos,1990-03-14,1200 Federal Blvd,,Denver,CO,80204,,,RV1200,CO,rosa@example.org,,{lang},{seq},{code},{fine},{points}"
        )
    };
    let csv = format!("{HEADER}\n{}\n{}\n", row(1, "42-4-1101-E", "0.00", 12), row(2, "42-4-237", "65.00", 0));
    let resp = app.post_import(clerk, "text/csv", csv).await;
    assert_eq!(resp.status(), 200);
    let summary: Value = resp.json().await.unwrap();
    assert_eq!(summary["imported"], 1, "{summary}");
}

async fn plead(app: &TestApp, body: Value) -> Value {
    let resp = app.client.post(app.url("/api/v1/public/pleas")).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 201, "the plea is recorded");
    resp.json().await.unwrap()
}

/// The letter's text in reading order with every run of white space made one space, so that a
/// sentence can be found however the layout wrapped it.
fn letter_text(pdf: &[u8]) -> String {
    if let Ok(dir) = std::env::var("PLEADESK_KEEP_LETTERS") {
        let name = format!("receipt-{}.pdf", hex::encode(<sha2::Sha256 as sha2::Digest>::digest(pdf)));
        std::fs::write(std::path::Path::new(&dir).join(name), pdf).unwrap();
    }
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), pdf).unwrap();
    let out = Command::new("pdftotext").args([f.path().to_str().unwrap(), "-"]).output().expect("pdftotext runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn staff_pdf(app: &TestApp, clerk: &str, id: i64) -> reqwest::Response {
    let resp = app.get(clerk, &format!("/api/v1/letters/{id}/pdf")).await;
    assert_eq!(resp.status(), 200);
    resp
}

/// The one email in the outbox folder (no SMTP server configured): (subject, text, html,
/// attachment name).
fn outbox_email(app: &TestApp) -> (String, String, String, String) {
    use mail_parser::MimeHeaders;
    let dir = app.data_dir.path().join("data/outbox");
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "one email: {files:?}");
    let raw = std::fs::read(&files[0]).unwrap();
    let msg = mail_parser::MessageParser::default().parse(&raw).expect("a MIME message");
    let text = msg.body_text(0).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
    let html = msg.body_html(0).unwrap().to_string();
    let name = msg.attachments().next().and_then(|a| a.attachment_name()).unwrap_or_default().to_string();
    (msg.subject().unwrap_or_default().to_string(), text, html, name)
}

fn mixed_plea(number: &str, lang: &str) -> Value {
    json!({
        "citation_number": number,
        "date_of_birth": "1990-03-14",
        "pleas": [{"charge_seq": 2, "plea": "guilty"}],
        "statement": "I had unbuckled to reach my son's inhaler.",
        "language": lang,
        "signature_name": "Rosa Villalobos",
        "attest": true
    })
}

/// Issue 7, A1: a ticket with a must-appear charge and a charge paid by mail. The receipt and
/// its email say that the person must still come to court for that charge — date, time, place —
/// and never that they need not come; the fine due, with its date, and the advisement follow.
async fn the_receipt_of_a_mixed_ticket_says_the_court_date_still_stands(app: TestApp) {
    let clerk = app.with_samples().await;
    import_mixed_ticket(&app, &clerk, "DV-2026-000201", "en").await;
    let receipt = plead(&app, mixed_plea("DV-2026-000201", "en")).await;
    let id = receipt["letter_id"].as_i64().expect("the receipt letter is queued with the plea");
    let stats = app.run_jobs().await;
    assert_eq!((stats.done, stats.parked), (2, 0), "render + email");
    let confirmation = receipt["confirmation"].as_str().unwrap().to_string();
    let resp = staff_pdf(&app, &clerk, id).await;
    let saved_as = format!("attachment; filename=\"{confirmation}-receipt.pdf\"");
    assert_eq!(resp.headers()["content-disposition"], saved_as.as_str(), "staff download");
    let text = letter_text(&resp.bytes().await.unwrap());
    let public = app
        .client
        .post(app.url(&format!("/api/v1/public/letters/{id}/pdf")))
        .json(&json!({"confirmation": confirmation, "date_of_birth": "1990-03-14"}))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), 200);
    assert_eq!(public.headers()["content-disposition"], saved_as.as_str(), "the resident's download");
    let reference = format!("Court reference: DV-2026-000201 · letter {id}");
    assert!(text.contains(&reference), "the QR label reads as a court reference '{reference}':\n{text}");

    let court = long_date(court_date(), Language::En);
    for words in [
        format!("You must still appear in court for charge 1 on {court} at 8:30 a.m., at 1437 Bannock St, Room 135, Denver, CO 80202."),
        "Your answer by mail does not cancel this court date.".to_string(),
        "If you need an interpreter, call (720) 555-0100".to_string(),
        "The court does not ask about immigration status.".to_string(),
        format!("Charge 1 (Speeding 25 or more mph over the limit): this charge cannot be settled by mail. You must appear in court at 8:30 a.m. on {court}."),
        "Charge 2 (Failure to wear a seat belt), guilty: the fine is $65.00, due by".to_string(),
        "Amount due: $65.00 by".to_string(),
        "If you cannot afford to pay, you can ask for a payment plan".to_string(),
        "can have immigration consequences. Talk to a lawyer".to_string(),
        "Free help:".to_string(),
        "I had unbuckled to reach my son's inhaler.".to_string(),
        "Sincerely,".to_string(),
        "Clerk of the Court Denver County Court".to_string(),
    ] {
        assert!(text.contains(&words), "the receipt lacks '{words}':\n{text}");
    }
    assert!(!text.contains("do not need to come to court"), "never for a must-appear ticket:\n{text}");
    assert!(!text.contains("Response deadline"), "the response was made:\n{text}");
    assert!(!text.contains("$0.00"), "no fine is shown for the charge the judge decides:\n{text}");
    assert!(!text.contains(". .") && !text.contains("m.."), "no doubled full stops:\n{text}");

    let (_, email, html, attached_as) = outbox_email(&app);
    assert_eq!(attached_as, format!("{confirmation}-receipt.pdf"));
    let must = format!("you must still appear in court for charge 1 on {court} at 8:30 a.m., at 1437 Bannock St, Room 135, Denver, CO 80202.");
    assert!(email.contains(&format!("IMPORTANT: {must}")), "{email}");
    assert!(html.contains("you must still appear in court for charge 1"), "{html}");
    assert!(email.contains("Amount due: $65.00 by"), "{email}");
    assert!(!email.contains(". .") && !email.contains(".."), "no doubled full stops: {email}");
}

/// The same in Spanish, every word of it: the receipt and the email.
async fn el_recibo_de_una_citacion_mixta_dice_que_la_fecha_sigue_en_pie(app: TestApp) {
    let clerk = app.with_samples().await;
    import_mixed_ticket(&app, &clerk, "DV-2026-000202", "es").await;
    let receipt = plead(&app, mixed_plea("DV-2026-000202", "es")).await;
    let id = receipt["letter_id"].as_i64().unwrap();
    let confirmation = receipt["confirmation"].as_str().unwrap().to_string();
    app.run_jobs().await;
    let resp = staff_pdf(&app, &clerk, id).await;
    let saved_as = format!("attachment; filename=\"{confirmation}-recibo.pdf\"");
    assert_eq!(resp.headers()["content-disposition"], saved_as.as_str());
    let text = letter_text(&resp.bytes().await.unwrap());
    let court = long_date(court_date(), Language::Es);
    let reference = format!("Referencia del tribunal: DV-2026-000202 · carta {id}");
    assert!(text.contains(&reference), "'{reference}':\n{text}");
    for words in [
        format!("Todavía debe presentarse en el tribunal por el cargo 1 el {court} a las 8:30 a. m.**"),
        format!("Cargo 1 (Exceso de velocidad de 25 mph o más sobre el límite): este cargo no se puede resolver por correo. Debe presentarse en el tribunal a las 8:30 a. m. del {court}."),
        "Cargo 2 (No usar el cinturón de seguridad), culpable: la multa es de $65.00".to_string(),
        "Cantidad a pagar: $65.00".to_string(),
        "Si necesita un intérprete".to_string(),
        "consecuencias migratorias. Hable con un abogado".to_string(),
        "Atentamente,".to_string(),
        "Secretaría del Tribunal Denver County Court".to_string(),
        "lunes a viernes".to_string(),
    ] {
        let words = words.replace("**", "");
        assert!(text.contains(&words), "el recibo no dice '{words}':\n{text}");
    }
    assert!(!text.contains(". .") && !text.contains("m.."), "no doubled full stops:\n{text}");
    for english in ["Clerk of the Court", "Monday", "Charge", "nolo contendere", "No tiene que venir"] {
        assert!(!text.contains(english), "'{english}' in the Spanish receipt:\n{text}");
    }
    let (subject, email, _, attached_as) = outbox_email(&app);
    assert_eq!(attached_as, format!("{confirmation}-recibo.pdf"));
    assert!(
        email.contains(&format!(
            "IMPORTANTE: todavía debe presentarse en el tribunal por el cargo 1 el {court} a las 8:30 a. m."
        )),
        "{email}"
    );
    assert!(!email.contains("Clerk of the Court") && !email.contains("Monday"), "{email}");
    assert!(!email.contains(". .") && !email.contains(".."), "{email}");
    assert!(!subject.contains(". ."), "{subject}");
}

/// Issue 7, A3: per charge what happens next, by when and how much — a fine due with its date,
/// an offer request with the review time and the court date that still stands; no response
/// deadline for a response already made.
async fn the_receipt_says_what_happens_next_for_each_plea(app: TestApp) {
    let clerk = app.with_current_samples().await;
    let body = json!({
        "citation_number": "DV-2026-000103",
        "date_of_birth": "1992-07-01",
        "pleas": [{"charge_seq": 1, "plea": "no_contest"}, {"charge_seq": 2, "plea": "request_offer"}],
        "language": "en",
        "signature_name": "José Luis Muñoz Peña",
        "attest": true
    });
    let receipt = plead(&app, body).await;
    app.run_jobs().await;
    let text =
        letter_text(&staff_pdf(&app, &clerk, receipt["letter_id"].as_i64().unwrap()).await.bytes().await.unwrap());
    for words in [
        "Charge 1 (Speeding 20-24 mph over the limit), no contest: the fine is $200.00, due by",
        "6 points go on your driving record.",
        "Charge 2 (No proof of insurance), offer requested: a prosecutor will review your case and write to you by",
        "(about 10 business days)",
        "Until you accept an offer, your court date of",
        "still stands.",
        "Amount due: $200.00 by",
        "No documents were sent with your plea.",
    ] {
        assert!(text.contains(words), "the receipt lacks '{words}':\n{text}");
    }
    assert!(!text.contains("Response deadline"), "{text}");
    assert!(!text.contains("do not need to come to court"), "the court date stands while an offer is pending");

    // Issue 7, A6: "driving under restraint" is driving with a suspended or revoked licence.
    let case: Value = app
        .client
        .post(app.url("/api/v1/public/lookup"))
        .json(&json!({"citation_number": "DV-2026-000110", "date_of_birth": "1970-01-15"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(case["charges"][0]["description_es"], "Manejar con la licencia suspendida o revocada");
}

on_both_backends!(
    the_receipt_of_a_mixed_ticket_says_the_court_date_still_stands,
    the_receipt_says_what_happens_next_for_each_plea,
);

#[actix_web::test]
#[cfg_attr(not(has_poppler), ignore = "install poppler-utils (pdftotext) to run this")]
async fn el_recibo_en_espanol() {
    el_recibo_de_una_citacion_mixta_dice_que_la_fecha_sigue_en_pie(spawn(Backend::Sqlite, &[]).await).await;
}
