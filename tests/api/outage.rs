//! The server survives its database going away (issue 10): PostgreSQL stopped for 20 s under
//! load — a cluster of the test's own, so the shared server is not touched. While it is down,
//! every answer is a prompt 503 that says so (the API's JSON error, the console's page, /healthz),
//! never a 500 and never a hang; when it is back, the same server answers again without a restart.

use crate::helpers::{spawn_at, TestApp};
use crate::throwaway_pg::ThrowawayPg;
use pleadesk::domain::Role;
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Longer than the server may take for any answer: the pool waits 10 s for a connection.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(30);
const NUMBER: &str = "DV-2026-000103";
const DOB: &str = "1992-07-01";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Health,
    Lookup,
    StaffApi,
    ConsolePage,
}

#[derive(Debug)]
struct Answer {
    kind: Kind,
    started: Instant,
    ended: Instant,
    /// The status, or what went wrong on the way (a timeout, a dropped connection).
    status: Result<u16, String>,
    /// The API's error code, the page's title, or /healthz's status.
    what: String,
}

async fn ask(app: &TestApp, kind: Kind, token: &str, console: &reqwest::Client) -> Answer {
    let started = Instant::now();
    let request = match kind {
        Kind::Health => app.client.get(app.url("/healthz")),
        Kind::Lookup => app
            .client
            .post(app.url("/api/v1/public/lookup"))
            .json(&json!({"citation_number": NUMBER, "date_of_birth": DOB})),
        Kind::StaffApi => app.client.get(app.url(&format!("/api/v1/citations/{NUMBER}"))).bearer_auth(token),
        Kind::ConsolePage => console.get(app.url("/staff")),
    };
    let status = match request.timeout(CLIENT_TIMEOUT).send().await {
        Err(e) => {
            return Answer { kind, started, ended: Instant::now(), status: Err(e.to_string()), what: String::new() }
        }
        Ok(r) => r,
    };
    let code = status.status().as_u16();
    let body = status.text().await.unwrap_or_default();
    let what = match kind {
        Kind::ConsolePage => body.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).unwrap_or("").into(),
        _ => serde_json::from_str::<serde_json::Value>(&body)
            .map(|v| v["error"]["code"].as_str().or(v["status"].as_str()).unwrap_or("").to_string())
            .unwrap_or_default(),
    };
    Answer { kind, started, ended: Instant::now(), status: Ok(code), what }
}

/// Clients asking without pause until `stop` is set; every answer recorded.
type Clients = (Vec<actix_web::rt::task::JoinHandle<()>>, Arc<Mutex<Vec<Answer>>>);

fn load(app: &Arc<TestApp>, token: &str, console: &reqwest::Client, stop: &Arc<AtomicBool>) -> Clients {
    let answers = Arc::new(Mutex::new(Vec::new()));
    let mut clients = Vec::new();
    // Two clients for each kind of request.
    for client in 0..8 {
        let (app, token, console, stop, answers) =
            (app.clone(), token.to_string(), console.clone(), stop.clone(), answers.clone());
        clients.push(actix_web::rt::spawn(async move {
            let kind = [Kind::Health, Kind::Lookup, Kind::StaffApi, Kind::ConsolePage][client % 4];
            while !stop.load(Ordering::SeqCst) {
                let a = ask(&app, kind, &token, &console).await;
                answers.lock().unwrap().push(a);
            }
        }));
    }
    (clients, answers)
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    actix_web::rt::task::spawn_blocking(f).await.unwrap()
}

#[actix_web::test]
#[cfg_attr(not(pg_tests), ignore = "set PLEADESK_TEST_PG to a PostgreSQL server URL to run this")]
async fn postgres_stopped_under_load_gives_prompt_503s_and_the_server_recovers_without_a_restart() {
    let pg = Arc::new(blocking(ThrowawayPg::start).await);
    let app = Arc::new(spawn_at(pg.url(), &[]).await);
    app.with_current_samples().await;
    let token = app.token(Role::Clerk).await;
    let (console, _) = crate::console::signed_in(&app, &app.staff(Role::Clerk).await).await;

    let stop = Arc::new(AtomicBool::new(false));
    let (clients, answers) = load(&app, &token, &console, &stop);
    actix_web::rt::time::sleep(Duration::from_secs(2)).await;
    let p = pg.clone();
    let stopping = Instant::now();
    blocking(move || p.stop()).await;
    let down = Instant::now();
    actix_web::rt::time::sleep(Duration::from_secs(20)).await;
    let p = pg.clone();
    let resuming = Instant::now();
    blocking(move || p.resume()).await;
    let up = Instant::now();
    // A request may wait up to the pool's 10 s for a connection and get one once PostgreSQL is
    // back: those asked in the last 11 s of the outage may rightly answer 200.
    let surely_down = resuming - Duration::from_secs(11);
    // Back when /healthz says so; then a while more of load.
    let mut back = None;
    while back.is_none() && up.elapsed() < Duration::from_secs(60) {
        let a = ask(&app, Kind::Health, &token, &console).await;
        if a.status == Ok(200) {
            back = Some(Instant::now());
        }
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }
    let back = back.expect("/healthz says 200 within a minute of PostgreSQL's return, without a restart");
    actix_web::rt::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::SeqCst);
    for c in clients {
        c.await.unwrap();
    }

    let answers = std::mem::take(&mut *answers.lock().unwrap());
    let mut during = [0usize; 4];
    for a in &answers {
        let Ok(status) = a.status else { panic!("{:?} got no answer: {:?}", a.kind, a.status) };
        assert!(
            status == 200 || status == 503,
            "{:?} answered {status} ({}): only 200 or 503 are right",
            a.kind,
            a.what
        );
        if a.started > down && a.started < surely_down {
            assert_eq!(status, 503, "{:?} asked while PostgreSQL was stopped", a.kind);
        }
        if status == 503 {
            assert!(
                a.ended > stopping && a.started < up,
                "{:?} answered 503 while PostgreSQL was up: asked {:?} after the stop began, answered {:?} after, up {:?} after",
                a.kind,
                a.started.saturating_duration_since(stopping),
                a.ended.saturating_duration_since(stopping),
                up - stopping
            );
            match a.kind {
                Kind::Health | Kind::Lookup | Kind::StaffApi => assert_eq!(a.what, "unavailable", "{:?}", a.kind),
                Kind::ConsolePage => {
                    assert!(a.what.contains("not available right now"), "the console's page says so: {}", a.what)
                }
            }
            during[a.kind as usize] += 1;
        }
        if a.started > back {
            assert_eq!(status, 200, "{:?} asked after PostgreSQL came back ({})", a.kind, a.what);
        }
    }
    assert!(during.iter().all(|&n| n > 0), "every kind of request answered 503 while PostgreSQL was down: {during:?}");
    let after = answers.iter().filter(|a| a.started > back).count();
    assert!(after >= 4, "requests were answered after the return: {after}");
    // Writing works again too: a plea is taken.
    let plea = json!({
        "citation_number": NUMBER, "date_of_birth": DOB, "pleas": [{"charge_seq": 1, "plea": "guilty"}, {"charge_seq": 2, "plea": "guilty"}],
        "email": "jose@example.org", "language": "es", "signature_name": "José Luis Muñoz Peña", "attest": true
    });
    let r = app.client.post(app.url("/api/v1/public/pleas")).json(&plea).send().await.unwrap();
    assert_eq!(r.status(), 201, "{:?}", r.text().await);
}
