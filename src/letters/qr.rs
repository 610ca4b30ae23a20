//! The QR code on every page: it tells the scan-intake which citation and letter a mailed reply
//! belongs to. Drawn as vector rectangles (crisp at any resolution, nothing to compress).

use super::layout::{INCH, PAGE_W};
use printpdf::{LinePoint, Op, PaintMode, Point, Polygon, PolygonRing, Pt, WindingOrder};
use qrcode::{Color, EcLevel, QrCode};

/// A letter's QR code is one inch square (with its quiet zone)…
pub const QR_SIZE: f32 = INCH;
/// …half an inch from the right edge: in the top-right corner of every page, and on a tear-off
/// slip at the same distance from the edge.
pub const QR_LEFT: f32 = PAGE_W - 0.5 * INCH - QR_SIZE;

/// The text a letter's QR code carries: `PLEADESK <citation number> L<letter id>`.
pub fn payload(citation_number: &str, letter_id: i64) -> String {
    format!("PLEADESK {citation_number} L{letter_id}")
}

/// The text of a separator sheet's code: a scanned page carrying it starts a new envelope and
/// belongs to none.
pub const SEPARATOR: &str = "PLEADESK SEPARATOR";

/// Reads a payload back (used when a scan is uploaded): (citation number, letter id).
pub fn parse_payload(text: &str) -> Option<(String, i64)> {
    let mut parts = text.trim().split(' ');
    if parts.next()? != "PLEADESK" {
        return None;
    }
    let number = parts.next()?.to_string();
    let id = parts.next()?.strip_prefix('L')?.parse().ok()?;
    parts.next().is_none().then_some((number, id))
}

/// Drawing operations for a QR code of `payload` whose quiet zone's lower-left corner is at
/// (`x`, `y`) and whose whole square (with a 4-module quiet zone) is `size` points wide.
pub fn ops(payload: &str, x: f32, y: f32, size: f32) -> Result<Vec<Op>, String> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| format!("QR code for '{payload}': {e}"))?;
    let n = code.width();
    let colors = code.to_colors();
    let module = size / (n + 8) as f32;
    let origin_x = x + 4.0 * module;
    let top = y + size - 4.0 * module;
    let p = |px: f32, py: f32| LinePoint { p: Point { x: Pt(px), y: Pt(py) }, bezier: false };
    let mut rings = Vec::new();
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colors[row * n + col] != Color::Dark {
                col += 1;
                continue;
            }
            let start = col;
            while col < n && colors[row * n + col] == Color::Dark {
                col += 1;
            }
            let x0 = origin_x + start as f32 * module;
            let x1 = origin_x + col as f32 * module;
            let y1 = top - row as f32 * module;
            let y0 = y1 - module;
            rings.push(PolygonRing { points: vec![p(x0, y0), p(x1, y0), p(x1, y1), p(x0, y1)] });
        }
    }
    Ok(vec![
        Op::SaveGraphicsState,
        Op::SetFillColor { col: printpdf::Color::Greyscale(printpdf::Greyscale { percent: 0.0, icc_profile: None }) },
        Op::DrawPolygon { polygon: Polygon { rings, mode: PaintMode::Fill, winding_order: WindingOrder::NonZero } },
        Op::RestoreGraphicsState,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_round_trips() {
        let p = payload("DV-2026-000101", 42);
        assert_eq!(p, "PLEADESK DV-2026-000101 L42");
        assert_eq!(parse_payload(&p), Some(("DV-2026-000101".into(), 42)));
        assert_eq!(parse_payload("HELLO DV-1 L2"), None);
        assert_eq!(parse_payload("PLEADESK DV-1 Lx"), None);
    }

    #[test]
    fn draws_dark_modules() {
        let ops = ops(&payload("DV-2026-000101", 42), 0.0, 0.0, 72.0).unwrap();
        let Op::DrawPolygon { polygon } = &ops[2] else { panic!("polygon expected") };
        assert!(polygon.rings.len() > 50);
    }
}
