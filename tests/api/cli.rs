use crate::helpers::{fixture, sample, TestApp};
use crate::on_both_backends;
use std::io::Write;
use std::process::Stdio;

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn import_commands_report_and_exit_by_outcome(app: TestApp) {
    let offenses = format!("{}/samples/offenses.csv", env!("CARGO_MANIFEST_DIR"));
    let out = app.cli().args(["import", "offenses", &offenses]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(stdout_of(&out).contains("offenses: 18 imported, 0 updated, 0 unchanged; 0 rows rejected"), "{out:?}");

    // A clean file from standard input: exit 0.
    let mut child =
        app.cli().args(["import", "citations", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(&sample("citations.csv")).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(stdout_of(&out).contains("citations: 12 imported, 0 updated, 0 unchanged; 0 rows rejected"));

    // A file with bad rows: exit 1, every rejected row printed with its line.
    let path = app.data_dir.path().join("bad.csv");
    std::fs::write(&path, fixture("bad_rows.csv")).unwrap();
    let out = app.cli().args(["import", "citations", path.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = stdout_of(&out);
    assert!(text.contains("citations: 3 imported, 0 updated, 0 unchanged; 11 rows rejected"), "{text}");
    assert!(text.contains("line 4 (T-0002): unknown offense code '99-9-999'"), "{text}");
    assert!(text.contains("line 16 (T-0010): this line has 4 values"), "{text}");

    // An unusable file: exit 1 with the reason on stderr.
    let path = app.data_dir.path().join("latin1.csv");
    std::fs::write(&path, fixture("latin1.csv")).unwrap();
    let out = app.cli().args(["import", "citations", path.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not UTF-8"), "{out:?}");

    let out = app.cli().args(["import", "citations", "/no/such/file.csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /no/such/file.csv"));
}

async fn user_add_prints_credentials_that_work(app: TestApp) {
    let out = app.cli().args(["user", "add", "maria.clerk", "--role", "clerk"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = stdout_of(&out);
    let line = |prefix: &str| {
        text.lines().find_map(|l| l.strip_prefix(prefix)).unwrap_or_else(|| panic!("no {prefix} in {text}")).to_string()
    };
    let password = line("password: ");
    let token = line("token: ");
    assert!(password.len() >= 16);
    assert!(token.starts_with("pdk_") && token.len() >= 36, "{token}");
    let resp = app.get_citation(&token, "DV-2026-000101").await;
    assert_eq!(resp.status(), 404, "the token authenticates (404: no such case yet)");

    let out = app.cli().args(["user", "add", "maria.clerk", "--role", "admin"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    let out = app.cli().args(["user", "add", "x.y", "--role", "judge"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("clerk, prosecutor, admin, integration"));
}

async fn migrate_is_idempotent(app: TestApp) {
    // The server already migrated this database: nothing is pending.
    let out = app.cli().arg("migrate").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(stdout_of(&out).trim(), "migrations applied: 0");
}

on_both_backends!(
    import_commands_report_and_exit_by_outcome,
    user_add_prints_credentials_that_work,
    migrate_is_idempotent
);

#[test]
fn a_bad_setting_stops_the_command_and_names_the_variable() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pleadesk"))
        .arg("migrate")
        .env("PLEADESK_COURT_TZ", "Mars/Olympus_Mons")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("PLEADESK_COURT_TZ"), "{err}");
}

/// The binary carries its own SQLite, libpq and OpenSSL: nothing to install on a fresh machine.
#[test]
fn the_binary_links_no_database_or_tls_library() {
    let out = std::process::Command::new("ldd")
        .arg(env!("CARGO_BIN_EXE_pleadesk"))
        .output()
        .expect("ldd (Debian's libc-bin) runs");
    let libs = String::from_utf8_lossy(&out.stdout);
    assert!(libs.contains("libc.so"), "ldd listed the libraries: {libs}");
    for lib in ["libpq", "libsqlite3", "libssl", "libcrypto"] {
        assert!(!libs.contains(lib), "the binary links {lib}: {libs}");
    }
}
