//! The `pleadesk` command line (SPEC §4): parsed with clap, each command calls into the library.

use crate::cli_progress::Shown;
use crate::config::Config;
use crate::domain::Role;
use crate::import::{self, rows, ImportRules};
use crate::{app, db, services, web};
use clap::{Parser, Subcommand};
use std::io::Read;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "pleadesk", version, about = "Plea-by-mail backend for traffic courts")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations and run the web server.
    Serve {
        /// Load the demo data set (samples/) into an empty database.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Import a file.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Manage staff API tokens.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Letters to defendants.
    Letters {
        #[command(subcommand)]
        action: LettersAction,
    },
    /// Background jobs (the daily deadline job, letters, email).
    Jobs {
        #[command(subcommand)]
        action: JobsAction,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// The reports' counters.
    Reports {
        #[command(subcommand)]
        action: ReportsAction,
    },
    /// Verify this deployment: database, data folder, templates, mail server, clock. One line per
    /// check; exit 1 if any failed.
    Check,
    /// Write a backup: a consistent copy of the database (taken while `serve` runs) and every file
    /// of the data folder, with a manifest of SHA-256 checksums, into one .tar.gz. Exit 1 if a file
    /// the database names is missing or damaged (the backup is written and names them).
    Backup {
        /// The archive to write (written under a temporary name, renamed when complete).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Restore a backup into the database and data folder configured, after checking every
    /// checksum. Both must be empty unless --force. Stop `serve` first.
    Restore {
        file: std::path::PathBuf,
        /// Replace a database and data folder that are not empty.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportsAction {
    /// Recompute the cases' balances and decision dates and the reports' counters from the raw
    /// tables (after rows were loaded around the application). Writers wait while it runs.
    Rebuild,
}

#[derive(Debug, Subcommand)]
pub enum AuditAction {
    /// Check the hash chain of the audit trail; exit 1 naming the first bad event.
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum LettersAction {
    /// Write the day's mail run (every queued letter) as one PDF and mark the letters printed.
    Print {
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum JobsAction {
    /// Run every due job once and exit.
    RunOnce {
        /// Run as of the end of this court date (YYYY-MM-DD) instead of now.
        #[arg(long, value_parser = parse_day)]
        as_of: Option<chrono::NaiveDate>,
    },
}

fn parse_day(s: &str) -> Result<chrono::NaiveDate, String> {
    crate::domain::dates::parse_date(s, "--as-of").map_err(|e| e.to_string())
}

#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// An e-citation CSV (`-` reads standard input). Exits 1 if any row was rejected.
    Citations { file: String },
    /// The offense catalog CSV. Exits 1 if any row was rejected.
    Offenses { file: String },
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Create a staff user; prints its password and API token once.
    Add {
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// List the staff users: name, role, and whether disabled or locked.
    List,
    /// Disable a user: its sessions end and its tokens stop working.
    Disable { name: String },
    /// Enable a disabled user again.
    Enable { name: String },
    /// Give a user a new random password (printed once); its sessions end.
    ResetPassword { name: String },
    /// Lift the lock after failed sign-ins.
    Unlock { name: String },
}

#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Create an API token for a user; prints it once.
    Create { name: String },
    /// Revoke an API token by its number (as `token create` and the admin page show it).
    Revoke { id: i64 },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse::<Role>().map_err(|e| e.to_string())
}

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        // Its pages are asked for in-process: their request lines would bury the check's own.
        Command::Check => web::telemetry::init_with_default("warn"),
        _ => web::telemetry::init(),
    }
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) if matches!(cli.command, Command::Check) => {
            println!("FAIL  configuration: {e}. To fix: correct that variable (.env.example lists them all)");
            return ExitCode::FAILURE;
        }
        Err(e) => return fail(e.into()),
    };
    let result = match cli.command {
        Command::Serve { demo } => actix_web::rt::System::new().block_on(serve(config, demo)),
        Command::Migrate => migrate(&config),
        Command::Import { what } => import_file(&config, what),
        Command::User { action } => open(&config).and_then(|mut c| crate::cli_users::user(&mut c, action)),
        Command::Token { action } => open(&config).and_then(|mut c| crate::cli_users::token(&mut c, action)),
        Command::Letters { action: LettersAction::Print { out } } => print_letters(&config, &out),
        Command::Jobs { action: JobsAction::RunOnce { as_of } } => run_jobs(&config, as_of),
        Command::Audit { action: AuditAction::Verify } => verify_audit(&config),
        Command::Reports { action: ReportsAction::Rebuild } => rebuild_reports(&config),
        Command::Check => Ok(check(&config)),
        Command::Backup { out } => crate::cli_backup::backup(&config, &out),
        Command::Restore { file, force } => crate::cli_backup::restore(&config, &file, force),
    };
    result.unwrap_or_else(fail)
}

fn fail(e: anyhow::Error) -> ExitCode {
    // An operator at the command line gets the whole cause, not the message meant for the web.
    let message = match e.downcast_ref::<crate::error::AppError>() {
        Some(app) => app.detail(),
        None => format!("{e:#}"),
    };
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

/// A pool with every migration applied, for the one-shot commands.
fn open(config: &Config) -> anyhow::Result<db::PooledConn> {
    let pool = db::connect(&config.database_url)?;
    let mut conn = pool.get()?;
    db::migrate(&mut conn)?;
    Ok(conn)
}

fn migrate(config: &Config) -> anyhow::Result<ExitCode> {
    let pool = db::connect(&config.database_url)?;
    let ran = db::migrate(&mut *pool.get()?)?;
    println!("migrations applied: {ran}");
    Ok(ExitCode::SUCCESS)
}

async fn serve(config: Config, demo: bool) -> anyhow::Result<ExitCode> {
    let rules = ImportRules { court_tz: config.court_tz, response_due: config.court.deadlines.response_due };
    let today = chrono::Utc::now().with_timezone(&config.court_tz).date_naive();
    let application = app::Application::build(config).await?;
    let bound = std::net::SocketAddr::new(application.config().bind.ip(), application.port());
    let lines = crate::config::summary::startup(application.config(), bound, true, chrono::Utc::now());
    print!("{}", crate::config::summary::block(&lines));
    if demo {
        let pool = application.pool().clone();
        let loaded = actix_web::rt::task::spawn_blocking(move || -> anyhow::Result<_> {
            let mut conn = pool.get()?;
            Ok(services::demo::load_if_empty(&mut conn, &rules, today)?)
        })
        .await??;
        match loaded {
            Some(d) => {
                println!("demo data loaded: {} citations", d.citations.imported);
                println!(
                    "court holidays loaded: {} (U.S. federal and Colorado, {} to {})",
                    d.holidays,
                    d.holiday_years.start(),
                    d.holiday_years.end()
                );
                if let Some(c) = d.clerk {
                    println!("demo clerk: user demo-clerk, password: {}, token: {}", c.password, c.token);
                }
            }
            None => println!("the database already has citations; demo data not loaded"),
        }
    }
    println!("PleaDesk is running at {} (listening on port {})", application.base_url(), application.port());
    application.run_until_stopped(true).await?;
    println!("PleaDesk stopped");
    Ok(ExitCode::SUCCESS)
}

fn read_input(file: &str) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if file == "-" {
        std::io::stdin().read_to_end(&mut bytes)?;
    } else {
        bytes = std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {file}: {e}"))?;
    }
    Ok(bytes)
}

fn import_file(config: &Config, what: ImportWhat) -> anyhow::Result<ExitCode> {
    match what {
        ImportWhat::Citations { file } => {
            let bytes = read_input(&file)?;
            let rows =
                rows::from_csv(&bytes, import::citations::COLUMNS).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
            let rules = ImportRules { court_tz: config.court_tz, response_due: config.court.deadlines.response_due };
            let linker = crate::services::paper_link::ImportLinker {
                ctx: crate::services::letters::LetterContext::from_config(config)?,
            };
            let shown = Shown::on_stderr("import citations");
            let summary = import::citations::import_then(&mut *open(config)?, rows, &rules, "cli", &linker, &shown)?;
            shown.finish();
            println!(
                "citations: {} imported, {} updated, {} unchanged; {} rows rejected; {} waiting pleas linked",
                summary.imported,
                summary.updated,
                summary.unchanged,
                summary.rejected.len(),
                summary.linked_pleas
            );
            for r in &summary.rejected {
                println!("line {} ({}): {}", r.line, r.citation_number, r.error);
            }
            Ok(exit_for(summary.rejected.is_empty()))
        }
        ImportWhat::Offenses { file } => {
            let bytes = read_input(&file)?;
            let rows = rows::from_csv(&bytes, import::offenses::COLUMNS).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
            let shown = Shown::on_stderr("import offenses");
            let summary = import::offenses::import_reporting(&mut *open(config)?, rows, &shown)?;
            shown.finish();
            println!(
                "offenses: {} imported, {} updated, {} unchanged; {} rows rejected",
                summary.imported,
                summary.updated,
                summary.unchanged,
                summary.rejected.len()
            );
            for r in &summary.rejected {
                println!("line {} ({}): {}", r.line, r.code, r.error);
            }
            Ok(exit_for(summary.rejected.is_empty()))
        }
    }
}

fn exit_for(clean: bool) -> ExitCode {
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn print_letters(config: &Config, out: &std::path::Path) -> anyhow::Result<ExitCode> {
    let ctx = crate::services::letters::LetterContext::from_config(config)?;
    let shown = Shown::on_stderr("mail run");
    let run = crate::services::letters::print_run(&mut *open(config)?, &ctx, out, "cli", &shown)?;
    shown.finish();
    println!(
        "mail run: {} letters, {} pages ({} blank for duplex) written to {}",
        run.letters,
        run.pages,
        run.blank_pages,
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn run_jobs(config: &Config, as_of: Option<chrono::NaiveDate>) -> anyhow::Result<ExitCode> {
    let pool = db::connect(&config.database_url)?;
    db::migrate(&mut *pool.get()?)?;
    let ctx = crate::services::letters::LetterContext::from_config(config)?;
    let worker = app::worker(&pool, config, ctx)?;
    let day = as_of.unwrap_or_else(|| chrono::Utc::now().with_timezone(&config.court_tz).date_naive());
    let now = match as_of {
        Some(day) => {
            use chrono::TimeZone;
            let end = day.and_hms_opt(23, 59, 59).unwrap_or_default();
            config.court_tz.from_local_datetime(&end).earliest().map(|t| t.naive_utc()).unwrap_or(end)
        }
        None => db::now(),
    };
    let daily = worker.run_daily(day)?;
    println!(
        "deadlines ({day}): {} reminders, {} defaults, {} offers expired; {} letters queued",
        daily.reminders, daily.defaults, daily.offers_expired, daily.letters
    );
    if daily.skipped + daily.failed > 0 {
        println!("deadlines: {} already done by another run, {} to retry", daily.skipped, daily.failed);
    }
    let shown = Shown::on_stderr("jobs");
    let stats = worker.run_once_reporting(now, &shown)?;
    shown.finish();
    println!("jobs: {} done, {} to retry, {} parked", stats.done, stats.retried, stats.parked);
    println!("evidence: {} unattached uploads deleted", stats.evidence_purged);
    Ok(ExitCode::SUCCESS)
}

fn check(config: &Config) -> ExitCode {
    let findings = actix_web::rt::System::new().block_on(crate::check::run(config));
    for f in &findings {
        println!("{}", crate::check::line(f));
    }
    println!("{}", crate::check::summary(&findings));
    exit_for(findings.iter().all(|f| f.outcome.is_ok()))
}

fn verify_audit(config: &Config) -> anyhow::Result<ExitCode> {
    match crate::audit::verify(&mut *open(config)?)? {
        Ok(count) => {
            println!("audit trail intact: {count} events");
            Ok(ExitCode::SUCCESS)
        }
        Err((id, why)) => {
            println!("audit trail broken at event {id}: {why}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn rebuild_reports(config: &Config) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let r = db::reports::counters::rebuild(&mut *open(config)?)?;
    println!(
        "reports rebuilt in {:.1} s: {} balances and {} decision dates corrected, {} counter rows",
        started.elapsed().as_secs_f64(),
        r.balances,
        r.decided,
        r.counters
    );
    Ok(ExitCode::SUCCESS)
}
