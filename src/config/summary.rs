//! What `serve` prints at start-up: in one block, what this process runs on — never a password
//! (a URL's password and query string are left out).

use super::Config;
use crate::db::Backend;
use chrono::{DateTime, Utc};
use std::net::SocketAddr;

/// The start-up block's lines, label and value.
pub fn startup(config: &Config, bound: SocketAddr, worker: bool, now: DateTime<Utc>) -> Vec<(&'static str, String)> {
    let database = match Backend::from_url(&config.database_url) {
        Ok(Backend::Sqlite(path)) => format!("sqlite, file {}", absolute(std::path::Path::new(&path))),
        Ok(Backend::Postgres(url)) => format!("postgres, {}", without_secrets(&url)),
        Err(e) => e,
    };
    let email = match &config.smtp_url {
        Some(url) => format!("SMTP {}", without_secrets(url)),
        None => {
            format!("no SMTP server: emails are written as .eml files in {}", absolute(&config.data_dir.join("outbox")))
        }
    };
    let worker = if worker {
        format!("on (looks for due jobs every {} s)", config.worker_interval_secs)
    } else {
        "off (run `pleadesk jobs run-once`, or another node's worker)".to_string()
    };
    let court_now = now.with_timezone(&config.court_tz).format("%Y-%m-%d %H:%M %Z");
    let metrics = match config.metrics_allow.is_empty() {
        true => "/metrics answers nobody (PLEADESK_METRICS_ALLOW is empty)".to_string(),
        false => format!("/metrics answers {}", super::networks::display(&config.metrics_allow)),
    };
    let proxies = match config.trusted_proxies.is_empty() {
        true => "none (rate limits count the connecting address)".to_string(),
        false => format!(
            "{} (their X-Forwarded-For or Forwarded names the client)",
            super::networks::display(&config.trusted_proxies)
        ),
    };
    let shared = matches!(Backend::from_url(&config.database_url), Ok(Backend::Postgres(_)));
    let limits = format!(
        "{} identity checks a minute per client, counted {}",
        config.lookup_per_minute,
        if shared { "in the database (shared by every node)" } else { "in this process (one node)" }
    );
    vec![
        ("database", database),
        ("data folder", absolute(&config.data_dir)),
        ("email", email),
        ("worker", worker),
        ("court time zone", format!("{} (court time now {court_now})", config.court_tz)),
        ("listening on", format!("{bound} (residents reach {})", config.base_url)),
        ("metrics", metrics),
        ("trusted proxies", proxies),
        ("rate limits", limits),
    ]
}

/// The block as printed: a heading, then one aligned line per item.
pub fn block(lines: &[(&'static str, String)]) -> String {
    let width = lines.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    let mut out = format!("PleaDesk {} starting:\n", env!("CARGO_PKG_VERSION"));
    for (label, value) in lines {
        out.push_str(&format!("  {label:<width$}  {value}\n"));
    }
    out
}

fn absolute(path: &std::path::Path) -> String {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()).display().to_string()
}

/// `scheme://user@host:port/path` of a URL, without its password, query string or fragment
/// (`postgres://app:secret@db:5432/court?sslpassword=x` → `postgres://app@db:5432/court`).
pub fn without_secrets(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "(not a URL)".to_string();
    };
    // The last `@` ends the credentials, even if a password holds an `@` or `?` of its own.
    let (user, after) = match rest.rsplit_once('@') {
        Some((userinfo, after)) => (userinfo.split(':').next().filter(|u| !u.is_empty()), after),
        None => (None, rest),
    };
    let location = after.split(['?', '#']).next().unwrap_or_default();
    match user {
        Some(u) => format!("{scheme}://{u}@{location}"),
        None => format!("{scheme}://{location}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_passwords_and_queries() {
        assert_eq!(
            without_secrets("postgres://app:s3cret@db:5432/court?sslmode=require"),
            "postgres://app@db:5432/court"
        );
        assert_eq!(without_secrets("postgres://app:p@ss?w@db/court"), "postgres://app@db/court");
        assert_eq!(without_secrets("postgres://db/court?password=x"), "postgres://db/court");
        assert_eq!(without_secrets("smtps://mailer:pw@smtp.example:465"), "smtps://mailer@smtp.example:465");
        assert_eq!(without_secrets("smtp://127.0.0.1:2525"), "smtp://127.0.0.1:2525");
    }

    #[test]
    fn the_block_says_what_serve_runs_on_without_secrets() {
        let env = [
            ("DATABASE_URL", "postgres://court:hunter2@db.example:5432/pleadesk"),
            ("PLEADESK_SMTP_URL", "smtp://mailer:letmein@mail.example:587"),
            ("PLEADESK_DATA_DIR", "/srv/pleadesk"),
            ("PLEADESK_COURT_TZ", "America/Chicago"),
            ("PLEADESK_TRUSTED_PROXIES", "10.0.0.0/8"),
        ];
        let config = Config::load(|k| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())).unwrap();
        let now = "2026-07-01T18:00:00Z".parse().unwrap();
        let text = block(&startup(&config, "0.0.0.0:8080".parse().unwrap(), true, now));
        for expected in [
            "database         postgres, postgres://court@db.example:5432/pleadesk",
            "data folder      /srv/pleadesk",
            "email            SMTP smtp://mailer@mail.example:587",
            "worker           on (looks for due jobs every 5 s)",
            "court time zone  America/Chicago (court time now 2026-07-01 13:00 CDT)",
            "listening on     0.0.0.0:8080",
            "metrics          /metrics answers 127.0.0.0/8, ::1/128",
            "trusted proxies  10.0.0.0/8 (their X-Forwarded-For or Forwarded names the client)",
        ] {
            assert!(text.contains(expected), "{expected} in\n{text}");
        }
        assert!(!text.contains("hunter2") && !text.contains("letmein"), "{text}");
        let files = Config::load(|_| None).unwrap();
        let text = block(&startup(&files, "127.0.0.1:8080".parse().unwrap(), false, now));
        assert!(text.contains("emails are written as .eml files in /"), "an absolute folder: {text}");
        assert!(text.contains("pleadesk-data/outbox"), "{text}");
        assert!(text.contains("worker           off"), "{text}");
        assert!(text.contains("trusted proxies  none"), "{text}");
        assert!(text.contains("sqlite, file /"), "{text}");
    }
}
