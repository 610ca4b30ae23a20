//! The typeface of every letter: DejaVu Sans (regular and bold; Latin, Vietnamese, Greek,
//! Cyrillic, Arabic), and for the few characters it lacks — the Chinese, Korean and Amharic
//! language-assistance lines — small Noto subsets made by `scripts/make-letter-fonts.py`. All are
//! shipped in `assets/fonts/` with their licences and compiled into the binary. Text is set in
//! runs: each character in the first face of the chain that has it. Parsed once; widths come from
//! the fonts' own metrics, cached per character for speed.

use printpdf::{FontId, ParsedFont};
use std::sync::OnceLock;

static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
/// Fallbacks, in the order they are tried: (regular, bold, name).
static FALLBACK_TTF: [(&[u8], &[u8], &str); 2] = [
    (
        include_bytes!("../../assets/fonts/PleaDeskAssistCJK-Regular.ttf"),
        include_bytes!("../../assets/fonts/PleaDeskAssistCJK-Bold.ttf"),
        "CJK",
    ),
    (
        include_bytes!("../../assets/fonts/PleaDeskAssistEthiopic-Regular.ttf"),
        include_bytes!("../../assets/fonts/PleaDeskAssistEthiopic-Bold.ttf"),
        "Ethiopic",
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// Code points below this have their width and presence cached (Latin, Vietnamese, Cyrillic,
/// Arabic, punctuation).
const CACHED: u32 = 0x2000;

/// One face with a width table for the first code points.
pub struct Face {
    pub parsed: ParsedFont,
    pub id: FontId,
    widths: Vec<f32>,
    present: Vec<bool>,
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
        let widths = (0..CACHED).map(|cp| char::from_u32(cp).and_then(advance).unwrap_or(fallback)).collect();
        let present = (0..CACHED).map(|cp| parsed.lookup_glyph_index(cp).is_some()).collect();
        Ok(Face { parsed, id: FontId(id.to_string()), widths, present, fallback })
    }

    /// Whether the face has a glyph for `c`.
    pub fn has(&self, c: char) -> bool {
        match self.present.get(c as usize) {
            Some(p) => *p,
            None => self.parsed.lookup_glyph_index(c as u32).is_some(),
        }
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
    /// Tried after the main face of the same weight: [regular, bold] each.
    fallbacks: Vec<[Face; 2]>,
}

impl Fonts {
    /// The main face of a weight (DejaVu Sans).
    pub fn face(&self, w: Weight) -> &Face {
        match w {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    /// The faces of a weight in the order they are tried.
    fn chain(&self, w: Weight) -> impl Iterator<Item = &Face> {
        let k = usize::from(w == Weight::Bold);
        std::iter::once(self.face(w)).chain(self.fallbacks.iter().map(move |pair| &pair[k]))
    }

    /// Every face, for embedding.
    pub fn all(&self) -> impl Iterator<Item = &Face> {
        [&self.regular, &self.bold].into_iter().chain(self.fallbacks.iter().flatten())
    }

    /// `text` cut into runs, each set in the first face of the chain that has its characters
    /// (a character stays in the current run while that face has it; one that no face has is
    /// set in the main face).
    pub fn runs<'t>(&self, w: Weight, text: &'t str) -> Vec<(&Face, &'t str)> {
        let main = self.face(w);
        if text.is_ascii() {
            return vec![(main, text)];
        }
        let mut runs: Vec<(&Face, &'t str)> = Vec::new();
        let (mut start, mut current) = (0, main);
        for (i, c) in text.char_indices() {
            let face = if c.is_control() || current.has(c) {
                current
            } else {
                self.chain(w).find(|f| f.has(c)).unwrap_or(main)
            };
            if !std::ptr::eq(face, current) {
                if i > start {
                    runs.push((current, &text[start..i]));
                }
                (start, current) = (i, face);
            }
        }
        if start < text.len() {
            runs.push((current, &text[start..]));
        }
        runs
    }

    /// Width of `text` at `size` points, each run in its own face.
    pub fn width(&self, w: Weight, text: &str, size: f32) -> f32 {
        self.runs(w, text).iter().map(|(face, run)| face.width(run, size)).sum()
    }
}

/// Characters that are never drawn: the bidirectional marks and isolates (U+200E–U+200F,
/// U+202A–U+202E, U+2066–U+2069) that only steer the order of right-to-left text.
pub fn invisible(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether the letters' fonts have a glyph for every character of `text`, in both weights.
pub fn covers(text: &str) -> bool {
    fonts().is_ok_and(|f| {
        text.chars()
            .filter(|c| !c.is_whitespace() && !c.is_control() && !invisible(*c))
            .all(|c| [Weight::Regular, Weight::Bold].into_iter().all(|w| f.chain(w).any(|face| face.has(c))))
    })
}

/// The fonts, parsed on first use.
pub fn fonts() -> Result<&'static Fonts, String> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut fallbacks = Vec::with_capacity(FALLBACK_TTF.len());
            for (k, (regular, bold, name)) in FALLBACK_TTF.iter().enumerate() {
                let id = |w: usize| format!("F{}", 3 + 2 * k + w);
                fallbacks.push([
                    Face::load(regular, &id(0)).map_err(|e| format!("{name}: {e}"))?,
                    Face::load(bold, &id(1)).map_err(|e| format!("{name}: {e}"))?,
                ]);
            }
            Ok(Fonts { regular: Face::load(REGULAR_TTF, "F1")?, bold: Face::load(BOLD_TTF, "F2")?, fallbacks })
        })
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
        // Only the characters of the assistance lines are in the fallback subsets.
        assert!(covers("注意") && covers("주의") && covers("ማስታወሻ"));
        assert!(!covers("東京") && !covers("ᚠᚢᚦ"), "not in any subset");
    }

    /// Every language-assistance line can be printed: a line added without running
    /// `scripts/make-letter-fonts.py` fails here (and would be left off the letters).
    #[test]
    fn every_language_assistance_line_can_be_printed() {
        let lines = crate::domain::language::assistance_lines();
        assert!(lines.len() >= 14, "{}", lines.len());
        for (code, text) in lines {
            assert!(
                covers(&text),
                "the letters' fonts cannot print the '{code}' line: run scripts/make-letter-fonts.py"
            );
        }
    }

    #[test]
    fn text_is_cut_into_runs_by_the_face_that_has_it() {
        let f = fonts().unwrap();
        let runs = f.runs(Weight::Bold, "注意：請致電 (720) 555-0100。");
        let faces: Vec<&str> = runs.iter().map(|(face, _)| face.id.0.as_str()).collect();
        let texts: Vec<&str> = runs.iter().map(|(_, t)| *t).collect();
        assert_eq!(texts, ["注意：請致電", " (720) 555-0100", "。"]);
        assert_eq!(faces, ["F4", "F2", "F4"], "CJK bold, DejaVu bold, CJK bold");
        assert_eq!(f.runs(Weight::Regular, "Muñoz").len(), 1);
        let w = f.width(Weight::Regular, "注意", 10.0);
        assert!((w - 20.0).abs() < 0.5, "CJK ideographs are one em wide: {w}");
    }
}
