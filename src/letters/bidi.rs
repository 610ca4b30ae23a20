//! Right-to-left text on letters (the Arabic language-assistance line). PDF text is drawn glyph
//! by glyph from left to right, with no shaping: so Arabic letters are first given their
//! contextual forms (initial, medial, final, isolated; `ar-reshaper`, which DejaVu Sans has
//! glyphs for), and each laid-out line is put in visual order by the Unicode Bidirectional
//! Algorithm (`unicode-bidi`), with brackets mirrored and the invisible direction marks dropped.
//! Lines are wrapped in logical order before reordering, as the algorithm requires (UAX #9 L1–L2).

use super::fonts::invisible;
use super::layout::Span;
use unicode_bidi::{BidiInfo, Level};

/// Whether a paragraph is right to left: its first strong character is (UAX #9 P2–P3).
pub fn is_rtl(spans: &[Span]) -> bool {
    let text: String = spans.iter().map(|s| s.text.as_str()).collect();
    unicode_bidi::get_base_direction(text.as_str()) == unicode_bidi::Direction::Rtl
}

/// The spans with their Arabic letters in contextual forms (logical order kept).
pub fn shape(spans: &[Span]) -> Vec<Span> {
    spans.iter().map(|s| Span { text: ar_reshaper::reshape_line(&s.text), weight: s.weight }).collect()
}

/// One wrapped line of a right-to-left paragraph, in the order it is drawn from the left.
pub fn visual_line(line: &[Span]) -> Vec<Span> {
    let mut chars = Vec::new();
    for span in line {
        chars.extend(span.text.chars().map(|c| (c, span.weight)));
    }
    let text: String = chars.iter().map(|(c, _)| c).collect();
    let info = BidiInfo::new(&text, Some(Level::rtl()));
    let Some(para) = info.paragraphs.first() else {
        return Vec::new();
    };
    let levels = info.reordered_levels_per_char(para, para.range.clone());
    let mut out: Vec<Span> = Vec::new();
    for logical in BidiInfo::reorder_visual(&levels) {
        let (c, weight) = chars[logical];
        if invisible(c) {
            continue;
        }
        let c = if levels[logical].is_rtl() { mirror(c) } else { c };
        match out.last_mut() {
            Some(last) if last.weight == weight => last.text.push(c),
            _ => out.push(Span { text: c.to_string(), weight }),
        }
    }
    out
}

/// The mirrored glyph of a bracket drawn right to left (Unicode's Bidi_Mirroring_Glyph, for the
/// brackets letters use).
fn mirror(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::language::{assistance_line, PreferredLanguage};

    fn text(spans: &[Span]) -> String {
        spans.iter().map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn arabic_is_shaped_and_drawn_right_to_left_with_the_number_left_to_right() {
        let lang = PreferredLanguage::parse_or_default("ar").unwrap();
        let line = assistance_line(lang, "(720) 555-0100").unwrap();
        let spans = [Span::bold(line.text.clone())];
        assert!(is_rtl(&spans) && !is_rtl(&[Span::regular("Call (720) 555-0100")]));
        let shaped = shape(&spans);
        // ملحوظة: the first word, in contextual forms: initial meem, medial lam, ...
        assert!(text(&shaped).starts_with('\u{FEE3}'), "{:?}", text(&shaped));
        assert!(!text(&shaped).chars().any(|c| ('\u{0621}'..='\u{064A}').contains(&c)), "every letter shaped");
        let visual = text(&visual_line(&shaped));
        // Drawn from the left: the final full stop, the number (digits left to right, brackets
        // the right way round), ... and the first word last, at the right margin.
        assert!(visual.starts_with(".(720) 555-0100 "), "{visual:?}");
        assert!(visual.ends_with(&text(&shape(&[Span::bold("ملحوظة:")])).chars().rev().collect::<String>()));
        assert!(!visual.chars().any(invisible), "the isolates are not drawn");
        assert!(crate::letters::fonts::covers(&visual), "DejaVu Sans has every shaped form");
    }

    #[test]
    fn weights_survive_reordering() {
        let spans = [Span::regular("اتصل "), Span::bold("برقم")];
        let visual = visual_line(&shape(&spans));
        assert_eq!(visual.len(), 2);
        assert_eq!(visual[0].weight, crate::letters::fonts::Weight::Bold, "the later word is drawn first (leftmost)");
    }
}
