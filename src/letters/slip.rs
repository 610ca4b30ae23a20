//! The tear-off slip at the foot of a letter's last page (the plea offer's acceptance): a dashed
//! cut line with its caption, then the slip's own blocks in a column that leaves room on the
//! right for the letter's QR code, which `pdf.rs` draws on the slip too — a slip mailed back on
//! its own still links itself to its case and letter when it is scanned.

use super::layout::{Block, Composer, Span, BODY_BOTTOM, LEFT, NEXT_BODY_TOP, PAGE_H, PAGE_W};
use super::qr::{QR_LEFT, QR_SIZE};

/// Where the slip was set: its page (0-based) and the height of its cut line, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlipMark {
    pub page: usize,
    pub top: f32,
}

/// Clear space above the cut line (for its caption) and between the line and the slip's text.
const ABOVE_CUT: f32 = 22.0;
const BELOW_CUT: f32 = 8.0;
/// The QR code's top, below the cut line.
pub const QR_BELOW_CUT: f32 = 14.0;
/// The QR code and the two lines of its caption.
const QR_BLOCK: f32 = QR_SIZE + 24.0;
/// The cut line runs from edge to edge but for this margin.
const CUT_MARGIN: f32 = 18.0;

impl Composer<'_> {
    /// Sets `blocks` as the tear-off slip at the foot of the page, under a dashed line captioned
    /// `caption`; on a new page when they do not fit under what is already there. A slip taller
    /// than a page (a template's mistake) is set in the flow instead, without a cut line.
    pub fn slip(&mut self, caption: &str, blocks: &[Block]) {
        let right = QR_LEFT - 14.0;
        let height = self.measure(blocks, right);
        let top = BODY_BOTTOM + (BELOW_CUT + height).max(QR_BELOW_CUT + QR_BLOCK);
        if top + ABOVE_CUT > NEXT_BODY_TOP {
            blocks.iter().for_each(|b| self.add(b));
            return;
        }
        if self.y - ABOVE_CUT < top {
            self.new_page();
        }
        self.dashed_line(CUT_MARGIN, top, PAGE_W - CUT_MARGIN);
        let caption_y = top + 5.0;
        self.line(LEFT, caption_y, &[Span::regular(caption)], 8.0);
        self.slip = Some(SlipMark { page: self.pages.len() - 1, top });
        let (saved_right, saved_fixed) = (self.right, self.fixed);
        (self.y, self.right, self.fixed) = (top - BELOW_CUT, right, true);
        blocks.iter().for_each(|b| self.add(b));
        (self.right, self.fixed) = (saved_right, saved_fixed);
    }

    /// The height `blocks` take in a column ending at `right`, laid out on a scratch page.
    fn measure(&self, blocks: &[Block], right: f32) -> f32 {
        let mut scratch = Composer::new(self.fonts);
        (scratch.y, scratch.right, scratch.fixed) = (PAGE_H, right, true);
        blocks.iter().for_each(|b| scratch.add(b));
        PAGE_H - scratch.y
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::letters::fonts::fonts;
    use printpdf::Op;

    fn slip_blocks() -> Vec<Block> {
        vec![
            Block::Heading("I accept the offer".into()),
            Block::Paragraph(vec![Span::regular("I accept the plea offer for citation DV-2026-000103.")]),
            Block::SignatureLines(vec!["Signature".into(), "Date".into()]),
        ]
    }

    /// The lowest and highest text baselines drawn on a page, and the rightmost text start.
    fn text_extent(ops: &[Op]) -> (f32, f32, f32) {
        let ys: Vec<(f32, f32)> = ops
            .iter()
            .filter_map(|op| match op {
                Op::SetTextCursor { pos } => Some((pos.x.0, pos.y.0)),
                _ => None,
            })
            .collect();
        let low = ys.iter().map(|p| p.1).fold(f32::MAX, f32::min);
        let high = ys.iter().map(|p| p.1).fold(f32::MIN, f32::max);
        let x = ys.iter().map(|p| p.0).fold(f32::MIN, f32::max);
        (low, high, x)
    }

    #[test]
    fn the_slip_sits_at_the_foot_of_the_page_under_its_cut_line() {
        let mut c = Composer::new(fonts().unwrap());
        c.add(&Block::Paragraph(vec![Span::regular("A short letter.")]));
        c.slip("Cut here", &slip_blocks());
        let mark = c.slip.expect("a slip");
        assert_eq!((mark.page, c.pages.len()), (0, 1), "it fits on the first page");
        assert!(mark.top < 4.0 * 72.0 && mark.top > BODY_BOTTOM + QR_BELOW_CUT + QR_BLOCK - 0.1, "{}", mark.top);
        let (low, _, _) = text_extent(&c.pages[0]);
        assert!(low >= BODY_BOTTOM - 12.0, "nothing below the bottom margin: {low}");
        assert!(c.pages[0].iter().any(|op| matches!(op, Op::SetLineDashPattern { .. })), "a dashed cut line");
    }

    #[test]
    fn a_full_page_moves_the_slip_to_a_new_page() {
        let mut c = Composer::new(fonts().unwrap());
        while c.y > BODY_BOTTOM + 60.0 {
            c.add(&Block::Paragraph(vec![Span::regular("A line of body text.")]));
        }
        assert_eq!(c.pages.len(), 1);
        c.slip("Cut here", &slip_blocks());
        let mark = c.slip.unwrap();
        assert_eq!((mark.page, c.pages.len()), (1, 2));
        let (_, high, right) = text_extent(&c.pages[1]);
        assert!(high <= mark.top + 10.0, "the new page has only the slip: {high}");
        assert!(right < QR_LEFT, "the slip's text stays left of its QR code: {right}");
    }
}
