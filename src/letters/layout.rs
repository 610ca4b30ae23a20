//! The layout engine: blocks of text → positioned drawing operations on US Letter pages.
//! Wraps with the font's real metrics, breaks pages, and leaves room on the first page for the
//! two windows of a #10 envelope. Page furniture (page numbers, QR code) is added by `pdf.rs`.

use super::fonts::{Fonts, Weight};
pub use super::wrap::wrap;
use printpdf::{
    Line, LinePoint, Op, PaintMode, PdfFontHandle, Point, Polygon, PolygonRing, Pt, TextItem, WindingOrder,
};

pub const PAGE_W: f32 = 612.0;
pub const PAGE_H: f32 = 792.0;
pub const INCH: f32 = 72.0;
pub const LEFT: f32 = 0.75 * INCH;
pub const RIGHT: f32 = PAGE_W - 0.75 * INCH;
/// Below the recipient window and the first fold of a tri-folded sheet.
pub const FIRST_BODY_TOP: f32 = PAGE_H - 3.45 * INCH;
/// Below the QR code and the two lines of its caption (which end about 1.6" from the top).
pub const NEXT_BODY_TOP: f32 = PAGE_H - 1.7 * INCH;
pub const BODY_BOTTOM: f32 = 0.95 * INCH;

const BODY_SIZE: f32 = 10.0;
const BODY_LEADING: f32 = 13.5;
const HEADING_SIZE: f32 = 12.5;
const SMALL_SIZE: f32 = 9.0;

/// A run of text in one weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub text: String,
    pub weight: Weight,
}

impl Span {
    pub fn regular(t: impl Into<String>) -> Span {
        Span { text: t.into(), weight: Weight::Regular }
    }
    pub fn bold(t: impl Into<String>) -> Span {
        Span { text: t.into(), weight: Weight::Bold }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub title: String,
    /// Share of the body width.
    pub width: f32,
    pub align: Align,
}

/// What a letter body is made of.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(String),
    Paragraph(Vec<Span>),
    Bullets(Vec<Vec<Span>>),
    Table {
        columns: Vec<Column>,
        rows: Vec<Vec<String>>,
        footer: Option<Vec<String>>,
    },
    /// A label and a row of tick boxes, e.g. one charge and the four pleas.
    Checkboxes {
        label: Vec<Span>,
        options: Vec<String>,
    },
    /// Lines to sign and date on, each with its caption underneath.
    SignatureLines(Vec<String>),
    /// The letter's closing and the court's signature block, kept together on one page: the
    /// closing words, room for a signature, then each line (signer in bold, court, address),
    /// and a contact line.
    Closing {
        closing: String,
        lines: Vec<String>,
        contact: String,
    },
    Rule,
    PageBreak,
}

/// Lays blocks out into pages of operations.
pub struct Composer<'a> {
    pub(super) fonts: &'a Fonts,
    pub pages: Vec<Vec<Op>>,
    pub(super) y: f32,
    /// The right edge of the text column (narrower beside a tear-off slip's QR code).
    pub(super) right: f32,
    /// Set while placing what is known to fit (a tear-off slip): no page breaks.
    pub(super) fixed: bool,
    /// Where the tear-off slip was set, if the letter has one (`slip.rs`).
    pub slip: Option<super::slip::SlipMark>,
}

impl<'a> Composer<'a> {
    pub fn new(fonts: &'a Fonts) -> Self {
        Composer { fonts, pages: vec![Vec::new()], y: FIRST_BODY_TOP, right: RIGHT, fixed: false, slip: None }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page") // ok: `pages` starts with one page and only grows
    }

    pub(super) fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = NEXT_BODY_TOP;
    }

    /// Starts a new page unless `height` still fits above the bottom margin.
    fn ensure(&mut self, height: f32) {
        if !self.fixed && self.y - height < BODY_BOTTOM {
            self.new_page();
        }
    }

    pub fn add(&mut self, block: &Block) {
        match block {
            Block::Heading(text) => {
                self.ensure(HEADING_SIZE + 10.0 + 3.0 * BODY_LEADING);
                self.y -= 8.0;
                let spans = [Span::bold(text.clone())];
                for line in wrap(self.fonts, &spans, HEADING_SIZE, self.right - LEFT) {
                    self.y -= HEADING_SIZE + 3.0;
                    let y = self.y;
                    self.line(LEFT, y, &line, HEADING_SIZE);
                }
                self.y -= 4.0;
            }
            Block::Paragraph(spans) => {
                self.paragraph(spans, LEFT, self.right - LEFT, None);
                self.y -= 5.0;
            }
            Block::Bullets(items) => {
                for item in items {
                    self.paragraph(item, LEFT + 14.0, self.right - LEFT - 14.0, Some("•"));
                    self.y -= 2.0;
                }
                self.y -= 4.0;
            }
            Block::Table { columns, rows, footer } => self.table(columns, rows, footer.as_ref()),
            Block::Checkboxes { label, options } => self.checkboxes(label, options),
            Block::SignatureLines(captions) => self.signature_lines(captions),
            Block::Closing { closing, lines, contact } => self.closing(closing, lines, contact),
            Block::Rule => {
                self.ensure(12.0);
                self.y -= 6.0;
                let y = self.y;
                self.stroke_line(LEFT, y, self.right, y, 0.5);
                self.y -= 6.0;
            }
            Block::PageBreak => self.new_page(),
        }
    }

    fn paragraph(&mut self, spans: &[Span], x: f32, width: f32, bullet: Option<&str>) {
        if super::bidi::is_rtl(spans) {
            return self.rtl_paragraph(spans, x, width);
        }
        let lines = wrap(self.fonts, spans, BODY_SIZE, width);
        for (i, line) in lines.iter().enumerate() {
            // Keep at least two lines of a paragraph together at a page end.
            self.ensure(if i == 0 { BODY_LEADING * lines.len().min(2) as f32 } else { BODY_LEADING });
            self.y -= BODY_LEADING;
            let y = self.y;
            if i == 0 {
                if let Some(b) = bullet {
                    self.line(x - 11.0, y, &[Span::regular(b)], BODY_SIZE);
                }
            }
            self.line(x, y, line, BODY_SIZE);
        }
    }

    /// A right-to-left paragraph: shaped, wrapped in logical order, each line drawn in visual
    /// order against the right edge.
    fn rtl_paragraph(&mut self, spans: &[Span], x: f32, width: f32) {
        let lines = wrap(self.fonts, &super::bidi::shape(spans), BODY_SIZE, width);
        for (i, line) in lines.iter().enumerate() {
            self.ensure(if i == 0 { BODY_LEADING * lines.len().min(2) as f32 } else { BODY_LEADING });
            self.y -= BODY_LEADING;
            let visual = super::bidi::visual_line(line);
            let w: f32 = visual.iter().map(|s| self.fonts.width(s.weight, &s.text, BODY_SIZE)).sum();
            let y = self.y;
            self.line(x + width - w, y, &visual, BODY_SIZE);
        }
    }

    fn table(&mut self, columns: &[Column], rows: &[Vec<String>], footer: Option<&Vec<String>>) {
        let total_w = self.right - LEFT;
        let widths: Vec<f32> = columns.iter().map(|c| c.width * total_w).collect();
        let leading = SMALL_SIZE + 3.5;
        let header = |c: &mut Self| {
            c.ensure(leading * 3.0);
            c.y -= leading;
            let y = c.y;
            let cells: Vec<String> = columns.iter().map(|col| col.title.clone()).collect();
            c.row(columns, &widths, &[cells], y, Weight::Bold, leading);
            c.y -= 3.5;
            let y = c.y;
            c.stroke_line(LEFT, y, c.right, y, 0.6);
        };
        header(self);
        let mut all: Vec<(&Vec<String>, Weight)> = rows.iter().map(|r| (r, Weight::Regular)).collect();
        if let Some(f) = footer {
            all.push((f, Weight::Bold));
        }
        for (cells, weight) in all {
            let wrapped: Vec<Vec<String>> = cells
                .iter()
                .zip(&widths)
                .map(|(text, w)| {
                    wrap(self.fonts, &[Span { text: text.clone(), weight }], SMALL_SIZE, w - 6.0)
                        .into_iter()
                        .map(|l| l.into_iter().map(|s| s.text).collect::<String>())
                        .collect()
                })
                .collect();
            let height = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * leading;
            if !self.fixed && self.y - height - 4.0 < BODY_BOTTOM {
                self.new_page();
                header(self);
            }
            if weight == Weight::Bold {
                self.y -= 2.0;
                let y = self.y;
                self.stroke_line(LEFT, y, self.right, y, 0.4);
            }
            self.y -= leading;
            let y = self.y;
            self.row(columns, &widths, &wrapped_rows(&wrapped), y, weight, leading);
            self.y -= height - leading + 3.0;
        }
        self.y -= 6.0;
    }

    /// Draws one table row whose cells may have several lines (`lines[k][col]`).
    fn row(&mut self, columns: &[Column], widths: &[f32], lines: &[Vec<String>], y: f32, weight: Weight, leading: f32) {
        for (k, cells) in lines.iter().enumerate() {
            let mut x = LEFT;
            for ((text, col), w) in cells.iter().zip(columns).zip(widths) {
                let tw = self.fonts.width(weight, text, SMALL_SIZE);
                let tx = match col.align {
                    Align::Left => x + 2.0,
                    Align::Right => x + w - tw - 4.0,
                };
                let span = [Span { text: text.clone(), weight }];
                self.line(tx, y - k as f32 * leading, &span, SMALL_SIZE);
                x += w;
            }
        }
    }

    fn checkboxes(&mut self, label: &[Span], options: &[String]) {
        self.ensure(BODY_LEADING * 3.0);
        self.paragraph(label, LEFT, self.right - LEFT, None);
        let box_size = 10.0;
        let mut x = LEFT + 4.0;
        self.y -= BODY_LEADING + 3.0;
        for opt in options {
            let w = box_size + 5.0 + self.fonts.width(Weight::Regular, opt, BODY_SIZE) + 18.0;
            if x + w > self.right {
                x = LEFT + 4.0;
                self.ensure(BODY_LEADING + 4.0);
                self.y -= BODY_LEADING + 4.0;
            }
            let y = self.y;
            self.rect(x, y - 1.5, box_size, box_size);
            self.line(x + box_size + 5.0, y, &[Span::regular(opt.clone())], BODY_SIZE);
            x += w;
        }
        self.y -= 9.0;
    }

    fn signature_lines(&mut self, captions: &[String]) {
        self.ensure(48.0);
        self.y -= 34.0;
        let y = self.y;
        let gap = 24.0;
        let n = captions.len().max(1) as f32;
        let w = (self.right - LEFT - gap * (n - 1.0)) / n;
        for (i, caption) in captions.iter().enumerate() {
            let x = LEFT + i as f32 * (w + gap);
            self.stroke_line(x, y, x + w, y, 0.7);
            self.line(x, y - 11.0, &[Span::regular(caption.clone())], SMALL_SIZE);
        }
        self.y -= 22.0;
    }

    fn closing(&mut self, closing: &str, lines: &[String], contact: &str) {
        let height = BODY_LEADING * (lines.len() as f32 + 2.0) + 24.0;
        self.ensure(height + 8.0);
        self.y -= 8.0 + BODY_LEADING;
        let y = self.y;
        self.line(LEFT, y, &[Span::regular(closing)], BODY_SIZE);
        // Room for a handwritten or stamped signature.
        self.y -= 24.0;
        for (i, text) in lines.iter().enumerate() {
            self.y -= BODY_LEADING;
            let y = self.y;
            let span = if i == 0 { Span::bold(text.clone()) } else { Span::regular(text.clone()) };
            self.line(LEFT, y, &[span], BODY_SIZE);
        }
        self.y -= BODY_LEADING;
        let y = self.y;
        self.line(LEFT, y, &[Span::regular(contact)], SMALL_SIZE);
        self.y -= 6.0;
    }

    /// One line of text at an absolute position (baseline at `y`).
    pub fn line(&mut self, x: f32, y: f32, spans: &[Span], size: f32) {
        let fonts = self.fonts;
        text_ops(self.ops(), fonts, x, y, spans, size);
    }

    pub fn stroke_line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness: f32) {
        stroke_line(self.ops(), x1, y1, x2, y2, thickness);
    }

    /// A dashed line (a cut line).
    pub fn dashed_line(&mut self, x1: f32, y: f32, x2: f32) {
        let ops = self.ops();
        ops.push(Op::SaveGraphicsState);
        ops.push(Op::SetLineDashPattern { dash: printpdf::LineDashPattern::new(0.0, &[4.0, 3.0]) });
        stroke_line(ops, x1, y, x2, y, 0.8);
        ops.push(Op::RestoreGraphicsState);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let p = |x: f32, y: f32| LinePoint { p: Point { x: Pt(x), y: Pt(y) }, bezier: false };
        let ops = self.ops();
        ops.push(Op::SetOutlineThickness { pt: Pt(0.8) });
        ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing { points: vec![p(x, y), p(x + w, y), p(x + w, y + h), p(x, y + h)] }],
                mode: PaintMode::Stroke,
                winding_order: WindingOrder::NonZero,
            },
        });
    }
}

/// Turns wrapped cell lines (`wrapped[col][k]`) into rows of cells (`rows[k][col]`).
fn wrapped_rows(wrapped: &[Vec<String>]) -> Vec<Vec<String>> {
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(0);
    (0..height).map(|k| wrapped.iter().map(|col| col.get(k).cloned().unwrap_or_default()).collect()).collect()
}

/// Emits text at an absolute position: one text object per run (a span, or the part of it set
/// in one face), so positions never drift.
pub fn text_ops(ops: &mut Vec<Op>, fonts: &Fonts, x: f32, y: f32, spans: &[Span], size: f32) {
    let mut cx = x;
    for span in spans {
        for (face, run) in fonts.runs(span.weight, &span.text) {
            ops.push(Op::StartTextSection);
            ops.push(Op::SetFont { font: PdfFontHandle::External(face.id.clone()), size: Pt(size) });
            ops.push(Op::SetTextCursor { pos: Point { x: Pt(cx), y: Pt(y) } });
            ops.push(Op::ShowText { items: vec![TextItem::Text(run.to_string())] });
            ops.push(Op::EndTextSection);
            cx += face.width(run, size);
        }
    }
}

pub fn stroke_line(ops: &mut Vec<Op>, x1: f32, y1: f32, x2: f32, y2: f32, thickness: f32) {
    let p = |x: f32, y: f32| LinePoint { p: Point { x: Pt(x), y: Pt(y) }, bezier: false };
    ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
    ops.push(Op::DrawLine { line: Line { points: vec![p(x1, y1), p(x2, y2)], is_closed: false } });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::letters::fonts::fonts;

    #[test]
    fn a_right_to_left_paragraph_is_drawn_against_the_right_margin() {
        let f = fonts().unwrap();
        let mut c = Composer::new(f);
        c.add(&Block::Paragraph(vec![Span::bold(
            "ملحوظة: إذا كنت تتحدث اللغة العربية، فإن خدمات المساعدة اللغوية تتوافر لك بالمجان.",
        )]));
        let mut drawn = Vec::new();
        let (mut x, mut size, mut font) = (0.0, 0.0, String::new());
        for op in &c.pages[0] {
            match op {
                Op::SetFont { font: PdfFontHandle::External(id), size: s } => (font, size) = (id.0.clone(), s.0),
                Op::SetTextCursor { pos } => x = pos.x.0,
                Op::ShowText { items } => {
                    for item in items {
                        if let TextItem::Text(t) = item {
                            drawn.push((x, f.width(Weight::Bold, t, size), t.clone(), font.clone()));
                        }
                    }
                }
                _ => {}
            }
        }
        assert_eq!(drawn.len(), 1, "{drawn:?}");
        let (x, w, text, font) = &drawn[0];
        assert!((x + w - RIGHT).abs() < 0.01, "ends at the right margin: {x} + {w}");
        assert!(*x > LEFT + 50.0, "a short line does not start at the left margin: {x}");
        assert_eq!(font, "F2", "DejaVu Sans Bold has the Arabic forms");
        assert!(text.starts_with('.') && text.ends_with('\u{FEE3}'), "visual order: {text}");
    }

    #[test]
    fn long_content_breaks_pages() {
        let f = fonts().unwrap();
        let mut c = Composer::new(f);
        for _ in 0..80 {
            c.add(&Block::Paragraph(vec![Span::regular("A line of body text that is long enough to matter.")]));
        }
        assert!(c.pages.len() >= 2, "{}", c.pages.len());
    }
}
