//! The court profile's part of the configuration: the court as letters present it, its sessions,
//! and its deadline rules (SPEC §2: deadlines are rules, not constants). The holiday calendar is
//! not here: the admin keeps it on the console's court profile page (`court_holidays`).

use super::{err, ConfigError};
use crate::domain::deadline::{DeadlineRules, ReminderLeads, ResponseDueRule};
use std::path::PathBuf;

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
    /// Where free legal help about the immigration consequences of a plea can be found (shown
    /// beside the advisement), in English and Spanish.
    pub free_legal_help: String,
    pub free_legal_help_es: String,
    /// The deadline rules: response due, offer window, reminders, the grace before a default.
    pub deadlines: DeadlineRules,
}

/// (variable, TOML key, default), as `super::VARS`.
pub(super) const VARS: &[(&str, &str, &str)] = &[
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
    // Deadline rules.
    ("PLEADESK_RESPONSE_DUE", "response_due", "court_date-10"),
    ("PLEADESK_PAYMENT_DAYS", "payment_days", "30"),
    ("PLEADESK_OFFER_REVIEW_DAYS", "offer_review_days", "10"),
    ("PLEADESK_DEFICIENCY_DAYS", "deficiency_days", "14"),
    ("PLEADESK_OFFER_WINDOW_DAYS", "offer_days", "21"),
    ("PLEADESK_REMINDER_DAYS", "reminder_days", "7,2"),
    ("PLEADESK_PAYMENT_REMINDER_DAYS", "payment_reminder_days", "7"),
    ("PLEADESK_DEFAULT_GRACE_DAYS", "default_grace_days", "5"),
];

/// Reads the court profile through `value` (defaults → TOML → environment); `base_url` is the
/// website when none is set.
pub(super) fn load(value: &dyn Fn(&str) -> String, base_url: &str) -> Result<CourtConfig, ConfigError> {
    let required = |var: &str| -> Result<String, ConfigError> {
        let v = value(var).trim().to_string();
        if v.is_empty() {
            Err(err(var, "must not be empty"))
        } else {
            Ok(v)
        }
    };
    let address_lines: Vec<String> =
        value("PLEADESK_COURT_ADDRESS").split('|').map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect();
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
    let leads = |var: &str| ReminderLeads::parse(&value(var)).map_err(|e| err(var, e.to_string()));
    let deadlines = DeadlineRules {
        response_due: ResponseDueRule::parse(&value("PLEADESK_RESPONSE_DUE"))
            .map_err(|e| err("PLEADESK_RESPONSE_DUE", e.to_string()))?,
        offer_days: days("PLEADESK_OFFER_WINDOW_DAYS", crate::domain::offer::MAX_WINDOW_DAYS)?,
        response_reminders: leads("PLEADESK_REMINDER_DAYS")?,
        payment_reminders: leads("PLEADESK_PAYMENT_REMINDER_DAYS")?,
        default_grace_days: match value("PLEADESK_DEFAULT_GRACE_DAYS").trim().parse::<u32>() {
            Ok(n) if n <= 60 => n,
            _ => return Err(err("PLEADESK_DEFAULT_GRACE_DAYS", "must be a whole number of days from 0 to 60")),
        },
    };
    Ok(CourtConfig {
        name: required("PLEADESK_COURT_NAME")?,
        address_lines,
        phone: required("PLEADESK_COURT_PHONE")?,
        hours: required("PLEADESK_COURT_HOURS")?,
        hours_es: required("PLEADESK_COURT_HOURS_ES")?,
        website: Some(value("PLEADESK_COURT_WEBSITE").trim().to_string())
            .filter(|w| !w.is_empty())
            .unwrap_or_else(|| base_url.to_string()),
        website_follows_base_url: value("PLEADESK_COURT_WEBSITE").trim().is_empty(),
        signature: required("PLEADESK_COURT_SIGNATURE")?,
        signature_es: required("PLEADESK_COURT_SIGNATURE_ES")?,
        logo,
        appearance_time,
        appearance_place,
        after_plea,
        free_legal_help: required("PLEADESK_FREE_LEGAL_HELP")?,
        free_legal_help_es: required("PLEADESK_FREE_LEGAL_HELP_ES")?,
        deadlines,
    })
}
