//! The cases and things the authorization matrix's routes name, made through the API and the
//! pages as people make them, and the addresses filled with them.

use crate::helpers::TestApp;
use crate::pages::{browser, csrf_of};
use crate::paper_support::{import, keyed, today, Ticket};
use diesel::prelude::*;
use pleadesk::db::schema::{api_tokens, documents, jobs, offer_patterns};
use pleadesk::domain::Role;
use serde_json::{json, Value};

/// Resident A: has pleaded online and opened their status page.
pub const A_NUMBER: &str = "AZ-2026-000003";
pub const A_DOB: &str = "1990-06-15";
/// Resident B: pleaded on the pages with an evidence file, asked for an offer, and was made one.
pub const B_NUMBER: &str = "AZ-2026-000002";
pub const B_NAME: &str = "Quillfeather";
pub const B_DOB: &str = "1975-03-09";
/// A paper plea keyed by a clerk, with a payment and a request for a payment plan.
const P_NUMBER: &str = "AZ-2026-000001";
const P_NAME: &str = "Okonkwo-Ferris";
const P_DOB: &str = "1981-11-23";
/// A birth date nobody here has: what an identity without B's sends where B's is asked.
pub const WRONG_DOB: &str = "1970-01-01";

/// The ids the routes' addresses are filled with.
pub struct Fixtures {
    pub b_confirmation: String,
    pub a_confirmation: String,
    pub b_letter: i64,
    pub b_offer: i64,
    pub evidence: i64,
    pub submission: i64,
    pub payment: i64,
    pub hardship: i64,
    pub document: i64,
    pub envelope: i64,
    pub pattern: i64,
    pub job: i64,
    pub victim: i64,
    pub victim_token: i64,
    pub holiday: String,
    pub asset: String,
}

pub fn dob_parts(dob: &str) -> (String, String, String) {
    let (y, m, d) = (&dob[0..4], &dob[5..7], &dob[8..10]);
    (m.trim_start_matches('0').to_string(), d.trim_start_matches('0').to_string(), y.to_string())
}

/// A browser with the CSRF cookie every form needs; the token of its forms.
pub async fn fresh_browser(app: &TestApp) -> (reqwest::Client, String) {
    let b = browser();
    let page = b.get(app.url("/lookup")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    (b, csrf)
}

pub async fn db<T: Send + 'static>(
    app: &TestApp,
    f: impl FnOnce(&mut pleadesk::db::DbConn) -> T + Send + 'static,
) -> T {
    app.with_db(f).await
}

/// Posts a form that asks for an identity — a citation number or a confirmation code (`key`)
/// and a birth date in its three boxes — from browser `b` with its CSRF token.
pub async fn identity_form(
    app: &TestApp,
    (b, csrf): (&reqwest::Client, &str),
    path: &str,
    key: (&str, &str),
    dob: &str,
) -> reqwest::Response {
    let (m, d, y) = dob_parts(dob);
    let form =
        [("csrf", csrf), key, ("date_of_birth_month", &m), ("date_of_birth_day", &d), ("date_of_birth_year", &y)];
    b.post(app.url(path)).form(&form).send().await.unwrap()
}

/// A form POSTed by `keeper` (a signed-in admin browser); asserts it was done (303).
pub async fn admin_post(app: &TestApp, keeper: &(reqwest::Client, String), path: &str, fields: &[(&str, &str)]) {
    let mut form = vec![("csrf", keeper.1.as_str())];
    form.extend_from_slice(fields);
    let r = keeper.0.post(app.url(path)).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303, "{path}: {:?}", r.text().await);
}

/// B's plea through the pages: look-up, the plea form with an evidence file (both charges
/// asking for an offer), review, submit.
async fn b_pleads_on_the_pages(app: &TestApp) {
    let (b, csrf) = fresh_browser(app).await;
    let r = identity_form(app, (&b, &csrf), "/case", ("citation_number", B_NUMBER), B_DOB).await;
    assert_eq!(r.headers()["location"], "/case");
    let pdf = reqwest::multipart::Part::bytes(b"%PDF-1.4\n% B's evidence\n".to_vec())
        .file_name("b-evidence.pdf")
        .mime_str("application/pdf")
        .unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("plea_1", "request_offer")
        .text("plea_2", "request_offer")
        .text("statement", "I was driving my mother to the hospital.")
        .text("email", "")
        .text("phone", "303-555-0142")
        .text("language", "en")
        .text("line1", "1 Main St")
        .text("line2", "")
        .text("city", "Denver")
        .text("state", "CO")
        .text("postal_code", "80202")
        .text("signature_name", format!("Ana {B_NAME}"))
        .text("attest", "yes")
        .part("evidence", pdf);
    let r = b.post(app.url("/plea")).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/plea/review");
    let r = b.post(app.url("/plea/submit")).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/plea/confirmation");
}

/// A guilty plea through `POST /api/v1/public/pleas`; its confirmation code.
pub async fn pleads_online(app: &TestApp, number: &str, dob: &str, name: &str) -> String {
    let body = json!({
        "citation_number": number, "date_of_birth": dob, "pleas": [{"charge_seq": 1, "plea": "guilty"}],
        "signature_name": name, "attest": true,
    });
    let resp = app.client.post(app.url("/api/v1/public/pleas")).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 201, "{:?}", resp.text().await);
    let receipt: Value = resp.json().await.unwrap();
    receipt["confirmation"].as_str().unwrap().to_string()
}

/// Everything the routes name, made as people make it.
pub async fn fixtures(app: &TestApp, keeper: &(reqwest::Client, String)) -> Fixtures {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let prosecutor = app.token(Role::Prosecutor).await;
    let two = [(1, "42-4-1101-C"), (2, "42-4-604")];
    let one = [(1, "42-4-1101-C")];
    import(
        app,
        &clerk,
        &[
            Ticket { last_name: P_NAME, dob: P_DOB, charges: &one, ..Ticket::open(P_NUMBER) },
            Ticket { last_name: B_NAME, dob: B_DOB, charges: &two, ..Ticket::open(B_NUMBER) },
            Ticket { last_name: "Abernathy", dob: A_DOB, charges: &one, ..Ticket::open(A_NUMBER) },
        ],
    )
    .await;

    // P: a paper plea, a payment, a request for a payment plan.
    let plea = keyed(
        app,
        &clerk,
        &json!({
            "citation_number": P_NUMBER, "date_of_birth": P_DOB, "last_name": P_NAME,
            "postmark_date": today().to_string(), "pleas": [{"charge_seq": 1, "plea": "guilty"}], "signed": true,
        }),
    )
    .await;
    let payment = crate::payments::paid(app, &clerk, P_NUMBER, crate::payments::check(1_000, "1")).await;
    let hardship = crate::hardship::ask(app, plea["confirmation"].as_str().unwrap(), P_DOB).await;

    // B: a plea on the pages with evidence, then the prosecutor's offer.
    b_pleads_on_the_pages(app).await;
    let offer = crate::offer_support::offered(app, &prosecutor, B_NUMBER, &crate::offer_support::offer_body(30)).await;
    // A: a plea online.
    let a_confirmation = pleads_online(app, A_NUMBER, A_DOB, "Sam Abernathy").await;

    let scan = crate::console_scans::upload_blank(app, &clerk).await;
    let pattern_fields = [
        ("name", "Amend to a non-point offense"),
        ("offense_code", "42-4-202"),
        ("fine_rule", "same"),
        ("fine_value", ""),
        ("points", "0"),
    ];
    admin_post(app, keeper, "/staff/admin/offer-patterns", &pattern_fields).await;
    let victim = app.staff(Role::Clerk).await;
    app.run_jobs().await;

    let whole = crate::paper_support::case(app, &clerk, B_NUMBER).await;
    let b_letter = whole["letters"][0]["id"].as_i64().expect("B has letters");
    let b_confirmation = whole["submissions"][0]["confirmation"].as_str().expect("B's plea").to_string();
    let victim_id = victim.id;
    let (evidence, pattern, job, victim_token) = db(app, move |c| {
        let evidence = documents::table
            .filter(documents::original_name.eq("b-evidence.pdf"))
            .select(documents::id)
            .first::<i64>(c)
            .unwrap();
        let pattern = offer_patterns::table.select(offer_patterns::id).first::<i64>(c).unwrap();
        let job = jobs::table.select(jobs::id).order(jobs::id).first::<i64>(c).unwrap();
        let token =
            api_tokens::table.filter(api_tokens::user_id.eq(victim_id)).select(api_tokens::id).first::<i64>(c).unwrap();
        (evidence, pattern, job, token)
    })
    .await;
    let start = reqwest::Client::new().get(app.url("/")).send().await.unwrap().text().await.unwrap();
    let asset = start.split("href=\"/static/").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    Fixtures {
        b_confirmation,
        a_confirmation,
        b_letter,
        b_offer: offer["id"].as_i64().expect("the offer's id"),
        evidence,
        submission: plea["id"].as_i64().unwrap(),
        payment: payment["payment_id"].as_i64().unwrap(),
        hardship: hardship["id"].as_i64().unwrap(),
        document: scan["document_id"].as_i64().unwrap(),
        envelope: scan["envelopes"][0]["id"].as_i64().unwrap(),
        pattern,
        job,
        victim: victim.id,
        victim_token,
        holiday: (today() + chrono::Days::new(60)).to_string(),
        asset,
    }
}

/// The address of `pattern` with its parts filled from the fixtures (B's case and things where
/// a resident's are named).
pub fn fill(pattern: &str, fx: &Fixtures) -> String {
    let segments: Vec<&str> = pattern.split('/').collect();
    let mut out = Vec::new();
    for (i, seg) in segments.iter().enumerate() {
        let before = if i > 0 { segments[i - 1] } else { "" };
        let two_before = if i > 1 { segments[i - 2] } else { "" };
        let value = match *seg {
            "{number}" => B_NUMBER.to_string(),
            "{document_id}" => fx.document.to_string(),
            "{envelope}" => fx.envelope.to_string(),
            "{page}" => "1".into(),
            "{day}" => fx.holiday.clone(),
            "{kind}" => "plea_offer".into(),
            "{lang}.pdf" => "es.pdf".into(),
            "{answer}" => "accept".into(),
            "{path:.+}" => fx.asset.clone(),
            "{action}" if two_before == "users" => "role".into(),
            "{action}" if two_before == "offer-patterns" => "retire".into(),
            "{id}" => match before {
                "users" => fx.victim,
                "tokens" => fx.victim_token,
                "payments" => fx.payment,
                "hardship" => fx.hardship,
                "offers" | "offer" => fx.b_offer,
                "evidence" => fx.evidence,
                "offer-patterns" => fx.pattern,
                "letters" => fx.b_letter,
                "submissions" | "pleas" => fx.submission,
                "envelopes" => fx.envelope,
                "jobs" => fx.job,
                other => panic!("{pattern}: no value for an id after '{other}': add one to fill()"),
            }
            .to_string(),
            s if s.starts_with('{') => panic!("{pattern}: no value for {s}: add one to fill()"),
            s => s.to_string(),
        };
        out.push(value);
    }
    out.join("/")
}
