//! QR codes on a scanned page, read with a pure-Rust decoder (`rqrr`). Our letters carry theirs
//! in the top-right corner, one inch square, so that corner is read first at about 150 dpi
//! (enough for its modules, quick, and less noise); then the lower right, where a plea offer's
//! tear-off slip carries the same code; only if no code is found there is the whole page read,
//! smaller, for a page turned upside down or a code that is not ours.

use image::GrayImage;

/// Resolution the corner is brought down to, in dots per inch of a letter-width page.
const CORNER_DPI: f32 = 150.0;
/// Resolution of the whole-page pass.
const PAGE_DPI: f32 = 100.0;

/// Every QR code text found on the page (usually one), in the order found.
pub fn read(page: &GrayImage) -> Vec<String> {
    let (w, h) = page.dimensions();
    if w < 21 || h < 21 {
        return Vec::new();
    }
    // A portrait page is 8.5 inches wide; a landscape one (turned) 11; a strip much wider than
    // a turned page is a slip cut off a letter, 8.5 inches wide.
    let page_inches = if w <= h || w * 10 > h * 16 { 8.5 } else { 11.0 };
    let dpi = w as f32 / page_inches;
    // The corner: right 45 %, top 28 % — our 1-inch code sits 0.5 inch from the right edge and
    // 0.35 inch from the top, so this leaves room for a crooked or shifted feed (at least 1.6
    // inches of it: a slip cut off on its own is only about 3 inches tall). Then the lower
    // right, bottom 45 %: a tear-off slip's code sits about 8 inches down, at the same distance
    // from the right edge.
    let (cx, cw) = (w * 55 / 100, w - w * 55 / 100);
    let corner = (cx, 0, cw, (h * 28 / 100).max((1.6 * dpi) as u32).clamp(21, h));
    let slip = (cx, h * 55 / 100, cw, h - h * 55 / 100);
    for region in [corner, slip] {
        let found = decode(page, region, dpi / CORNER_DPI);
        if !found.is_empty() {
            return found;
        }
    }
    decode(page, (0, 0, w, h), dpi / PAGE_DPI)
}

/// Decodes the codes in the region `(x, y, w, h)`, shrunk by `factor` (≥ 1; below 1 kept as is).
fn decode(page: &GrayImage, (x0, y0, w, h): (u32, u32, u32, u32), factor: f32) -> Vec<String> {
    let step = factor.max(1.0);
    let (ow, oh) = (((w as f32) / step) as usize, ((h as f32) / step) as usize);
    if ow < 21 || oh < 21 {
        return Vec::new();
    }
    let small = shrink(page, (x0, y0, w, h), ow, oh);
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(ow, oh, |x, y| small[y * ow + x]);
    prepared.detect_grids().iter().filter_map(|g| g.decode().ok().map(|(_, text)| text)).collect()
}

/// Box-filter reduction of a region to `ow` × `oh` (each output pixel the mean of its source
/// block), which also smooths scanner noise and JPEG artefacts.
fn shrink(page: &GrayImage, (x0, y0, w, h): (u32, u32, u32, u32), ow: usize, oh: usize) -> Vec<u8> {
    let raw = page.as_raw();
    let stride = page.width() as usize;
    let mut out = Vec::with_capacity(ow * oh);
    let xs: Vec<usize> = (0..=ow).map(|i| x0 as usize + i * w as usize / ow).collect();
    for oy in 0..oh {
        let (ya, yb) = (y0 as usize + oy * h as usize / oh, y0 as usize + (oy + 1) * h as usize / oh);
        for ox in 0..ow {
            let (xa, xb) = (xs[ox], xs[ox + 1].max(xs[ox] + 1));
            let mut sum = 0u32;
            for y in ya..yb.max(ya + 1) {
                let row = &raw[y * stride..y * stride + stride];
                sum += row[xa..xb].iter().map(|&v| u32::from(v)).sum::<u32>();
            }
            let n = ((xb - xa) * (yb.max(ya + 1) - ya)) as u32;
            out.push((sum / n) as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white letter-size page at `dpi` with a QR code of `text` drawn where our letters put it.
    fn page_with_code(text: &str, dpi: u32) -> GrayImage {
        paper_with_code(text, dpi, 110, 35)
    }

    /// White paper 8.5 inches wide and `height` tenths of an inch tall at `dpi`, with a one-inch
    /// QR code of `text` half an inch from the right edge and `top` hundredths of an inch from the
    /// top edge (the quiet zone's corner, as our letters draw it).
    fn paper_with_code(text: &str, dpi: u32, height: u32, top: u32) -> GrayImage {
        let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
        let n = code.width() as u32;
        let (w, h) = (dpi * 85 / 10, dpi * height / 10);
        let mut page = GrayImage::from_pixel(w, h, image::Luma([255]));
        let module = dpi / (n + 8);
        let (left, top) = (w - dpi / 2 - dpi + 4 * module, dpi * top / 100 + 4 * module);
        let colors = code.to_colors();
        for y in 0..n * module {
            for x in 0..n * module {
                if colors[((y / module) * n + x / module) as usize] == qrcode::Color::Dark {
                    page.put_pixel(left + x, top + y, image::Luma([0]));
                }
            }
        }
        page
    }

    #[test]
    fn reads_our_code_in_the_corner_at_150_and_300_dpi() {
        for dpi in [150, 300] {
            let page = page_with_code("PLEADESK DV-2026-000101 L42", dpi);
            assert_eq!(read(&page), vec!["PLEADESK DV-2026-000101 L42".to_string()], "{dpi} dpi");
        }
    }

    /// A plea offer's tear-off slip carries the letter's code about 8 inches down the page, at
    /// the same distance from the right edge as the corner code. Mailed back, the slip comes as
    /// the whole last page or cut off on its own (a strip about 3 inches tall, wider than tall).
    #[test]
    fn reads_the_code_of_a_tear_off_slip_at_150_and_300_dpi() {
        let text = "PLEADESK DV-2026-000103 L42";
        for dpi in [150, 300] {
            let whole_page = paper_with_code(text, dpi, 110, 820);
            assert_eq!(read(&whole_page), vec![text.to_string()], "slip at the foot of the page, {dpi} dpi");
            let slip_alone = paper_with_code(text, dpi, 30, 20);
            assert_eq!(read(&slip_alone), vec![text.to_string()], "the slip cut off, {dpi} dpi");
            let on_the_glass = paper_with_code(text, dpi, 110, 20);
            assert_eq!(read(&on_the_glass), vec![text.to_string()], "the slip at the top of the glass, {dpi} dpi");
        }
    }

    #[test]
    fn reads_a_code_turned_upside_down_from_the_whole_page() {
        let page = image::imageops::rotate180(&page_with_code("PLEADESK SEPARATOR", 200));
        assert_eq!(read(&page), vec!["PLEADESK SEPARATOR".to_string()]);
    }

    #[test]
    fn a_blank_page_has_no_code() {
        assert!(read(&GrayImage::from_pixel(1275, 1650, image::Luma([255]))).is_empty());
        assert!(read(&GrayImage::from_pixel(5, 5, image::Luma([0]))).is_empty());
    }
}
