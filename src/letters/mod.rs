//! Letters: a case and a template become a printable, mailable PDF.
//!
//! `templates` (minijinja, editable) → `markup` (headings, paragraphs, slots) → `layout` (wrapped
//! with real font metrics, paginated) → `pdf` (envelope windows, QR code, page numbers,
//! reproducible bytes). `merge` joins stored letters into the daily mail run.

pub mod address;
pub mod bidi;
pub mod data;
pub mod fonts;
pub mod layout;
pub mod logo;
pub mod markup;
pub mod merge;
pub mod pdf;
pub mod qr;
pub mod separator;
pub mod strings;
pub mod templates;
pub mod wrap;

use crate::domain::{Cents, Language, LetterType};
use data::LetterData;
use layout::{Align, Block, Column, Composer, Span};
use markup::Item;
use sha2::{Digest, Sha256};
use strings::{plea_label, strings};
use templates::{TemplateError, Templates};

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
    let text = templates.render(&name, data)?;
    let items = markup::parse(&text);
    let title = items
        .iter()
        .find_map(|i| match i {
            Item::Block(Block::Heading(h)) => Some(h.clone()),
            _ => None,
        })
        .unwrap_or_else(|| data.letter_type.to_string());
    let fonts = fonts::fonts().map_err(LetterError::Layout)?;
    let mut composer = Composer::new(fonts);
    for item in items {
        match item {
            Item::Block(b) => composer.add(&b),
            Item::Slot { name: slot, line } => {
                for b in slot_blocks(&slot, data).map_err(|detail| {
                    LetterError::Template(TemplateError { file: templates.origin(&name), line: Some(line), detail })
                })? {
                    composer.add(&b);
                }
            }
        }
    }
    let (pdf, pages) = pdf::assemble(fonts, composer.pages, data, &title, setup)?;
    let sha256 = hex::encode(Sha256::digest(&pdf));
    Ok(Rendered { pdf, pages, sha256 })
}

/// What a `[slot]` line of a template stands for.
fn slot_blocks(slot: &str, data: &LetterData) -> Result<Vec<Block>, String> {
    let s = strings(data.language);
    let money = |c: i64| Cents::new(c).map(|c| c.to_string()).unwrap_or_default();
    match slot {
        "charges" => {
            let columns = vec![
                Column { title: "#".into(), width: 0.06, align: Align::Left },
                Column { title: s.code.into(), width: 0.17, align: Align::Left },
                Column { title: s.description.into(), width: 0.51, align: Align::Left },
                Column { title: s.fine.into(), width: 0.14, align: Align::Right },
                Column { title: s.points.into(), width: 0.12, align: Align::Right },
            ];
            let rows = data
                .charges
                .iter()
                .map(|c| {
                    vec![
                        c.seq.to_string(),
                        c.offense_code.clone(),
                        c.description.clone(),
                        money(c.fine_cents),
                        c.points.to_string(),
                    ]
                })
                .collect();
            let points: i32 = data.charges.iter().map(|c| c.points).sum();
            let footer =
                vec![String::new(), String::new(), s.total.into(), money(data.total_fine_cents), points.to_string()];
            Ok(vec![Block::Table { columns, rows, footer: Some(footer) }])
        }
        "plea_boxes" => Ok(data
            .charges
            .iter()
            .map(|c| {
                let mut label =
                    vec![Span::bold(format!("{} {}: ", s.charge, c.seq)), Span::regular(c.description.clone())];
                let options = if c.by_mail {
                    crate::domain::Plea::ALL.iter().map(|p| plea_label(*p, data.language).to_string()).collect()
                } else {
                    label.push(Span::bold(match data.language {
                        Language::En => " — this charge cannot be settled by mail; you must appear in court.",
                        Language::Es => {
                            " — este cargo no se puede resolver por correo; debe presentarse en el tribunal."
                        }
                    }));
                    Vec::new()
                };
                Block::Checkboxes { label, options }
            })
            .collect()),
        "pleas" => {
            let sub = data.submission.as_ref().ok_or("[pleas] needs a plea on file, and this letter has none")?;
            let columns = vec![
                Column { title: "#".into(), width: 0.05, align: Align::Left },
                Column { title: s.description.into(), width: 0.39, align: Align::Left },
                Column { title: s.plea.into(), width: 0.30, align: Align::Left },
                Column { title: s.fine.into(), width: 0.14, align: Align::Right },
                Column { title: s.points.into(), width: 0.12, align: Align::Right },
            ];
            let rows = data
                .charges
                .iter()
                .map(|c| {
                    let plea = sub.pleas.iter().find(|p| p.seq == c.seq).map(|p| p.plea);
                    let (plea, fine) = match plea {
                        Some(p) => (plea_label(p, data.language).to_string(), money(c.fine_cents)),
                        // Not answerable by mail: the judge sets the fine; "$0.00" would mislead.
                        None => (s.must_appear.to_string(), "—".to_string()),
                    };
                    vec![c.seq.to_string(), c.description.clone(), plea, fine, c.points.to_string()]
                })
                .collect();
            let pleaded = |c: &&data::ChargeLine| sub.pleas.iter().any(|p| p.seq == c.seq);
            let fines: i64 = data.charges.iter().filter(pleaded).map(|c| c.fine_cents).sum();
            let points: i32 = data.charges.iter().map(|c| c.points).sum();
            let footer = vec![String::new(), String::new(), s.total.into(), money(fines), points.to_string()];
            Ok(vec![Block::Table { columns, rows, footer: Some(footer) }])
        }
        "statement" => {
            let sub = data.submission.as_ref().ok_or("[statement] needs a plea on file, and this letter has none")?;
            // The person's own words, printed as written: never read as markup.
            Ok(sub
                .statement
                .iter()
                .flat_map(|t| t.split("\n\n"))
                .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|p| !p.is_empty())
                .map(|p| Block::Paragraph(vec![Span::regular(p)]))
                .collect())
        }
        "documents" => {
            let sub = data.submission.as_ref().ok_or("[documents] needs a plea on file, and this letter has none")?;
            if sub.documents.is_empty() {
                return Ok(vec![Block::Paragraph(vec![Span::regular(s.no_documents)])]);
            }
            Ok(vec![Block::Bullets(sub.documents.iter().map(|d| vec![Span::regular(d.clone())]).collect())])
        }
        "closing" => Ok(vec![Block::Closing {
            closing: s.closing.into(),
            lines: [vec![data.court.signature.clone(), data.court.name.clone()], data.court.address_lines.clone()]
                .concat(),
            contact: format!("{} · {}", data.court.phone, data.court.website),
        }]),
        "signature" => Ok(vec![Block::SignatureLines(vec![s.signature.into(), s.date.into()])]),
        other => Err(format!(
            "unknown slot [{other}]; use [charges], [plea_boxes], [pleas], [statement], [documents], [signature] or [closing]"
        )),
    }
}

/// A complete example letter, for tests and benchmarks.
pub fn example_data(letter_type: LetterType, language: Language, letter_id: i64) -> LetterData {
    use chrono::NaiveDate;
    use data::*;
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
    let description = |en: &str, es: &str| match language {
        Language::En => en.to_string(),
        Language::Es => es.to_string(),
    };
    LetterData {
        letter_id,
        letter_type,
        language,
        date: d("2026-11-28"),
        court: CourtProfile {
            name: "Denver County Court".into(),
            address_lines: vec!["1437 Bannock St, Room 135".into(), "Denver, CO 80202".into()],
            phone: "(720) 555-0100".into(),
            hours: match language {
                Language::En => "Monday to Friday, 8 a.m. to 4:30 p.m.".into(),
                Language::Es => "de lunes a viernes, de 8 a. m. a 4:30 p. m.".into(),
            },
            website: "https://court.example.org".into(),
            signature: match language {
                Language::En => "Clerk of the Court".into(),
                Language::Es => "Secretaría del Tribunal".into(),
            },
            appearance_time: chrono::NaiveTime::from_hms_opt(8, 30, 0),
            appearance_place: vec!["Courtroom 3H".into(), "1437 Bannock St".into(), "Denver, CO 80202".into()],
        },
        recipient: Recipient {
            name: "José Luis Muñoz Peña".into(),
            address_lines: crate::domain::address::usps_block(
                "José Luis Muñoz Peña",
                "3301 W 38th Ave",
                None,
                "Denver",
                "CO",
                "80211",
            ),
            email: Some("jose.munoz@example.org".into()),
        },
        citation: CaseInfo {
            number: "DV-2026-000103".into(),
            issued_on: d("2026-10-04"),
            court_date: d("2026-12-16"),
            response_due: d("2026-12-07"),
            location: "I-25 NB, mile 210".into(),
            agency: "DPD".into(),
        },
        charges: vec![
            ChargeLine {
                seq: 1,
                offense_code: "42-4-1101-D".into(),
                description: description(
                    "Speeding 20-24 mph over the limit",
                    "Exceso de velocidad de 20 a 24 mph sobre el límite",
                ),
                fine_cents: 20_000,
                points: 6,
                by_mail: true,
            },
            ChargeLine {
                seq: 2,
                offense_code: "42-4-1409".into(),
                description: description("No proof of insurance", "Sin comprobante de seguro"),
                fine_cents: 50_000,
                points: 4,
                by_mail: true,
            },
        ],
        total_fine_cents: 70_000,
        submission: Some(SubmissionInfo {
            confirmation: "PD-7Q4K-M2XD".into(),
            received_on: d("2026-11-27"),
            channel: "online".into(),
            pleas: vec![
                PleaLine { seq: 1, plea: crate::domain::Plea::NoContest },
                PleaLine { seq: 2, plea: crate::domain::Plea::RequestOffer },
            ],
            statement: Some("I was driving my daughter to the hospital.".into()),
            documents: vec!["hospital-discharge.pdf".into()],
        }),
        base_url: "https://pleadesk.example.org".into(),
        assistance: None,
        next: None,
        deficiency: None,
    }
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
        for kind in [LetterType::PleaForm, LetterType::Acknowledgement, LetterType::Deficiency] {
            for lang in [Language::En, Language::Es] {
                let mut data = example_data(kind, lang, 42);
                if kind == LetterType::Deficiency {
                    data.deficiency = Some(data::DeficiencyInfo {
                        received_on: data.date,
                        postmark: Some(data.date),
                        unsigned: true,
                        missing: vec![data::MissingPlea { seq: 2, description: data.charges[1].description.clone() }],
                        fix_by: data.citation.response_due,
                        online_until: None,
                    });
                }
                let a = render(&data, &t, &PageSetup::default()).unwrap();
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

    #[test]
    fn an_unknown_slot_names_the_template_line() {
        let data = example_data(LetterType::PleaForm, Language::En, 1);
        let e = slot_blocks("nonsense", &data).unwrap_err();
        assert!(e.contains("unknown slot [nonsense]"));
    }
}
