//! The court profile's calendar (the admin's console page): the holidays on file, added or removed
//! one at a time with a name, each change an audit event in its transaction. A holiday added on a
//! day that open cases had as their response deadline moves those deadlines to the next business
//! day (a court closed on the last day to answer gives the next open day); removing a holiday never
//! shortens a deadline already given. The deadline rules themselves are configuration
//! (`config::court`), shown on the page, not edited there (README: "Court profile").

use crate::audit::{self, Event};
use crate::db::{self, DbConn};
use crate::domain::dates::parse_date;
use crate::domain::deadline::CourtCalendar;
use crate::error::AppError;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// What the page shows besides the configured rules.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Calendar {
    pub holidays: Vec<(NaiveDate, String)>,
    /// The last court date the daily job finished.
    pub last_run: Option<NaiveDate>,
}

pub fn calendar(conn: &mut DbConn) -> Result<Calendar, AppError> {
    Ok(Calendar { holidays: db::offenses::holidays_named(conn)?, last_run: db::deadlines::last_run(conn)? })
}

/// A holiday as typed: the day (YYYY-MM-DD) and its name (1 to 80 characters).
pub fn parse_holiday(day: &str, name: &str) -> Result<(NaiveDate, String), AppError> {
    let mut fields = BTreeMap::new();
    let day = parse_date(day, "The date").map_err(|e| fields.insert("day".to_string(), e.to_string())).ok();
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 80 {
        fields.insert("name".into(), "Give the holiday a name of 1 to 80 characters, like Thanksgiving Day".into());
    }
    match day {
        Some(day) if fields.is_empty() => Ok((day, name)),
        _ => Err(AppError::Invalid { message: "the holiday was not added".into(), fields }),
    }
}

/// Adds a holiday; returns how many open cases' response deadlines moved off it.
pub fn add_holiday(conn: &mut DbConn, day: NaiveDate, name: &str, actor: &str) -> Result<usize, AppError> {
    db::write_transaction(conn, |c| {
        if db::offenses::holidays(c)?.contains(&day) {
            return Err(AppError::field("day", format!("{day} is already a court holiday")));
        }
        db::offenses::add_holidays(c, &[(day, name)])?;
        let calendar = CourtCalendar::new(db::offenses::holidays(c)?);
        let moved = db::deadlines::move_response_due(c, day, calendar.roll_forward(day))?;
        let details = serde_json::json!({"day": day, "name": name, "deadlines_moved": moved});
        append(c, actor, "court.holiday_added", &day, details)?;
        Ok(moved)
    })
}

/// Removes a holiday (404 if there is none on that day).
pub fn remove_holiday(conn: &mut DbConn, day: NaiveDate, actor: &str) -> Result<(), AppError> {
    db::write_transaction(conn, |c| {
        if !db::offenses::remove_holiday(c, day)? {
            return Err(AppError::NotFound(format!("{day} is not a court holiday")));
        }
        append(c, actor, "court.holiday_removed", &day, serde_json::json!({"day": day}))
    })
}

fn append(
    c: &mut DbConn,
    actor: &str,
    action: &str,
    day: &NaiveDate,
    details: serde_json::Value,
) -> Result<(), AppError> {
    let subject = day.to_string();
    let e = Event { actor, action, subject_type: "court_holiday", subject_id: &subject, outcome: "ok", details };
    audit::append(c, &e)?;
    Ok(())
}
