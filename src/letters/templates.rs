//! Letter and email templates (minijinja), loaded at run time from the templates folder
//! (`PLEADESK_TEMPLATES_DIR`) so that a court can edit them without recompiling; a template the
//! folder lacks falls back to the one shipped inside the binary. Errors name the file and line.

use crate::domain::{Cents, Language, Plea};
use minijinja::{Environment, State, UndefinedBehavior, Value};
use std::path::Path;

/// The templates shipped with PleaDesk (also the files under `templates/` in the repository).
const SHIPPED: &[(&str, &str)] = &[
    ("letters/en/plea_form.txt", include_str!("../../templates/letters/en/plea_form.txt")),
    ("pages/base.html", include_str!("../../templates/pages/base.html")),
    ("pages/macros.html", include_str!("../../templates/pages/macros.html")),
    ("pages/start.html", include_str!("../../templates/pages/start.html")),
    ("pages/lookup.html", include_str!("../../templates/pages/lookup.html")),
    ("pages/case.html", include_str!("../../templates/pages/case.html")),
    ("pages/plea.html", include_str!("../../templates/pages/plea.html")),
    ("pages/review.html", include_str!("../../templates/pages/review.html")),
    ("pages/confirmation.html", include_str!("../../templates/pages/confirmation.html")),
    ("pages/status_form.html", include_str!("../../templates/pages/status_form.html")),
    ("pages/status.html", include_str!("../../templates/pages/status.html")),
    ("pages/timeline.html", include_str!("../../templates/pages/timeline.html")),
    ("pages/hardship_panel.html", include_str!("../../templates/pages/hardship_panel.html")),
    ("pages/hardship.html", include_str!("../../templates/pages/hardship.html")),
    ("pages/error.html", include_str!("../../templates/pages/error.html")),
    ("pages/status_offer.html", include_str!("../../templates/pages/status_offer.html")),
    ("pages/offer_table.html", include_str!("../../templates/pages/offer_table.html")),
    ("pages/offer_answer.html", include_str!("../../templates/pages/offer_answer.html")),
    ("console/base.html", include_str!("../../templates/console/base.html")),
    ("console/sign_in.html", include_str!("../../templates/console/sign_in.html")),
    ("console/dashboard.html", include_str!("../../templates/console/dashboard.html")),
    ("console/users.html", include_str!("../../templates/console/users.html")),
    ("console/user.html", include_str!("../../templates/console/user.html")),
    ("console/message.html", include_str!("../../templates/console/message.html")),
    ("console/macros.html", include_str!("../../templates/console/macros.html")),
    ("console/cases.html", include_str!("../../templates/console/cases.html")),
    ("console/case.html", include_str!("../../templates/console/case.html")),
    ("console/payment.html", include_str!("../../templates/console/payment.html")),
    ("console/reports.html", include_str!("../../templates/console/reports.html")),
    ("console/payment_form.html", include_str!("../../templates/console/payment_form.html")),
    ("console/payment_balance.html", include_str!("../../templates/console/payment_balance.html")),
    ("console/payment_reverse.html", include_str!("../../templates/console/payment_reverse.html")),
    ("console/court.html", include_str!("../../templates/console/court.html")),
    ("console/refunds.html", include_str!("../../templates/console/refunds.html")),
    ("console/hardship_queue.html", include_str!("../../templates/console/hardship_queue.html")),
    ("console/hardship_request.html", include_str!("../../templates/console/hardship_request.html")),
    ("console/unmatched.html", include_str!("../../templates/console/unmatched.html")),
    ("console/deficient.html", include_str!("../../templates/console/deficient.html")),
    ("console/duplicates.html", include_str!("../../templates/console/duplicates.html")),
    ("console/plea_new.html", include_str!("../../templates/console/plea_new.html")),
    ("console/plea_fields.html", include_str!("../../templates/console/plea_fields.html")),
    ("console/envelope.html", include_str!("../../templates/console/envelope.html")),
    ("console/envelope_slip.html", include_str!("../../templates/console/envelope_slip.html")),
    ("console/offers_queue.html", include_str!("../../templates/console/offers_queue.html")),
    ("console/offer_review.html", include_str!("../../templates/console/offer_review.html")),
    ("console/offer_patterns.html", include_str!("../../templates/console/offer_patterns.html")),
    ("console/saved.html", include_str!("../../templates/console/saved.html")),
    ("console/plea_result.html", include_str!("../../templates/console/plea_result.html")),
    ("console/linked.html", include_str!("../../templates/console/linked.html")),
    ("console/scans.html", include_str!("../../templates/console/scans.html")),
    ("console/scan.html", include_str!("../../templates/console/scan.html")),
    ("console/letters.html", include_str!("../../templates/console/letters.html")),
    ("console/scan_page.html", include_str!("../../templates/console/scan_page.html")),
    ("pages/i18n/en.toml", include_str!("../../templates/pages/i18n/en.toml")),
    ("pages/i18n/es.toml", include_str!("../../templates/pages/i18n/es.toml")),
    ("letters/es/plea_form.txt", include_str!("../../templates/letters/es/plea_form.txt")),
    ("letters/en/acknowledgement.txt", include_str!("../../templates/letters/en/acknowledgement.txt")),
    ("letters/es/acknowledgement.txt", include_str!("../../templates/letters/es/acknowledgement.txt")),
    ("letters/en/deficiency_notice.txt", include_str!("../../templates/letters/en/deficiency_notice.txt")),
    ("letters/es/deficiency_notice.txt", include_str!("../../templates/letters/es/deficiency_notice.txt")),
    ("letters/en/plea_offer.txt", include_str!("../../templates/letters/en/plea_offer.txt")),
    ("letters/es/plea_offer.txt", include_str!("../../templates/letters/es/plea_offer.txt")),
    ("letters/en/amount_due.txt", include_str!("../../templates/letters/en/amount_due.txt")),
    ("letters/es/amount_due.txt", include_str!("../../templates/letters/es/amount_due.txt")),
    ("letters/en/hearing_notice.txt", include_str!("../../templates/letters/en/hearing_notice.txt")),
    ("letters/es/hearing_notice.txt", include_str!("../../templates/letters/es/hearing_notice.txt")),
    ("letters/en/outcome.txt", include_str!("../../templates/letters/en/outcome.txt")),
    ("letters/es/outcome.txt", include_str!("../../templates/letters/es/outcome.txt")),
    ("letters/en/default_notice.txt", include_str!("../../templates/letters/en/default_notice.txt")),
    ("letters/es/default_notice.txt", include_str!("../../templates/letters/es/default_notice.txt")),
    ("letters/en/reminder.txt", include_str!("../../templates/letters/en/reminder.txt")),
    ("letters/es/reminder.txt", include_str!("../../templates/letters/es/reminder.txt")),
    ("email/en/letter.subject.txt", include_str!("../../templates/email/en/letter.subject.txt")),
    ("email/es/letter.subject.txt", include_str!("../../templates/email/es/letter.subject.txt")),
    ("email/en/letter.txt", include_str!("../../templates/email/en/letter.txt")),
    ("email/es/letter.txt", include_str!("../../templates/email/es/letter.txt")),
    ("email/en/letter.html", include_str!("../../templates/email/en/letter.html")),
    ("email/es/letter.html", include_str!("../../templates/email/es/letter.html")),
];

/// A template that failed to load or render: which file, which line, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template {file}{}: {detail}", .line.map(|l| format!(", line {l}")).unwrap_or_default())]
pub struct TemplateError {
    pub file: String,
    pub line: Option<usize>,
    pub detail: String,
}

pub struct Templates {
    env: Environment<'static>,
    /// template name → where it came from (a path, or "built-in …") for error messages.
    sources: Vec<(String, String)>,
    /// Data files kept beside the templates (the pages' words, as TOML text).
    data: Vec<(String, String)>,
}

impl Templates {
    /// Loads every template: from `dir` where the file exists there, else the shipped one. A
    /// name a template uses but the data lacks is an error (a letter must not print blanks).
    pub fn load(dir: &Path) -> Result<Templates, TemplateError> {
        Templates::load_with(dir, UndefinedBehavior::Strict)
    }

    /// For web pages: a missing value renders as nothing (forms start empty).
    pub fn load_lenient(dir: &Path) -> Result<Templates, TemplateError> {
        Templates::load_with(dir, UndefinedBehavior::Chainable)
    }

    fn load_with(dir: &Path, undefined: UndefinedBehavior) -> Result<Templates, TemplateError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(undefined);
        env.set_keep_trailing_newline(true);
        env.add_filter("money", money);
        env.add_filter("date", date);
        env.add_filter("plea", plea);
        env.add_filter("time", time);
        let mut sources = Vec::new();
        let mut data = Vec::new();
        for (name, shipped) in SHIPPED {
            let path = dir.join(name);
            let (source, origin) = match std::fs::read_to_string(&path) {
                Ok(text) => (text, path.display().to_string()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    (shipped.to_string(), format!("(built-in) {name}"))
                }
                Err(e) => {
                    return Err(TemplateError {
                        file: path.display().to_string(),
                        line: None,
                        detail: format!("cannot be read: {e}"),
                    })
                }
            };
            if name.ends_with(".toml") {
                sources.push((name.to_string(), origin));
                data.push((name.to_string(), source));
                continue;
            }
            env.add_template_owned(name.to_string(), source).map_err(|e| TemplateError {
                file: origin.clone(),
                line: e.line(),
                detail: e.detail().map(str::to_string).unwrap_or_else(|| e.kind().to_string()),
            })?;
            sources.push((name.to_string(), origin));
        }
        Ok(Templates { env, sources, data })
    }

    /// Where a template was loaded from.
    pub fn origin(&self, name: &str) -> String {
        self.sources.iter().find(|(n, _)| n == name).map(|(_, o)| o.clone()).unwrap_or_else(|| name.to_string())
    }

    /// A TOML data file (such as `pages/i18n/es.toml`) as JSON, with file and line on error.
    pub fn data(&self, name: &str) -> Result<serde_json::Value, TemplateError> {
        let text = self.data.iter().find(|(n, _)| n == name).map(|(_, t)| t.as_str()).unwrap_or("");
        toml::from_str::<serde_json::Value>(text).map_err(|e| TemplateError {
            file: self.origin(name),
            line: e.span().map(|s| text[..s.start.min(text.len())].lines().count().max(1)),
            detail: e.message().to_string(),
        })
    }

    /// The text of every template whose name starts with `prefix` (as loaded: the court's or the
    /// shipped one).
    pub fn sources(&self, prefix: &str) -> Vec<String> {
        self.env.templates().filter(|(name, _)| name.starts_with(prefix)).map(|(_, t)| t.source().to_string()).collect()
    }

    /// Makes a value or a function (`Value::from_function`) available to every template.
    pub fn add_global(&mut self, name: &'static str, value: Value) {
        self.env.add_global(name, value);
    }

    pub fn has(&self, name: &str) -> bool {
        self.env.get_template(name).is_ok()
    }

    /// Renders a template with `ctx` (any serialisable value; its `language` field picks the
    /// language of the `date` and `plea` filters).
    pub fn render(&self, name: &str, ctx: &impl serde::Serialize) -> Result<String, TemplateError> {
        let fail = |e: minijinja::Error| {
            let mut detail = e.detail().map(str::to_string).unwrap_or_else(|| e.kind().to_string());
            if let Some(src) = std::error::Error::source(&e) {
                detail = format!("{detail}: {src}");
            }
            TemplateError { file: self.origin(name), line: e.line(), detail }
        };
        let tmpl = self.env.get_template(name).map_err(fail)?;
        tmpl.render(Value::from_serialize(ctx)).map_err(fail)
    }
}

fn language(state: &State) -> Language {
    state.lookup("language").and_then(|v| v.as_str().and_then(|s| s.parse().ok())).unwrap_or(Language::En)
}

/// `{{ fine_cents | money }}` → `$135.00`.
fn money(cents: i64) -> Result<String, minijinja::Error> {
    Cents::new(cents)
        .map(|c| c.to_string())
        .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string()))
}

/// `{{ citation.court_date | date }}` → `December 15, 2026` or `15 de diciembre de 2026`.
fn date(state: &State, value: String) -> Result<String, minijinja::Error> {
    let d = chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d").map_err(|_| {
        minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, format!("'{value}' is not a date (YYYY-MM-DD)"))
    })?;
    Ok(super::strings::long_date(d, language(state)))
}

/// `{{ court.appearance_time | time }}` → `8:30 a.m.` / `8:30 a. m.`
fn time(state: &State, value: String) -> Result<String, minijinja::Error> {
    let t = chrono::NaiveTime::parse_from_str(&value, "%H:%M:%S")
        .or_else(|_| chrono::NaiveTime::parse_from_str(&value, "%H:%M"))
        .map_err(|_| {
            minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, format!("'{value}' is not a time (HH:MM)"))
        })?;
    Ok(super::strings::clock(t, language(state)))
}

/// `{{ p.plea | plea }}` → `Not guilty` / `No culpable`.
fn plea(state: &State, value: String) -> Result<String, minijinja::Error> {
    let p: Plea = value.parse().map_err(|e: crate::domain::ParseError| {
        minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string())
    })?;
    Ok(super::strings::plea_label(p, language(state)).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_templates_load_and_a_folder_overrides_them() {
        let dir = tempfile::tempdir().unwrap();
        let t = Templates::load(dir.path()).unwrap();
        assert!(t.origin("letters/en/plea_form.txt").starts_with("(built-in)"));
        std::fs::create_dir_all(dir.path().join("email/en")).unwrap();
        std::fs::write(dir.path().join("email/en/letter.subject.txt"), "Hello {{ name }}").unwrap();
        let t = Templates::load(dir.path()).unwrap();
        let out = t.render("email/en/letter.subject.txt", &serde_json::json!({"name": "Ana"})).unwrap();
        assert_eq!(out, "Hello Ana");
    }

    #[test]
    fn a_broken_template_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("letters/es")).unwrap();
        let path = dir.path().join("letters/es/plea_form.txt");
        std::fs::write(&path, "# Título\n\nLínea dos\n{% if %}\n").unwrap();
        let e = Templates::load(dir.path()).err().unwrap();
        assert_eq!(e.line, Some(4));
        let msg = e.to_string();
        assert!(msg.contains("letters/es/plea_form.txt") && msg.contains("line 4"), "{msg}");
    }

    #[test]
    fn filters_follow_the_language() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("email/es")).unwrap();
        std::fs::write(
            dir.path().join("email/es/letter.subject.txt"),
            "{{ d | date }} {{ c | money }} {{ p | plea }} {{ missing }}",
        )
        .unwrap();
        let t = Templates::load(dir.path()).unwrap();
        let ctx = serde_json::json!({"language": "es", "d": "2026-12-15", "c": 13500, "p": "not_guilty"});
        let e = t.render("email/es/letter.subject.txt", &ctx).unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
        std::fs::write(dir.path().join("email/es/letter.subject.txt"), "{{ d | date }} {{ c | money }} {{ p | plea }}")
            .unwrap();
        let t = Templates::load(dir.path()).unwrap();
        assert_eq!(
            t.render("email/es/letter.subject.txt", &ctx).unwrap(),
            "15 de diciembre de 2026 $135.00 No culpable"
        );
    }
}
