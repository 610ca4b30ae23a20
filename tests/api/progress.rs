//! Long commands write plain progress lines when standard error is not a terminal (here a pipe).

use crate::helpers::{fixture, sample, TestApp};
use crate::on_both_backends;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Standard error is a pipe here, not a terminal: plain lines, one as each stage begins and one
/// with its final count.
async fn long_commands_write_plain_progress_lines(app: TestApp) {
    let offenses = format!("{}/samples/offenses.csv", env!("CARGO_MANIFEST_DIR"));
    let out = app.cli().env("RUST_LOG", "info").args(["import", "offenses", &offenses]).output().unwrap();
    let log = text(&out.stderr);
    assert!(log.contains("import offenses: saving offenses: 18 to do"), "{log}");
    assert!(log.contains("import offenses: saving offenses: 18 of 18 (100%)"), "{log}");

    let path = app.data_dir.path().join("citations.csv");
    std::fs::write(&path, sample("citations.csv")).unwrap();
    let out = app.cli().env("RUST_LOG", "info").args(["import", "citations", path.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let log = text(&out.stderr);
    assert!(log.contains("import citations: checking 15 rows"), "{log}");
    assert!(log.contains("import citations: writing citations: 12 of 12 (100%)"), "{log}");
    assert!(!log.contains('\r') && !log.contains("\u{1b}["), "no terminal drawing in a log: {log:?}");

    let bad = app.data_dir.path().join("bad.csv");
    std::fs::write(&bad, fixture("bad_rows.csv")).unwrap();
    let out = app.cli().env("RUST_LOG", "info").args(["import", "citations", bad.to_str().unwrap()]).output().unwrap();
    assert!(text(&out.stderr).contains("import citations: writing citations: 3 of 3 (100%)"), "{out:?}");

    // Twelve letters (plea forms) for the mail run.
    let clerk = app.token(pleadesk::domain::Role::Clerk).await;
    for n in 101..=112 {
        let resp = app
            .post_json(
                &clerk,
                &format!("/api/v1/citations/DV-2026-000{n}/letters"),
                &serde_json::json!({"type": "plea_form"}),
            )
            .await;
        assert_eq!(resp.status(), 201, "DV-2026-000{n}");
    }
    let pdf = app.data_dir.path().join("run.pdf");
    let out =
        app.cli().env("RUST_LOG", "info").args(["letters", "print", "--out", pdf.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let log = text(&out.stderr);
    assert!(log.contains("mail run: merging letters: 12 of 12 (100%)"), "{log}");
    let out = app.cli().env("RUST_LOG", "info").args(["jobs", "run-once"]).output().unwrap();
    assert!(text(&out.stderr).contains("jobs: running due jobs"), "{out:?}");
}

on_both_backends!(long_commands_write_plain_progress_lines);
