//! One typed configuration, built from defaults, then an optional TOML file named by
//! `PLEADESK_CONFIG`, then the environment. A bad value stops start-up with a message that names
//! the variable. Every variable is listed with its default in `.env.example`.

use crate::domain::deadline::ResponseDueRule;
use chrono_tz::Tz;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub smtp_url: Option<String>,
    pub court_tz: Tz,
    /// Where residents reach the service; when PLEADESK_BASE_URL is not set, the address that
    /// `bind` listens on (see [`Config::follow_bind`]).
    pub base_url: String,
    /// Whether `base_url` (and the court's website) follow the bound address.
    pub base_url_follows_bind: bool,
    pub lookup_per_minute: u32,
    /// How the response deadline is counted (`court_date-10` or `issued+20`).
    pub response_due: ResponseDueRule,
    /// The largest import body the API accepts, in bytes.
    pub max_import_bytes: usize,
    /// Where letter, email and page templates are read from (shipped ones fill any gap).
    pub templates_dir: PathBuf,
    /// The vendored design system and stylesheet served under `/static`.
    pub static_dir: PathBuf,
    pub court: CourtConfig,
    /// Printer calibration for the envelope windows, in inches (right, down).
    pub envelope_offset: (f32, f32),
    /// The From: of outgoing email.
    pub mail_from: String,
    /// How often the background worker looks for due jobs, in seconds.
    pub worker_interval_secs: u64,
    /// A staff sign-in session ends after this long without use.
    pub staff_idle: chrono::Duration,
}

/// The court as letters present it.
#[derive(Debug, Clone)]
pub struct CourtConfig {
    pub name: String,
    pub address_lines: Vec<String>,
    pub phone: String,
    pub hours: String,
    pub hours_es: String,
    pub website: String,
    /// True when PLEADESK_COURT_WEBSITE is not set and `website` is the base URL.
    pub website_follows_base_url: bool,
    pub signature: String,
    /// The same signature in Spanish.
    pub signature_es: String,
    /// A PNG logo for the letterhead.
    pub logo: Option<PathBuf>,
    /// When a court date's session starts (the ticket carries only the date).
    pub appearance_time: chrono::NaiveTime,
    /// Where people appear in person: the courtroom and the courthouse's street address.
    pub appearance_place: Vec<String>,
    /// Payment and offer-review windows after a plea.
    pub after_plea: crate::domain::next_steps::AfterPleaRules,
    /// Calendar days a prosecutor's offer stays open by default (the expiry the review form
    /// proposes; `PLEADESK_OFFER_WINDOW_DAYS`).
    pub offer_window_days: u32,
    /// Where free legal help about the immigration consequences of a plea can be found (shown
    /// beside the advisement), in English and Spanish.
    pub free_legal_help: String,
    pub free_legal_help_es: String,
}

/// (variable, TOML key, default). The TOML key is the variable without `PLEADESK_`, lower-cased.
const VARS: &[(&str, &str, &str)] = &[
    ("DATABASE_URL", "database_url", "sqlite://pleadesk-data/pleadesk.db"),
    ("PLEADESK_BIND", "bind", "127.0.0.1:8080"),
    ("PLEADESK_DATA_DIR", "data_dir", "pleadesk-data"),
    ("PLEADESK_SMTP_URL", "smtp_url", ""),
    ("PLEADESK_COURT_TZ", "court_tz", "America/Denver"),
    // Empty: follow PLEADESK_BIND (http://127.0.0.1:8080 with the default bind).
    ("PLEADESK_BASE_URL", "base_url", ""),
    ("PLEADESK_LOOKUP_PER_MINUTE", "lookup_per_minute", "10"),
    ("PLEADESK_RESPONSE_DUE", "response_due", "court_date-10"),
    ("PLEADESK_MAX_IMPORT_BYTES", "max_import_bytes", "20971520"),
    ("PLEADESK_TEMPLATES_DIR", "templates_dir", "templates"),
    ("PLEADESK_STATIC_DIR", "static_dir", "static"),
    ("PLEADESK_COURT_NAME", "court_name", "Denver County Court"),
    ("PLEADESK_COURT_ADDRESS", "court_address", "1437 Bannock St, Room 135|Denver, CO 80202"),
    ("PLEADESK_COURT_PHONE", "court_phone", "(720) 555-0100"),
    ("PLEADESK_COURT_HOURS", "court_hours", "Monday to Friday, 8 a.m. to 4:30 p.m."),
    ("PLEADESK_COURT_HOURS_ES", "court_hours_es", "de lunes a viernes, de 8 a. m. a 4:30 p. m."),
    ("PLEADESK_COURT_WEBSITE", "court_website", ""),
    ("PLEADESK_COURT_SIGNATURE", "court_signature", "Clerk of the Court"),
    ("PLEADESK_COURT_SIGNATURE_ES", "court_signature_es", "Secretaría del Tribunal"),
    ("PLEADESK_COURT_LOGO", "court_logo", ""),
    ("PLEADESK_COURT_APPEARANCE_TIME", "court_appearance_time", "08:30"),
    ("PLEADESK_COURT_APPEARANCE_PLACE", "court_appearance_place", ""),
    ("PLEADESK_PAYMENT_DAYS", "payment_days", "30"),
    (
        "PLEADESK_FREE_LEGAL_HELP",
        "free_legal_help",
        "Free or low-cost help: ask the court's self-help center, a legal aid office, or a nonprofit immigration legal service.",
    ),
    (
        "PLEADESK_FREE_LEGAL_HELP_ES",
        "free_legal_help_es",
        "Ayuda gratuita o de bajo costo: pregunte en el centro de autoayuda del tribunal, en una oficina de asistencia legal o en una organización sin fines de lucro de servicios legales de inmigración.",
    ),
    ("PLEADESK_OFFER_REVIEW_DAYS", "offer_review_days", "10"),
    ("PLEADESK_DEFICIENCY_DAYS", "deficiency_days", "14"),
    ("PLEADESK_OFFER_WINDOW_DAYS", "offer_window_days", "21"),
    ("PLEADESK_ENVELOPE_OFFSET_X", "envelope_offset_x", "0"),
    ("PLEADESK_ENVELOPE_OFFSET_Y", "envelope_offset_y", "0"),
    ("PLEADESK_MAIL_FROM", "mail_from", "PleaDesk <no-reply@pleadesk.invalid>"),
    ("PLEADESK_WORKER_INTERVAL_SECS", "worker_interval_secs", "5"),
    ("PLEADESK_STAFF_IDLE_MINUTES", "staff_idle_minutes", "30"),
];

#[derive(Debug, thiserror::Error)]
#[error("configuration: {var}: {message}")]
pub struct ConfigError {
    pub var: String,
    pub message: String,
}

fn err(var: &str, message: impl Into<String>) -> ConfigError {
    ConfigError { var: var.to_string(), message: message.into() }
}

impl Config {
    /// Reads the real process environment (and the TOML file it may name).
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::load(|k| std::env::var(k).ok())
    }

    /// Builds the configuration from a lookup of environment variables, so tests need not touch
    /// the process environment.
    pub fn load(env: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let file = match env("PLEADESK_CONFIG").filter(|p| !p.is_empty()) {
            Some(path) => read_toml(&path)?,
            None => HashMap::new(),
        };
        let value = |var: &str| -> String {
            let (_, key, default) = VARS.iter().find(|(v, _, _)| *v == var).copied().unwrap_or((var, "", ""));
            env(var).or_else(|| file.get(key).cloned()).unwrap_or_else(|| default.to_string())
        };

        let database_url = value("DATABASE_URL");
        crate::db::Backend::from_url(&database_url).map_err(|m| err("DATABASE_URL", m))?;

        let bind = value("PLEADESK_BIND");
        let bind: SocketAddr = bind
            .parse()
            .map_err(|_| err("PLEADESK_BIND", format!("'{bind}' is not an address like 127.0.0.1:8080")))?;

        let data_dir = PathBuf::from(value("PLEADESK_DATA_DIR"));
        if data_dir.as_os_str().is_empty() {
            return Err(err("PLEADESK_DATA_DIR", "must name a folder"));
        }

        let smtp_url = Some(value("PLEADESK_SMTP_URL")).filter(|s| !s.trim().is_empty());
        if let Some(url) = &smtp_url {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err(err("PLEADESK_SMTP_URL", "must start with smtp:// or smtps://"));
            }
        }

        let tz = value("PLEADESK_COURT_TZ");
        let court_tz: Tz = tz
            .parse()
            .map_err(|_| err("PLEADESK_COURT_TZ", format!("'{tz}' is not an IANA time zone like America/Denver")))?;

        let given = value("PLEADESK_BASE_URL").trim().trim_end_matches('/').to_string();
        let base_url_follows_bind = given.is_empty();
        let base_url = if base_url_follows_bind { url_of(bind) } else { given };
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(err("PLEADESK_BASE_URL", "must start with http:// or https://"));
        }

        let lpm = value("PLEADESK_LOOKUP_PER_MINUTE");
        let lookup_per_minute = match lpm.trim().parse::<u32>() {
            Ok(n) if n >= 1 => n,
            _ => {
                return Err(err("PLEADESK_LOOKUP_PER_MINUTE", format!("'{lpm}' must be a whole number of at least 1")))
            }
        };

        let response_due = ResponseDueRule::parse(&value("PLEADESK_RESPONSE_DUE"))
            .map_err(|e| err("PLEADESK_RESPONSE_DUE", e.to_string()))?;

        let mib = value("PLEADESK_MAX_IMPORT_BYTES");
        let max_import_bytes = match mib.trim().parse::<usize>() {
            Ok(n) if n >= 1024 => n,
            _ => {
                return Err(err(
                    "PLEADESK_MAX_IMPORT_BYTES",
                    format!("'{mib}' must be a number of bytes, at least 1024"),
                ))
            }
        };

        let required = |var: &str| -> Result<String, ConfigError> {
            let v = value(var).trim().to_string();
            if v.is_empty() {
                Err(err(var, "must not be empty"))
            } else {
                Ok(v)
            }
        };
        let inches = |var: &str| -> Result<f32, ConfigError> {
            let v = value(var);
            match v.trim().parse::<f32>() {
                Ok(x) if x.abs() <= 1.0 => Ok(x),
                _ => Err(err(var, format!("'{v}' must be a number of inches between -1 and 1, like 0.05"))),
            }
        };
        let address_lines: Vec<String> = value("PLEADESK_COURT_ADDRESS")
            .split('|')
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        if address_lines.is_empty() {
            return Err(err("PLEADESK_COURT_ADDRESS", "must hold the court's mailing address, lines separated by |"));
        }
        let logo = Some(value("PLEADESK_COURT_LOGO")).filter(|p| !p.trim().is_empty()).map(PathBuf::from);
        if let Some(path) = &logo {
            if !path.is_file() {
                return Err(err("PLEADESK_COURT_LOGO", format!("{} is not a file", path.display())));
            }
        }
        let at = value("PLEADESK_COURT_APPEARANCE_TIME");
        let appearance_time = chrono::NaiveTime::parse_from_str(at.trim(), "%H:%M")
            .map_err(|_| err("PLEADESK_COURT_APPEARANCE_TIME", format!("'{at}' is not a 24-hour time like 08:30")))?;
        let place: Vec<String> = value("PLEADESK_COURT_APPEARANCE_PLACE")
            .split('|')
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        let appearance_place = if place.is_empty() { address_lines.clone() } else { place };
        let days = |var: &str, max: u32| -> Result<u32, ConfigError> {
            let v = value(var);
            match v.trim().parse::<u32>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(err(var, format!("'{v}' must be a whole number of days from 1 to {max}"))),
            }
        };
        let after_plea = crate::domain::next_steps::AfterPleaRules {
            payment_days: days("PLEADESK_PAYMENT_DAYS", 365)?,
            offer_review_business_days: days("PLEADESK_OFFER_REVIEW_DAYS", 120)?,
            cure_days: days("PLEADESK_DEFICIENCY_DAYS", 120)?,
        };
        let court = CourtConfig {
            name: required("PLEADESK_COURT_NAME")?,
            address_lines,
            phone: required("PLEADESK_COURT_PHONE")?,
            hours: required("PLEADESK_COURT_HOURS")?,
            hours_es: required("PLEADESK_COURT_HOURS_ES")?,
            website: Some(value("PLEADESK_COURT_WEBSITE").trim().to_string())
                .filter(|w| !w.is_empty())
                .unwrap_or_else(|| base_url.clone()),
            website_follows_base_url: value("PLEADESK_COURT_WEBSITE").trim().is_empty(),
            signature: required("PLEADESK_COURT_SIGNATURE")?,
            signature_es: required("PLEADESK_COURT_SIGNATURE_ES")?,
            logo,
            appearance_time,
            appearance_place,
            after_plea,
            offer_window_days: days("PLEADESK_OFFER_WINDOW_DAYS", crate::domain::offer::MAX_WINDOW_DAYS)?,
            free_legal_help: required("PLEADESK_FREE_LEGAL_HELP")?,
            free_legal_help_es: required("PLEADESK_FREE_LEGAL_HELP_ES")?,
        };
        let mail_from = required("PLEADESK_MAIL_FROM")?;
        if !mail_from.contains('@') {
            return Err(err(
                "PLEADESK_MAIL_FROM",
                format!("'{mail_from}' is not an address like PleaDesk <court@example.org>"),
            ));
        }
        let wi = value("PLEADESK_WORKER_INTERVAL_SECS");
        let worker_interval_secs = match wi.trim().parse::<u64>() {
            Ok(n) if (1..=3600).contains(&n) => n,
            _ => {
                return Err(err(
                    "PLEADESK_WORKER_INTERVAL_SECS",
                    format!("'{wi}' must be a number of seconds from 1 to 3600"),
                ))
            }
        };

        let idle = value("PLEADESK_STAFF_IDLE_MINUTES");
        let staff_idle = match idle.trim().parse::<f64>() {
            // Fractions are allowed (0.05 is three seconds) so that tests and demonstrations
            // need not wait half an hour; a court sets whole minutes.
            Ok(m) if (0.01..=1440.0).contains(&m) => chrono::Duration::milliseconds((m * 60_000.0).round() as i64),
            _ => {
                return Err(err(
                    "PLEADESK_STAFF_IDLE_MINUTES",
                    format!("'{idle}' must be a number of minutes from 0.01 to 1440, like 30"),
                ))
            }
        };

        Ok(Config {
            staff_idle,
            templates_dir: PathBuf::from(value("PLEADESK_TEMPLATES_DIR")),
            static_dir: PathBuf::from(value("PLEADESK_STATIC_DIR")),
            court,
            envelope_offset: (inches("PLEADESK_ENVELOPE_OFFSET_X")?, inches("PLEADESK_ENVELOPE_OFFSET_Y")?),
            mail_from,
            worker_interval_secs,
            database_url,
            bind,
            data_dir,
            smtp_url,
            court_tz,
            base_url,
            base_url_follows_bind,
            lookup_per_minute,
            response_due,
            max_import_bytes,
        })
    }
}

impl Config {
    /// Once the listener is bound: a base URL that follows `bind` takes the address actually
    /// bound (the real port when `bind` asked for port 0), and so does a court website that
    /// follows the base URL.
    pub fn follow_bind(&mut self, bound: SocketAddr) {
        if !self.base_url_follows_bind {
            return;
        }
        self.base_url = url_of(bound);
        if self.court.website_follows_base_url {
            self.court.website = self.base_url.clone();
        }
    }
}

/// `http://` and the address, with a wildcard address (`0.0.0.0`, `::`) replaced by loopback: a
/// browser cannot open the wildcard.
fn url_of(addr: SocketAddr) -> String {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(if addr.is_ipv4() {
            std::net::Ipv4Addr::LOCALHOST.into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        });
    }
    format!("http://{addr}")
}

/// Reads the TOML file into key → string value (numbers are accepted and turned into text).
fn read_toml(path: &str) -> Result<HashMap<String, String>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| err("PLEADESK_CONFIG", format!("cannot read {path}: {e}")))?;
    let table: toml::Table =
        text.parse().map_err(|e: toml::de::Error| err("PLEADESK_CONFIG", format!("{path} is not valid TOML: {e}")))?;
    let mut out = HashMap::new();
    for (key, v) in table {
        let known = VARS.iter().any(|(_, k, _)| *k == key);
        if !known {
            let keys: Vec<&str> = VARS.iter().map(|(_, k, _)| *k).collect();
            return Err(err(
                "PLEADESK_CONFIG",
                format!("{path}: unknown key '{key}'; known keys: {}", keys.join(", ")),
            ));
        }
        let s = match v {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            other => {
                return Err(err(
                    "PLEADESK_CONFIG",
                    format!("{path}: '{key}' must be a string or a number, not a {}", other.type_str()),
                ))
            }
        };
        out.insert(key, s);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn defaults_match_the_spec() {
        let c = Config::load(env_of(&[])).unwrap();
        assert_eq!(c.database_url, "sqlite://pleadesk-data/pleadesk.db");
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.data_dir, PathBuf::from("pleadesk-data"));
        assert_eq!(c.smtp_url, None);
        assert_eq!(c.court_tz, chrono_tz::America::Denver);
        assert_eq!(c.base_url, "http://127.0.0.1:8080");
        assert_eq!(c.lookup_per_minute, 10);
        assert_eq!(c.court.appearance_time, chrono::NaiveTime::from_hms_opt(8, 30, 0).unwrap());
        // Without a courtroom of its own, people appear at the court's address.
        assert_eq!(c.court.appearance_place, c.court.address_lines);
        assert_eq!(c.court.after_plea, crate::domain::next_steps::AfterPleaRules::default());
        assert_eq!(c.staff_idle, chrono::Duration::minutes(30));
        let c = Config::load(env_of(&[("PLEADESK_STAFF_IDLE_MINUTES", "0.05")])).unwrap();
        assert_eq!(c.staff_idle, chrono::Duration::seconds(3), "fractions of a minute, for tests");
    }

    #[test]
    fn base_url_follows_the_bind_address_unless_set() {
        let c = Config::load(env_of(&[("PLEADESK_BIND", "127.0.0.1:9090")])).unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:9090");
        assert_eq!(c.court.website, "http://127.0.0.1:9090");
        let c = Config::load(env_of(&[("PLEADESK_BIND", "0.0.0.0:9000")])).unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:9000", "a wildcard address is reached on loopback");
        let c = Config::load(env_of(&[("PLEADESK_BIND", "[::]:9000")])).unwrap();
        assert_eq!(c.base_url, "http://[::1]:9000");

        // Port 0: the real port once bound.
        let mut c = Config::load(env_of(&[("PLEADESK_BIND", "127.0.0.1:0")])).unwrap();
        c.follow_bind("127.0.0.1:41234".parse().unwrap());
        assert_eq!(c.base_url, "http://127.0.0.1:41234");
        assert_eq!(c.court.website, "http://127.0.0.1:41234");

        // Set explicitly: kept as given, whatever the bind; a set website is kept too.
        let mut c = Config::load(env_of(&[
            ("PLEADESK_BIND", "127.0.0.1:9090"),
            ("PLEADESK_BASE_URL", "https://court.example.org/"),
            ("PLEADESK_COURT_WEBSITE", "https://www.example.org/court"),
        ]))
        .unwrap();
        c.follow_bind("127.0.0.1:9090".parse().unwrap());
        assert_eq!(c.base_url, "https://court.example.org");
        assert_eq!(c.court.website, "https://www.example.org/court");
        let mut c = Config::load(env_of(&[("PLEADESK_COURT_WEBSITE", "https://www.example.org/court")])).unwrap();
        c.follow_bind("127.0.0.1:8181".parse().unwrap());
        assert_eq!(
            (c.base_url.as_str(), c.court.website.as_str()),
            ("http://127.0.0.1:8181", "https://www.example.org/court")
        );
    }

    #[test]
    fn bad_values_name_the_variable() {
        for (var, val) in [
            ("PLEADESK_BIND", "nowhere"),
            ("PLEADESK_COURT_TZ", "Mars/Olympus"),
            ("PLEADESK_LOOKUP_PER_MINUTE", "lots"),
            ("DATABASE_URL", "mysql://x"),
            ("PLEADESK_SMTP_URL", "http://x"),
            ("PLEADESK_BASE_URL", "example.org"),
            ("PLEADESK_ENVELOPE_OFFSET_X", "3"),
            ("PLEADESK_COURT_LOGO", "/no/such/logo.png"),
            ("PLEADESK_MAIL_FROM", "nobody"),
            ("PLEADESK_WORKER_INTERVAL_SECS", "0"),
            ("PLEADESK_COURT_APPEARANCE_TIME", "8.30am"),
            ("PLEADESK_PAYMENT_DAYS", "0"),
            ("PLEADESK_OFFER_REVIEW_DAYS", "many"),
            ("PLEADESK_STAFF_IDLE_MINUTES", "0"),
            ("PLEADESK_STAFF_IDLE_MINUTES", "a while"),
        ] {
            let e = Config::load(env_of(&[(var, val)])).unwrap_err().to_string();
            assert!(e.contains(var), "{e}");
        }
    }

    /// `.env.example` is the configuration's documentation: every variable the code reads is
    /// there with its default, and nothing else is.
    #[test]
    fn env_example_lists_every_variable_with_its_default() {
        let mut listed: HashMap<&str, &str> = HashMap::new();
        for line in include_str!("../.env.example").lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (var, value) = line.split_once('=').unwrap_or_else(|| panic!("not VAR=value: {line}"));
            assert!(listed.insert(var, value.trim_matches('"')).is_none(), "{var} is listed twice");
        }
        for (var, _, default) in VARS {
            assert_eq!(listed.remove(var), Some(*default), "{var} with its default");
        }
        // Read outside VARS: the TOML file's name, and the log filter (`web::telemetry`).
        assert_eq!(listed.remove("PLEADESK_CONFIG"), Some(""));
        assert_eq!(listed.remove("RUST_LOG"), Some("info"));
        assert!(listed.is_empty(), "listed but never read: {listed:?}");
    }

    #[test]
    fn toml_file_then_environment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pleadesk.toml");
        std::fs::write(&path, "bind = \"0.0.0.0:9000\"\nlookup_per_minute = 3\n").unwrap();
        let p = path.to_str().unwrap();
        let c = Config::load(env_of(&[("PLEADESK_CONFIG", p)])).unwrap();
        assert_eq!(c.bind.to_string(), "0.0.0.0:9000");
        assert_eq!(c.lookup_per_minute, 3);
        let c = Config::load(env_of(&[("PLEADESK_CONFIG", p), ("PLEADESK_LOOKUP_PER_MINUTE", "7")])).unwrap();
        assert_eq!(c.lookup_per_minute, 7);

        std::fs::write(&path, "bnd = 1\n").unwrap();
        let e = Config::load(env_of(&[("PLEADESK_CONFIG", p)])).unwrap_err().to_string();
        assert!(e.contains("unknown key 'bnd'"), "{e}");
    }
}
