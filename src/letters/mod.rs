//! Letters: a case and a template become a printable, mailable PDF.
//!
//! `templates` (minijinja, editable) → `markup` (headings, paragraphs, slots) → `layout` (wrapped
//! with real font metrics, paginated) → `pdf` (envelope windows, QR code, page numbers,
//! reproducible bytes). `merge` joins stored letters into the daily mail run.

pub mod address;
pub mod bidi;
pub mod data;
mod example;
pub mod fonts;
pub mod layout;
pub mod logo;
pub mod markup;
pub mod merge;
pub mod pdf;
pub mod qr;
pub mod sections;
pub mod separator;
pub mod slip;
mod slots;
pub mod strings;
pub mod templates;
pub mod wrap;

use crate::domain::{Language, LetterType};
use data::LetterData;
use layout::{Block, Composer};
use markup::Item;
use sha2::{Digest, Sha256};
use templates::{TemplateError, Templates};

pub use example::example_data;
pub use pdf::{Logo, PageSetup};

#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    #[error("{0}")]
    Template(#[from] TemplateError),
    #[error("letter layout failed: {0}")]
    Layout(String),
}

/// A rendered letter: the PDF bytes, its page count and SHA-256 (hex).
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: u32,
    pub sha256: String,
}

/// The template a letter type uses in a language.
pub fn template_name(kind: LetterType, lang: Language) -> String {
    format!("letters/{}/{}.txt", lang.as_str(), kind.as_str())
}

/// The file name a letter is downloaded and attached under: the reference the person knows —
/// the confirmation code once they have pleaded, else the citation number — and what the letter
/// is, in its language: `PD-7Q4K-M2XD-receipt.pdf`, `DV-2026-000103-formulario-de-declaracion.pdf`.
pub fn download_name(data: &LetterData) -> String {
    let reference = match (&data.submission, data.letter_type) {
        (Some(sub), _) if !sub.confirmation.is_empty() => sub.confirmation.as_str(),
        _ => data.citation.number.as_str(),
    };
    // Both references are A–Z, 0–9 and hyphens already; keep the header safe whatever is stored.
    let reference: String = reference.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(40).collect();
    format!("{reference}-{}.pdf", strings::file_stem(data.letter_type, data.language))
}

/// Renders one letter. The same data and templates always give the same bytes.
pub fn render(data: &LetterData, templates: &Templates, setup: &PageSetup) -> Result<Rendered, LetterError> {
    let name = template_name(data.letter_type, data.language);
    if !templates.has(&name) {
        return Err(LetterError::Template(TemplateError {
            file: name,
            line: None,
            detail: format!("there is no template for {} letters yet", data.letter_type),
        }));
    }
    if let Some(part) = sections::missing_part(data) {
        return Err(LetterError::Template(TemplateError {
            file: name,
            line: None,
            detail: format!("{} letters cannot be printed without {part}", data.letter_type),
        }));
    }
    let text = templates.render(&name, data)?;
    let items = markup::parse(&text);
    let title = items
        .iter()
        .find_map(|i| match i {
            Item::Block(Block::Heading(h)) => Some(h.clone()),
            _ => None,
        })
        .unwrap_or_else(|| data.letter_type.to_string());
    // Everything after a cut line is the tear-off slip.
    let cut = items.iter().position(|i| matches!(i, Item::Cut { .. })).unwrap_or(items.len());
    let fonts = fonts::fonts().map_err(LetterError::Layout)?;
    let mut composer = Composer::new(fonts);
    for b in blocks(&items[..cut], data, templates, &name)? {
        composer.add(&b);
    }
    if let Some(Item::Cut { caption }) = items.get(cut) {
        composer.slip(caption, &blocks(&items[cut + 1..], data, templates, &name)?);
    }
    let (pdf, pages) = pdf::assemble(fonts, composer.pages, composer.slip, data, &title, setup)?;
    let sha256 = hex::encode(Sha256::digest(&pdf));
    Ok(Rendered { pdf, pages, sha256 })
}

/// The blocks of a run of template items, slots filled from the data; a slot that cannot be
/// filled names its template line. (A second cut line is a mistake and is left out.)
fn blocks(items: &[Item], data: &LetterData, templates: &Templates, name: &str) -> Result<Vec<Block>, LetterError> {
    let mut out = Vec::new();
    for item in items {
        match item {
            Item::Block(b) => out.push(b.clone()),
            Item::Slot { name: slot, line } => out.extend(slots::blocks(slot, data).map_err(|detail| {
                LetterError::Template(TemplateError { file: templates.origin(name), line: Some(*line), detail })
            })?),
            Item::Cut { .. } => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn templates() -> Templates {
        Templates::load(std::path::Path::new("/nonexistent")).unwrap()
    }

    #[test]
    fn every_letter_renders_reproducibly_in_both_languages() {
        let t = templates();
        for kind in LetterType::ALL.iter().copied() {
            for lang in [Language::En, Language::Es] {
                let data = example_data(kind, lang, 42);
                let a = render(&data, &t, &PageSetup::default()).unwrap_or_else(|e| panic!("{kind} {lang}: {e}"));
                let b = render(&data, &t, &PageSetup::default()).unwrap();
                assert_eq!(a.sha256, b.sha256, "{kind} {lang} renders to the same bytes");
                assert!(a.pdf.starts_with(b"%PDF-"));
                assert!(a.pages >= 1);
                if std::env::var("PLEADESK_KEEP_LETTERS").is_ok() {
                    std::fs::write(format!("/tmp/letter-{kind}-{lang}.pdf"), &a.pdf).unwrap();
                }
            }
        }
    }

    #[test]
    fn a_letter_without_the_facts_it_states_is_refused() {
        let t = templates();
        for (kind, part) in [
            (LetterType::Offer, "the offer"),
            (LetterType::AmountDue, "the amounts due"),
            (LetterType::Hearing, "the hearing"),
            (LetterType::Outcome, "each charge's disposition"),
            (LetterType::DefaultNotice, "the missed deadline"),
            (LetterType::Reminder, "what the reminder is about"),
        ] {
            let mut data = example_data(kind, Language::Es, 1);
            (data.offer, data.money, data.hearing, data.deadline) = (None, None, None, None);
            let e = render(&data, &t, &PageSetup::default()).unwrap_err().to_string();
            assert!(e.contains(&format!("{kind} letters cannot be printed without {part}")), "{e}");
        }
    }

    #[test]
    fn only_the_plea_offer_has_a_tear_off_slip() {
        let t = templates();
        for kind in LetterType::ALL.iter().copied() {
            let text = t.render(&template_name(kind, Language::En), &example_data(kind, Language::En, 1)).unwrap();
            let cuts = markup::parse(&text).iter().filter(|i| matches!(i, Item::Cut { .. })).count();
            assert_eq!(cuts, usize::from(kind == LetterType::Offer), "{kind}");
        }
    }

    #[test]
    fn files_are_named_by_what_they_are() {
        let receipt = example_data(LetterType::Acknowledgement, Language::En, 7);
        assert_eq!(download_name(&receipt), "PD-7Q4K-M2XD-receipt.pdf");
        let recibo = example_data(LetterType::Acknowledgement, Language::Es, 7);
        assert_eq!(download_name(&recibo), "PD-7Q4K-M2XD-recibo.pdf");
        let mut form = example_data(LetterType::PleaForm, Language::Es, 7);
        form.submission = None;
        assert_eq!(download_name(&form), "DV-2026-000103-formulario-de-declaracion.pdf");
        form.citation.number = "DV\"; rm -rf".into();
        assert_eq!(download_name(&form), "DVrm-rf-formulario-de-declaracion.pdf");
    }
}
