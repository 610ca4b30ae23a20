//! Line breaking for letters: styled text into lines that fit a width, measured with the fonts'
//! real metrics (see `fonts.rs`).

use super::fonts::{Fonts, Weight};
use super::layout::Span;

/// Greedy line breaking of styled text into lines no wider than `width`: at spaces, and in
/// Chinese or Japanese text wherever the Unicode line-breaking rules allow (between ideographs,
/// never before a closing mark such as "。"). Words longer than a line are split by characters.
/// Spaces at line ends are dropped.
pub fn wrap(fonts: &Fonts, spans: &[Span], size: f32, width: f32) -> Vec<Vec<Span>> {
    // Words with their weight; a word keeps the trailing space that separated it.
    let mut words: Vec<(String, Weight, bool)> = Vec::new();
    let mut prev_ended_with_space = true;
    for span in spans {
        let mut first = true;
        for part in span.text.split(' ') {
            let glue_to_prev = first && !prev_ended_with_space && !span.text.starts_with(' ');
            first = false;
            if part.is_empty() {
                continue;
            }
            for (k, piece) in ideographic_pieces(part).into_iter().enumerate() {
                words.push((piece.to_string(), span.weight, glue_to_prev || k > 0));
            }
        }
        if !span.text.is_empty() {
            prev_ended_with_space = span.text.ends_with(' ');
        }
    }
    let space = fonts.width(Weight::Regular, " ", size);
    let mut lines: Vec<Vec<Span>> = Vec::new();
    let mut current: Vec<Span> = Vec::new();
    let mut used = 0.0f32;
    for (word, weight, glued) in words {
        let mut w = fonts.width(weight, &word, size);
        let sep = if current.is_empty() || glued { 0.0 } else { space };
        if !current.is_empty() && used + sep + w > width {
            lines.push(std::mem::take(&mut current));
            used = 0.0;
        }
        let mut word = word;
        // A word wider than the whole line: cut it into pieces that fit.
        while w > width && word.chars().count() > 1 {
            let mut cut = String::new();
            for c in word.chars() {
                if fonts.width(weight, &format!("{cut}{c}"), size) > width && !cut.is_empty() {
                    break;
                }
                cut.push(c);
            }
            let rest: String = word.chars().skip(cut.chars().count()).collect();
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            lines.push(vec![Span { text: cut, weight }]);
            used = 0.0;
            word = rest;
            w = fonts.width(weight, &word, size);
        }
        let sep = if current.is_empty() || glued { "" } else { " " };
        used += if sep.is_empty() { 0.0 } else { space } + w;
        match current.last_mut() {
            Some(last) if last.weight == weight => {
                last.text.push_str(sep);
                last.text.push_str(&word);
            }
            _ => current.push(Span { text: format!("{sep}{word}"), weight }),
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// A space-free word cut where a line may break inside it: only words with ideographs (Chinese,
/// Japanese), at the break opportunities of the Unicode line-breaking algorithm (UAX #14).
fn ideographic_pieces(word: &str) -> Vec<&str> {
    use unicode_linebreak::{break_property, linebreaks, BreakClass};
    if word.is_ascii() || !word.chars().any(|c| break_property(c as u32) == BreakClass::Ideographic) {
        return vec![word];
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    for (at, _) in linebreaks(word) {
        if at > start {
            pieces.push(&word[start..at]);
            start = at;
        }
    }
    if start < word.len() {
        pieces.push(&word[start..]);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::letters::fonts::fonts;

    fn text_of(line: &[Span]) -> String {
        line.iter().map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn wraps_within_the_width_and_keeps_every_word() {
        let f = fonts().unwrap();
        let text = "Usted puede declararse culpable, no disputar el cargo o declararse no culpable de cada cargo.";
        let lines = wrap(f, &[Span::regular(text)], 10.0, 150.0);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(f.regular.width(&text_of(l), 10.0) <= 150.0 + 0.01, "{l:?}");
        }
        let joined: Vec<String> = lines.iter().map(|l| text_of(l)).collect();
        assert_eq!(joined.join(" "), text);
    }

    #[test]
    fn bold_spans_stay_bold_and_glue_to_punctuation() {
        let f = fonts().unwrap();
        let spans = [Span::regular("Your code is "), Span::bold("ABC-123"), Span::regular(".")];
        let lines = wrap(f, &spans, 10.0, 400.0);
        assert_eq!(lines.len(), 1);
        assert_eq!(text_of(&lines[0]), "Your code is ABC-123.");
        assert!(lines[0].iter().any(|s| s.weight == Weight::Bold && s.text.contains("ABC-123")));
    }

    #[test]
    fn a_long_word_is_cut() {
        let f = fonts().unwrap();
        let lines = wrap(f, &[Span::regular("x".repeat(200))], 10.0, 100.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.iter().map(|l| text_of(l)).collect::<String>(), "x".repeat(200));
    }

    #[test]
    fn chinese_breaks_between_ideographs_but_not_before_a_closing_mark() {
        let f = fonts().unwrap();
        let text = "注意：如果您使用繁體中文，您可以免費獲得語言援助服務。請致電";
        let lines = wrap(f, &[Span::bold(text)], 10.0, 95.0);
        assert!(lines.len() >= 3, "{lines:?}");
        assert_eq!(lines.iter().map(|l| text_of(l)).collect::<String>(), text, "nothing lost, nothing added");
        for l in &lines {
            let t = text_of(l);
            assert!(f.width(Weight::Bold, &t, 10.0) <= 95.0 + 0.01, "{t}");
            assert!(!t.starts_with(['：', '，', '。']), "a line starts with a closing mark: {t}");
        }
        assert_eq!(ideographic_pieces("Villaseñor-Montenegro"), ["Villaseñor-Montenegro"], "Latin words untouched");
    }
}
