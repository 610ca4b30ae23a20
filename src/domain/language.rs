//! A defendant's preferred language: any ISO 639-1 code, stored as given. It is distinct from
//! [`Language`], the languages PleaDesk has letters, emails and pages for; [`PreferredLanguage::
//! template_language`] is the one place that maps the first onto the second.

use super::{Language, ParseError};

/// Every ISO 639-1 code (the two-letter codes of ISO 639, as maintained by the Library of
/// Congress; the withdrawn `bh` is left out).
const ISO_639_1: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi", "bm", "bn", "bo",
    "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv", "dz", "ee", "el", "en", "eo",
    "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi",
    "ho", "hr", "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka",
    "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd", "ne", "ng",
    "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm", "rn",
    "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su",
    "sv", "sw", "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur",
    "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// An ISO 639-1 language code, lower-cased (`vi`, `zh`, `tl`, `es`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PreferredLanguage([u8; 2]);

impl PreferredLanguage {
    pub const ENGLISH: PreferredLanguage = PreferredLanguage(*b"en");

    /// Parses a code as an e-citation export writes it; empty means English (SPEC §4).
    pub fn parse_or_default(input: &str) -> Result<Self, ParseError> {
        let s = input.trim().to_ascii_lowercase();
        if s.is_empty() {
            return Ok(Self::ENGLISH);
        }
        match ISO_639_1.binary_search(&s.as_str()) {
            Ok(_) => {
                let b = s.as_bytes();
                Ok(PreferredLanguage([b[0], b[1]]))
            }
            Err(_) => Err(ParseError::new(format!(
                "language '{}' is not an ISO 639-1 code like en, es, vi or zh",
                input.trim().chars().take(20).collect::<String>()
            ))),
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ever built from an entry of ISO_639_1, which is ASCII.
        std::str::from_utf8(&self.0).unwrap_or("en")
    }

    /// The language letters, emails and pages are written in for this person: Spanish for
    /// Spanish speakers, English for everyone else (with a language-assistance line where one
    /// exists for their language).
    pub fn template_language(self) -> Language {
        match &self.0 {
            b"es" => Language::Es,
            _ => Language::En,
        }
    }

    /// Whether the person's own language is not the one their letters are written in.
    pub fn needs_assistance(self) -> bool {
        self.as_str() != self.template_language().as_str()
    }

    /// The preferred language after the person chose `chosen` for their letters: a choice that
    /// their own language already maps to keeps it (a Vietnamese speaker choosing English stays
    /// `vi`, so the language-assistance line stays on their letters); any other choice replaces it.
    pub fn with_choice(self, chosen: Language) -> PreferredLanguage {
        if self.template_language() == chosen {
            self
        } else {
            // en and es are both in ISO_639_1.
            PreferredLanguage::parse_or_default(chosen.as_str()).unwrap_or(Self::ENGLISH)
        }
    }
}

impl std::fmt::Display for PreferredLanguage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for PreferredLanguage {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The language-assistance line for someone whose letters are not in their own language: one
/// sentence in their language saying that free language help is available and which number to
/// call. Serialised into a letter's data so that the letter renders again the same.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AssistanceLine {
    /// The ISO 639-1 code of the text (for `lang` attributes and the PDF).
    pub lang: String,
    pub text: String,
    /// Written right to left (Arabic).
    #[serde(default)]
    pub rtl: bool,
}

#[derive(serde::Deserialize)]
struct CatalogEntry {
    #[allow(dead_code)] // read by people editing the file, not by the code
    name: String,
    text: String,
    #[serde(default)]
    rtl: bool,
}

/// The lines, one per language, in `assets/i18n/language_assistance.toml` (compiled in).
static CATALOG: &str = include_str!("../../assets/i18n/language_assistance.toml");

fn catalog() -> &'static std::collections::HashMap<String, CatalogEntry> {
    static PARSED: std::sync::OnceLock<std::collections::HashMap<String, CatalogEntry>> = std::sync::OnceLock::new();
    // A unit test parses the shipped file, so an empty catalog here means a broken build.
    PARSED.get_or_init(|| toml::from_str(CATALOG).unwrap_or_default())
}

/// Every line of the catalog as (language code, text with `{phone}`), in code order: for the
/// check that letters can print them all.
pub fn assistance_lines() -> Vec<(String, String)> {
    let mut lines: Vec<(String, String)> = catalog().iter().map(|(k, e)| (k.clone(), e.text.clone())).collect();
    lines.sort();
    lines
}

/// The line for `lang` with the court's `phone` in it; `None` for English and Spanish (their
/// letters are in their language) and for languages without a reviewed line.
pub fn assistance_line(lang: PreferredLanguage, phone: &str) -> Option<AssistanceLine> {
    if !lang.needs_assistance() {
        return None;
    }
    let entry = catalog().get(lang.as_str())?;
    // In right-to-left text the number is isolated as left-to-right (U+2066 … U+2069), so its
    // digits and brackets keep their order.
    let phone = if entry.rtl { format!("\u{2066}{phone}\u{2069}") } else { phone.to_string() };
    Some(AssistanceLine {
        lang: lang.as_str().to_string(),
        text: entry.text.replace("{phone}", &phone),
        rtl: entry.rtl,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_list_is_sorted_and_complete() {
        assert!(ISO_639_1.windows(2).all(|w| w[0] < w[1]), "binary search needs a sorted list");
        assert_eq!(ISO_639_1.len(), 183);
        assert!(ISO_639_1.iter().all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_lowercase())));
    }

    #[test]
    fn any_iso_code_is_kept_as_given() {
        for code in ["vi", "zh", "tl", "ko", "ru", "ar", "so", "am", "fr", "hy", "fa", "pa", "es", "en"] {
            assert_eq!(PreferredLanguage::parse_or_default(code).unwrap().as_str(), code);
        }
        assert_eq!(PreferredLanguage::parse_or_default(" VI ").unwrap().as_str(), "vi");
        assert_eq!(PreferredLanguage::parse_or_default("").unwrap(), PreferredLanguage::ENGLISH);
        for bad in ["xx", "vie", "zh-TW", "v", "Vietnamese", "é"] {
            let e = PreferredLanguage::parse_or_default(bad).unwrap_err().to_string();
            assert!(e.contains("ISO 639-1"), "{bad}: {e}");
        }
    }

    #[test]
    fn templates_exist_for_english_and_spanish_only() {
        let p = |s| PreferredLanguage::parse_or_default(s).unwrap();
        assert_eq!(p("es").template_language(), Language::Es);
        assert_eq!(p("en").template_language(), Language::En);
        assert_eq!(p("vi").template_language(), Language::En);
        assert_eq!(p("zh").template_language(), Language::En);
        assert!(!p("es").needs_assistance() && !p("en").needs_assistance());
        assert!(p("vi").needs_assistance() && p("so").needs_assistance());
    }

    #[test]
    fn a_choice_of_letter_language_keeps_what_it_already_covers() {
        let p = |s| PreferredLanguage::parse_or_default(s).unwrap();
        assert_eq!(p("vi").with_choice(Language::En), p("vi"));
        assert_eq!(p("vi").with_choice(Language::Es), p("es"));
        assert_eq!(p("en").with_choice(Language::Es), p("es"));
        assert_eq!(p("es").with_choice(Language::En), p("en"));
    }

    #[test]
    fn the_assistance_catalog_covers_the_common_languages() {
        let entries: std::collections::HashMap<String, CatalogEntry> = toml::from_str(CATALOG).unwrap();
        for (code, e) in &entries {
            assert!(ISO_639_1.contains(&code.as_str()), "{code} is not an ISO 639-1 code");
            assert_eq!(e.text.matches("{phone}").count(), 1, "{code}: the line names the phone number once");
            assert!(!e.name.is_empty());
        }
        for code in ["vi", "zh", "tl", "ko", "ru", "ar", "so", "fr"] {
            assert!(entries.contains_key(code), "no line for {code}");
        }
        assert!(!entries.contains_key("en") && !entries.contains_key("es"), "en and es have whole templates");
    }

    #[test]
    fn the_line_carries_the_courts_phone_in_the_persons_language() {
        let p = |s| PreferredLanguage::parse_or_default(s).unwrap();
        let vi = assistance_line(p("vi"), "(720) 555-0100").unwrap();
        assert_eq!(vi.lang, "vi");
        assert!(vi.text.starts_with("CHÚ Ý") && vi.text.contains("Gọi số (720) 555-0100."), "{}", vi.text);
        assert!(!vi.rtl);
        let ar = assistance_line(p("ar"), "(720) 555-0100").unwrap();
        assert!(ar.rtl && ar.text.contains("\u{2066}(720) 555-0100\u{2069}"), "{}", ar.text);
        assert!(assistance_line(p("zh"), "1").unwrap().text.contains("語言援助服務"));
        assert_eq!(assistance_line(p("en"), "1"), None);
        assert_eq!(assistance_line(p("es"), "1"), None);
        assert_eq!(assistance_line(p("yo"), "1"), None, "no reviewed line for Yoruba yet");
    }
}
