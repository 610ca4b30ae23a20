//! The configuration's tests: defaults, precedence, errors, and `.env.example` against the code.

use super::*;

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    move |k| map.get(k).cloned()
}

#[test]
fn defaults_match_the_spec() {
    let c = Config::load(env_of(&[])).unwrap();
    assert_eq!(c.database_url, "sqlite://pleadesk-data/pleadesk.db");
    assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(c.data_dir, PathBuf::from("pleadesk-data"));
    assert_eq!(c.smtp_url, None);
    assert_eq!(c.court_tz, chrono_tz::America::Denver);
    assert_eq!(c.base_url, "http://127.0.0.1:8080");
    assert_eq!(c.lookup_per_minute, 10);
    assert_eq!(c.court.appearance_time, chrono::NaiveTime::from_hms_opt(8, 30, 0).unwrap());
    // Without a courtroom of its own, people appear at the court's address.
    assert_eq!(c.court.appearance_place, c.court.address_lines);
    assert_eq!(c.court.after_plea, crate::domain::next_steps::AfterPleaRules::default());
    assert_eq!(c.staff_idle, chrono::Duration::minutes(30));
    assert_eq!(networks::display(&c.metrics_allow), "127.0.0.0/8, ::1/128", "loopback only");
    assert_eq!(c.court.deadlines, crate::domain::deadline::DeadlineRules::default());
    let c = Config::load(env_of(&[("PLEADESK_STAFF_IDLE_MINUTES", "0.05")])).unwrap();
    assert_eq!(c.staff_idle, chrono::Duration::seconds(3), "fractions of a minute, for tests");
}

#[test]
fn base_url_follows_the_bind_address_unless_set() {
    let c = Config::load(env_of(&[("PLEADESK_BIND", "127.0.0.1:9090")])).unwrap();
    assert_eq!(c.base_url, "http://127.0.0.1:9090");
    assert_eq!(c.court.website, "http://127.0.0.1:9090");
    let c = Config::load(env_of(&[("PLEADESK_BIND", "0.0.0.0:9000")])).unwrap();
    assert_eq!(c.base_url, "http://127.0.0.1:9000", "a wildcard address is reached on loopback");
    let c = Config::load(env_of(&[("PLEADESK_BIND", "[::]:9000")])).unwrap();
    assert_eq!(c.base_url, "http://[::1]:9000");

    // Port 0: the real port once bound.
    let mut c = Config::load(env_of(&[("PLEADESK_BIND", "127.0.0.1:0")])).unwrap();
    c.follow_bind("127.0.0.1:41234".parse().unwrap());
    assert_eq!(c.base_url, "http://127.0.0.1:41234");
    assert_eq!(c.court.website, "http://127.0.0.1:41234");

    // Set explicitly: kept as given, whatever the bind; a set website is kept too.
    let mut c = Config::load(env_of(&[
        ("PLEADESK_BIND", "127.0.0.1:9090"),
        ("PLEADESK_BASE_URL", "https://court.example.org/"),
        ("PLEADESK_COURT_WEBSITE", "https://www.example.org/court"),
    ]))
    .unwrap();
    c.follow_bind("127.0.0.1:9090".parse().unwrap());
    assert_eq!(c.base_url, "https://court.example.org");
    assert_eq!(c.court.website, "https://www.example.org/court");
    let mut c = Config::load(env_of(&[("PLEADESK_COURT_WEBSITE", "https://www.example.org/court")])).unwrap();
    c.follow_bind("127.0.0.1:8181".parse().unwrap());
    assert_eq!(
        (c.base_url.as_str(), c.court.website.as_str()),
        ("http://127.0.0.1:8181", "https://www.example.org/court")
    );
}

#[test]
fn bad_values_name_the_variable() {
    for (var, val) in [
        ("PLEADESK_BIND", "nowhere"),
        ("PLEADESK_COURT_TZ", "Mars/Olympus"),
        ("PLEADESK_LOOKUP_PER_MINUTE", "lots"),
        ("DATABASE_URL", "mysql://x"),
        ("PLEADESK_SMTP_URL", "http://x"),
        ("PLEADESK_BASE_URL", "example.org"),
        ("PLEADESK_ENVELOPE_OFFSET_X", "3"),
        ("PLEADESK_COURT_LOGO", "/no/such/logo.png"),
        ("PLEADESK_MAIL_FROM", "nobody"),
        ("PLEADESK_WORKER_INTERVAL_SECS", "0"),
        ("PLEADESK_COURT_APPEARANCE_TIME", "8.30am"),
        ("PLEADESK_PAYMENT_DAYS", "0"),
        ("PLEADESK_OFFER_REVIEW_DAYS", "many"),
        ("PLEADESK_STAFF_IDLE_MINUTES", "0"),
        ("PLEADESK_STAFF_IDLE_MINUTES", "a while"),
        ("PLEADESK_RESPONSE_DUE", "soon"),
        ("PLEADESK_OFFER_WINDOW_DAYS", "0"),
        ("PLEADESK_REMINDER_DAYS", "7,two"),
        ("PLEADESK_PAYMENT_REMINDER_DAYS", "100"),
        ("PLEADESK_DEFAULT_GRACE_DAYS", "-1"),
        ("PLEADESK_METRICS_ALLOW", "127.0.0.0/8,everyone"),
    ] {
        let e = Config::load(env_of(&[(var, val)])).unwrap_err().to_string();
        assert!(e.contains(var), "{e}");
    }
}

/// `.env.example` is the configuration's documentation: every variable the code reads is
/// there with its default, and nothing else is.
#[test]
fn env_example_lists_every_variable_with_its_default() {
    let mut listed: HashMap<&str, &str> = HashMap::new();
    for line in include_str!("../../.env.example").lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (var, value) = line.split_once('=').unwrap_or_else(|| panic!("not VAR=value: {line}"));
        assert!(listed.insert(var, value.trim_matches('"')).is_none(), "{var} is listed twice");
    }
    for (var, _, default) in all_vars() {
        assert_eq!(listed.remove(var), Some(default), "{var} with its default");
    }
    // Read outside VARS: the TOML file's name, and the log filter (`web::telemetry`).
    assert_eq!(listed.remove("PLEADESK_CONFIG"), Some(""));
    assert_eq!(listed.remove("RUST_LOG"), Some("info"));
    assert!(listed.is_empty(), "listed but never read: {listed:?}");
}

#[test]
fn toml_file_then_environment() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pleadesk.toml");
    std::fs::write(&path, "bind = \"0.0.0.0:9000\"\nlookup_per_minute = 3\n").unwrap();
    let p = path.to_str().unwrap();
    let c = Config::load(env_of(&[("PLEADESK_CONFIG", p)])).unwrap();
    assert_eq!(c.bind.to_string(), "0.0.0.0:9000");
    assert_eq!(c.lookup_per_minute, 3);
    let c = Config::load(env_of(&[("PLEADESK_CONFIG", p), ("PLEADESK_LOOKUP_PER_MINUTE", "7")])).unwrap();
    assert_eq!(c.lookup_per_minute, 7);

    std::fs::write(&path, "reminder_days = \"3\"\nresponse_due = \"issued+20\"\n").unwrap();
    let c = Config::load(env_of(&[("PLEADESK_CONFIG", p)])).unwrap();
    assert_eq!(c.court.deadlines.response_reminders.days(), [3], "the court profile's keys are read too");
    assert_eq!(c.court.deadlines.response_due.to_string(), "issued+20");

    std::fs::write(&path, "bnd = 1\n").unwrap();
    let e = Config::load(env_of(&[("PLEADESK_CONFIG", p)])).unwrap_err().to_string();
    assert!(e.contains("unknown key 'bnd'"), "{e}");
}
