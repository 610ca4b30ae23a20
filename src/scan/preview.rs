//! Greyscale JPEG previews of a scanned page, made while the page is decoded for its codes: a
//! readable `page` image (1100 px wide, about 130 dpi for a letter-size sheet) and a `thumb`
//! (180 px wide), both keeping the page's shape. A page smaller than a preview is not enlarged.
//! (The image crate's `resize` keeps a buffer of 16 bytes a pixel of the source width: 116 MB for
//! a page at 600 dpi; the area averaging here keeps only the result.)

use image::GrayImage;

/// Width of the readable page image.
pub const PAGE_WIDTH: u32 = 1100;
/// Width of a thumbnail.
pub const THUMB_WIDTH: u32 = 180;
/// A preview is at most this many times as tall as it is wide (a long strip is fitted into
/// that box rather than made into a JPEG taller than a browser shows).
const MAX_ASPECT: u32 = 3;
const PAGE_QUALITY: u8 = 80;
const THUMB_QUALITY: u8 = 75;

/// The two previews of one page, JPEG-encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Previews {
    pub page: Vec<u8>,
    pub thumb: Vec<u8>,
}

/// Which preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Page,
    Thumb,
}

impl Size {
    pub fn as_str(self) -> &'static str {
        match self {
            Size::Page => "page",
            Size::Thumb => "thumb",
        }
    }

    fn width(self) -> u32 {
        match self {
            Size::Page => PAGE_WIDTH,
            Size::Thumb => THUMB_WIDTH,
        }
    }

    /// The size of this preview for a page of `width` × `height` pixels.
    pub fn of(self, width: u32, height: u32) -> (u32, u32) {
        fit(width, height, self.width())
    }
}

impl std::str::FromStr for Size {
    type Err = String;

    fn from_str(s: &str) -> Result<Size, String> {
        match s {
            "page" => Ok(Size::Page),
            "thumb" => Ok(Size::Thumb),
            other => Err(format!("the size '{other}' is not one PleaDesk makes; ask for size=thumb or size=page")),
        }
    }
}

/// `width` × `height` brought within `box_width` wide and `MAX_ASPECT` × `box_width` tall,
/// keeping the shape, never enlarged, at least 1 × 1.
fn fit(width: u32, height: u32, box_width: u32) -> (u32, u32) {
    let (w, h) = (u64::from(width.max(1)), u64::from(height.max(1)));
    let (bw, bh) = (u64::from(box_width), u64::from(box_width * MAX_ASPECT));
    // The smaller of the two scales (and 1): width × num / den.
    let (num, den) = if bw * h <= bh * w { (bw, w) } else { (bh, h) };
    if num >= den {
        return (w as u32, h as u32);
    }
    let scaled = |v: u64| ((v * num + den / 2) / den).max(1) as u32;
    (scaled(w), scaled(h))
}

/// For each output position along an axis of `from` source pixels brought to `to`: the first
/// source pixel it covers and the share of each covered source pixel (the shares sum to 1).
fn spans(from: u32, to: u32) -> Vec<(usize, Vec<f32>)> {
    let scale = f64::from(from) / f64::from(to);
    (0..to)
        .map(|i| {
            let (a, b) = (f64::from(i) * scale, f64::from(i + 1) * scale);
            let first = a.floor() as usize;
            let last = (b.ceil() as usize).min(from as usize).max(first + 1);
            let shares =
                (first..last).map(|j| ((b.min(j as f64 + 1.0) - a.max(j as f64)).max(0.0) / scale) as f32).collect();
            (first, shares)
        })
        .collect()
}

/// `img` brought down to `(w, h)` by area averaging: each result pixel is the mean of the source
/// area it covers, a source pixel on the edge counted by the part of it inside. It is the right
/// filter for reducing (no aliasing of fine print, no ringing), works on the raw rows one at a
/// time, and needs memory only for the result. A size not smaller is kept as it is.
fn shrink(img: &GrayImage, (w, h): (u32, u32)) -> GrayImage {
    let (sw, sh) = img.dimensions();
    if w >= sw && h >= sh {
        return img.clone();
    }
    let (columns, rows) = (spans(sw, w), spans(sh, h));
    let mut sums = vec![0f32; (w * h) as usize];
    let mut row = vec![0f32; w as usize];
    let mut out_row = 0usize;
    for (y, source) in img.as_raw().chunks_exact(sw as usize).enumerate() {
        for (x, (first, shares)) in columns.iter().enumerate() {
            row[x] = source[*first..].iter().zip(shares).map(|(&v, &s)| f32::from(v) * s).sum();
        }
        // The result rows this source row falls in (one, or two across a boundary).
        while out_row < rows.len() && rows[out_row].0 + rows[out_row].1.len() <= y {
            out_row += 1;
        }
        for (k, (first, shares)) in rows.iter().enumerate().skip(out_row).take(2) {
            let Some(&share) = y.checked_sub(*first).and_then(|i| shares.get(i)) else { continue };
            let target = &mut sums[k * w as usize..(k + 1) * w as usize];
            for (t, v) in target.iter_mut().zip(&row) {
                *t += v * share;
            }
        }
    }
    let pixels = sums.into_iter().map(|v| v.round().clamp(0.0, 255.0) as u8).collect();
    GrayImage::from_raw(w, h, pixels).expect("the result has w × h pixels") // ok: sized above
}

fn jpeg(img: &GrayImage, quality: u8) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality).encode_image(img)?;
    Ok(out)
}

/// Both previews of a decoded page. The thumbnail is made from the page image, so the full page
/// is read once.
pub fn previews(img: &GrayImage) -> Result<Previews, image::ImageError> {
    let (w, h) = img.dimensions();
    let page = shrink(img, Size::Page.of(w, h));
    let thumb = shrink(&page, Size::Thumb.of(w, h));
    Ok(Previews { page: jpeg(&page, PAGE_QUALITY)?, thumb: jpeg(&thumb, THUMB_QUALITY)? })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(jpeg: &[u8]) -> GrayImage {
        assert!(jpeg.starts_with(&[0xFF, 0xD8, 0xFF]), "a JPEG");
        image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg).unwrap().into_luma8()
    }

    #[test]
    fn a_letter_page_at_300_dpi_gives_a_page_of_1100_and_a_thumb_of_180_pixels() {
        let mut page = GrayImage::from_pixel(2550, 3300, image::Luma([255]));
        for (x, y) in (0..2550).flat_map(|x| (1648..1652).map(move |y| (x, y))) {
            page.put_pixel(x, y, image::Luma([0])); // a rule 4 px thick across the middle
        }
        let p = previews(&page).unwrap();
        let big = decoded(&p.page);
        assert_eq!(big.dimensions(), (1100, 1424));
        assert_eq!(decoded(&p.thumb).dimensions(), (180, 233));
        // Still white around, with the line kept in the middle.
        assert!(big.get_pixel(10, 10).0[0] > 240);
        let darkest = (700..724).map(|y| big.get_pixel(550, y).0[0]).min().unwrap();
        assert!(darkest < 100, "the line survives the reduction: {darkest}");
    }

    #[test]
    fn a_small_or_slightly_larger_page_keeps_its_shape_and_is_not_enlarged() {
        assert_eq!(Size::Page.of(200, 260), (200, 260));
        assert_eq!(Size::Thumb.of(200, 260), (180, 234));
        assert_eq!(Size::Page.of(1275, 1650), (1100, 1424)); // 150 dpi: the resampling branch
        let p = previews(&GrayImage::from_pixel(1275, 1650, image::Luma([200]))).unwrap();
        assert_eq!(decoded(&p.page).dimensions(), (1100, 1424));
        assert_eq!(decoded(&p.thumb).dimensions(), (180, 233));
    }

    #[test]
    fn landscape_and_strip_pages_fit_the_box() {
        assert_eq!(Size::Page.of(3300, 2550), (1100, 850));
        assert_eq!(Size::Thumb.of(3300, 2550), (180, 139));
        // A strip 100 times as tall as wide: at most 3 widths tall.
        assert_eq!(Size::Page.of(400, 40_000), (33, 3300));
        assert_eq!(Size::Thumb.of(1, 1), (1, 1));
    }

    #[test]
    fn area_averaging_keeps_the_mean_and_does_not_alias() {
        for (from, to) in [(2550, 1100), (1275, 1100), (7, 3), (1100, 180)] {
            for (_, shares) in spans(from, to) {
                assert!((shares.iter().sum::<f32>() - 1.0).abs() < 1e-4, "{from} → {to}");
            }
        }
        // Black and white pixels in turn (the finest print there is): grey once reduced, never
        // stripes of black or white.
        let checker = GrayImage::from_fn(300, 300, |x, y| image::Luma([if (x + y) % 2 == 0 { 0 } else { 255 }]));
        for (size, spread) in [(150, 1), (200, 30)] {
            let out = shrink(&checker, (size, size));
            assert!(out.pixels().all(|p| p.0[0].abs_diff(128) <= spread), "{size}");
            let mean = out.pixels().map(|p| f64::from(p.0[0])).sum::<f64>() / f64::from(size * size);
            assert!((mean - 127.5).abs() < 2.0, "{size}: {mean}");
        }
    }

    #[test]
    fn sizes_are_named_thumb_or_page() {
        assert_eq!("thumb".parse::<Size>(), Ok(Size::Thumb));
        assert_eq!("page".parse::<Size>(), Ok(Size::Page));
        let e = "huge".parse::<Size>().unwrap_err();
        assert!(e.contains("size=thumb") && e.contains("'huge'"), "{e}");
    }
}
