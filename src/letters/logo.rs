//! The optional letterhead logo: a PNG decoded to raw pixels (transparency laid over white).

use super::pdf::Logo;
use printpdf::{RawImage, RawImageData, RawImageFormat};

pub fn decode_png(bytes: &[u8]) -> Result<Logo, String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| format!("the logo is not a readable PNG: {e}"))?;
    // The size is checked before the pixels are allocated.
    let (w, h) = (reader.info().width as usize, reader.info().height as usize);
    if w == 0 || h == 0 || w > 4000 || h > 4000 {
        return Err(format!("the logo is {w}×{h} pixels; use a PNG of at most 4000×4000"));
    }
    let mut buf = vec![0; reader.output_buffer_size().unwrap_or_default()];
    let info = reader.next_frame(&mut buf).map_err(|e| format!("the logo is not a readable PNG: {e}"))?;
    let px = &buf[..info.buffer_size()];
    let over_white = |c: u8, a: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
    let (pixels, format) = match info.color_type {
        png::ColorType::Grayscale => (px.to_vec(), RawImageFormat::R8),
        png::ColorType::GrayscaleAlpha => (px.chunks(2).map(|p| over_white(p[0], p[1])).collect(), RawImageFormat::R8),
        png::ColorType::Rgb => (px.to_vec(), RawImageFormat::RGB8),
        png::ColorType::Rgba => (
            px.chunks(4)
                .flat_map(|p| [over_white(p[0], p[3]), over_white(p[1], p[3]), over_white(p[2], p[3])])
                .collect(),
            RawImageFormat::RGB8,
        ),
        png::ColorType::Indexed => return Err("the logo uses a palette the decoder did not expand".into()),
    };
    Ok(Logo {
        image: RawImage { pixels: RawImageData::U8(pixels), width: w, height: h, data_format: format, tag: Vec::new() },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_rgba_over_white_and_refuses_garbage() {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, 2, 1);
            enc.set_color(png::ColorType::Rgba);
            enc.set_depth(png::BitDepth::Eight);
            let mut w = enc.write_header().unwrap();
            w.write_image_data(&[255, 0, 0, 255, 0, 0, 0, 0]).unwrap();
        }
        let logo = decode_png(&out).unwrap();
        let RawImageData::U8(px) = &logo.image.pixels else { panic!() };
        assert_eq!(px, &vec![255, 0, 0, 255, 255, 255]);
        assert!(decode_png(b"not a png").is_err());
    }
}
