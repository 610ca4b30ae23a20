//! The reports summary (`GET /api/v1/reports/summary`, its CSV, `/staff/reports`): counts and
//! sums the database computes (`db::reports`: from the counters where they are exact for the
//! court's zone, else from the raw tables — [`Source`]) for a date range of court days, put
//! together as `domain::report` defines them. Counts only, nothing personal (no audit event: staff reads are
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
    /// (amount due − paid, never below zero).
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

/// Where the counts come from (`db::reports`): the counters, or the raw tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The counters where they are exact for the range (a court whose zone is whole hours from
    /// UTC), else the raw tables: what the reports serve.
    Best,
    /// The raw tables, whatever the zone: slow over many citations; what the counters are
    /// checked against.
    Direct,
}

/// A summary finding more deltas than this waiting folds them into the counters first (the
/// worker does on each pass), so that a read never sums many.
const MAX_PENDING: i64 = 10_000;

/// The instants (court-day midnights in UTC) and days the summary of `range` in zone `tz` as of
/// `today` is counted over.
pub fn span(range: DateRange, tz: Tz, today: NaiveDate) -> reports::Span {
    let (start, end) = range.instants(tz);
    // Ascending edges: issued before today − 90 (91+), before today − 60 (61–90), before
    // today − 30 (31–60), after (0–30).
    let mut age_edges = AgeBucket::boundaries(today).map(|d| report::day_start(tz, d)).to_vec();
    age_edges.reverse();
    let week_starts = range.weeks().iter().map(|d| report::day_start(tz, *d)).collect();
    reports::Span { start, end, age_edges, week_starts, from: range.from, to: range.to }
}

/// The summary for `range` in the court's time zone `tz`, as of the court day `today`.
pub fn summary(conn: &mut DbConn, range: DateRange, tz: Tz, today: NaiveDate) -> Result<Summary, AppError> {
    summary_from(conn, range, tz, today, Source::Best)
}

/// [`summary`], counted from `source`.
pub fn summary_from(
    conn: &mut DbConn,
    range: DateRange,
    tz: Tz,
    today: NaiveDate,
    source: Source,
) -> Result<Summary, AppError> {
    let span = span(range, tz, today);
    let counts = if source == Source::Best && reports::counted::on_the_hour(&span) {
        if reports::counters::pending(conn, MAX_PENDING + 1)? > MAX_PENDING {
            reports::counters::compact(conn)?;
        }
        reports::counted::aggregates(conn, &span)?
    } else {
        reports::direct::aggregates(conn, &span)?
    };
    let issued = &counts.issued;
    let cases_by_status = counted(CaseStatus::ALL.iter().map(|s| s.as_str()), &unbucketed(issued));
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

    let received = &counts.received;
    let in_week = |i: usize, c: Channel| -> i64 {
        received.iter().filter(|r| r.bucket as usize == i && r.name == c.as_str()).map(|r| r.n).sum()
    };
    let pleas_by_week: Vec<Week> = range
        .weeks()
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let (online, mail, counter) =
                (in_week(i, Channel::Online), in_week(i, Channel::Mail), in_week(i, Channel::Counter));
            Week { week_start: *d, online, mail, counter, total: online + mail + counter }
        })
        .collect();
    let pleas_by_channel = counted(Channel::ALL.iter().map(|c| c.as_str()), &unbucketed(received));

    let offers = reports::offers_made(conn, span.start, span.end)?;
    let by_status = counted(OfferStatus::ALL.iter().map(|s| s.as_str()), &offers);
    let accepted = offers.iter().filter(|o| o.name == OfferStatus::Accepted.as_str()).map(|o| o.n).sum();
    let offers = Offers { made: offers.iter().map(|o| o.n).sum(), accepted, by_status };

    let (due_cents, cases_owing) = counts.owed;
    let collected = &counts.collected;
    let money = MoneySummary {
        due_cents,
        cases_owing,
        collected_cents: collected.iter().map(|m| m.cents).sum(),
        payments: collected.iter().map(|m| m.n).sum(),
        collected_by_method: crate::domain::PaymentMethod::ALL
            .iter()
            .map(|m| {
                let rows = collected.iter().filter(|r| r.name == m.as_str());
                let (payments, cents) = rows.fold((0, 0), |(n, c), r| (n + r.n, c + r.cents));
                Collected { method: m.as_str().into(), payments, cents }
            })
            .collect(),
    };

    let decided = &counts.decided;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::reports::counted::on_the_hour;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// A year's summary as of its last day, and the last 90 days as of a day in summer.
    fn spans(tz: Tz) -> [reports::Span; 2] {
        let year = DateRange { from: d("2026-01-01"), to: d("2026-12-31") };
        let summer = DateRange { from: d("2026-05-03"), to: d("2026-07-31") };
        [span(year, tz, d("2026-12-31")), span(summer, tz, d("2026-08-15"))]
    }

    #[test]
    fn courts_in_whole_hour_zones_are_counted_from_the_counters() {
        use chrono_tz::{America, Asia, Europe, UTC};
        for tz in [America::Denver, America::New_York, Europe::Madrid, Asia::Tokyo, UTC] {
            assert!(spans(tz).iter().all(on_the_hour), "{tz}");
        }
    }

    #[test]
    fn courts_in_half_hour_zones_are_counted_from_the_raw_tables() {
        use chrono_tz::{America, Asia, Australia};
        // +05:30; +05:45; −03:30 (−02:30 in summer); +10:30 (+11:00 in summer: whole then).
        for tz in [Asia::Kolkata, Asia::Kathmandu, America::St_Johns, Australia::Lord_Howe] {
            assert!(spans(tz).iter().all(|s| !on_the_hour(s)), "{tz}");
        }
        // One instant off the hour is enough.
        let [mut year, _] = spans(America::Denver);
        year.week_starts[3] += chrono::Duration::minutes(30);
        assert!(!on_the_hour(&year));
    }
}
