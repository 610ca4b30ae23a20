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
    Ok(crate::services::staff_admin::list(conn)?
        .into_iter()
        .map(|a| (format!("staff:{}", a.id), a.username))
        .collect())
}

/// Who an actor is, in words: a user name, "the resident", "the system", or the actor as stored.
pub fn who(names: &HashMap<String, String>, actor: &str) -> String {
    if let Some(n) = names.get(actor) {
        return n.clone();
    }
    match actor.split(':').next().unwrap_or("") {
        "public" | "resident" => "the resident".into(),
        "system" | "job" | "jobs" => "the system".into(),
        _ => actor.to_string(),
    }
}
