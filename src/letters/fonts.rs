//! The one typeface of every letter: DejaVu Sans (regular and bold), shipped in `assets/fonts/`
//! with its licence and compiled into the binary. Parsed once; widths come from the font's own
//! metrics, cached per character for speed.

use printpdf::{FontId, ParsedFont};
use std::sync::OnceLock;

static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// One face with a width table for the first 0x2000 code points (Latin, Vietnamese, punctuation).
pub struct Face {
    pub parsed: ParsedFont,
    pub id: FontId,
    widths: Vec<f32>,
    fallback: f32,
}

impl Face {
    fn load(bytes: &[u8], id: &str) -> Result<Face, String> {
        let mut warnings = Vec::new();
        let parsed =
            ParsedFont::from_bytes(bytes, 0, &mut warnings).ok_or_else(|| format!("font {id} cannot be parsed"))?;
        let upem = f32::from(parsed.font_metrics.units_per_em.max(1));
        let advance =
            |c: char| parsed.lookup_glyph_index(c as u32).map(|g| f32::from(parsed.get_horizontal_advance(g)) / upem);
        let fallback = advance('?').unwrap_or(0.6);
        let widths = (0u32..0x2000).map(|cp| char::from_u32(cp).and_then(advance).unwrap_or(fallback)).collect();
        Ok(Face { parsed, id: FontId(id.to_string()), widths, fallback })
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let em: f32 = text
            .chars()
            .map(|c| match self.widths.get(c as usize) {
                Some(w) => *w,
                None => self
                    .parsed
                    .lookup_glyph_index(c as u32)
                    .map(|g| {
                        f32::from(self.parsed.get_horizontal_advance(g))
                            / f32::from(self.parsed.font_metrics.units_per_em.max(1))
                    })
                    .unwrap_or(self.fallback),
            })
            .sum();
        em * size
    }
}

pub struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

impl Fonts {
    pub fn face(&self, w: Weight) -> &Face {
        match w {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }
}

/// Whether the letters' typeface has a glyph for every character of `text` (Latin, Vietnamese,
/// Greek and Cyrillic yes; Chinese, Korean or Ethiopic no).
pub fn covers(text: &str) -> bool {
    fonts().is_ok_and(|f| {
        text.chars().filter(|c| !c.is_whitespace() && !c.is_control()).all(|c| {
            f.regular.parsed.lookup_glyph_index(c as u32).is_some()
                && f.bold.parsed.lookup_glyph_index(c as u32).is_some()
        })
    })
}

/// The fonts, parsed on first use.
pub fn fonts() -> Result<&'static Fonts, String> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| Ok(Fonts { regular: Face::load(REGULAR_TTF, "F1")?, bold: Face::load(BOLD_TTF, "F2")? }))
        .as_ref()
        .map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_come_from_the_font() {
        let f = fonts().unwrap();
        let w = f.regular.width("Muñoz Peña", 10.0);
        assert!(w > 40.0 && w < 70.0, "{w}");
        assert!(f.bold.width("MMMM", 10.0) > f.regular.width("MMMM", 10.0));
        assert!(f.regular.width("iiii", 10.0) < f.regular.width("MMMM", 10.0));
        // Vietnamese letters are in the font, not the fallback.
        assert!(f.regular.parsed.lookup_glyph_index('ễ' as u32).is_some());
        assert!(covers("CHÚ Ý: Gọi số (720) 555-0100.") && covers("ВНИМАНИЕ"));
        assert!(!covers("注意") && !covers("주의"));
    }
}
