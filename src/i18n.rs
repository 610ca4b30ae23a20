//! The residents' words outside the page templates — field errors, refusals, status and timeline
//! lines, on the pages and in the JSON API — read from the same catalog as the pages' words: the
//! `[messages]` table of `templates/pages/i18n/{en,es}.toml`. One catalog per language; no
//! resident text in the code. (Letters and emails have their own, under `templates/letters`.)
//!
//! The catalog is loaded once at start-up ([`install`]) from the court's templates folder, each
//! key falling back to the copy shipped inside the binary; until then (CLI, unit tests) the
//! shipped copy is used.

use crate::domain::Language;
use crate::letters::templates::TemplateError;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

/// The shipped catalogs, by language (also the files under `templates/` in the repository).
const SHIPPED: [(Language, &str, &str); 2] = [
    (Language::En, "pages/i18n/en.toml", include_str!("../templates/pages/i18n/en.toml")),
    (Language::Es, "pages/i18n/es.toml", include_str!("../templates/pages/i18n/es.toml")),
];

/// Every key the code asks for (each must be in every shipped language; a test checks it).
pub const KEYS: &[&str] = &[
    "citation_number",
    "date_of_birth",
    "not_found",
    "plea_missing",
    "wrong_code",
    "plea_not_allowed",
    "plea_unknown",
    "signature_name",
    "attest",
    "email",
    "phone",
    "statement",
    "statement_control",
    "address",
    "deadline",
    "answered",
    "case_changed",
    "form",
    "idempotency",
    "field",
    "reason.must_appear",
    "reason.not_by_mail",
    "reason.deadline_passed",
    "reason.already_answered",
    "status.received",
    "status.in_review",
    "status.offer_pending",
    "status.amount_due",
    "status.hearing_set",
    "status.resolved",
    "status.default",
    "timeline.issued",
    "timeline.plea_received",
    "timeline.offer_made",
    "timeline.offer_accepted",
    "timeline.offer_rejected",
    "timeline.offer_expired",
    "timeline.offer_withdrawn",
    "timeline.offer_declined",
    "timeline.amount_due",
    "timeline.payment_received",
    "timeline.payment_reversed",
    "timeline.hardship_requested",
    "timeline.hardship_granted",
    "timeline.hardship_denied",
    "timeline.hearing_set",
    "timeline.resolved",
    "timeline.default",
    "timeline.letter_sent",
    "offer_closed",
    "hardship.more_time",
    "hardship.payment_plan",
    "hardship.community_service",
    "hardship.kind",
    "hardship.statement_missing",
    "hardship.statement_long",
    "hardship.not_due",
    "hardship.pending",
    "letter.plea_form",
    "letter.acknowledgement",
    "letter.deficiency_notice",
    "letter.plea_offer",
    "letter.amount_due",
    "letter.hearing_notice",
    "letter.outcome",
    "letter.default_notice",
    "letter.reminder",
    "upload.too_big",
    "upload.too_many",
    "upload.file_type",
];

/// The messages of every language, by dotted key (`reason.must_appear`).
#[derive(Debug, Clone)]
pub struct Catalog {
    texts: Vec<(Language, HashMap<String, String>)>,
}

impl Catalog {
    /// The catalog shipped inside the binary.
    pub fn shipped() -> Catalog {
        // ok: the shipped files are compiled in, no input reaches them, and a unit test parses them.
        let parse = |name: &str, text: &str| messages(name, text).expect("the shipped catalog parses"); // ok: above
        let texts = SHIPPED.iter().map(|(lang, name, text)| (*lang, parse(name, text))).collect();
        Catalog { texts }
    }

    /// The court's catalog in `dir` (`pages/i18n/<lang>.toml`), each key it lacks (or a file it
    /// lacks) taken from the shipped one. A file that does not parse is an error naming it.
    pub fn load(dir: &Path) -> Result<Catalog, TemplateError> {
        let mut catalog = Catalog::shipped();
        for (lang, name, _) in SHIPPED {
            let path = dir.join(name);
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    return Err(TemplateError {
                        file: path.display().to_string(),
                        line: None,
                        detail: format!("cannot be read: {e}"),
                    })
                }
            };
            let court = messages(&path.display().to_string(), &text)?;
            if let Some((_, texts)) = catalog.texts.iter_mut().find(|(l, _)| *l == lang) {
                texts.extend(court);
            }
        }
        Ok(catalog)
    }

    /// The message `key` in `lang` (English if the language lacks it; the generic "check this
    /// field" if no language has it).
    pub fn text(&self, lang: Language, key: &str) -> String {
        self.get(lang, key)
            .or_else(|| self.get(Language::En, key))
            .or_else(|| self.get(lang, "field"))
            .or_else(|| self.get(Language::En, "field"))
            .unwrap_or_default()
            .to_string()
    }

    fn get(&self, lang: Language, key: &str) -> Option<&str> {
        self.texts.iter().find(|(l, _)| *l == lang).and_then(|(_, t)| t.get(key)).map(String::as_str)
    }
}

/// The `[messages]` table of a catalog file, flattened to dotted keys.
fn messages(origin: &str, text: &str) -> Result<HashMap<String, String>, TemplateError> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| TemplateError {
        file: origin.to_string(),
        line: e.span().map(|s| text[..s.start.min(text.len())].lines().count().max(1)),
        detail: e.message().to_string(),
    })?;
    let mut out = HashMap::new();
    if let Some(toml::Value::Table(m)) = table.get("messages") {
        flatten("", m, &mut out);
    }
    Ok(out)
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            toml::Value::Table(t) => flatten(&key, t, out),
            _ => {}
        }
    }
}

static INSTALLED: OnceLock<Catalog> = OnceLock::new();

/// Makes `catalog` the one [`text`] reads (once, at start-up; later calls keep the first).
pub fn install(catalog: Catalog) {
    let _ = INSTALLED.set(catalog);
}

/// The message `key` in `lang`, from the installed catalog (the shipped one if none was).
pub fn text(lang: Language, key: &str) -> String {
    INSTALLED.get_or_init(Catalog::shipped).text(lang, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_exists_in_every_shipped_language_and_no_other() {
        let shipped = Catalog::shipped();
        for (lang, texts) in &shipped.texts {
            for key in KEYS {
                assert!(texts.get(*key).is_some_and(|t| !t.trim().is_empty()), "{key} missing in {lang:?}");
            }
            let unused: Vec<_> = texts.keys().filter(|k| !KEYS.contains(&k.as_str())).collect();
            assert!(unused.is_empty(), "keys in the {lang:?} catalog that no code uses: {unused:?}");
        }
    }

    #[test]
    fn a_courts_file_overrides_some_keys_and_the_rest_stay_shipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("pages/i18n")).unwrap();
        std::fs::write(dir.path().join("pages/i18n/es.toml"), "x = 1\n[messages]\nform = \"Corrija.\"\n").unwrap();
        let c = Catalog::load(dir.path()).unwrap();
        assert_eq!(c.text(Language::Es, "form"), "Corrija.");
        assert_eq!(c.text(Language::Es, "field"), "Revise este campo.");
        assert_eq!(c.text(Language::En, "form"), "Please correct the fields marked below.");
        std::fs::write(dir.path().join("pages/i18n/en.toml"), "[messages\n").unwrap();
        let e = Catalog::load(dir.path()).unwrap_err();
        assert!(e.file.ends_with("en.toml") && e.line == Some(1), "{e}");
    }

    #[test]
    fn an_unknown_key_reads_as_the_generic_field_message() {
        let c = Catalog::shipped();
        assert_eq!(c.text(Language::Es, "no.such.key"), "Revise este campo.");
        assert_eq!(c.text(Language::En, "no.such.key"), "Please check this field.");
    }

    /// A guard beside the key test: the residents' Spanish stays out of the code.
    #[test]
    fn no_resident_text_is_left_in_the_code() {
        let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let known = [
            "Elija una declaración",
            "Revise este campo",
            "Por este cargo debe presentarse",
            "Recibimos su declaración",
            "Le enviamos una carta",
            "Un archivo pesa más",
            "Su caso está resuelto",
            "Please check this field",
            "We received your plea",
        ];
        let mut stack = vec![std::path::PathBuf::from(src)];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
            } else if p.extension().is_some_and(|e| e == "rs") && !p.ends_with("i18n.rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                for k in known {
                    assert!(!text.contains(k), "{} still holds {k:?}", p.display());
                }
            }
        }
    }
}
