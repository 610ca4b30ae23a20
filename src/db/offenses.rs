//! Queries on the offense catalog and the court calendar.

use super::schema::{court_holidays, offenses};
use super::DbConn;
use crate::domain::OffenseDraft;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use std::collections::HashMap;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = offenses)]
pub struct OffenseRecord {
    pub id: i64,
    pub code: String,
    pub description: String,
    pub description_es: String,
    pub penalty_class: String,
    pub fine_cents: i64,
    pub points: i32,
    pub plea_by_mail: bool,
    pub must_appear: bool,
    pub effective_from: NaiveDate,
}

/// The catalog flags that decide whether a charge can go by mail (none for an unknown offense).
pub fn facts(o: Option<&OffenseRecord>) -> crate::domain::eligibility::ChargeFacts {
    o.map(|o| crate::domain::eligibility::ChargeFacts { plea_by_mail: o.plea_by_mail, must_appear: o.must_appear })
        .unwrap_or_default()
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = offenses)]
struct OffenseFields<'a> {
    code: &'a str,
    description: &'a str,
    description_es: &'a str,
    penalty_class: &'a str,
    fine_cents: i64,
    points: i32,
    plea_by_mail: bool,
    must_appear: bool,
    effective_from: NaiveDate,
    #[diesel(skip_update)]
    created_at: NaiveDateTime,
}

/// Every offense code with the dates its versions took effect.
pub fn catalog(conn: &mut DbConn) -> QueryResult<HashMap<String, Vec<NaiveDate>>> {
    let rows: Vec<(String, NaiveDate)> =
        offenses::table.select((offenses::code, offenses::effective_from)).load(conn)?;
    let mut map: HashMap<String, Vec<NaiveDate>> = HashMap::new();
    for (code, from) in rows {
        map.entry(code).or_default().push(from);
    }
    Ok(map)
}

/// The catalog version in force on `on` of each of `codes` that the catalog has.
pub fn in_force(conn: &mut DbConn, codes: &[&str], on: NaiveDate) -> QueryResult<Vec<OffenseRecord>> {
    let versions = Versions::of(conn, codes)?;
    let mut found: Vec<OffenseRecord> = Vec::new();
    for code in codes {
        if let Some(v) = versions.in_force(code, on) {
            if !found.iter().any(|f| f.code == v.code) {
                found.push(v.clone());
            }
        }
    }
    Ok(found)
}

/// Every version on file of some offense codes, read once for many look-ups (a page of cases
/// issued on different days).
pub struct Versions(Vec<OffenseRecord>);

impl Versions {
    pub fn of(conn: &mut DbConn, codes: &[&str]) -> QueryResult<Versions> {
        let mut codes = codes.to_vec();
        codes.sort_unstable();
        codes.dedup();
        Ok(Versions(
            offenses::table.filter(offenses::code.eq_any(codes)).select(OffenseRecord::as_select()).load(conn)?,
        ))
    }

    /// The version of `code` in force on `on`, if the catalog has one.
    pub fn in_force(&self, code: &str, on: NaiveDate) -> Option<&OffenseRecord> {
        crate::domain::offense::version_in_force(self.0.iter().filter(|v| v.code == code), |v| v.effective_from, on)
    }
}

/// Every court holiday with its name, in date order.
pub fn holidays_named(conn: &mut DbConn) -> QueryResult<Vec<(NaiveDate, String)>> {
    court_holidays::table.order(court_holidays::day).select((court_holidays::day, court_holidays::name)).load(conn)
}

/// Removes the holiday on `day`; false if there was none.
pub fn remove_holiday(conn: &mut DbConn, day: NaiveDate) -> QueryResult<bool> {
    Ok(diesel::delete(court_holidays::table.find(day)).execute(conn)? == 1)
}

pub fn holidays(conn: &mut DbConn) -> QueryResult<Vec<NaiveDate>> {
    court_holidays::table.select(court_holidays::day).load(conn)
}

/// Adds the holidays not yet on file (a day already there keeps its name); returns how many
/// were added.
pub fn add_holidays(conn: &mut DbConn, days: &[(NaiveDate, &str)]) -> QueryResult<usize> {
    let known: std::collections::HashSet<NaiveDate> = holidays(conn)?.into_iter().collect();
    let mut added = 0;
    for (day, name) in days.iter().filter(|(d, _)| !known.contains(d)) {
        added += diesel::insert_into(court_holidays::table)
            .values((court_holidays::day.eq(*day), court_holidays::name.eq(*name)))
            .execute(conn)?;
    }
    Ok(added)
}

/// What saving one catalog row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Imported,
    Updated,
    Unchanged,
}

/// Inserts or corrects one version of an offense (keyed by code and effective date).
pub fn upsert(conn: &mut DbConn, o: &OffenseDraft) -> QueryResult<Saved> {
    let existing: Option<OffenseRecord> = offenses::table
        .filter(offenses::code.eq(&o.code))
        .filter(offenses::effective_from.eq(o.effective_from))
        .select(OffenseRecord::as_select())
        .first(conn)
        .optional()?;
    let fields = OffenseFields {
        code: &o.code,
        description: &o.description,
        description_es: &o.description_es,
        penalty_class: o.penalty_class.as_str(),
        fine_cents: o.fine.get(),
        points: o.points,
        plea_by_mail: o.plea_by_mail,
        must_appear: o.must_appear,
        effective_from: o.effective_from,
        created_at: super::now(),
    };
    match existing {
        None => {
            diesel::insert_into(offenses::table).values(&fields).execute(conn)?;
            Ok(Saved::Imported)
        }
        Some(e)
            if e.description == o.description
                && e.description_es == o.description_es
                && e.penalty_class == o.penalty_class.as_str()
                && e.fine_cents == o.fine.get()
                && e.points == o.points
                && e.plea_by_mail == o.plea_by_mail
                && e.must_appear == o.must_appear =>
        {
            Ok(Saved::Unchanged)
        }
        Some(e) => {
            diesel::update(offenses::table.find(e.id)).set(&fields).execute(conn)?;
            Ok(Saved::Updated)
        }
    }
}
