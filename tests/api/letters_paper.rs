//! Letters as the defendant reads them: the text of every letter type in English and Spanish
//! read back from the PDF with poppler, each page rendered and not blank, and the QR code decoded
//! from a 150-dpi rendering with zbar (both independent of the code that wrote them).

use crate::helpers::{spawn, Backend};
use crate::later_letters::page_png;
use crate::letters::{create_letter, letter_pdf, record_plea};
use std::path::Path;
use std::process::Command;

pub fn pdftotext(pdf: &[u8]) -> String {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), pdf).unwrap();
    let out =
        Command::new("pdftotext").args(["-layout", f.path().to_str().unwrap(), "-"]).output().expect("pdftotext runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Share of pixels that are not white on a rendered page.
fn ink(png_path: &Path) -> f64 {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png_path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let px = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    let dark = px.chunks(channels).filter(|p| p.iter().take(3).any(|&v| v < 200)).count();
    dark as f64 / (px.len() / channels) as f64
}

/// The text of every letter type, in both languages, read back from the PDF; and page 1 of
/// each rendered to an image that is not blank.
#[actix_web::test]
#[cfg_attr(not(has_poppler), ignore = "install poppler-utils (pdftotext, pdftoppm) to run this")]
async fn letters_read_back_right_in_english_and_spanish() {
    let app = spawn(Backend::Sqlite, &[]).await;
    let clerk = app.with_samples().await;
    record_plea(&app, "DV-2026-000103", &[(1, "no_contest"), (2, "not_guilty")]).await;
    record_plea(&app, "DV-2026-000102", &[(1, "request_offer")]).await;
    // A name with Vietnamese letters (fixture citation T-0001: Lan Nguyễn).
    let resp = app.post_import(&clerk, "text/csv", crate::helpers::fixture("bad_rows.csv")).await;
    assert_eq!(resp.status(), 200);
    let cases: [(&str, &str, &[&str]); 5] = [
        ("T-0001", "plea_form", &["LAN NGUYỄN", "Dear Lan Nguyễn,", "1450 N LAFAYETTE ST", "APT 3", "$635.00"]),
        (
            "DV-2026-000103",
            "plea_form",
            &[
                "Formulario de declaración por correo",
                "JOSÉ LUIS MUÑOZ PEÑA",
                "3301 W 38TH AVE",
                "DENVER CO 80211",
                "José Luis Muñoz Peña",
                "42-4-1101-D",
                "Exceso de velocidad de 20 a 24 mph",
                "$200.00",
                "$500.00",
                "$700.00",
                "7 de diciembre de 2026",
                "Consecuencias migratorias",
                "Culpable",
                "Sin oposición (no admite culpa)",
                "Pedir una oferta al fiscal",
                "Firma",
                "Página 1 de 2",
                "Citación DV-2026-000103",
            ],
        ),
        (
            "DV-2026-000103",
            "acknowledgement",
            &[
                "Recibimos su declaración",
                "PD-TEST-",
                "Sin oposición (no admite culpa)",
                "No culpable",
                "fijará una audiencia",
                "Página 1 de 2",
            ],
        ),
        (
            "DV-2026-000102",
            "plea_form",
            &[
                "Plea by Mail Form",
                "JAMES OCONNOR",
                "820 S PEARL ST",
                "DENVER CO 80209",
                "James O'Connor",
                "42-4-604",
                "$100.00",
                "Immigration consequences",
                "Not guilty",
                "Ask the prosecutor for an offer",
                "Page 1 of 2",
                "Citation DV-2026-000102",
            ],
        ),
        (
            "DV-2026-000102",
            "acknowledgement",
            &[
                "We received your plea",
                "Ask the prosecutor for an offer",
                "a prosecutor will review your case",
                "Page 1 of 2",
            ],
        ),
    ];
    for (number, kind, expected) in cases {
        let l = create_letter(&app, &clerk, number, kind).await;
        let pdf = letter_pdf(&app, &clerk, l["id"].as_i64().unwrap()).await;
        let text = pdftotext(&pdf);
        for words in expected {
            assert!(text.contains(words), "{kind} for {number} lacks '{words}':\n{text}");
        }
        let dir = tempfile::tempdir().unwrap();
        let share = ink(&page_png(&pdf, 1, 50, dir.path()));
        assert!(share > 0.01 && share < 0.5, "{kind} {number}: page 1 has {share:.3} ink");
    }
}

/// The QR code on a letter decodes, with an independent decoder, from a 150-dpi rendering.
#[actix_web::test]
#[cfg_attr(not(all(has_poppler, has_zbar)), ignore = "install poppler-utils and zbar-tools to run this")]
async fn the_qr_code_decodes_from_a_150_dpi_scan() {
    let app = spawn(Backend::Sqlite, &[]).await;
    let clerk = app.with_samples().await;
    let l = create_letter(&app, &clerk, "DV-2026-000101", "plea_form").await;
    let id = l["id"].as_i64().unwrap();
    let pdf = letter_pdf(&app, &clerk, id).await;
    let dir = tempfile::tempdir().unwrap();
    let png = page_png(&pdf, 1, 150, dir.path());
    let out = Command::new("zbarimg").args(["-q", "--raw"]).arg(&png).output().expect("zbarimg runs");
    let decoded = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(decoded, format!("PLEADESK DV-2026-000101 L{id}"));
    assert_eq!(pleadesk::letters::qr::parse_payload(&decoded), Some(("DV-2026-000101".to_string(), id)));
}
