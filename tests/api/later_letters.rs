//! The later letters of a case (SPEC §3, issue 9), through the real endpoints: the letter types by
//! the names the API promises, each made from what the case holds or refused with a 422 that
//! names what is missing; their text read back with pdftotext, their QR codes with zbarimg (the
//! plea offer's tear-off slip too, and by the scan intake's own reader once cut off).

use crate::helpers::{error_body, TestApp};
use crate::on_both_backends;
use crate::paper_support::{case, date, today};
use pleadesk::domain::Language;
use pleadesk::letters::strings::long_date;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

async fn plead(app: &TestApp, number: &str, dob: &str, pleas: Value) {
    let body = json!({
        "citation_number": number, "date_of_birth": dob, "pleas": pleas,
        "signature_name": "Test Person", "attest": true
    });
    let resp = app.client.post(app.url("/api/v1/public/pleas")).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 201, "the plea is recorded: {:?}", resp.text().await);
}

/// Creates a letter of `kind` for the case and returns its JSON and its PDF.
pub async fn letter(app: &TestApp, clerk: &str, number: &str, kind: &str) -> (Value, Vec<u8>) {
    let resp = app.post_json(clerk, &format!("/api/v1/citations/{number}/letters"), &json!({"type": kind})).await;
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(status, 201, "a {kind} letter for {number}: {body}");
    assert_eq!(body["type"], kind);
    assert!(body.get("render_error").is_none(), "{body}");
    let pdf = app.get(clerk, &format!("/api/v1/letters/{}/pdf", body["id"])).await.bytes().await.unwrap().to_vec();
    (body, pdf)
}

/// Why a letter of `kind` cannot be made for the case (the 422's message on `type`).
async fn refused(app: &TestApp, clerk: &str, number: &str, kind: &str) -> String {
    let resp = app.post_json(clerk, &format!("/api/v1/citations/{number}/letters"), &json!({"type": kind})).await;
    let body = error_body(resp, 422, "invalid").await;
    body["error"]["fields"]["type"].as_str().unwrap_or_default().to_string()
}

/// The letter's text as laid out (a table row on one line) with every run of white space made
/// one space.
pub fn words(pdf: &[u8]) -> String {
    crate::letters_paper::pdftotext(pdf).split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn assert_says(text: &str, what: &str, expected: &[&str]) {
    for e in expected {
        assert!(text.contains(e), "the {what} does not say '{e}':\n{text}");
    }
}

/// Page `page` of the PDF rendered at `dpi` to a PNG.
pub fn page_png(pdf: &[u8], page: usize, dpi: u32, dir: &Path) -> PathBuf {
    let input = dir.join("letter.pdf");
    std::fs::write(&input, pdf).unwrap();
    let prefix = dir.join(format!("page-{page}-{dpi}"));
    let p = page.to_string();
    let out = Command::new("pdftoppm")
        .args(["-png", "-gray", "-r", &dpi.to_string(), "-f", &p, "-l", &p, "-singlefile"])
        .arg(&input)
        .arg(&prefix)
        .output()
        .expect("pdftoppm runs");
    assert!(out.status.success(), "{out:?}");
    prefix.with_extension("png")
}

/// Every QR code zbarimg finds in an image.
pub fn zbar(png: &Path) -> Vec<String> {
    let out = Command::new("zbarimg").args(["-q", "--raw"]).arg(png).output().expect("zbarimg runs");
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

fn pages(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf).expect("a PDF").get_pages().len()
}

/// The QR code of page 1, read at 150 dpi, is the letter's.
fn qr_is_the_letters(pdf: &[u8], number: &str, id: &Value) {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(zbar(&page_png(pdf, 1, 150, dir.path())), vec![format!("PLEADESK {number} L{id}")]);
}

fn en(d: chrono::NaiveDate) -> String {
    long_date(d, Language::En)
}

async fn the_later_letters_go_by_the_names_spec_gives_them(app: TestApp) {
    let clerk = app.with_current_samples().await;
    let names = "plea_offer, amount_due, hearing_notice, outcome, default_notice, reminder";
    for old in ["offer", "hearing", "default"] {
        let resp = app.post_json(&clerk, "/api/v1/citations/DV-2026-000102/letters", &json!({"type": old})).await;
        let body = error_body(resp, 422, "invalid").await;
        assert!(body["error"]["fields"]["type"].as_str().unwrap().contains(names), "{old}: {body}");
    }
    // A ticket with no answer yet: a reminder, and a clear no for what the case does not hold.
    let refusals = [
        ("plea_offer", "this case has no pending offer"),
        ("amount_due", "this case has no amount due (its status is open)"),
        ("hearing_notice", "this case has no hearing set"),
        ("outcome", "this case is not resolved yet (its status is open)"),
        ("default_notice", "this case is not in default (its status is open)"),
    ];
    for (kind, why) in refusals {
        let message = refused(&app, &clerk, "DV-2026-000102", kind).await;
        assert!(message.contains(why), "{kind}: {message}");
    }
    let due = date(&case(&app, &clerk, "DV-2026-000102").await["response_due"]);
    let (l, pdf) = letter(&app, &clerk, "DV-2026-000102", "reminder").await;
    assert_eq!(l["language"], "en");
    assert_says(
        &words(&pdf),
        "reminder to answer",
        &[
            &format!("Reminder: answer your ticket by {}", en(due)),
            "Failure to stop at a red light",
            "$100.00",
            "If you do not answer by",
            "a payment plan or community service",
            "Page 1 of 1",
        ],
    );
    qr_is_the_letters(&pdf, "DV-2026-000102", &l["id"]);
}

async fn a_guilty_plea_brings_the_amount_due_and_its_reminder(app: TestApp) {
    let clerk = app.with_current_samples().await;
    plead(&app, "DV-2026-000102", "1975-11-30", json!([{"charge_seq": 1, "plea": "guilty"}])).await;
    let holidays = app.with_db(|c| pleadesk::db::offenses::holidays(c).unwrap()).await;
    let calendar = pleadesk::domain::deadline::CourtCalendar::new(holidays);
    let pay_by = pleadesk::domain::next_steps::pay_by(today(), Default::default(), &calendar);
    let (l, pdf) = letter(&app, &clerk, "DV-2026-000102", "amount_due").await;
    let text = words(&pdf);
    assert_says(
        &text,
        "amount-due letter",
        &[
            "Amount due",
            &format!("Please pay $100.00 by {}.", en(pay_by)),
            "1 Failure to stop at a red light $100.00 $100.00",
            "Total $100.00",
            "check or money order made out to",
            "more time to pay",
            "a payment plan: smaller amounts each month",
            "community service instead of all or part of the fine",
            "Online: at http",
            "By mail: write to",
        ],
    );
    assert!(!text.contains("Court costs"), "no costs column where there are none");
    qr_is_the_letters(&pdf, "DV-2026-000102", &l["id"]);
    let (_, pdf) = letter(&app, &clerk, "DV-2026-000102", "reminder").await;
    assert_says(
        &words(&pdf),
        "reminder to pay",
        &[
            &format!("Reminder: payment due by {}", en(pay_by)),
            "$100.00 is due on citation DV-2026-000102",
            "a payment plan",
        ],
    );
    assert!(refused(&app, &clerk, "DV-2026-000102", "hearing_notice").await.contains("no hearing set"));
}

async fn a_hearing_notice_says_when_where_and_why(app: TestApp) {
    let clerk = app.with_current_samples().await;
    plead(&app, "DV-2026-000107", "1995-05-05", json!([{"charge_seq": 1, "plea": "not_guilty"}])).await;
    let court_date = date(&case(&app, &clerk, "DV-2026-000107").await["court_date"]);
    let (l, pdf) = letter(&app, &clerk, "DV-2026-000107", "hearing_notice").await;
    assert_says(
        &words(&pdf),
        "hearing notice",
        &[
            "Notice of hearing",
            &format!("You must come to court on {} at 8:30 a.m.", en(court_date)),
            "Charge 1 (Failure to stop at a stop sign): you pleaded not guilty.",
            "Interpreter: if you need one",
            "free of charge",
            "a photo ID",
            "If you cannot come",
        ],
    );
    qr_is_the_letters(&pdf, "DV-2026-000107", &l["id"]);
    let (_, pdf) = letter(&app, &clerk, "DV-2026-000107", "reminder").await;
    assert_says(&words(&pdf), "reminder to come", &[&format!("Reminder: your court date is {}", en(court_date))]);
    // Speeding 25+ mph cannot be settled by mail: its hearing stands without any plea.
    let (_, pdf) = letter(&app, &clerk, "DV-2026-000105", "hearing_notice").await;
    assert_says(&words(&pdf), "must-appear notice", &["this charge cannot be settled by mail"]);
}

/// The prosecutor's offer through `POST /api/v1/citations/{number}/offers`: charge 1 amended to
/// a defective headlamp, $50.00 and no points, open until `expires_on`; returns the offer's id.
async fn offer_on_file(app: &TestApp, number: &str, expires_on: chrono::NaiveDate) -> Value {
    let prosecutor = app.token(pleadesk::domain::Role::Prosecutor).await;
    let body = json!({
        "charges": [{"charge_seq": 1, "offense_code": "42-4-202", "fine_cents": 5_000, "points": 0}],
        "expires_on": expires_on.to_string(),
    });
    let resp = app.post_json(&prosecutor, &format!("/api/v1/citations/{number}/offers"), &body).await;
    assert_eq!(resp.status(), 201);
    resp.json::<Value>().await.unwrap()["id"].clone()
}

/// The bottom of a rendered page from just under its dashed cut line: the slip as it is mailed
/// back on its own. The cut line is the row with many short dashes across the page.
fn cut_off_slip(png: &Path) -> image::GrayImage {
    let page = image::open(png).unwrap().to_luma8();
    let (w, h) = page.dimensions();
    let dashes =
        |y: u32| (1..w).filter(|x| page.get_pixel(x - 1, y)[0] >= 128 && page.get_pixel(*x, y)[0] < 128).count();
    let cut = (h / 2..h).find(|y| dashes(*y) > 50).expect("a dashed cut line in the lower half");
    assert!(cut > h * 55 / 100, "the slip is at the foot of the page: cut at {cut} of {h}");
    image::imageops::crop_imm(&page, 0, cut + 2, w, h - cut - 2).to_image()
}

async fn a_plea_offer_letter_carries_its_tear_off_slip_and_the_slip_links_itself(app: TestApp) {
    let clerk = app.with_current_samples().await;
    plead(&app, "DV-2026-000109", "1999-10-10", json!([{"charge_seq": 1, "plea": "request_offer"}])).await;
    let expires = today() + chrono::Days::new(14);
    let offer = offer_on_file(&app, "DV-2026-000109", expires).await;
    let (l, pdf) = letter(&app, &clerk, "DV-2026-000109", "plea_offer").await;
    assert_eq!(l["language"], "es");
    let expiry = long_date(expires, Language::Es);
    assert_says(
        &words(&pdf),
        "plea offer",
        &[
            "La oferta del fiscal",
            &format!("La oferta está abierta hasta el {expiry}."),
            "1 Seguir a otro vehículo 42-4-202 Faro defectuoso $50.00 0",
            "42-4-1008",
            "$100.00",
            "Recorte por la línea discontinua",
            "Acepto la oferta Citación DV-2026-000109 · Sofía Castillo",
            "pagaré las multas indicadas ($50.00 en total)",
            "Firma Fecha",
            &format!("con matasellos del {expiry} o de antes"),
        ],
    );
    let payload = format!("PLEADESK DV-2026-000109 L{}", l["id"]);
    let dir = tempfile::tempdir().unwrap();
    let last = page_png(&pdf, pages(&pdf), 150, dir.path());
    assert_eq!(zbar(&last), vec![payload.clone(), payload.clone()], "the page's code and the slip's, at 150 dpi");
    let slip = cut_off_slip(&last);
    let slip_png = dir.path().join("slip.png");
    slip.save(&slip_png).unwrap();
    assert_eq!(zbar(&slip_png), vec![payload.clone()], "the slip alone");
    assert_eq!(pleadesk::scan::qr::read(&slip), vec![payload], "the scan intake reads the slip alone");
    // An offer answered is not sent again.
    let resp = app
        .client
        .post(app.url(&format!("/api/v1/public/offers/{offer}/reject")))
        .json(&json!({"date_of_birth": "1999-10-10"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let message = refused(&app, &clerk, "DV-2026-000109", "plea_offer").await;
    assert!(message.contains("this case has no pending offer"), "{message}");
}

on_both_backends!(
    the_later_letters_go_by_the_names_spec_gives_them,
    a_guilty_plea_brings_the_amount_due_and_its_reminder,
    a_hearing_notice_says_when_where_and_why,
    a_plea_offer_letter_carries_its_tear_off_slip_and_the_slip_links_itself,
);
