//! Puts a laid-out letter on paper: envelope windows, letterhead, QR code, page numbers; builds
//! the PDF with printpdf and makes it reproducible (no clock, no random ids inside).

use super::data::LetterData;
use super::fonts::{Fonts, Weight};
use super::layout::{stroke_line, text_ops, Span, INCH, LEFT, PAGE_H, RIGHT};
use super::qr::{QR_LEFT, QR_SIZE};
use super::slip::{SlipMark, QR_BELOW_CUT};
use super::strings::{long_date, strings};
use super::{address, qr, LetterError};
use printpdf::{CustomPdfConformance, Mm, Op, PdfConformance, PdfDocument, PdfFont, PdfPage, PdfSaveOptions};
use sha2::{Digest, Sha256};

/// Printer calibration and the optional logo.
#[derive(Debug, Clone, Default)]
pub struct PageSetup {
    /// Moves both address blocks right (x) and down (y), in points, to meet the envelope windows.
    pub offset_x: f32,
    pub offset_y: f32,
    pub logo: Option<Logo>,
}

/// A greyscale or RGB image for the letterhead, already decoded.
#[derive(Debug, Clone)]
pub struct Logo {
    pub image: printpdf::RawImage,
}

/// The recipient window of a #10 double-window envelope (SPEC §3), in inches: left edge, top
/// edge (from the top of the page), width, height.
pub const RECIPIENT_WINDOW: (f32, f32, f32, f32) = (0.5, 2.0, 3.5, 0.875);
/// Clear space kept inside the window (left and right; top and bottom), in inches.
const WINDOW_PADDING: (f32, f32) = (0.1, 0.06);

/// The recipient window on the page after calibration, in PDF points (origin bottom left):
/// (left, bottom, right, top).
pub fn recipient_window(setup: &PageSetup) -> (f32, f32, f32, f32) {
    let (left, top, w, h) = RECIPIENT_WINDOW;
    let x0 = left * INCH + setup.offset_x;
    let y1 = PAGE_H - top * INCH - setup.offset_y;
    (x0, y1 - h * INCH, x0 + w * INCH, y1)
}

/// Adds page furniture to laid-out pages and returns the finished, reproducible PDF bytes.
pub fn assemble(
    fonts: &Fonts,
    body_pages: Vec<Vec<Op>>,
    slip: Option<SlipMark>,
    data: &LetterData,
    title: &str,
    setup: &PageSetup,
) -> Result<(Vec<u8>, u32), LetterError> {
    let s = strings(data.language);
    let total = body_pages.len() as u32;
    let payload = qr::payload(&data.citation.number, data.letter_id);
    let mut doc = PdfDocument::new(title);
    let mut pages = Vec::with_capacity(body_pages.len());
    let logo_id = setup.logo.as_ref().map(|l| {
        let id = printpdf::XObjectId("LOGO".into());
        doc.resources.xobjects.map.insert(id.clone(), printpdf::XObject::Image(l.image.clone()));
        (id, l.image.height.max(1))
    });
    for (i, body) in body_pages.into_iter().enumerate() {
        let n = i as u32 + 1;
        let mut ops = Vec::with_capacity(body.len() + 64);
        if n == 1 {
            first_page_furniture(&mut ops, fonts, data, setup);
            if let Some((id, h)) = &logo_id {
                // 0.6 inch high, right of the return-address window.
                let scale = (0.6 * INCH) / *h as f32;
                ops.push(Op::UseXobject {
                    id: id.clone(),
                    transform: printpdf::XObjectTransform {
                        translate_x: Some(printpdf::Pt(4.3 * INCH)),
                        translate_y: Some(printpdf::Pt(PAGE_H - 0.5 * INCH - 0.6 * INCH)),
                        scale_x: Some(scale),
                        scale_y: Some(scale),
                        dpi: Some(72.0),
                        rotate: None,
                        ..Default::default()
                    },
                });
            }
        } else {
            text_ops(&mut ops, fonts, LEFT, PAGE_H - 0.6 * INCH, &[Span::bold(data.court.name.clone())], 9.5);
            let line = format!("{} {} · {}", s.citation, data.citation.number, title);
            let line = shortened(fonts, &line, 8.5, QR_LEFT - 12.0 - LEFT);
            text_ops(&mut ops, fonts, LEFT, PAGE_H - 0.6 * INCH - 12.0, &[Span::regular(line)], 8.5);
        }
        // QR code in the same place on every page, and on a tear-off slip.
        qr_with_caption(&mut ops, fonts, &payload, data, PAGE_H - 0.35 * INCH - QR_SIZE)?;
        if let Some(mark) = slip.filter(|m| m.page == i) {
            qr_with_caption(&mut ops, fonts, &payload, data, mark.top - QR_BELOW_CUT - QR_SIZE)?;
        }
        // Footer: citation number and page n of m on every page.
        stroke_line(&mut ops, LEFT, 0.72 * INCH, RIGHT, 0.72 * INCH, 0.4);
        let left = format!("{} {}", s.citation, data.citation.number);
        text_ops(&mut ops, fonts, LEFT, 0.55 * INCH, &[Span::regular(left)], 8.5);
        let right = (s.page_of)(n, total);
        let rw = fonts.regular.width(&right, 8.5);
        text_ops(&mut ops, fonts, RIGHT - rw, 0.55 * INCH, &[Span::regular(right)], 8.5);
        ops.extend(body);
        pages.push(PdfPage::new(Mm(215.9), Mm(279.4), ops));
    }

    let info = &mut doc.metadata.info;
    let stamp = data.date.and_hms_opt(12, 0, 0).map(|t| t.and_utc().timestamp()).unwrap_or(0);
    let fixed = printpdf::DateTime::from_unix_timestamp(stamp).map_err(|e| LetterError::Layout(e.to_string()))?;
    info.creation_date = fixed;
    info.modification_date = fixed;
    info.metadata_date = fixed;
    info.producer = "PleaDesk".into();
    info.creator = "PleaDesk".into();
    info.conformance =
        PdfConformance::Custom(CustomPdfConformance { requires_xmp_metadata: false, ..Default::default() });
    // Embed the faces the pages use (the fallback faces only on letters that need them).
    let used: std::collections::BTreeSet<&str> = pages
        .iter()
        .flat_map(|p| &p.ops)
        .filter_map(|op| match op {
            Op::SetFont { font: printpdf::PdfFontHandle::External(id), .. } => Some(id.0.as_str()),
            _ => None,
        })
        .collect();
    for face in fonts.all().filter(|f| used.contains(f.id.0.as_str())) {
        doc.resources.fonts.map.insert(face.id.clone(), PdfFont::new(face.parsed.clone()));
    }
    let mut warnings = Vec::new();
    // Streams are compressed below at zlib level 2: printpdf's "best" (9) took half of all
    // rendering time for letters about 5% smaller (34 KB instead of 36 KB).
    let options = PdfSaveOptions { subset_fonts: true, optimize: false, ..Default::default() };
    let mut pdf = doc.with_pages(pages).to_lopdf_document(&options, &mut warnings);
    make_reproducible(&mut pdf, data);
    for object in pdf.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object {
            compress(stream).map_err(|e| LetterError::Layout(format!("compressing the PDF failed: {e}")))?;
        }
    }
    let mut out = Vec::with_capacity(48 * 1024);
    pdf.save_to(&mut out).map_err(|e| LetterError::Layout(format!("writing the PDF failed: {e}")))?;
    Ok((out, total))
}

/// The letter's QR code with its lower edge at `qy`, and under it what a clerk reads out or types
/// to find this letter: the case and the letter.
fn qr_with_caption(
    ops: &mut Vec<Op>,
    fonts: &Fonts,
    payload: &str,
    data: &LetterData,
    qy: f32,
) -> Result<(), LetterError> {
    ops.extend(qr::ops(payload, QR_LEFT, qy, QR_SIZE).map_err(LetterError::Layout)?);
    for (k, caption) in qr_caption(data).into_iter().enumerate() {
        let cw = fonts.regular.width(&caption, 7.0);
        text_ops(ops, fonts, QR_LEFT + QR_SIZE - cw, qy - 6.0 - 8.5 * k as f32, &[Span::regular(caption)], 7.0);
    }
    Ok(())
}

/// `text` cut short with "…" where it would be wider than `room` (a long title in the running
/// head of continued pages must not run under the QR code).
fn shortened(fonts: &Fonts, text: &str, size: f32, room: f32) -> String {
    if fonts.width(Weight::Regular, text, size) <= room {
        return text.to_string();
    }
    let mut cut: String = text.to_string();
    while !cut.is_empty() && fonts.width(Weight::Regular, &format!("{cut}…"), size) > room {
        cut.pop();
    }
    format!("{}…", cut.trim_end())
}

/// The label under the QR code: `Court reference:` / `DV-2026-000101 · letter 42`.
pub fn qr_caption(data: &LetterData) -> [String; 2] {
    let s = strings(data.language);
    [format!("{}:", s.court_reference), format!("{} · {} {}", data.citation.number, s.letter_lower, data.letter_id)]
}

/// printpdf writes a random document id into the trailer and has no setting for the document
/// language: both are set here, the id derived from the letter so equal letters give equal bytes.
fn make_reproducible(pdf: &mut lopdf::Document, data: &LetterData) {
    use lopdf::{Object, StringFormat};
    let id = hex::encode(&Sha256::digest(format!("{} {}", data.letter_id, data.citation.number).as_bytes())[..16]);
    let id = Object::String(id.into_bytes(), StringFormat::Literal);
    pdf.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    if let Ok(catalog) = pdf.catalog_mut() {
        catalog.set("Lang", Object::string_literal(data.language.as_str()));
    }
}

/// Deflates a stream that has no filter yet, if that makes it smaller.
fn compress(stream: &mut lopdf::Stream) -> std::io::Result<()> {
    use std::io::Write;
    if stream.dict.get(b"Filter").is_ok() || stream.content.len() < 64 {
        return Ok(());
    }
    let mut encoder =
        flate2::write::ZlibEncoder::new(Vec::with_capacity(stream.content.len() / 2), flate2::Compression::new(2));
    encoder.write_all(&stream.content)?;
    let packed = encoder.finish()?;
    if packed.len() + 20 < stream.content.len() {
        stream.dict.set("Filter", "FlateDecode");
        stream.set_content(packed);
    }
    Ok(())
}

/// The return address and recipient address for the windows of a #10 double-window envelope,
/// and the date and case reference beside them.
fn first_page_furniture(ops: &mut Vec<Op>, fonts: &Fonts, data: &LetterData, setup: &PageSetup) {
    let s = strings(data.language);
    let dx = setup.offset_x;
    let dy = setup.offset_y;
    // Return address: window 0.5" from the left and 0.5" from the top.
    let x = 0.5 * INCH + 0.1 * INCH + dx;
    let mut y = PAGE_H - 0.5 * INCH - 0.1 * INCH - 10.0 - dy;
    text_ops(ops, fonts, x, y, &[Span::bold(data.court.name.clone())], 10.0);
    for line in &data.court.address_lines {
        y -= 11.0;
        text_ops(ops, fonts, x, y, &[Span::regular(line.clone())], 8.5);
    }
    // Recipient: inside the window, fitted (abbreviated, smaller, shortened) so it never spills.
    let (left, bottom, right, top) = recipient_window(setup);
    let (px, py) = (WINDOW_PADDING.0 * INCH, WINDOW_PADDING.1 * INCH);
    let room = address::Room { width: right - left - 2.0 * px, height: top - bottom - 2.0 * py };
    let fitted = address::fit(&data.recipient.address_lines, &fonts.regular, room);
    let mut y = top - py - fitted.size * address::ASCENT;
    for line in &fitted.lines {
        text_ops(ops, fonts, left + px, y, &[Span::regular(line.clone())], fitted.size);
        y -= fitted.leading();
    }
    // Date and reference, right of the recipient window (not visible through it).
    let rx = 4.4 * INCH;
    let mut ry = PAGE_H - 2.0 * INCH - 0.12 * INCH - 10.0;
    let mut refs = vec![
        vec![Span::regular(long_date(data.date, data.language))],
        vec![Span::regular(format!("{}: ", s.citation)), Span::bold(data.citation.number.clone())],
    ];
    if let Some(sub) = &data.submission {
        let label = match data.language {
            crate::domain::Language::En => "Confirmation: ",
            crate::domain::Language::Es => "Confirmación: ",
        };
        refs.push(vec![Span::regular(label), Span::bold(sub.confirmation.clone())]);
    }
    for spans in refs {
        text_ops(ops, fonts, rx, ry, &spans, 9.5);
        ry -= 13.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A continued page's text starts below the QR code's two-line caption (it ran over the
    /// caption's second line on a page-2 paragraph).
    #[test]
    fn continued_pages_start_below_the_qr_caption() {
        let qy = PAGE_H - 0.35 * INCH - QR_SIZE;
        let last_caption_baseline = qy - 6.0 - 8.5;
        let caption_bottom = last_caption_baseline - 7.0 * 0.25;
        assert!(
            crate::letters::layout::NEXT_BODY_TOP < caption_bottom,
            "body top {} is not below the caption bottom {caption_bottom}",
            crate::letters::layout::NEXT_BODY_TOP
        );
    }
    use crate::domain::{Language, LetterType};

    #[test]
    fn a_long_running_head_is_shortened_before_the_qr_code() {
        let fonts = crate::letters::fonts::fonts().unwrap();
        let room = QR_LEFT - 12.0 - LEFT;
        assert_eq!(shortened(fonts, "Citation DV-1 · Amount due", 8.5, room), "Citation DV-1 · Amount due");
        let long =
            "Citación DV-2026-000103 · Recordatorio: responda a su citación a más tardar el 7 de diciembre de 2026";
        let short = shortened(fonts, long, 8.5, room);
        assert!(short.ends_with('…') && short.starts_with("Citación DV-2026-000103 · Recordatorio"), "{short}");
        assert!(fonts.width(Weight::Regular, &short, 8.5) <= room);
    }

    /// (x, y) of every text position drawn on the first page's furniture.
    fn positions(setup: &PageSetup) -> Vec<(f32, f32)> {
        let fonts = crate::letters::fonts::fonts().unwrap();
        let data = crate::letters::example_data(LetterType::PleaForm, Language::En, 1);
        let mut ops = Vec::new();
        first_page_furniture(&mut ops, fonts, &data, setup);
        ops.iter()
            .filter_map(|op| match op {
                Op::SetTextCursor { pos } => Some((pos.x.0, pos.y.0)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn addresses_sit_in_the_envelope_windows_and_move_with_the_calibration() {
        let plain = positions(&PageSetup::default());
        // Recipient lines start 0.6" from the left, inside the window 2" from the top.
        let recipient: Vec<_> = plain.iter().filter(|(x, y)| *x < 1.0 * INCH && *y < PAGE_H - 1.9 * INCH).collect();
        assert_eq!(recipient.len(), 3, "name, street, city line: {plain:?}");
        for (x, y) in &recipient {
            assert!((*x - 0.6 * INCH).abs() < 0.01);
            assert!(*y < PAGE_H - 2.0 * INCH && *y > PAGE_H - 2.875 * INCH, "inside the 0.875-inch window: {y}");
        }
        let moved = positions(&PageSetup { offset_x: 0.25 * INCH, offset_y: 0.1 * INCH, logo: None });
        let shifted = plain.iter().zip(&moved).filter(|(a, b)| a != b).count();
        let recipient_and_return = plain.iter().filter(|(x, _)| *x < 1.0 * INCH).count();
        assert_eq!(shifted, recipient_and_return, "both address blocks move, the reference block does not");
        for ((x0, y0), (x1, y1)) in plain.iter().zip(&moved).filter(|(a, b)| a != b) {
            assert!((x1 - x0 - 0.25 * INCH).abs() < 0.01 && (y0 - y1 - 0.1 * INCH).abs() < 0.01);
        }
    }

    /// (x, baseline y, size, text) of every line drawn in the first page's furniture.
    fn drawn(data: &LetterData, setup: &PageSetup) -> Vec<(f32, f32, f32, String)> {
        let fonts = crate::letters::fonts::fonts().unwrap();
        let mut ops = Vec::new();
        first_page_furniture(&mut ops, fonts, data, setup);
        let (mut size, mut pos, mut out) = (0.0, (0.0, 0.0), Vec::new());
        for op in ops {
            match op {
                Op::SetFont { size: s, .. } => size = s.0,
                Op::SetTextCursor { pos: p } => pos = (p.x.0, p.y.0),
                Op::ShowText { items } => {
                    for item in items {
                        if let printpdf::TextItem::Text(t) = item {
                            out.push((pos.0, pos.1, size, t));
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    #[test]
    fn the_worst_addresses_stay_inside_the_window_at_any_calibration() {
        let fonts = crate::letters::fonts::fonts().unwrap();
        let worst: [&[&str]; 4] = [
            &["LAN NGUYỄN", "C/O MAI TRAN", "1450 N LAFAYETTE ST", "APT 3", "DENVER CO 80218"],
            &[
                "MARÍA DE LOS ÁNGELES GUADALUPE FERNÁNDEZ DE CÓRDOBA Y VILLASEÑOR-MONTENEGRO",
                "C/O WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
                "98765 SOUTHWEST MOUNTAIN VIEW EXPRESSWAY FRONTAGE ROAD BUILDING 12",
                "APARTMENT 1234567 FLOOR 89 ROOM 1011",
                "LLANFAIRPWLLGWYNGYLLGOGERYCHWYRNDROBWLLLLANTYSILIOGOGOGOCH CO 80204-1234",
            ],
            &["A", "B", "C", "D", "E", "F", "G", "DENVER CO 80202"],
            &["WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW", "1 MAIN STREET", "DENVER CO 80202"],
        ];
        for setup in [
            PageSetup::default(),
            PageSetup { offset_x: 0.25 * INCH, offset_y: 0.1 * INCH, logo: None },
            PageSetup { offset_x: -0.2 * INCH, offset_y: -0.15 * INCH, logo: None },
        ] {
            let (left, bottom, right, top) = recipient_window(&setup);
            for lines in worst {
                let mut data = crate::letters::example_data(LetterType::PleaForm, Language::En, 1);
                data.recipient.address_lines = lines.iter().map(|l| l.to_string()).collect();
                let recipient: Vec<_> = drawn(&data, &setup)
                    .into_iter()
                    .filter(|(x, y, _, _)| *x < left + 0.2 * INCH && *y < top + 0.1 * INCH && *y > bottom - 0.5 * INCH)
                    .collect();
                assert!(recipient.len() >= 3 && recipient.len() <= 5, "{recipient:?}");
                assert!(recipient.last().unwrap().3.contains("80"), "the ZIP line is printed: {recipient:?}");
                for (x, y, size, text) in &recipient {
                    let w = fonts.regular.width(text, *size);
                    assert!(*size >= 8.0, "'{text}' at {size} pt");
                    assert!(*x >= left && x + w <= right, "'{text}' spans {x}..{} outside {left}..{right}", x + w);
                    let (glyph_top, glyph_bottom) = (y + size * 0.95, y - size * 0.25);
                    assert!(glyph_top <= top && glyph_bottom >= bottom, "'{text}' at {y} outside {bottom}..{top}");
                }
            }
        }
    }
}
