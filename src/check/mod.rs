//! `pleadesk check`: verifies a deployment — the database reachable and migrated, the data
//! folder writable, the templates rendering, the mail server answering, the clock and time zone
//! sane — and prints one line per check: `OK` with what was found, or `FAIL` with what is wrong
//! and what to do. Nothing is changed, except a test file written and removed in each folder
//! (and diesel's bookkeeping table, created if the database has none yet).

mod probes;
mod templates;

use crate::config::Config;

/// What one check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub check: &'static str,
    pub outcome: Result<String, Failure>,
}

/// What is wrong, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub problem: String,
    pub fix: String,
}

/// A failure on one line: a driver's message may hold line breaks.
pub(crate) fn failure(problem: impl Into<String>, fix: impl Into<String>) -> Failure {
    let one_line = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    Failure { problem: one_line(problem.into()), fix: one_line(fix.into()) }
}

/// Runs every check, in order; each runs whatever the others found.
pub async fn run(config: &Config) -> Vec<Finding> {
    let read = "read from the environment (and PLEADESK_CONFIG's file, if set)".to_string();
    let mut findings = vec![Finding { check: "configuration", outcome: Ok(read) }];
    let (database, mut conn) = probes::database(&config.database_url);
    findings.push(Finding { check: "database", outcome: database });
    findings.push(Finding { check: "data folder", outcome: probes::data_folder(&config.data_dir) });
    findings.push(Finding { check: "letter templates", outcome: templates::letters(config) });
    findings.push(Finding { check: "page templates", outcome: templates::pages(config).await });
    findings.push(Finding { check: "email", outcome: probes::mail(config) });
    findings.push(Finding { check: "clock", outcome: probes::clock(config, conn.as_mut()) });
    findings
}

/// The line printed for a finding.
pub fn line(f: &Finding) -> String {
    match &f.outcome {
        Ok(found) => format!("OK    {}: {found}", f.check),
        Err(e) => format!("FAIL  {}: {}. To fix: {}", f.check, e.problem.trim_end_matches('.'), e.fix),
    }
}

/// The closing line.
pub fn summary(findings: &[Finding]) -> String {
    let failed = findings.iter().filter(|f| f.outcome.is_err()).count();
    match failed {
        0 => format!("all {} checks passed", findings.len()),
        n => format!("{n} of {} checks failed", findings.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_says_what_to_do_on_its_line() {
        let ok = Finding { check: "database", outcome: Ok("sqlite answers".into()) };
        let bad = Finding { check: "data folder", outcome: Err(failure("cannot write in /d.", "make it writable")) };
        assert_eq!(line(&ok), "OK    database: sqlite answers");
        assert_eq!(line(&bad), "FAIL  data folder: cannot write in /d. To fix: make it writable");
        assert_eq!(summary(&[ok.clone(), bad]), "1 of 2 checks failed");
        assert_eq!(summary(&[ok]), "all 1 checks passed");
        let driver = Finding { check: "database", outcome: Err(failure("refused\n\tport 1\n", "start it")) };
        assert_eq!(line(&driver), "FAIL  database: refused port 1. To fix: start it");
    }
}
