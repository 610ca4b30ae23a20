//! `pleadesk check` on a working deployment and on broken ones: one line per check, and what to do
//! about each failure.

use crate::helpers::TestApp;
use crate::on_both_backends;
use std::process::Command;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The line of `check`'s output for a check.
fn line_of(out: &str, check: &str) -> String {
    let marker = format!(" {check}: ");
    out.lines().find(|l| l.contains(&marker)).unwrap_or_else(|| panic!("no '{check}' line in\n{out}")).to_string()
}

async fn check_passes_on_a_working_deployment(app: TestApp) {
    // The server migrated the database and made the data folder.
    let out = app.cli().arg("check").output().unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    for check in ["configuration", "database", "data folder", "letter templates", "page templates", "email", "clock"] {
        assert!(line_of(&stdout, check).starts_with("OK    "), "{stdout}");
    }
    assert!(line_of(&stdout, "database").contains("migrations applied"), "{stdout}");
    assert!(stdout.trim_end().ends_with("all 7 checks passed"), "{stdout}");
    let leftovers = std::fs::read_dir(app.data_dir.path().join("data")).unwrap().flatten();
    assert!(!leftovers.into_iter().any(|e| e.file_name().to_string_lossy().starts_with(".pleadesk-check")));
}

/// `cmd` as a user that file permissions apply to: as root (who may write anywhere), through
/// setpriv without the capabilities that override them.
fn bound_by_permissions(cmd: &Command) -> Command {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let root = status.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"));
    let mut out = if root {
        let mut c = Command::new("setpriv");
        c.args(["--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]);
        c.arg(cmd.get_program());
        c
    } else {
        Command::new(cmd.get_program())
    };
    out.args(cmd.get_args()).env_clear();
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            out.env(k, v);
        }
    }
    out
}

async fn check_fails_on_a_read_only_data_folder(app: TestApp) {
    use std::os::unix::fs::PermissionsExt;
    let data = app.data_dir.path().join("data");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = bound_by_permissions(app.cli().arg("check")).output().expect("setpriv (util-linux) runs");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    let line = line_of(&stdout, "data folder");
    assert!(line.starts_with("FAIL  data folder: cannot write in "), "{line}");
    assert!(line.contains("Permission denied"), "{line}");
    assert!(line.contains("To fix: make the folder and everything in it writable by the user that runs pleadesk"));
    // The other checks still ran, and passed.
    assert!(line_of(&stdout, "database").starts_with("OK"), "{stdout}");
    assert!(line_of(&stdout, "letter templates").starts_with("OK"), "{stdout}");
    assert!(stdout.trim_end().ends_with("1 of 7 checks failed"), "{stdout}");
}

async fn check_fails_on_a_database_not_migrated(app: TestApp) {
    let (url, pg) = if app.database_url.starts_with("postgres") {
        let (url, admin, name) = crate::helpers::fresh_pg_database();
        (url, Some((admin, name)))
    } else {
        let path = app.data_dir.path().join("empty.db");
        std::fs::File::create(&path).unwrap(); // an empty file is an empty SQLite database
        (format!("sqlite://{}", path.display()), None)
    };
    let out = app.cli().env("DATABASE_URL", &url).arg("check").output().unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    let line = line_of(&stdout, "database");
    assert!(line.starts_with("FAIL  database: "), "{line}");
    // Every migration of the binary (the two backends have the same steps).
    let steps = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")).unwrap().count();
    let expected = format!("answers, but {steps} migrations are not applied (the first: ");
    assert!(line.contains(&expected), "{line}");
    assert!(line.ends_with("To fix: run `pleadesk migrate` (or start `pleadesk serve`, which applies them)"), "{line}");
    // Fixed as told: the check passes.
    assert!(app.cli().env("DATABASE_URL", &url).arg("migrate").output().unwrap().status.success());
    let out = app.cli().env("DATABASE_URL", &url).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    if let Some((admin, name)) = pg {
        crate::helpers::drop_pg_database(&admin, &name);
    }
    // A database that does not answer at all.
    let out = app
        .cli()
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/none?connect_timeout=2")
        .arg("check")
        .output()
        .unwrap();
    let line = line_of(&text(&out.stdout), "database");
    assert!(
        line.starts_with("FAIL  database: cannot connect to postgres (postgres://postgres@127.0.0.1:1/none)"),
        "{line}"
    );
    assert!(line.contains("To fix: check DATABASE_URL"), "{line}");
    assert_eq!(out.status.code(), Some(1));
}

on_both_backends!(
    check_passes_on_a_working_deployment,
    check_fails_on_a_read_only_data_folder,
    check_fails_on_a_database_not_migrated
);
