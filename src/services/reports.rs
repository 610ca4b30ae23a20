//! The reports summary (`GET /api/v1/reports/summary`, its CSV, `/staff/reports`): counts and
//! sums the database computes (`db::reports`) for a date range of court days, put together as
//! `domain::report` defines them. Counts only, nothing personal (no audit event: staff reads are
//! audited for personal data). Each measure is taken over the range by its own date:
//!
//! - **cases by status**: citations issued in the range, by their status now (all 8, zeros too);
//! - **ageing**: of those, the ones open now (not resolved, default or hearing_set), by days since
//!   *issued* (court dates) as of today: 0–30, 31–60, 61–90, 91+;
//! - **pleas by week**: submissions received in the range (every plea as it arrived, linked or
//!   not) per channel and week (Monday to Sunday, the court's calendar);
//! - **offers**: offers made in the range, and how many of them are accepted now;
//! - **money due**: what the cases issued in the range still owe today (each case's balance,
//!   due − paid, as the case page shows it); **collected**: payments received in the range
//!   (`received_on`) and not reversed;
//! - **resolved without a court appearance**: among the cases decided in the range (status now
//!   resolved, hearing_set or default, last standing disposition dated in the range),
//!   resolved ÷ (resolved + hearing_set + default).

use crate::db::{reports, DbConn};
use crate::domain::report::{self, AgeBucket, DateRange};
use crate::domain::{CaseStatus, Channel, OfferStatus};
use crate::error::AppError;
use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Summary {
    /// The first court day of the range (YYYY-MM-DD).
    #[schema(value_type = String)]
    pub from: NaiveDate,
    /// The last court day of the range, included.
    #[schema(value_type = String)]
    pub to: NaiveDate,
    /// The court's time zone the days are counted in.
    pub time_zone: String,
    /// Today on the court's calendar: ages and balances are as of this day.
    #[schema(value_type = String)]
    pub as_of: NaiveDate,
    /// Citations issued in the range, by status now; every status, in the lifecycle's order.
    pub cases_by_status: Vec<Counted>,
    pub cases_total: i64,
    /// Of the citations issued in the range, those open now (not resolved, default or
    /// hearing_set), by days since issued: 0-30, 31-60, 61-90, 91+.
    pub ageing: Vec<Counted>,
    /// Pleas received in the range per week (Monday to Sunday; the first and last weeks may be
    /// cut by the range) and channel.
    pub pleas_by_week: Vec<Week>,
    /// The same pleas per channel.
    pub pleas_by_channel: Vec<Counted>,
    pub offers: Offers,
    pub money: MoneySummary,
    pub without_appearance: WithoutAppearance,
}

/// A count under a key (a status, an age bucket, a channel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Counted {
    pub key: String,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Week {
    /// The week's Monday.
    #[schema(value_type = String)]
    pub week_start: NaiveDate,
    pub online: i64,
    pub mail: i64,
    pub counter: i64,
    pub total: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Offers {
    /// Offers made in the range.
    pub made: i64,
    /// Of those, accepted now.
    pub accepted: i64,
    /// Of those, by status now: pending, accepted, rejected, expired, withdrawn.
    pub by_status: Vec<Counted>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MoneySummary {
    /// What the citations issued in the range still owe today: the sum of their balances
    /// (amount due − paid, never below zero, never stored).
    pub due_cents: i64,
    /// How many of them owe something.
    pub cases_owing: i64,
    /// Payments received in the range (by received_on) and not reversed.
    pub collected_cents: i64,
    pub payments: i64,
    /// The same per method: check, money_order, card, cash.
    pub collected_by_method: Vec<Collected>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Collected {
    pub method: String,
    pub payments: i64,
    pub cents: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WithoutAppearance {
    /// Cases decided in the range (status now resolved, hearing_set or default; their last
    /// standing disposition dated in the range), by how.
    pub resolved: i64,
    pub hearing_set: i64,
    pub default: i64,
    pub decided: i64,
    /// resolved ÷ decided, in percent with one decimal; null when nothing was decided.
    pub share_percent: Option<f64>,
}

/// `names`' counts for each of `keys`, zero for a key the database had no row for.
fn counted(keys: impl IntoIterator<Item = &'static str>, rows: &[reports::Named]) -> Vec<Counted> {
    let n = |k: &str| rows.iter().filter(|r| r.name == k).map(|r| r.n).sum();
    keys.into_iter().map(|k| Counted { key: k.to_string(), count: n(k) }).collect()
}

/// The counts under each name, whatever their bucket.
fn unbucketed(rows: &[reports::Bucketed]) -> Vec<reports::Named> {
    rows.iter().map(|r| reports::Named { name: r.name.clone(), n: r.n }).collect()
}

/// The summary for `range` in the court's time zone `tz`, as of the court day `today`.
pub fn summary(conn: &mut DbConn, range: DateRange, tz: Tz, today: NaiveDate) -> Result<Summary, AppError> {
    let (start, end) = range.instants(tz);
    // Ascending edges: issued before today − 90 (91+), before today − 60 (61–90), before
    // today − 30 (31–60), after (0–30).
    let mut edges = AgeBucket::boundaries(today).map(|d| report::day_start(tz, d));
    edges.reverse();
    let issued = reports::issued_by_age(conn, start, end, &edges)?;
    let cases_by_status = counted(CaseStatus::ALL.iter().map(|s| s.as_str()), &unbucketed(&issued));
    let open: Vec<&str> = report::OPEN.iter().map(|s| s.as_str()).collect();
    let aged: Vec<&reports::Bucketed> = issued.iter().filter(|r| open.contains(&r.name.as_str())).collect();
    let ageing = AgeBucket::ALL
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let bucket = (AgeBucket::ALL.len() - 1 - i) as i32;
            Counted { key: b.key().into(), count: aged.iter().filter(|r| r.bucket == bucket).map(|r| r.n).sum() }
        })
        .collect();

    let week_days = range.weeks();
    let starts: Vec<_> = week_days.iter().map(|d| report::day_start(tz, *d)).collect();
    let received = reports::received_by_week(conn, start, end, &starts)?;
    let in_week = |i: usize, c: Channel| -> i64 {
        received.iter().filter(|r| r.bucket as usize == i && r.name == c.as_str()).map(|r| r.n).sum()
    };
    let pleas_by_week: Vec<Week> = week_days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let (online, mail, counter) =
                (in_week(i, Channel::Online), in_week(i, Channel::Mail), in_week(i, Channel::Counter));
            Week { week_start: *d, online, mail, counter, total: online + mail + counter }
        })
        .collect();
    let pleas_by_channel = counted(Channel::ALL.iter().map(|c| c.as_str()), &unbucketed(&received));

    let offers = reports::offers_made(conn, start, end)?;
    let by_status = counted(OfferStatus::ALL.iter().map(|s| s.as_str()), &offers);
    let accepted = offers.iter().filter(|o| o.name == OfferStatus::Accepted.as_str()).map(|o| o.n).sum();
    let offers = Offers { made: offers.iter().map(|o| o.n).sum(), accepted, by_status };

    let (due_cents, cases_owing) = reports::owed(conn, start, end)?;
    let collected = reports::collected(conn, range.from, range.to)?;
    let money = MoneySummary {
        due_cents,
        cases_owing,
        collected_cents: collected.iter().map(|m| m.cents).sum(),
        payments: collected.iter().map(|m| m.n).sum(),
        collected_by_method: crate::domain::PaymentMethod::ALL
            .iter()
            .map(|m| {
                let row = collected.iter().find(|r| r.name == m.as_str());
                Collected {
                    method: m.as_str().into(),
                    payments: row.map_or(0, |r| r.n),
                    cents: row.map_or(0, |r| r.cents),
                }
            })
            .collect(),
    };

    let decided = reports::decided(conn, range.from, range.to)?;
    let n = |s: CaseStatus| decided.iter().filter(|r| r.name == s.as_str()).map(|r| r.n).sum::<i64>();
    let (resolved, hearing_set, default) = (n(CaseStatus::Resolved), n(CaseStatus::HearingSet), n(CaseStatus::Default));
    let without_appearance = WithoutAppearance {
        resolved,
        hearing_set,
        default,
        decided: resolved + hearing_set + default,
        share_percent: report::share_without_appearance(resolved, hearing_set, default),
    };

    Ok(Summary {
        from: range.from,
        to: range.to,
        time_zone: tz.name().to_string(),
        as_of: today,
        cases_total: cases_by_status.iter().map(|c| c.count).sum(),
        cases_by_status,
        ageing,
        pleas_by_week,
        pleas_by_channel,
        offers,
        money,
        without_appearance,
    })
}
