//! The court profile page (`/staff/admin/court`): the deadline rules as configured, and the holiday
//! calendar the admin edits — a holiday added on the day answers were due moves those deadlines to
//! the next business day, and the daily job goes by it; a weekend deadline rolls to Monday; bad
//! input gets the form back with each field's error.

use crate::console::{location, signed_in, text};
use crate::deadlines::{case, import, response_due, run_once};
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::paper_support::today;
use chrono::{Datelike, Days, Weekday};
use pleadesk::domain::deadline::{CourtCalendar, DeadlineRules};
use pleadesk::domain::Role;

/// Days from today to a court date whose "court date minus 10 days" is a `weekday`.
fn court_in_for(weekday: Weekday) -> u64 {
    (35..42).find(|k| (today() + Days::new(k - 10)).weekday() == weekday).unwrap()
}

async fn an_admin_keeps_the_holidays_and_deadlines_follow(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    let admin = app.staff(Role::Admin).await;
    let (b, csrf) = signed_in(&app, &admin).await;

    let (status, page) = text(&b, &app, "/staff/admin/court").await;
    assert_eq!(status, 200);
    for shown in [
        "10 days before the court date",
        "PLEADESK_RESPONSE_DUE",
        "7 days and 2 days before",
        "PLEADESK_OFFER_WINDOW_DAYS",
    ] {
        assert!(page.contains(shown), "the page shows {shown}");
    }
    assert!(page.contains("No holidays are on file"));

    // A weekend deadline rolls to Monday.
    import(&app, &clerk, &[("DV-2026-000851", court_in_for(Weekday::Sat), false)]).await;
    let due = response_due(&case(&app, &clerk, "DV-2026-000851").await);
    assert_eq!(due.weekday(), Weekday::Mon, "Saturday's deadline is Monday's");

    // A Wednesday deadline; the admin makes that Wednesday a holiday: it moves to Thursday.
    import(&app, &clerk, &[("DV-2026-000852", court_in_for(Weekday::Wed), false)]).await;
    let wednesday = response_due(&case(&app, &clerk, "DV-2026-000852").await);
    assert_eq!(wednesday.weekday(), Weekday::Wed);
    let form = [("csrf", csrf.as_str()), ("day", &wednesday.to_string()), ("name", "  Founders'   Day ")];
    let r = b.post(app.url("/staff/admin/court/holidays")).form(&form).send().await.unwrap();
    assert_eq!(location(&r), "/staff/admin/court?done=holiday_added#holidays");
    let (_, page) = text(&b, &app, "/staff/admin/court?done=holiday_added").await;
    assert!(page.contains("The holiday was added") && page.contains("Founders&#x27; Day"), "{page}");
    let thursday = wednesday.succ_opt().unwrap();
    assert_eq!(response_due(&case(&app, &clerk, "DV-2026-000852").await), thursday);
    // A ticket imported now gets the rolled deadline too.
    import(&app, &clerk, &[("DV-2026-000853", court_in_for(Weekday::Wed), false)]).await;
    assert_eq!(response_due(&case(&app, &clerk, "DV-2026-000853").await), thursday);

    // The daily job counts from Thursday: no default the day before Thursday's would come.
    let calendar = CourtCalendar::new([wednesday]);
    let default_from = DeadlineRules::default().default_from(thursday, &calendar);
    run_once(&app, default_from.pred_opt().unwrap());
    for number in ["DV-2026-000852", "DV-2026-000853"] {
        assert_eq!(case(&app, &clerk, number).await["status"], "open");
    }
    run_once(&app, default_from);
    for number in ["DV-2026-000852", "DV-2026-000853"] {
        assert_eq!(case(&app, &clerk, number).await["status"], "default");
    }

    // Bad input: the form again, each field's error beside it and summarised at the top.
    let form = [("csrf", csrf.as_str()), ("day", "next tuesday"), ("name", "")];
    let r = b.post(app.url("/staff/admin/court/holidays")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("The holiday was not added"));
    assert!(page.contains("id=\"holiday-day-error\"") && page.contains("is not a date"), "{page}");
    assert!(page.contains("id=\"holiday-name-error\"") && page.contains("value=\"next tuesday\""));
    let form = [("csrf", csrf.as_str()), ("day", &wednesday.to_string()), ("name", "Again")];
    let r = b.post(app.url("/staff/admin/court/holidays")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("is already a court holiday"));

    // Removed: off the page; the deadline given stays.
    let r = b
        .post(app.url(&format!("/staff/admin/court/holidays/{wednesday}/remove")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/staff/admin/court?done=holiday_removed#holidays");
    let (_, page) = text(&b, &app, "/staff/admin/court").await;
    assert!(!page.contains("Founders"));
    assert_eq!(response_due(&case(&app, &clerk, "DV-2026-000853").await), thursday);
    let events = crate::helpers::events(&app).await;
    let actions: Vec<&str> = events.iter().map(|e| e.1.as_str()).collect();
    assert!(actions.contains(&"court.holiday_added") && actions.contains(&"court.holiday_removed"), "{actions:?}");
}

on_both_backends!(an_admin_keeps_the_holidays_and_deadlines_follow);
