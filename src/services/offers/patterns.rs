//! Saved offer patterns an admin keeps (issue 9: "amend to a non-point offense, same fine"): the
//! prosecutor's review form starts from one. Added with their audit event; retired or restored,
//! never deleted.

use crate::audit::{self, Event};
use crate::db::{self, offers::PatternRecord, DbConn};
use crate::domain::offer::{self, FineRule, Pattern};
use crate::error::AppError;
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

/// A pattern as typed on the admin form.
#[derive(Debug, Clone, Default)]
pub struct PatternInput {
    pub name: String,
    /// Empty: keep the offense charged.
    pub offense_code: String,
    /// `same`, `fixed` or `percent`.
    pub fine_rule: String,
    /// Dollars (`fixed`) or a percentage (`percent`).
    pub fine_value: String,
    /// Empty: keep the points charged.
    pub points: String,
}

/// A pattern for the pages: its id, whether it is in use, and how it reads.
#[derive(Debug, Clone, Serialize)]
pub struct PatternView {
    pub id: i64,
    pub name: String,
    pub active: bool,
    pub summary: String,
}

/// A stored pattern as the domain's rule.
pub fn rule(p: &PatternRecord) -> Result<Pattern, AppError> {
    let fine = offer::fine_rule(&p.fine_rule, p.fine_value)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("stored pattern {}: {e}", p.id)))?;
    Ok(Pattern { name: p.name.clone(), offense_code: p.offense_code.clone(), fine, points: p.points })
}

fn summary(p: &Pattern) -> String {
    let offense = p.offense_code.as_deref().map_or("offense as charged".to_string(), |c| format!("amend to {c}"));
    let fine = match p.fine {
        FineRule::Same => "same fine".to_string(),
        FineRule::Fixed(c) => format!("fine {c}"),
        FineRule::Percent(n) => format!("{n}% of the fine"),
    };
    let points = p.points.map_or("points as charged".to_string(), |n| format!("{n} points"));
    format!("{offense}; {fine}; {points}")
}

pub fn list(conn: &mut DbConn, all: bool) -> Result<Vec<PatternView>, AppError> {
    db::offers::patterns(conn, all)?
        .iter()
        .map(|p| Ok(PatternView { id: p.id, name: p.name.clone(), active: p.active, summary: summary(&rule(p)?) }))
        .collect()
}

/// Checks and saves a pattern; every bad field is named.
pub fn add(conn: &mut DbConn, input: &PatternInput, user_id: i64, today: chrono::NaiveDate) -> Result<i64, AppError> {
    let mut fields = BTreeMap::new();
    let name = offer::reason(&input.name).map_err(|e| fields.insert("name".into(), e.0.replace("reason", "name")));
    let code = input.offense_code.trim();
    if !code.is_empty() && db::offenses::in_force(conn, &[code], today)?.is_empty() {
        fields.insert("offense_code".into(), format!("'{code}' is not in the offense catalog"));
    }
    let value = input.fine_value.trim();
    let value = match (input.fine_rule.as_str(), value) {
        (_, "") => None,
        ("fixed", v) => crate::domain::Cents::parse_dollars(v).ok().map(|c| c.get()).or(Some(-1)),
        (_, v) => v.parse::<i64>().ok().or(Some(-1)),
    };
    let fine = offer::fine_rule(&input.fine_rule, value).map_err(|e| fields.insert("fine_rule".into(), e.0));
    let points = match input.points.trim() {
        "" => None,
        p => match p.parse::<i32>() {
            Ok(n) if (0..=offer::MAX_POINTS as i32).contains(&n) => Some(n),
            _ => {
                fields.insert("points".into(), format!("points are a whole number from 0 to {}", offer::MAX_POINTS));
                None
            }
        },
    };
    let (Ok(name), Ok(fine), true) = (name, fine, fields.is_empty()) else {
        return Err(AppError::Invalid { message: "some fields of the pattern are not valid".into(), fields });
    };
    let code = Some(code).filter(|c| !c.is_empty());
    let actor = format!("staff:{user_id}");
    db::write_transaction(conn, |c| {
        let id = match db::offers::add_pattern(c, &name, code, fine.stored(), points, user_id) {
            Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
                return Err(AppError::field("name", format!("a pattern named '{name}' exists already")))
            }
            other => other?,
        };
        event(c, &actor, "offer_pattern.added", id, json!({"name": name}))?;
        Ok(id)
    })
}

/// Retires (`active = false`) or restores a pattern.
pub fn set_active(conn: &mut DbConn, id: i64, active: bool, user_id: i64) -> Result<(), AppError> {
    let actor = format!("staff:{user_id}");
    db::write_transaction(conn, |c| {
        if !db::offers::set_pattern_active(c, id, active)? {
            return Err(AppError::NotFound(format!("there is no pattern {id}")));
        }
        let action = if active { "offer_pattern.restored" } else { "offer_pattern.retired" };
        event(c, &actor, action, id, json!({}))
    })
}

fn event(c: &mut DbConn, actor: &str, action: &str, id: i64, details: serde_json::Value) -> Result<(), AppError> {
    let id = id.to_string();
    let e = Event { actor, action, subject_type: "offer_pattern", subject_id: &id, outcome: "ok", details };
    audit::append(c, &e)?;
    Ok(())
}
