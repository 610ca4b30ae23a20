//! The separator sheet a clerk puts on top of an envelope whose first page is not one of our
//! letters, before a batch goes through the scanner: the separator QR code where our letters
//! carry theirs (top right, one inch), and a large one in the middle, with what the sheet is for.

use super::layout::{text_ops, Span, INCH, LEFT, PAGE_H, PAGE_W};
use super::{fonts, qr, LetterError};
use printpdf::{Mm, PdfDocument, PdfFont, PdfPage, PdfSaveOptions};

/// One letter-size page (or `copies` identical pages, to print a stack at once).
pub fn pdf(copies: u32) -> Result<Vec<u8>, LetterError> {
    let fonts = fonts::fonts().map_err(LetterError::Layout)?;
    let mut doc = PdfDocument::new("PleaDesk separator sheet");
    let mut ops = Vec::new();
    ops.extend(
        qr::ops(qr::SEPARATOR, PAGE_W - 0.5 * INCH - INCH, PAGE_H - 0.35 * INCH - INCH, INCH)
            .map_err(LetterError::Layout)?,
    );
    let big = 3.0 * INCH;
    ops.extend(
        qr::ops(qr::SEPARATOR, (PAGE_W - big) / 2.0, PAGE_H / 2.0 - big / 2.0, big).map_err(LetterError::Layout)?,
    );
    text_ops(&mut ops, fonts, LEFT, PAGE_H - 1.0 * INCH, &[Span::bold("SEPARATOR SHEET".to_string())], 28.0);
    let lines = [
        "Put this sheet on top of an envelope's pages when its first page is not a",
        "PleaDesk letter (no QR code in the top right corner), then scan the batch.",
        "The pages after this sheet become a new envelope; this sheet is not kept in it.",
    ];
    for (i, line) in lines.iter().enumerate() {
        text_ops(
            &mut ops,
            fonts,
            LEFT,
            PAGE_H - 2.0 * INCH - 16.0 * i as f32,
            &[Span::regular(line.to_string())],
            12.0,
        );
    }
    text_ops(&mut ops, fonts, LEFT, 1.5 * INCH, &[Span::regular(qr::SEPARATOR.to_string())], 10.0);
    let pages = (0..copies.clamp(1, 100)).map(|_| PdfPage::new(Mm(215.9), Mm(279.4), ops.clone())).collect();
    for face in [&fonts.regular, &fonts.bold] {
        doc.resources.fonts.map.insert(face.id.clone(), PdfFont::new(face.parsed.clone()));
    }
    let mut warnings = Vec::new();
    let options = PdfSaveOptions { subset_fonts: true, optimize: false, ..Default::default() };
    Ok(doc.with_pages(pages).save(&options, &mut warnings))
}
