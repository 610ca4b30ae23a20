//! The daily deadline job (issue 9 point 6) through the CLI (`pleadesk jobs run-once --as-of`)
//! and the HTTP API: no answer → reminders (emailed where there is an email, printed where there is
//! none) → a default with its notice; the same day run twice changes nothing; a plea in time stops
//! the default and brings a payment reminder; two processes at once queue each letter once.

use crate::helpers::TestApp;
use crate::later_letters::{assert_says, words};
use crate::on_both_backends;
use crate::paper_support::today;
use chrono::{Days, NaiveDate};
use pleadesk::domain::deadline::{CourtCalendar, DeadlineRules};
use serde_json::{json, Value};

/// One ticket of one charge: issued 5 days ago, court date in `court_in` days; `email` or none.
pub fn ticket_csv(tickets: &[(&str, u64, bool)]) -> String {
    let header = String::from_utf8(crate::helpers::sample("citations.csv")).unwrap();
    let mut out = header.lines().next().unwrap().to_string() + "\n";
    let issued = today().checked_sub_days(Days::new(5)).unwrap();
    for (number, court_in, email) in tickets {
        let court = today().checked_add_days(Days::new(*court_in)).unwrap();
        let email = if *email { "ana@example.org" } else { "" };
        out.push_str(&format!(
            "{number},DPD,{issued}T08:00:00-07:00,E Colfax Ave,P1,{court},Ana,,Ruiz,1988-04-12,1 Main St,,Denver,CO,80202,,,ABC 123,CO,{email},,en,1,42-4-1101-C,135.00,4\n"
        ));
    }
    out
}

pub async fn import(app: &TestApp, clerk: &str, tickets: &[(&str, u64, bool)]) {
    let resp = app.post_import(clerk, "text/csv", ticket_csv(tickets)).await;
    assert_eq!(resp.status(), 200);
    let summary: Value = resp.json().await.unwrap();
    assert_eq!(summary["rejected"], json!([]), "{summary}");
}

/// Runs `pleadesk jobs run-once --as-of DAY`; returns its output.
pub fn run_once(app: &TestApp, day: NaiveDate) -> String {
    let out = app.cli().args(["jobs", "run-once", "--as-of", &day.to_string()]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    text
}

pub async fn case(app: &TestApp, clerk: &str, number: &str) -> Value {
    let resp = app.get_citation(clerk, number).await;
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

pub fn response_due(case: &Value) -> NaiveDate {
    case["response_due"].as_str().unwrap().parse().unwrap()
}

/// The case's letters of `kind`.
pub fn letters_of<'a>(case: &'a Value, kind: &str) -> Vec<&'a Value> {
    case["letters"].as_array().unwrap().iter().filter(|l| l["type"] == kind).collect()
}

/// The citation numbers of the letters of `kind` in a `GET /api/v1/letters` answer.
fn numbers_with<'a>(list: &'a Value, kind: &str) -> Vec<&'a str> {
    let letters = list["letters"].as_array().unwrap().iter().filter(|l| l["type"] == kind);
    letters.map(|l| l["citation_number"].as_str().unwrap()).collect()
}

async fn pdf(app: &TestApp, clerk: &str, letter: &Value) -> Vec<u8> {
    let resp = app.get(clerk, &format!("/api/v1/letters/{}/pdf", letter["id"])).await;
    assert_eq!(resp.status(), 200);
    resp.bytes().await.unwrap().to_vec()
}

fn before(day: NaiveDate, n: u64) -> NaiveDate {
    day.checked_sub_days(Days::new(n)).unwrap()
}

async fn no_answer_brings_reminders_then_a_default_each_once(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(pleadesk::domain::Role::Clerk).await;
    import(&app, &clerk, &[("DV-2026-000801", 40, true), ("DV-2026-000802", 40, false)]).await;
    let due = response_due(&case(&app, &clerk, "DV-2026-000801").await);
    assert_eq!(due, response_due(&case(&app, &clerk, "DV-2026-000802").await));

    // Eight days ahead: nothing yet. Seven: the first reminder to each.
    assert!(run_once(&app, before(due, 8)).contains("0 reminders, 0 defaults"), "too early");
    let out = run_once(&app, before(due, 7));
    assert!(out.contains("2 reminders, 0 defaults, 0 offers expired; 2 letters queued"), "{out}");
    // The same day again, and the next day (the same reminder): nothing more.
    assert!(run_once(&app, before(due, 7)).contains("0 reminders"));
    assert!(run_once(&app, before(due, 6)).contains("0 reminders"));

    let with_email = case(&app, &clerk, "DV-2026-000801").await;
    let reminders = letters_of(&with_email, "reminder");
    assert_eq!(reminders.len(), 1, "{with_email}");
    assert_eq!(reminders[0]["status"], "emailed", "a defendant with an email is reminded by email only");
    let text = words(&pdf(&app, &clerk, reminders[0]).await);
    assert_says(&text, "reminder", &["Reminder: answer your ticket by", "DV-2026-000801"]);
    let on_paper = case(&app, &clerk, "DV-2026-000802").await;
    let reminders = letters_of(&on_paper, "reminder");
    assert_eq!(reminders.len(), 1);
    assert_eq!(reminders[0]["status"], "queued", "no email: the reminder waits for the mail run");
    // The mail run prints the paper reminder and never the emailed one.
    let queued: Value = app.get(&clerk, "/api/v1/letters?status=queued").await.json().await.unwrap();
    assert_eq!(numbers_with(&queued, "reminder"), ["DV-2026-000802"]);

    // Two days ahead: the second reminder.
    assert!(run_once(&app, before(due, 2)).contains("2 reminders"));
    assert_eq!(letters_of(&case(&app, &clerk, "DV-2026-000802").await, "reminder").len(), 2);

    // After the deadline, during the grace for mail in transit: no default yet.
    let default_from = DeadlineRules::default().default_from(due, &CourtCalendar::default());
    let out = run_once(&app, before(default_from, 1));
    assert!(out.contains("0 reminders, 0 defaults"), "{out}");
    assert_eq!(case(&app, &clerk, "DV-2026-000801").await["status"], "open");

    let out = run_once(&app, default_from);
    assert!(out.contains("0 reminders, 2 defaults, 0 offers expired; 2 letters queued"), "{out}");
    for number in ["DV-2026-000801", "DV-2026-000802"] {
        let c = case(&app, &clerk, number).await;
        assert_eq!(c["status"], "default", "{c}");
        let notices = letters_of(&c, "default_notice");
        assert_eq!(notices.len(), 1);
        let text = words(&pdf(&app, &clerk, notices[0]).await);
        assert_says(&text, "default notice", &["Notice of default judgment", number, "default judgment"]);
    }

    // Again the same day, and the next: nothing changes.
    let letters_before = case(&app, &clerk, "DV-2026-000802").await["letters"].as_array().unwrap().len();
    assert!(run_once(&app, default_from).contains("0 reminders, 0 defaults, 0 offers expired; 0 letters queued"));
    assert!(run_once(&app, default_from.succ_opt().unwrap()).contains("0 defaults"));
    assert_eq!(case(&app, &clerk, "DV-2026-000802").await["letters"].as_array().unwrap().len(), letters_before);
}

async fn a_plea_in_time_stops_the_default_and_the_fine_is_reminded(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(pleadesk::domain::Role::Clerk).await;
    import(&app, &clerk, &[("DV-2026-000811", 40, false)]).await;
    let due = response_due(&case(&app, &clerk, "DV-2026-000811").await);
    let body = json!({
        "citation_number": "DV-2026-000811", "date_of_birth": "1988-04-12",
        "pleas": [{"charge_seq": 1, "plea": "guilty"}], "signature_name": "Ana Ruiz", "attest": true
    });
    let resp = app.client.post(app.url("/api/v1/public/pleas")).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 201);

    let out = run_once(&app, due.checked_add_days(Days::new(30)).unwrap());
    assert!(out.contains("0 defaults"), "{out}");
    let c = case(&app, &clerk, "DV-2026-000811").await;
    assert_eq!(c["status"], "amount_due");
    assert!(letters_of(&c, "default_notice").is_empty());

    // The fine is due 30 days after the plea (rolled to a business day); 7 days before: a reminder.
    let pay_by = pleadesk::domain::next_steps::pay_by(today(), Default::default(), &CourtCalendar::default());
    assert!(run_once(&app, before(pay_by, 8)).contains("0 reminders"));
    assert!(run_once(&app, before(pay_by, 7)).contains("1 reminders"));
    let c = case(&app, &clerk, "DV-2026-000811").await;
    let reminders = letters_of(&c, "reminder");
    assert_eq!(reminders.len(), 1);
    let text = words(&pdf(&app, &clerk, reminders[0]).await);
    assert_says(&text, "payment reminder", &["Reminder: payment due by"]);
    assert!(run_once(&app, before(pay_by, 7)).contains("0 reminders"));
}

/// Two `pleadesk jobs run-once` processes at once (on PostgreSQL they really overlap; SQLite
/// takes their write transactions in turn): every case gets one default and one notice.
async fn two_runs_at_once_queue_each_letter_once(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(pleadesk::domain::Role::Clerk).await;
    let numbers: Vec<String> = (0..250).map(|i| format!("DV-2026-{:06}", 900_000 + i)).collect();
    let tickets: Vec<(&str, u64, bool)> = numbers.iter().map(|n| (n.as_str(), 40, i_has_email(n))).collect();
    import(&app, &clerk, &tickets).await;
    let due = response_due(&case(&app, &clerk, &numbers[0]).await);
    let day = DeadlineRules::default().default_from(due, &CourtCalendar::default()).to_string();
    let spawn =
        || app.cli().args(["jobs", "run-once", "--as-of", &day]).stdout(std::process::Stdio::piped()).spawn().unwrap();
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success() && b.status.success(), "{a:?} {b:?}");
    let defaults = |out: &std::process::Output| -> u32 {
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let n = text.split(" defaults").next().unwrap().rsplit(' ').next().unwrap();
        n.parse().unwrap_or_else(|_| panic!("{text}"))
    };
    assert_eq!(defaults(&a) + defaults(&b), 250, "each case defaulted by one of the two");
    // A new connection: the test's pooled one sat idle past the server's keep-alive meanwhile.
    let fresh = reqwest::Client::new().get(app.url("/api/v1/letters")).bearer_auth(&clerk).send().await.unwrap();
    let all: Value = fresh.json().await.unwrap();
    let notices = numbers_with(&all, "default_notice");
    let distinct: std::collections::BTreeSet<&str> = notices.iter().copied().collect();
    assert_eq!((notices.len(), distinct.len()), (250, 250), "one notice per case");
    assert!(run_once(&app, day.parse().unwrap()).contains("0 defaults"));
}

fn i_has_email(number: &str) -> bool {
    number.ends_with('0')
}

on_both_backends!(
    no_answer_brings_reminders_then_a_default_each_once,
    a_plea_in_time_stops_the_default_and_the_fine_is_reminded,
    two_runs_at_once_queue_each_letter_once,
    an_unanswered_offer_expires_into_a_hearing,
    a_case_whose_letter_cannot_be_made_does_not_hold_up_its_page,
);

/// An offer left unanswered past its expiry: the daily job closes it, sets the hearing and queues
/// the hearing notice, once; the offer is made through SPEC §4's
/// `POST /api/v1/citations/{number}/offers`. The planner's side is unit-tested in `domain::daily_plan`.
async fn an_unanswered_offer_expires_into_a_hearing(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(pleadesk::domain::Role::Clerk).await;
    let prosecutor = app.token(pleadesk::domain::Role::Prosecutor).await;
    import(&app, &clerk, &[("DV-2026-000821", 40, false)]).await;
    let expires_on = today().checked_add_days(Days::new(14)).unwrap();
    offer_waiting(&app, &prosecutor, "DV-2026-000821", expires_on).await;
    assert!(run_once(&app, expires_on).contains("0 offers expired"), "the last day to accept is still open");
    let out = run_once(&app, expires_on.succ_opt().unwrap());
    assert!(out.contains("1 offers expired; 1 letters queued"), "{out}");
    let c = case(&app, &clerk, "DV-2026-000821").await;
    assert_eq!(c["status"], "hearing_set");
    let notices = letters_of(&c, "hearing_notice");
    assert_eq!(notices.len(), 1);
    assert_says(&words(&pdf(&app, &clerk, notices[0]).await), "hearing notice", &["DV-2026-000821"]);
    assert!(run_once(&app, expires_on.succ_opt().unwrap()).contains("0 offers expired"));
}

/// Case `number` asks for an offer online and the prosecutor makes one that expires on `expires_on`.
async fn offer_waiting(app: &TestApp, prosecutor: &str, number: &str, expires_on: NaiveDate) {
    let body = json!({
        "citation_number": number, "date_of_birth": "1988-04-12",
        "pleas": [{"charge_seq": 1, "plea": "request_offer"}], "signature_name": "Ana Ruiz", "attest": true
    });
    let resp = app.client.post(app.url("/api/v1/public/pleas")).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 201);
    let offer = json!({"charges": [{"charge_seq": 1, "fine_cents": 5000, "points": 0}], "expires_on": expires_on});
    let resp = app.post_json(prosecutor, &format!("/api/v1/citations/{number}/offers"), &offer).await;
    assert_eq!(resp.status(), 201, "{:?}", resp.text().await);
}

/// The daily job takes a page of cases together; a case whose letter cannot be made — here its
/// offer expires after its court date, and a hearing notice needs a date still ahead — is left
/// exactly as it was and tried again on the next run, while the other cases of its page move.
async fn a_case_whose_letter_cannot_be_made_does_not_hold_up_its_page(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(pleadesk::domain::Role::Clerk).await;
    let prosecutor = app.token(pleadesk::domain::Role::Prosecutor).await;
    let (early, late) = ("DV-2026-000831", "DV-2026-000832");
    import(&app, &clerk, &[(early, 10, false), (late, 40, false)]).await;
    let expires_on = today().checked_add_days(Days::new(14)).unwrap();
    offer_waiting(&app, &prosecutor, early, expires_on).await;
    offer_waiting(&app, &prosecutor, late, expires_on).await;
    let day = expires_on.succ_opt().unwrap();
    let out = run_once(&app, day);
    assert!(out.contains("1 offers expired; 1 letters queued"), "{out}");
    assert!(out.contains("0 already done by another run, 1 to retry"), "{out}");
    let moved = case(&app, &clerk, late).await;
    assert_eq!((moved["status"].as_str(), letters_of(&moved, "hearing_notice").len()), (Some("hearing_set"), 1));
    let kept = case(&app, &clerk, early).await;
    assert_eq!(kept["status"], "offer_pending", "nothing of its move is written without its letter");
    assert!(letters_of(&kept, "hearing_notice").is_empty());
    let again = run_once(&app, day);
    assert!(again.contains("0 offers expired") && again.contains("1 to retry"), "{again}");
}
