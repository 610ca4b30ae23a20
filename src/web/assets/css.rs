//! Two small passes over a stylesheet, done once at start-up:
//! - [`trim`] keeps only the rules whose class names the page templates use (the design system
//!   ships about 4,000 utility and component classes; the pages use a few dozen);
//! - [`rewrite_urls`] points `url(…)` references at the content-hashed names of the files.
//!
//! Both are conservative: a rule is dropped only when one of its class names certainly appears in
//! no template; anything the scanner does not understand is kept as written.

use std::collections::HashSet;

/// The class names the templates may use: every word of their text, plus the prefixes written
/// right before a template expression (`usa-input--{{ width }}` keeps every `usa-input--…`).
#[derive(Debug, Default)]
pub struct UsedClasses {
    words: HashSet<String>,
    prefixes: Vec<String>,
}

impl UsedClasses {
    /// Scans template sources (HTML with `{{ … }}` and `{% … %}`) for words.
    pub fn scan<'a>(sources: impl IntoIterator<Item = &'a str>) -> UsedClasses {
        let mut used = UsedClasses::default();
        for text in sources {
            let mut word = String::new();
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                if c.is_alphanumeric() || matches!(c, '-' | '_' | ':') {
                    word.push(c);
                    continue;
                }
                if !word.is_empty() {
                    if c == '{' && matches!(chars.peek(), Some('{' | '%')) && word.ends_with('-') {
                        used.prefixes.push(word.clone());
                    }
                    used.words.insert(std::mem::take(&mut word));
                }
            }
            if !word.is_empty() {
                used.words.insert(word);
            }
        }
        used
    }

    pub fn contains(&self, class: &str) -> bool {
        self.words.contains(class) || self.prefixes.iter().any(|p| class.starts_with(p.as_str()))
    }
}

/// The stylesheet without the rules that only apply to classes no template uses.
pub fn trim(css: &str, used: &UsedClasses) -> String {
    let mut out = String::with_capacity(css.len() / 4);
    trim_block(css, used, &mut out);
    out
}

fn trim_block(css: &str, used: &UsedClasses, out: &mut String) {
    let b = css.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if css[i..].starts_with("/*") {
            let end = css[i + 2..].find("*/").map(|e| i + 2 + e + 2).unwrap_or(b.len());
            if css[i..].starts_with("/*!") {
                out.push_str(&css[i..end]); // licence comments stay
            }
            i = end;
            continue;
        }
        // A prelude (selectors or an at-rule) runs to `{` or, for `@import …;`, to `;`.
        let Some((stop, stop_byte)) = scan_to(css, i, |c| c == b'{' || c == b';' || c == b'}') else {
            out.push_str(&css[i..]);
            return;
        };
        let prelude = css[i..stop].trim();
        if stop_byte != b'{' {
            // `@charset …;` or a stray `;`/`}`: keep statements, skip strays.
            if prelude.starts_with('@') {
                out.push_str(prelude);
                out.push(';');
            }
            i = stop + 1;
            continue;
        }
        let close = matching_brace(css, stop);
        let body = &css[stop + 1..close.min(b.len())];
        i = close + 1;
        if let Some(at) = prelude.strip_prefix('@') {
            let name = at.split(|c: char| !(c.is_alphanumeric() || c == '-')).next().unwrap_or("");
            if matches!(name, "media" | "supports" | "layer" | "container" | "document") {
                let mut inner = String::new();
                trim_block(body, used, &mut inner);
                if !inner.is_empty() {
                    out.push_str(prelude);
                    out.push('{');
                    out.push_str(&inner);
                    out.push('}');
                }
            } else {
                // @font-face, @keyframes, @page…: kept whole (a browser fetches a font only if used).
                out.push_str(prelude);
                out.push('{');
                out.push_str(body);
                out.push('}');
            }
            continue;
        }
        let kept: Vec<&str> = split_selectors(prelude).into_iter().filter(|s| selector_used(s, used)).collect();
        if !kept.is_empty() {
            out.push_str(&kept.join(","));
            out.push('{');
            out.push_str(body);
            out.push('}');
        }
    }
}

/// The position of the first byte at or after `from`, outside strings, comments, parentheses
/// and brackets, that `stop` accepts.
fn scan_to(css: &str, from: usize, stop: impl Fn(u8) -> bool) -> Option<(usize, u8)> {
    let b = css.as_bytes();
    let mut depth = 0usize;
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => i = skip_string(b, i),
            b'\\' => i += 1,
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = css[i + 2..].find("*/").map(|e| i + 2 + e + 1).unwrap_or(b.len());
            }
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            c if depth == 0 && stop(c) => return Some((i, c)),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Index of the last byte of the string that opens at `start` (its closing quote).
fn skip_string(b: &[u8], start: usize) -> usize {
    let quote = b[start];
    let mut i = start + 1;
    while i < b.len() && b[i] != quote {
        if b[i] == b'\\' {
            i += 1;
        }
        i += 1;
    }
    i.min(b.len())
}

/// The `}` that closes the block opened at `open` (or the end of the text).
fn matching_brace(css: &str, open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    loop {
        match scan_to(css, i, |c| c == b'{' || c == b'}') {
            Some((at, b'{')) => {
                depth += 1;
                i = at + 1;
            }
            Some((at, _)) => {
                depth -= 1;
                if depth == 0 {
                    return at;
                }
                i = at + 1;
            }
            None => return css.len(),
        }
    }
}

fn split_selectors(prelude: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    while let Some((at, _)) = scan_to(prelude, start, |c| c == b',') {
        parts.push(prelude[start..at].trim());
        start = at + 1;
    }
    parts.push(prelude[start..].trim());
    parts
}

/// Whether every class the selector requires (outside `:not(…)`, `:is(…)` and brackets) is used.
fn selector_used(selector: &str, used: &UsedClasses) -> bool {
    classes_of(selector).iter().all(|c| used.contains(c))
}

/// The class names of a selector, outside parentheses, brackets and strings, unescaped
/// (`.tablet\:grid-col-6` → `tablet:grid-col-6`).
pub fn classes_of(selector: &str) -> Vec<String> {
    let b = selector.as_bytes();
    let mut classes = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => i = skip_string(b, i),
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            b'.' if depth == 0 => {
                let mut name = String::new();
                let mut j = i + 1;
                while j < b.len() {
                    let c = b[j];
                    if c == b'\\' && j + 1 < b.len() {
                        let ch = selector[j + 1..].chars().next().unwrap_or('\\');
                        name.push(ch);
                        j += 1 + ch.len_utf8();
                    } else if c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c >= 0x80 {
                        let ch = selector[j..].chars().next().unwrap_or('_');
                        name.push(ch);
                        j += ch.len_utf8();
                    } else {
                        break;
                    }
                }
                if !name.is_empty() {
                    classes.push(name);
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    classes
}

/// Replaces each `url(…)` whose target `resolve` knows (given the reference as written) with
/// the address it returns; `data:` addresses and unknown files are left alone.
pub fn rewrite_urls(css: &str, resolve: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(at) = rest.find("url(") {
        out.push_str(&rest[..at + 4]);
        rest = &rest[at + 4..];
        let Some(close) = rest.find(')') else { break };
        let raw = &rest[..close];
        let target = raw.trim().trim_matches(|c| c == '"' || c == '\'');
        match (!target.starts_with("data:")).then(|| resolve(target)).flatten() {
            Some(new) => out.push_str(&new),
            None => out.push_str(raw),
        }
        out.push(')');
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn used(words: &str) -> UsedClasses {
        UsedClasses::scan([words])
    }

    #[test]
    fn keeps_rules_for_used_classes_and_elements() {
        let css = "html{line-height:1.15}.usa-button{color:red}.usa-card{color:blue}\
                   .usa-button,.usa-card{margin:0}.usa-card .usa-button{x:y}a:not(.usa-card){z:1}";
        let out = trim(css, &used(r#"<a class="usa-button">"#));
        assert_eq!(out, "html{line-height:1.15}.usa-button{color:red}.usa-button{margin:0}a:not(.usa-card){z:1}");
    }

    #[test]
    fn media_blocks_are_trimmed_inside_and_dropped_when_empty() {
        let css = "@media (min-width:40em){.tablet\\:grid-col-6{flex:0}.desktop\\:x{y:z}}\
                   @media print{.unused{a:b}}@font-face{font-family:X;src:url(../f.woff2)}";
        let out = trim(css, &used(r#"<div class="tablet:grid-col-6">"#));
        assert_eq!(
            out,
            "@media (min-width:40em){.tablet\\:grid-col-6{flex:0}}@font-face{font-family:X;src:url(../f.woff2)}"
        );
    }

    #[test]
    fn strings_comments_and_data_urls_do_not_confuse_the_scanner() {
        let css = "/*! licence */ /* note { */.a::after{content:\"}.b{\"}.b{background:url(\"data:image/svg+xml,%3Csvg%3E{}\")}\
                   [class*=grid-col]{box-sizing:border-box}";
        let out = trim(css, &used("a"));
        assert_eq!(out, "/*! licence */.a::after{content:\"}.b{\"}[class*=grid-col]{box-sizing:border-box}");
    }

    #[test]
    fn a_prefix_before_a_template_expression_keeps_every_variant() {
        let u = used(r#"<input class="usa-input{% if w %} usa-input--{{ w }}{% endif %}">"#);
        assert!(u.contains("usa-input--medium"));
        assert!(u.contains("usa-input"));
        assert!(!u.contains("usa-select"));
    }

    #[test]
    fn urls_point_at_hashed_names() {
        let css = "a{src:url(../fonts/a.woff2) format(\"woff2\"),url('../img/x.svg'),url(data:image/png;base64,AA==)}";
        let out = rewrite_urls(css, |u| (u == "../fonts/a.woff2").then(|| "/static/a.123.woff2".to_string()));
        assert_eq!(
            out,
            "a{src:url(/static/a.123.woff2) format(\"woff2\"),url('../img/x.svg'),url(data:image/png;base64,AA==)}"
        );
    }
}
