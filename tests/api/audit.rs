use crate::helpers::{sample, TestApp};
use crate::on_both_backends;
use pleadesk::domain::Role;

fn verify(app: &TestApp) -> (Option<i32>, String) {
    let out = app.cli().args(["audit", "verify"]).output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

async fn the_audit_trail_records_changes_and_reads_and_detects_tampering(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.token(Role::Clerk).await;
    assert_eq!(app.post_import(&clerk, "text/csv", sample("citations.csv")).await.status(), 200);
    assert_eq!(app.get_citation(&clerk, "DV-2026-000101").await.status(), 200);
    assert_eq!(app.get_citation(&clerk, "DV-2026-000102").await.status(), 200);

    let (code, out) = verify(&app);
    assert_eq!(code, Some(0), "{out}");
    // The clerk's account and its token (`pleadesk user add`), the import, two reads.
    assert!(out.contains("audit trail intact: 5 events"), "{out}");
    let actions: Vec<(String, String, String)> = app
        .with_db(|c| {
            use diesel::prelude::*;
            use pleadesk::db::schema::events;
            events::table
                .order(events::id)
                .select((events::action, events::subject_id, events::details))
                .load(c)
                .unwrap()
        })
        .await;
    assert_eq!((actions[0].0.as_str(), actions[1].0.as_str()), ("user.added", "token.created"));
    assert_eq!(actions[2].0, "citations.import");
    assert!(actions[2].2.contains("\"imported\":12"));
    assert_eq!((actions[3].0.as_str(), actions[3].1.as_str()), ("citation.read", "DV-2026-000101"));
    for (_, _, details) in &actions {
        assert!(!details.contains("Hernández") && !details.contains("1988"), "no personal data in events: {details}");
    }

    // Someone edits an event: verify names it.
    app.with_db(|c| {
        use diesel::prelude::*;
        use pleadesk::db::schema::events;
        diesel::update(events::table.filter(events::id.eq(2)))
            .set(events::subject_id.eq("DV-2026-000105"))
            .execute(c)
            .unwrap();
    })
    .await;
    let (code, out) = verify(&app);
    assert_eq!(code, Some(1));
    assert!(out.contains("broken at event 2") && out.contains("changed"), "{out}");

    // Someone deletes an event instead: the next one no longer links.
    app.with_db(|c| {
        use diesel::prelude::*;
        use pleadesk::db::schema::events;
        diesel::delete(events::table.filter(events::id.eq(2))).execute(c).unwrap();
    })
    .await;
    let (code, out) = verify(&app);
    assert_eq!(code, Some(1));
    assert!(out.contains("broken at event 3") && out.contains("removed"), "{out}");
}

on_both_backends!(the_audit_trail_records_changes_and_reads_and_detects_tampering);
