//! One typed configuration, built from defaults, then an optional TOML file named by
//! `PLEADESK_CONFIG`, then the environment. A bad value stops start-up with a message that names
//! the variable. Every variable is listed with its default in `.env.example`.

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
    /// Who may read `/metrics` (the TCP peer's address); empty: nobody.
    pub metrics_allow: Vec<ipnet::IpNet>,
    /// Reverse proxies whose `X-Forwarded-For`/`Forwarded` names the client; empty: none.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

mod court;
pub mod networks;
pub mod summary;
pub use court::CourtConfig;

/// This machine's name (workers and mail runs are recorded with it).
pub fn host_name() -> String {
    std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_string()).unwrap_or_else(|_| "pleadesk".into())
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
    ("PLEADESK_MAX_IMPORT_BYTES", "max_import_bytes", "20971520"),
    ("PLEADESK_TEMPLATES_DIR", "templates_dir", "templates"),
    ("PLEADESK_STATIC_DIR", "static_dir", "static"),
    ("PLEADESK_ENVELOPE_OFFSET_X", "envelope_offset_x", "0"),
    ("PLEADESK_ENVELOPE_OFFSET_Y", "envelope_offset_y", "0"),
    ("PLEADESK_MAIL_FROM", "mail_from", "PleaDesk <no-reply@pleadesk.invalid>"),
    ("PLEADESK_WORKER_INTERVAL_SECS", "worker_interval_secs", "5"),
    ("PLEADESK_STAFF_IDLE_MINUTES", "staff_idle_minutes", "30"),
    ("PLEADESK_METRICS_ALLOW", "metrics_allow", "127.0.0.0/8,::1/128"),
    ("PLEADESK_TRUSTED_PROXIES", "trusted_proxies", ""),
];

/// Every variable: the service's (above) and the court profile's (`court::VARS`).
fn all_vars() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    VARS.iter().chain(court::VARS).copied()
}

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
            let (_, key, default) = all_vars().find(|(v, _, _)| *v == var).unwrap_or((var, "", ""));
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

        let inches = |var: &str| -> Result<f32, ConfigError> {
            let v = value(var);
            match v.trim().parse::<f32>() {
                Ok(x) if x.abs() <= 1.0 => Ok(x),
                _ => Err(err(var, format!("'{v}' must be a number of inches between -1 and 1, like 0.05"))),
            }
        };
        let court = court::load(&value, &base_url)?;
        let mail_from = value("PLEADESK_MAIL_FROM").trim().to_string();
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

        let metrics_allow = networks::parse_networks("PLEADESK_METRICS_ALLOW", &value("PLEADESK_METRICS_ALLOW"))?;
        let trusted_proxies = networks::parse_networks("PLEADESK_TRUSTED_PROXIES", &value("PLEADESK_TRUSTED_PROXIES"))?;

        Ok(Config {
            metrics_allow,
            trusted_proxies,
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
            max_import_bytes,
        })
    }
}

impl Config {
    /// Whether people reach the server over https (its base URL says so): cookies are then
    /// marked Secure and answers say Strict-Transport-Security.
    pub fn https(&self) -> bool {
        self.base_url.starts_with("https://")
    }

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
        let known = all_vars().any(|(_, k, _)| k == key);
        if !known {
            let keys: Vec<&str> = all_vars().map(|(_, k, _)| k).collect();
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
mod tests;
