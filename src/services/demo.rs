//! `serve --demo`: loads the demo data set shipped in `samples/` into an empty database, with its
//! dates moved so that the cases are current whatever the day, and the court's holidays (federal
//! and Colorado, computed by rule) for the years the demo spans, so that court dates and
//! deadlines fall on business days as a real court's would.

use crate::auth;
use crate::db::{self, DbConn};
use crate::domain::deadline::CourtCalendar;
use crate::domain::{holidays, Role};
use crate::error::AppError;
use crate::import::{self, rows, ImportRules, ImportSummary};
use chrono::{DateTime, Datelike, Days, NaiveDate};

const OFFENSES: &[u8] = include_bytes!("../../samples/offenses.csv");
const CITATIONS: &[u8] = include_bytes!("../../samples/citations.csv");

/// What loading the demo did.
#[derive(Debug)]
pub struct DemoLoaded {
    pub citations: ImportSummary,
    /// Court holidays added, and the years they cover.
    pub holidays: usize,
    pub holiday_years: std::ops::RangeInclusive<i32>,
    pub clerk: Option<auth::NewCredentials>,
}

/// Loads the demo set if the database has no citations yet; `None` if it already has data.
pub fn load_if_empty(conn: &mut DbConn, rules: &ImportRules, today: NaiveDate) -> Result<Option<DemoLoaded>, AppError> {
    if db::citations::count(conn)? > 0 {
        return Ok(None);
    }
    let offense_rows = rows::from_csv(OFFENSES, import::offenses::COLUMNS).map_err(|e| AppError::invalid(e.0))?;
    import::offenses::import(conn, offense_rows)?;
    // Tickets from the last weeks, court dates in the coming months: last year to next year.
    let holiday_years = today.year() - 1..=today.year() + 1;
    let days: Vec<(NaiveDate, &str)> =
        holidays::federal_and_colorado(holiday_years.clone()).into_iter().map(|h| (h.day, h.name)).collect();
    let holidays = db::offenses::add_holidays(conn, &days)?;
    let calendar = CourtCalendar::new(db::offenses::holidays(conn)?);
    let mut citation_rows =
        rows::from_csv(CITATIONS, import::citations::COLUMNS).map_err(|e| AppError::invalid(e.0))?;
    shift_dates(&mut citation_rows, today, &calendar)?;
    let citations = import::citations::import(conn, citation_rows, rules, "system")?;
    let clerk = match auth::add_user_as(conn, "demo-clerk", Role::Clerk, "system") {
        Ok(creds) => Some(creds),
        Err(AppError::Conflict(_)) => None,
        Err(e) => return Err(e),
    };
    Ok(Some(DemoLoaded { citations, holidays, holiday_years, clerk }))
}

/// Moves every ticket's issue time and court date by the same number of days, so that the newest
/// ticket was issued a week before `today`; a court date that lands on a weekend or a holiday of
/// `calendar` moves on to the next business day.
pub fn shift_dates(rows: &mut [rows::RawRow], today: NaiveDate, calendar: &CourtCalendar) -> Result<(), AppError> {
    const ISSUED_AT: usize = 2;
    const COURT_DATE: usize = 5;
    let bad = |what: &str| AppError::Internal(anyhow::anyhow!("the shipped demo data has a bad {what}"));
    let issued: Vec<DateTime<chrono::FixedOffset>> = rows
        .iter()
        .map(|r| DateTime::parse_from_rfc3339(r.get(ISSUED_AT)).map_err(|_| bad("issued_at")))
        .collect::<Result<_, _>>()?;
    let newest = issued.iter().map(|d| d.date_naive()).max().ok_or_else(|| bad("file"))?;
    let target = today.checked_sub_days(Days::new(7)).unwrap_or(today);
    let offset = (target - newest).num_days();
    let shift = |d: NaiveDate| {
        if offset >= 0 {
            d.checked_add_days(Days::new(offset as u64))
        } else {
            d.checked_sub_days(Days::new(offset.unsigned_abs()))
        }
    };
    for (row, at) in rows.iter_mut().zip(issued) {
        let moved = at + chrono::Duration::days(offset);
        row.set(ISSUED_AT, &moved.to_rfc3339());
        let court = NaiveDate::parse_from_str(row.get(COURT_DATE), "%Y-%m-%d").map_err(|_| bad("court_date"))?;
        let moved_court = calendar.roll_forward(shift(court).ok_or_else(|| bad("court_date"))?);
        row.set(COURT_DATE, &moved_court.to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_ticket_is_a_week_old() {
        let mut rows = rows::from_csv(CITATIONS, import::citations::COLUMNS).unwrap();
        let today = NaiveDate::from_ymd_opt(2031, 3, 9).unwrap();
        shift_dates(&mut rows, today, &CourtCalendar::default()).unwrap();
        let newest = rows.iter().map(|r| DateTime::parse_from_rfc3339(r.get(2)).unwrap().date_naive()).max().unwrap();
        assert_eq!(newest, NaiveDate::from_ymd_opt(2031, 3, 2).unwrap());
        for r in &rows {
            let court = NaiveDate::parse_from_str(r.get(5), "%Y-%m-%d").unwrap();
            assert!(court > today, "court dates stay in the future: {court}");
        }
    }

    #[test]
    fn court_dates_land_on_business_days_whatever_the_day() {
        let calendar = CourtCalendar::new(holidays::federal_and_colorado(2025..=2028).into_iter().map(|h| h.day));
        let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut moved = 0;
        for n in 0..400 {
            let today = start + Days::new(n);
            let mut rows = rows::from_csv(CITATIONS, import::citations::COLUMNS).unwrap();
            let unrolled: Vec<NaiveDate> = {
                let mut r = rows.clone();
                shift_dates(&mut r, today, &CourtCalendar::default()).unwrap();
                r.iter().map(|r| NaiveDate::parse_from_str(r.get(5), "%Y-%m-%d").unwrap()).collect()
            };
            shift_dates(&mut rows, today, &calendar).unwrap();
            for (r, before) in rows.iter().zip(unrolled) {
                let court = NaiveDate::parse_from_str(r.get(5), "%Y-%m-%d").unwrap();
                assert!(calendar.is_business_day(court), "today {today}: court date {court} is not a business day");
                assert!(court >= before && (court - before).num_days() <= 4, "{before} → {court}");
                moved += usize::from(court != before);
            }
        }
        assert!(moved > 0, "some shifted dates fell on weekends or holidays and were moved");
    }
}
