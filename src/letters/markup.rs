//! The small text format letter templates produce (after minijinja has filled them in):
//!
//! ```text
//! # A heading
//! A paragraph; lines that follow it join it. **Bold** works inside text.
//!
//! - a bulleted item
//! [charges]        a block the letter type fills in from its data (a table, tick boxes, …)
//! ---              a horizontal rule
//! ===              a page break
//! --8<-- Cut here  a tear-off slip: what follows is set at the foot of the last page, under a
//!                  dashed cut line captioned with the rest of the line
//! ```

use super::layout::{Block, Span};

/// A piece of a letter body: a finished block, or a named slot with the template line it is on.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Block(Block),
    Slot {
        name: String,
        line: usize,
    },
    /// The start of the tear-off slip, with the words printed on its cut line.
    Cut {
        caption: String,
    },
}

/// The marker line that starts a tear-off slip.
pub const CUT: &str = "--8<--";

/// Parses `**bold**` inside a line of text.
pub fn spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for (i, part) in text.split("**").enumerate() {
        if part.is_empty() {
            continue;
        }
        out.push(if i % 2 == 1 { Span::bold(part) } else { Span::regular(part) });
    }
    out
}

pub fn parse(text: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut paragraph: Vec<String> = Vec::new();
    let mut bullets: Vec<Vec<Span>> = Vec::new();
    let flush = |items: &mut Vec<Item>, paragraph: &mut Vec<String>, bullets: &mut Vec<Vec<Span>>| {
        if !paragraph.is_empty() {
            items.push(Item::Block(Block::Paragraph(spans(&paragraph.join(" ")))));
            paragraph.clear();
        }
        if !bullets.is_empty() {
            items.push(Item::Block(Block::Bullets(std::mem::take(bullets))));
        }
    };
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(item) = line.strip_prefix("- ") {
            if !paragraph.is_empty() {
                flush(&mut items, &mut paragraph, &mut bullets);
            }
            bullets.push(spans(item.trim()));
            continue;
        }
        if line.is_empty() {
            flush(&mut items, &mut paragraph, &mut bullets);
            continue;
        }
        if let Some(caption) = line.strip_prefix(CUT) {
            flush(&mut items, &mut paragraph, &mut bullets);
            items.push(Item::Cut { caption: caption.trim().to_string() });
        } else if let Some(h) = line.strip_prefix("# ") {
            flush(&mut items, &mut paragraph, &mut bullets);
            items.push(Item::Block(Block::Heading(h.trim().to_string())));
        } else if line == "---" {
            flush(&mut items, &mut paragraph, &mut bullets);
            items.push(Item::Block(Block::Rule));
        } else if line == "===" {
            flush(&mut items, &mut paragraph, &mut bullets);
            items.push(Item::Block(Block::PageBreak));
        } else if line.starts_with('[') && line.ends_with(']') && line.len() > 2 {
            flush(&mut items, &mut paragraph, &mut bullets);
            items.push(Item::Slot { name: line[1..line.len() - 1].trim().to_string(), line: n + 1 });
        } else {
            if !bullets.is_empty() {
                flush(&mut items, &mut paragraph, &mut bullets);
            }
            paragraph.push(line.to_string());
        }
    }
    flush(&mut items, &mut paragraph, &mut bullets);
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_construct() {
        let items =
            parse("# Title\nFirst line\nsecond **bold** line.\n\n- one\n- two\n[charges]\n---\n===\nEnd\n--8<-- Cut here\nSlip");
        assert_eq!(items[0], Item::Block(Block::Heading("Title".into())));
        assert_eq!(
            items[1],
            Item::Block(Block::Paragraph(vec![
                Span::regular("First line second "),
                Span::bold("bold"),
                Span::regular(" line.")
            ]))
        );
        assert_eq!(items[2], Item::Block(Block::Bullets(vec![spans("one"), spans("two")])));
        assert_eq!(items[3], Item::Slot { name: "charges".into(), line: 7 });
        assert_eq!(items[4], Item::Block(Block::Rule));
        assert_eq!(items[5], Item::Block(Block::PageBreak));
        assert_eq!(items[6], Item::Block(Block::Paragraph(spans("End"))));
        assert_eq!(items[7], Item::Cut { caption: "Cut here".into() });
        assert_eq!(items[8], Item::Block(Block::Paragraph(spans("Slip"))));
    }
}
