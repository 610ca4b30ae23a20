//! Pictures (PNG, JPEG, TIFF — one page or many) → greyscale pages, under hard limits on pixels
//! and memory, so that a small file that claims a huge picture is refused before anything is
//! allocated for it.

use image::{GrayImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The largest page decoded, in pixels: a letter-size page scanned at 600 dpi is 34 million.
pub const MAX_PIXELS: u64 = 40_000_000;
/// The most memory one page's decoding may ask for.
pub const MAX_ALLOC: u64 = 192 * 1024 * 1024;

/// Why a page did not give an image.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    /// More pixels than [`MAX_PIXELS`] (a decompression bomb, or a scan at an absurd resolution).
    #[error("a page is {width}×{height} pixels when decoded; the most PleaDesk reads is {MAX_PIXELS} pixels (a letter-size page at 600 dpi)")]
    TooLarge { width: u64, height: u64 },
    /// Damaged data or an encoding PleaDesk does not read; the page is kept and flagged.
    #[error("the page could not be read: {0}")]
    Unreadable(String),
}

/// Refuses a page larger than [`MAX_PIXELS`] (or empty) before it is decoded.
pub fn check_size(width: u64, height: u64) -> Result<(), PageError> {
    if width == 0 || height == 0 {
        return Err(PageError::Unreadable("the page has no pixels".into()));
    }
    if width.saturating_mul(height) > MAX_PIXELS {
        return Err(PageError::TooLarge { width, height });
    }
    Ok(())
}

fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_alloc = Some(MAX_ALLOC);
    l
}

fn unreadable(e: impl std::fmt::Display) -> PageError {
    PageError::Unreadable(e.to_string())
}

/// Decodes one PNG or JPEG picture to grey.
pub fn decode_picture(bytes: &[u8], format: ImageFormat) -> Result<GrayImage, PageError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    let decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => PageError::TooLarge { width: 0, height: 0 },
        other => unreadable(other),
    })?;
    let (w, h) = decoder.dimensions();
    check_size(w.into(), h.into())?;
    let picture = image::DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => PageError::TooLarge { width: w.into(), height: h.into() },
        other => unreadable(other),
    })?;
    Ok(match picture {
        image::DynamicImage::ImageLuma8(g) => g,
        other => other.into_luma8(),
    })
}

/// Decodes every page of a TIFF (1-bit CCITT G3/G4, LZW, Deflate, JPEG; grey or colour),
/// handing each to `visit` in order. An error that stops the file being read at all (its first
/// page cannot be found) is returned; a page that cannot be decoded is passed on as
/// [`PageError::Unreadable`] and the next page is tried.
pub fn tiff_pages(bytes: &[u8], visit: &mut dyn FnMut(Result<GrayImage, PageError>) -> bool) -> Result<(), PageError> {
    let mut limits = tiff::decoder::Limits::default();
    limits.decoding_buffer_size = MAX_ALLOC as usize;
    limits.intermediate_buffer_size = MAX_ALLOC as usize;
    let mut decoder = tiff::decoder::Decoder::new(Cursor::new(bytes)).map_err(unreadable)?.with_limits(limits);
    loop {
        if !visit(tiff_page(&mut decoder)) {
            return Ok(());
        }
        if !decoder.more_images() {
            return Ok(());
        }
        if let Err(e) = decoder.next_image() {
            visit(Err(unreadable(e)));
            return Ok(());
        }
    }
}

fn tiff_page(decoder: &mut tiff::decoder::Decoder<Cursor<&[u8]>>) -> Result<GrayImage, PageError> {
    use tiff::decoder::DecodingResult;
    use tiff::ColorType;
    let (w, h) = decoder.dimensions().map_err(unreadable)?;
    check_size(w.into(), h.into())?;
    let color = decoder.colortype().map_err(unreadable)?;
    let data = decoder.read_image().map_err(|e| match e {
        tiff::TiffError::LimitsExceeded => PageError::TooLarge { width: w.into(), height: h.into() },
        other => unreadable(other),
    })?;
    let (wu, hu) = (w as usize, h as usize);
    let grey: Vec<u8> = match (color, data) {
        (ColorType::Gray(1), DecodingResult::U8(bits)) => unpack_bits(&bits, wu, hu),
        (ColorType::Gray(8), DecodingResult::U8(v)) => v,
        (ColorType::Gray(16), DecodingResult::U16(v)) => v.iter().map(|s| (s >> 8) as u8).collect(),
        (ColorType::RGB(8), DecodingResult::U8(v)) => v.chunks_exact(3).map(|p| luma(p[0], p[1], p[2])).collect(),
        (ColorType::RGBA(8), DecodingResult::U8(v)) => v.chunks_exact(4).map(|p| luma(p[0], p[1], p[2])).collect(),
        (other, _) => return Err(PageError::Unreadable(format!("TIFF pages of type {other:?} are not read"))),
    };
    GrayImage::from_raw(w, h, grey).ok_or_else(|| unreadable("the TIFF page's data is shorter than its size"))
}

/// 1-bit rows (each padded to a whole byte, 0 = black) → one byte per pixel.
pub fn unpack_bits(bits: &[u8], width: usize, height: usize) -> Vec<u8> {
    let stride = width.div_ceil(8);
    let mut out = Vec::with_capacity(width * height);
    for row in bits.chunks(stride).take(height) {
        for x in 0..width {
            let byte = row.get(x / 8).copied().unwrap_or(0xFF);
            out.push(if byte & (0x80 >> (x % 8)) != 0 { 255 } else { 0 });
        }
    }
    out
}

/// ITU-R BT.601 luma, as the image crate computes it.
pub fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 2126 + u32::from(g) * 7152 + u32::from(b) * 722) / 10000) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_page_is_refused_before_decoding() {
        assert_eq!(check_size(50_000, 50_000), Err(PageError::TooLarge { width: 50_000, height: 50_000 }));
        assert!(check_size(2550, 3300).is_ok());
        assert!(matches!(check_size(0, 10), Err(PageError::Unreadable(_))));
    }

    #[test]
    fn bits_unpack_row_by_row() {
        // 10 pixels wide: two bytes a row, the last 6 bits padding.
        let px = unpack_bits(&[0b1010_0000, 0b1100_0000, 0xFF, 0x00], 10, 2);
        assert_eq!(&px[..10], &[255, 0, 255, 0, 0, 0, 0, 0, 255, 255]);
        assert_eq!(&px[10..], &[255, 255, 255, 255, 255, 255, 255, 255, 0, 0]);
    }
}
