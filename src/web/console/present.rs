//! How the console shows stored values: times in the court's zone, actors by user name, money.
//! Presentation only; no rules.

use crate::db::DbConn;
use crate::error::AppError;
use crate::web::AppState;
use serde_json::Value;
use std::collections::HashMap;

/// An RFC 3339 time (as the services give it) as the court reads it: `Dec 1, 2026, 9:15 AM`.
pub fn local(state: &AppState, rfc3339: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => t.with_timezone(&state.config.court_tz).format("%b %-d, %Y, %-I:%M %p").to_string(),
        Err(_) => rfc3339.to_string(),
    }
}

/// Rewrites `obj[key]` (an RFC 3339 time) in the court's zone, in place, for each of `items`.
pub fn localize(state: &AppState, items: &mut Value, keys: &[&str]) {
    if let Value::Array(list) = items {
        for item in list {
            for key in keys {
                if let Some(s) = item.get(*key).and_then(Value::as_str).map(str::to_string) {
                    item[*key] = Value::String(local(state, &s));
                }
            }
        }
    }
}

/// Staff user names by audit actor (`staff:<id>`).
pub fn staff_names(conn: &mut DbConn) -> Result<HashMap<String, String>, AppError> {
    Ok(crate::services::staff_admin::list(conn)?.into_iter().map(|a| (format!("staff:{}", a.id), a.username)).collect())
}

/// Who an actor is, in words: a staff member's user name, "the defendant" (the public pages and
/// API), "the system" (the worker, start-up), "an administrator at the command line", or the
/// actor as stored when it is none of these.
pub fn who(names: &HashMap<String, String>, actor: &str) -> String {
    if let Some(n) = names.get(actor) {
        return n.clone();
    }
    match actor.split(':').next().unwrap_or("") {
        "public" | "resident" => "the defendant".into(),
        "system" | "job" | "jobs" => "the system".into(),
        "cli" => "an administrator at the command line".into(),
        "staff" => "a staff member".into(),
        _ => actor.to_string(),
    }
}

/// How long ago `then` was, in round words: `3 days`, `5 hours`, `12 minutes`, `under a minute`.
pub fn age(now: chrono::NaiveDateTime, then: chrono::NaiveDateTime) -> String {
    let mins = (now - then).num_minutes().max(0);
    let (n, unit) = match mins {
        m if m >= 2 * 24 * 60 => (m / (24 * 60), "day"),
        m if m >= 60 => (m / 60, "hour"),
        m if m >= 1 => (m, "minute"),
        _ => return "under a minute".into(),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::age;
    use chrono::{Duration, NaiveDate};

    #[test]
    fn ages_in_round_words() {
        let now = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(12, 0, 0).unwrap();
        assert_eq!(age(now, now), "under a minute");
        assert_eq!(age(now, now - Duration::minutes(1)), "1 minute");
        assert_eq!(age(now, now - Duration::hours(47)), "47 hours");
        assert_eq!(age(now, now - Duration::days(3) - Duration::hours(5)), "3 days");
    }
}
