//! The checks of the machine around PleaDesk: database, data folder, mail server, clock.

use super::{failure, Failure};
use crate::config::summary::without_secrets;
use crate::config::Config;
use crate::db::{self, Backend, DbConn};
use chrono::{NaiveDateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::r2d2::ManageConnection;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// Reachable, and every migration of this binary applied (and none it does not know). The
/// connection is handed on for the clock check.
pub fn database(url: &str) -> (Result<String, Failure>, Option<DbConn>) {
    let backend = match Backend::from_url(url) {
        Ok(b) => b,
        Err(e) => return (Err(failure(format!("DATABASE_URL {e}"), "set DATABASE_URL (see .env.example)")), None),
    };
    let shown = match &backend {
        Backend::Sqlite(path) => {
            if !Path::new(path).exists() {
                let problem = format!("there is no database file at {path}");
                return (
                    Err(failure(problem, "run `pleadesk migrate` to create it, or point DATABASE_URL at it")),
                    None,
                );
            }
            format!("sqlite ({path})")
        }
        Backend::Postgres(url) => format!("postgres ({})", without_secrets(url)),
    };
    let mut conn = match db::Manager::new(backend).connect() {
        Ok(c) => c,
        Err(e) => {
            let fix = "check DATABASE_URL (host, port, user, password, database) and that the database server runs and accepts this machine";
            return (Err(failure(format!("cannot connect to {shown}: {e}"), fix)), None);
        }
    };
    let outcome =
        match conn.batch_execute("SELECT 1").map_err(anyhow::Error::from).and_then(|_| db::migration_status(&mut conn))
        {
            Err(e) => Err(failure(format!("{shown} does not answer: {e}"), "check the database server's log")),
            Ok(s) => migrations_verdict(&shown, &s),
        };
    (outcome, Some(conn))
}

fn migrations_verdict(shown: &str, s: &db::MigrationStatus) -> Result<String, Failure> {
    if let Some(first) = s.pending.first() {
        return Err(failure(
            format!("{shown} answers, but {} migrations are not applied (the first: {first})", s.pending.len()),
            "run `pleadesk migrate` (or start `pleadesk serve`, which applies them)",
        ));
    }
    if let Some(v) = s.unknown.first() {
        return Err(failure(
            format!("{shown} has migrations this pleadesk does not know (the first: {v}): a newer release ran them"),
            "run the newer pleadesk release on every node",
        ));
    }
    Ok(format!("{shown} answers; all {} migrations applied", s.applied))
}

/// The folders PleaDesk writes under the data folder, checked when they exist.
const SUBFOLDERS: [&str; 5] = ["letters", "scans", "evidence", "outbox", "print-runs"];

/// The data folder and its subfolders take a file: written, synced to disk, removed.
pub fn data_folder(dir: &Path) -> Result<String, Failure> {
    let shown = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !dir.is_dir() {
        return Err(failure(
            format!("{} is not a folder", shown.display()),
            format!(
                "create it for the user that runs pleadesk (mkdir -p {}), or set PLEADESK_DATA_DIR",
                shown.display()
            ),
        ));
    }
    let present: Vec<&str> = SUBFOLDERS.iter().copied().filter(|s| dir.join(s).is_dir()).collect();
    let checked = std::iter::once(dir.to_path_buf()).chain(present.iter().map(|s| dir.join(s)));
    for folder in checked {
        if let Err(e) = write_probe(&folder) {
            return Err(failure(
                format!("cannot write in {}: {e}", std::path::absolute(&folder).unwrap_or(folder.clone()).display()),
                "make the folder and everything in it writable by the user that runs pleadesk (chown -R), \
                 and check that its disk is not full or mounted read-only",
            ));
        }
    }
    let what = match present.is_empty() {
        true => format!("{} takes", shown.display()),
        false => format!("{} and its subfolders ({}) take", shown.display(), present.join(", ")),
    };
    Ok(format!("{what} files (written, synced to disk, removed)"))
}

fn write_probe(folder: &Path) -> std::io::Result<()> {
    let path =
        folder.join(format!(".pleadesk-check-{}-{}", std::process::id(), hex::encode(rand::random::<[u8; 4]>())));
    let written = std::fs::File::create_new(&path).and_then(|mut f| {
        f.write_all(b"pleadesk check\n")?;
        f.sync_all()
    });
    let removed = std::fs::remove_file(&path);
    written?;
    removed?;
    std::fs::File::open(folder)?.sync_all()
}

/// SMTP: connects, greets (EHLO, STARTTLS and AUTH as the URL asks) and sends NOOP. Without SMTP,
/// the outbox folder of `.eml` files must take files.
pub fn mail(config: &Config) -> Result<String, Failure> {
    let Some(url) = &config.smtp_url else {
        let outbox = config.data_dir.join("outbox");
        if outbox.is_dir() {
            write_probe(&outbox).map_err(|e| {
                failure(format!("cannot write in {}: {e}", outbox.display()), "make the outbox folder writable")
            })?;
        }
        return Ok(format!("no SMTP server set: emails are written as .eml files in {}", outbox.display()));
    };
    let shown = without_secrets(url);
    let fix = "check PLEADESK_SMTP_URL (smtp:// or smtps://, host, port, user and password) and that the mail server \
               accepts this machine; meanwhile emails wait in the queue and are sent once it answers";
    let transport = lettre::SmtpTransport::from_url(url)
        .map_err(|e| failure(format!("PLEADESK_SMTP_URL cannot be used: {e}"), fix))?
        .timeout(Some(Duration::from_secs(10)))
        .build();
    match transport.test_connection() {
        Ok(true) => Ok(format!("the mail server at {shown} answers")),
        Ok(false) => Err(failure(format!("the mail server at {shown} did not answer NOOP"), fix)),
        Err(e) => Err(failure(format!("the mail server at {shown} does not answer: {e}"), fix)),
    }
}

/// How far behind the newest audit event the clock may be (nodes' clocks differ a little).
const SKEW: chrono::Duration = chrono::Duration::minutes(5);

/// The court's time zone (parsed with the configuration) and a clock that is not before this
/// program file was written nor before the newest audit event.
pub fn clock(config: &Config, conn: Option<&mut DbConn>) -> Result<String, Failure> {
    let built = std::env::current_exe().and_then(|p| p.metadata()).and_then(|m| m.modified()).ok();
    let built = built.map(|t| chrono::DateTime::<Utc>::from(t).naive_utc());
    let last_event = conn.and_then(|c| crate::audit::last_at(c).ok().flatten());
    let now = Utc::now();
    clock_verdict(now.naive_utc(), built, last_event)?;
    let court_now = now.with_timezone(&config.court_tz).format("%Y-%m-%d %H:%M %Z");
    Ok(format!("{} UTC; the court's time zone {} says {court_now}", now.format("%Y-%m-%d %H:%M"), config.court_tz))
}

pub fn clock_verdict(
    now: NaiveDateTime,
    built: Option<NaiveDateTime>,
    last_event: Option<NaiveDateTime>,
) -> Result<(), Failure> {
    let fix = "set the system clock right and keep it synchronised (NTP; timedatectl): deadlines, postmarks and \
               the audit trail depend on it";
    if let Some(b) = built.filter(|b| now + chrono::Duration::minutes(1) < *b) {
        return Err(failure(format!("the system clock ({now} UTC) is before this program was built ({b} UTC)"), fix));
    }
    if let Some(e) = last_event.filter(|e| now + SKEW < *e) {
        return Err(failure(format!("the system clock ({now} UTC) is behind the newest audit event ({e} UTC)"), fix));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_clock_before_the_build_or_the_last_event_fails() {
        let now = at("2026-11-29 12:00");
        assert!(clock_verdict(now, Some(at("2026-11-28 09:00")), Some(at("2026-11-29 11:59"))).is_ok());
        assert!(clock_verdict(now, None, None).is_ok());
        let e = clock_verdict(now, Some(at("2026-12-01 00:00")), None).unwrap_err();
        assert!(e.problem.contains("before this program was built"), "{}", e.problem);
        assert!(clock_verdict(now, None, Some(at("2026-11-29 12:04"))).is_ok(), "within the skew allowed");
        let e = clock_verdict(now, None, Some(at("2026-11-29 12:30"))).unwrap_err();
        assert!(e.problem.contains("behind the newest audit event") && e.fix.contains("NTP"), "{e:?}");
    }

    #[test]
    fn migrations_pending_or_unknown_fail() {
        let s = |pending: &[&str], unknown: &[&str]| db::MigrationStatus {
            applied: 3,
            pending: pending.iter().map(|s| s.to_string()).collect(),
            unknown: unknown.iter().map(|s| s.to_string()).collect(),
        };
        assert_eq!(
            migrations_verdict("sqlite (x)", &s(&[], &[])).unwrap(),
            "sqlite (x) answers; all 3 migrations applied"
        );
        let e = migrations_verdict("sqlite (x)", &s(&["2026-12-04-153000_hardship_requests"], &[])).unwrap_err();
        assert!(e.problem.contains("1 migrations are not applied") && e.fix.contains("pleadesk migrate"), "{e:?}");
        let e = migrations_verdict("sqlite (x)", &s(&[], &["20270101000000"])).unwrap_err();
        assert!(e.fix.contains("newer pleadesk"), "{e:?}");
    }

    #[test]
    fn a_folder_that_is_not_there_fails_with_the_command_to_make_it() {
        let dir = tempfile::tempdir().unwrap();
        assert!(data_folder(dir.path()).unwrap().ends_with("takes files (written, synced to disk, removed)"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "the test file is removed");
        std::fs::create_dir_all(dir.path().join("letters/0000")).unwrap();
        std::fs::create_dir(dir.path().join("outbox")).unwrap();
        assert!(data_folder(dir.path()).unwrap().contains("and its subfolders (letters, outbox) take files"));
        let e = data_folder(&dir.path().join("missing")).unwrap_err();
        assert!(e.fix.contains("mkdir -p"), "{e:?}");
    }
}
