//! The name an uploaded file was sent under, made safe to keep and to print on a receipt: no
//! folder part, no control or invisible characters, single spaces, at most
//! [`MAX_CHARS`] characters (the extension kept when it is cut).

/// The longest name kept, in characters.
pub const MAX_CHARS: usize = 120;

/// The file's own name, cleaned; `None` when nothing printable is left.
pub fn sanitize(raw: &str) -> Option<String> {
    // Browsers on Windows may send the whole path; keep the last part.
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = base
        .chars()
        .map(|c| if c.is_control() || is_invisible(c) { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c == ' ').to_string();
    if cleaned.is_empty() {
        return None;
    }
    if cleaned.chars().count() <= MAX_CHARS {
        return Some(cleaned);
    }
    // Too long: keep the start and a short extension, joined by an ellipsis.
    let ext: String = match cleaned.rsplit_once('.') {
        Some((_, e)) if !e.is_empty() && e.chars().count() <= 8 => format!(".{e}"),
        _ => String::new(),
    };
    let keep = MAX_CHARS - 1 - ext.chars().count();
    let head: String = cleaned.chars().take(keep).collect();
    Some(format!("{}…{ext}", head.trim_end()))
}

/// Bidirectional overrides and zero-width characters, which can disguise a name.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_name_without_folders_or_hidden_characters() {
        assert_eq!(sanitize("recibo médico.pdf").as_deref(), Some("recibo médico.pdf"));
        assert_eq!(sanitize(r"C:\Users\ana\Desktop\foto 1.jpg").as_deref(), Some("foto 1.jpg"));
        assert_eq!(sanitize("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(sanitize("a\u{202E}fdp.exe").as_deref(), Some("a fdp.exe"));
        assert_eq!(sanitize("line\nbreak\t.png").as_deref(), Some("line break .png"));
        assert_eq!(sanitize("  ...  "), None);
        assert_eq!(sanitize(""), None);
    }

    #[test]
    fn a_long_name_is_cut_and_keeps_its_extension() {
        let long = format!("{}.pdf", "x".repeat(300));
        let s = sanitize(&long).unwrap();
        assert_eq!(s.chars().count(), MAX_CHARS);
        assert!(s.ends_with("….pdf"), "{s}");
        let accents = "é".repeat(200);
        assert_eq!(sanitize(&accents).unwrap().chars().count(), MAX_CHARS);
    }
}
