//! The reports' counters (kept by triggers, folded by the worker) give the summary the raw
//! tables give: cases walked through the real endpoints — pleas online, by mail and at the
//! counter, an offer accepted online and paid in part, a mixed plea, a payment in full reversed,
//! defaults entered by `pleadesk jobs run-once --as-of` — then `GET /api/v1/reports/summary`
//! compared with the summary counted from the raw tables (`services::reports::Source::Direct`,
//! the oracle) over several ranges: before the deltas are folded, after, after
//! `pleadesk reports rebuild`, and after the migration's backfill counted the rows already there.

use crate::deadlines::{response_due, run_once};
use crate::helpers::TestApp;
use crate::offer_support::*;
use crate::on_both_backends;
use crate::paper_support::*;
use crate::payments::{check, paid, reverse};
use crate::reports::five_cases;
use chrono::{Days, NaiveDate};
use pleadesk::domain::deadline::{CourtCalendar, DeadlineRules};
use pleadesk::domain::report::DateRange;
use pleadesk::domain::Role;
use pleadesk::services::reports::{summary_from, Source};
use serde_json::{json, Value};

/// More cases beside `reports::five_cases`; returns the day the overdue ticket defaults on (a
/// court day, today or later).
async fn more_cases(app: &TestApp, clerk: &str) -> NaiveDate {
    // An offer accepted online, then paid in part: $125.00 − $50.00 owed.
    let prosecutor = app.token(Role::Prosecutor).await;
    in_review(app, clerk, "RC-2026-000001").await;
    let made = offered(app, &prosecutor, "RC-2026-000001", &offer_body(21)).await;
    assert_eq!(answer(app, &made["id"], "accept", "1988-04-12").await.status(), 200);
    assert_eq!(paid(app, clerk, "RC-2026-000001", check(5_000, "301")).await["status"], "amount_due");
    // Guilty to one charge, not guilty to the other: a hearing, and the guilty charge owed.
    requested(app, clerk, "RC-2026-000002", &[(1, "guilty"), (2, "not_guilty")]).await;
    // Paid in full by card, then the payment reversed: owing again, no longer decided.
    requested(app, clerk, "RC-2026-000003", &[(1, "guilty"), (2, "no_contest")]).await;
    let card =
        json!({"amount_cents": 27_000, "method": "card", "reference": "c-1", "received_on": today().to_string()});
    let settled = paid(app, clerk, "RC-2026-000003", card).await;
    assert_eq!(settled["status"], "resolved");
    assert_eq!(reverse(app, clerk, &settled["payment_id"], "charged back").await.status(), 200);
    // No answer: a default once the deadline and its grace have passed.
    import(app, clerk, &[Ticket::overdue("RC-2026-000004")]).await;
    let due = response_due(&case(app, clerk, "RC-2026-000004").await);
    DeadlineRules::default().default_from(due, &CourtCalendar::default()).max(today())
}

/// The queries of the ranges compared: the default (last 90 days), today, the past year, and a
/// range reaching the day of the defaults.
fn ranges(defaults_on: NaiveDate) -> Vec<String> {
    let ago = |n| today().checked_sub_days(Days::new(n)).unwrap();
    vec![
        String::new(),
        format!("?from={0}&to={0}", today()),
        format!("?from={}&to={}", ago(365), today()),
        format!("?from={}&to={}", ago(150), defaults_on),
    ]
}

/// The summary the API serves for `query` and the one counted from the raw tables.
async fn served_and_counted(app: &TestApp, clerk: &str, query: &str) -> (Value, Value) {
    let resp = app.get(clerk, &format!("/api/v1/reports/summary{query}")).await;
    assert_eq!(resp.status(), 200, "{query}");
    let served: Value = resp.json().await.unwrap();
    let param = |k: &str| served[k].as_str().unwrap().to_string();
    let (from, to) = (param("from"), param("to"));
    let oracle = app
        .with_db(move |c| {
            let range = DateRange::parse(Some(&from), Some(&to), today()).unwrap();
            summary_from(c, range, chrono_tz::America::Denver, today(), Source::Direct).unwrap()
        })
        .await;
    (served, serde_json::to_value(oracle).unwrap())
}

async fn assert_counted_as_the_raw_tables_give(app: &TestApp, clerk: &str, when: &str, defaults_on: NaiveDate) {
    for query in ranges(defaults_on) {
        let (served, oracle) = served_and_counted(app, clerk, &query).await;
        for (key, counted) in oracle.as_object().unwrap() {
            assert_eq!(&served[key], counted, "{when}, summary{query}: {key}");
        }
        assert_eq!(served, oracle, "{when}, summary{query}");
    }
}

async fn the_counters_give_what_the_raw_tables_give(app: TestApp) {
    let clerk = five_cases(&app).await;
    let defaults_on = more_cases(&app, &clerk).await;
    assert_counted_as_the_raw_tables_give(&app, &clerk, "from the deltas", defaults_on).await;
    let out = run_once(&app, defaults_on);
    assert!(!out.contains(" 0 defaults"), "{out}");
    assert_counted_as_the_raw_tables_give(&app, &clerk, "after the daily job", defaults_on).await;

    // The comparison is not between empty summaries: every measure has something in it.
    let whole = ranges(defaults_on).pop().unwrap();
    let (s, _) = served_and_counted(&app, &clerk, &whole).await;
    let w = &s["without_appearance"];
    assert!(w["resolved"].as_i64() > Some(0) && w["hearing_set"].as_i64() > Some(0), "{w}");
    assert!(w["default"].as_i64() > Some(0), "{w}");
    let m = &s["money"];
    assert!(m["cases_owing"].as_i64() >= Some(3) && m["collected_cents"].as_i64() > Some(0), "{m}");
    assert!(s["ageing"][1]["count"].as_i64() > Some(0) && s["offers"]["accepted"] == 1, "{s}");

    // Another payment, then the worker folds the deltas into the counters.
    let mo = json!({"amount_cents": 2_500, "method": "money_order", "reference": "MO-9", "received_on": today().to_string()});
    paid(&app, &clerk, "RC-2026-000001", mo).await;
    app.run_jobs().await;
    assert_counted_as_the_raw_tables_give(&app, &clerk, "after the worker's pass", defaults_on).await;

    let out = app.cli().args(["reports", "rebuild"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("0 balances and 0 decision dates corrected"), "kept right by the application: {text}");
    assert_counted_as_the_raw_tables_give(&app, &clerk, "after a rebuild", defaults_on).await;

    let out = app.cli().args(["audit", "verify"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

/// The migration that brought the counters fills them, and the derived columns, from the rows
/// already on file.
async fn the_migration_counts_the_rows_already_there(app: TestApp) {
    let clerk = five_cases(&app).await;
    let defaults_on = more_cases(&app, &clerk).await;
    run_once(&app, defaults_on);
    app.with_db(|c| {
        use diesel_migrations::MigrationHarness;
        let counters = "20261205090000";
        let applied = |c: &mut pleadesk::db::DbConn| -> bool {
            let versions = match c {
                pleadesk::db::DbConn::Sqlite(c) => c.applied_migrations().unwrap(),
                pleadesk::db::DbConn::Pg(c) => c.applied_migrations().unwrap(),
            };
            versions.iter().any(|v| v.to_string() == counters)
        };
        while applied(c) {
            match c {
                pleadesk::db::DbConn::Sqlite(c) => c.revert_last_migration(pleadesk::db::SQLITE_MIGRATIONS),
                pleadesk::db::DbConn::Pg(c) => c.revert_last_migration(pleadesk::db::POSTGRES_MIGRATIONS),
            }
            .unwrap();
        }
        pleadesk::db::migrate(c).unwrap();
    })
    .await;
    assert_counted_as_the_raw_tables_give(&app, &clerk, "after the migration", defaults_on).await;
    let out = app.cli().args(["reports", "rebuild"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("0 balances and 0 decision dates corrected"), "the backfill got them right: {text}");
}

on_both_backends!(the_counters_give_what_the_raw_tables_give, the_migration_counts_the_rows_already_there);
