//! The reports page (`/staff/reports`) as a browser without JavaScript sees it: the same numbers
//! as the API, each chart an image with its title and description and a table beside it, money
//! in dollars, the CSV download with the session, a bad range named by its field, and the menu.

use crate::console::{signed_in, text};
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::reports::five_cases_by;
use pleadesk::domain::Role;

async fn the_page_shows_each_measure_as_a_chart_and_a_table(app: TestApp) {
    let clerk = app.staff(Role::Clerk).await;
    five_cases_by(&app, &clerk.token).await;
    let prosecutor = app.staff(Role::Prosecutor).await;
    let (b, _) = signed_in(&app, &prosecutor).await;
    let (status, page) = text(&b, &app, "/staff/reports").await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(r#"href="/staff/reports" class="usa-current" aria-current="page">Reports</a>"#),
        "in the menu"
    );
    for id in ["status", "ageing", "weeks", "offers", "collected", "decided"] {
        assert!(page.contains(&format!(r#"role="img" aria-labelledby="chart-{id}-title chart-{id}-desc""#)), "{id}");
        assert!(page.contains(&format!(r#"<title id="chart-{id}-title">"#)), "{id}");
        assert!(page.contains(&format!(r#"id="table-{id}""#)), "a table beside chart {id}");
    }
    assert!(page.contains(r#"id="figure-cases">4<"#), "{page}");
    assert!(page.contains(r#"id="figure-share">50%<"#) || page.contains(r#"id="figure-share">50.0%<"#), "{page}");
    assert!(page.contains(r#"id="figure-due">$85.00<"#) && page.contains(r#"id="figure-collected">$185.00<"#));
    assert!(page.contains("<td>1</td><td>$135.00</td>"), "money order row in dollars: {page}");
    assert!(page.contains("Amount due: 1; Resolved: 1; Hearing set: 1"), "the description lists the numbers");
    let csv_link =
        page.split(r#"id="report-csv" href=""#).nth(1).unwrap().split('"').next().unwrap().replace("&amp;", "&");
    assert!(csv_link.starts_with("/staff/reports.csv?from="), "{csv_link}");
    let csv = b.get(app.url(&csv_link)).send().await.unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.text().await.unwrap().contains("cases_by_status,amount_due,1\r\n"));
}

async fn a_bad_range_is_named_next_to_its_field(app: TestApp) {
    let admin = app.staff(Role::Admin).await;
    let (b, _) = signed_in(&app, &admin).await;
    let (status, page) = text(&b, &app, "/staff/reports?from=2026-05-02&to=2026-05-01").await;
    assert_eq!(status, 422);
    assert!(
        page.contains(r##"<a href="#report-to">the range ends (2026-05-01) before it starts (2026-05-02)</a>"##),
        "{page}"
    );
    assert!(
        page.contains(r#"id="report-to-error""#) && page.contains(r#"value="2026-05-02""#),
        "what was typed is kept"
    );
    assert!(!page.contains("role=\"img\""), "no chart for a bad range");
    let (status, page) = text(&b, &app, "/staff/reports.csv?from=nope").await;
    assert_eq!(status, 422);
    assert!(page.contains("&#x27;nope&#x27; is not a date") || page.contains("'nope' is not a date"), "{page}");
}

on_both_backends!(the_page_shows_each_measure_as_a_chart_and_a_table, a_bad_range_is_named_next_to_its_field);
