//! `pleadesk serve --demo` as an operator runs it: a real process, stopped with SIGTERM.

use chrono::Datelike;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

#[actix_web::test]
async fn serve_demo_loads_current_cases_logs_no_personal_data_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pleadesk"))
        .args(["serve", "--demo"])
        .current_dir(dir.path())
        .env("DATABASE_URL", format!("sqlite://{}", dir.path().join("demo.db").display()))
        .env("PLEADESK_BIND", "127.0.0.1:0")
        .env("PLEADESK_DATA_DIR", dir.path().join("data"))
        .env("RUST_LOG", "debug")
        .env("PLEADESK_WORKER_INTERVAL_SECS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut stderr = child.stderr.take().unwrap();
    let log = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });

    let mut lines = Vec::new();
    let port = loop {
        let line = rx.recv_timeout(Duration::from_secs(60)).expect("serve prints its address");
        lines.push(line.clone());
        if let Some(rest) = line.split("listening on port ").nth(1) {
            break rest.trim_end_matches(')').parse::<u16>().unwrap();
        }
    };
    let printed = lines.join("\n");
    assert!(printed.contains("demo data loaded: 12 citations"), "{printed}");
    // No PLEADESK_BASE_URL: the address announced (and printed in letters) is the one bound.
    let base_url = format!("http://127.0.0.1:{port}");
    assert!(printed.contains(&format!("PleaDesk is running at {base_url} (listening on port {port})")), "{printed}");
    // One block says what it runs on.
    let data = dir.path().join("data");
    for expected in [
        format!("  database         sqlite, file {}", dir.path().join("demo.db").display()),
        format!("  data folder      {}", data.display()),
        format!(
            "  email            no SMTP server: emails are written as .eml files in {}",
            data.join("outbox").display()
        ),
        "  worker           on (looks for due jobs every 1 s)".to_string(),
        "  court time zone  America/Denver (court time now ".to_string(),
        format!("  listening on     127.0.0.1:{port} (residents reach {base_url})"),
        "  metrics          /metrics answers 127.0.0.0/8, ::1/128".to_string(),
    ] {
        assert!(printed.contains(&expected), "{expected}\nin\n{printed}");
    }
    let year = chrono::Utc::now().with_timezone(&chrono_tz::America::Denver).date_naive().year();
    let holidays: Vec<chrono::NaiveDate> =
        pleadesk::domain::holidays::federal_and_colorado(year - 1..=year + 1).into_iter().map(|h| h.day).collect();
    let loaded =
        format!("court holidays loaded: {} (U.S. federal and Colorado, {} to {})", holidays.len(), year - 1, year + 1);
    assert!(printed.contains(&loaded), "{printed}");
    let token = printed
        .split("token: ")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .expect("demo clerk token")
        .to_string();

    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let health = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let case: serde_json::Value = client
        .get(format!("{base}/api/v1/citations/DV-2026-000101"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let today = chrono::Utc::now().date_naive();
    let due = chrono::NaiveDate::parse_from_str(case["response_due"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let issued = chrono::DateTime::parse_from_rfc3339(case["issued_at"].as_str().unwrap()).unwrap().date_naive();
    assert!(due > today, "the demo case is still open for a plea: due {due}, today {today}");
    assert!(issued < today && (today - issued).num_days() <= 30, "issued recently: {issued}");
    assert_eq!(case["defendant"]["last_name"], "Hernández");
    assert_eq!(case["defendant"]["date_of_birth"], "1988-04-12", "birth dates are not moved");
    // The demo court sits on business days: court dates and deadlines avoid weekends and the
    // federal and Colorado holidays.
    let court = chrono::NaiveDate::parse_from_str(case["court_date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    for day in [court, due] {
        assert!(day.weekday().number_from_monday() <= 5 && !holidays.contains(&day), "{day} is a business day");
    }

    // Requests that fail on personal data: neither the input nor the error text reaches the log.
    let resp = client.get(format!("{base}/api/v1/citations/Leaky%20Surname")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(resp.status(), 422);
    let row = "Z-1,DPD,2026-10-03T08:14:00,Main St,P1,2026-12-15,Zelda,,Secretname,1970-01-01,1 Main St,,Denver,CO,80202,,,,,,,en,1,NO-SUCH-CODE,1.00,0";
    let header = "citation_number,agency,issued_at,location,officer_badge,court_date,first_name,middle_name,last_name,date_of_birth,address_line1,address_line2,city,state,postal_code,license_number,license_state,plate,plate_state,email,phone,language,charge_seq,offense_code,fine,points";
    let resp = client
        .post(format!("{base}/api/v1/citations/import"))
        .bearer_auth(&token)
        .header("content-type", "text/csv")
        .body(format!("{header}\n{row}\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    // The background worker sends letters: a plea form for a defendant with an email address
    // reaches the outbox folder (no SMTP server configured) without anyone running jobs.
    let resp = client
        .post(format!("{base}/api/v1/citations/DV-2026-000101/letters"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"type": "plea_form"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let outbox = dir.path().join("data/outbox");
    let mut emailed = false;
    for _ in 0..100 {
        if std::fs::read_dir(&outbox).map(|d| d.count() > 0).unwrap_or(false) {
            emailed = true;
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(emailed, "the worker emailed the letter");
    let eml = std::fs::read_dir(&outbox).unwrap().next().unwrap().unwrap().path();
    let raw = std::fs::read(eml).unwrap();
    let msg = mail_parser::MessageParser::default().parse(&raw).expect("a MIME message");
    assert!(msg.body_text(0).unwrap().contains(&base_url), "the email links to the address served");

    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "graceful shutdown exits 0: {exit:?}");
    let rest: Vec<String> = rx.try_iter().collect();
    assert!(rest.iter().any(|l| l.contains("PleaDesk stopped")), "{rest:?}");

    let log = log.join().unwrap();
    assert!(log.contains("request done"), "requests are logged: {log}");
    assert!(log.contains("/api/v1/citations/{number}"), "routes are logged by pattern");
    assert!(log.contains("request_id="), "requests carry an id");
    assert!(log.contains("letter emailed") && log.contains("m***@example.org"), "deliveries are logged, masked");
    for personal in [
        "Hernández",
        "1988-04-12",
        "DV-2026-000101",
        "maria.hernandez",
        "Lafayette",
        &token,
        "Leaky",
        "Secretname",
        "NO-SUCH-CODE",
    ] {
        assert!(!log.contains(personal), "the log leaks '{personal}'");
    }
}
