//! Photos: the header is checked against the limits before a pixel is decoded, EXIF
//! orientation is applied, and every derivative is re-encoded from bare pixels, so no
//! EXIF, XMP, IPTC or GPS data can reach a public file.

use crate::sniff::{sniff, Sniffed};
use crate::{Limits, MediaError, Rendition};
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader};
use serde::Serialize;
use std::io::Cursor;
use std::path::Path;

/// Widths of the WebP derivatives; a photo is never upscaled.
pub const WEBP_WIDTHS: [u32; 4] = [320, 640, 1280, 2048];
/// Width of the JPEG fallback for browsers without WebP.
pub const FALLBACK_WIDTH: u32 = 1280;
const WEBP_QUALITY: f32 = 80.0;
const JPEG_QUALITY: u8 = 82;

/// What the header says, before decoding.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PhotoHeader {
    #[serde(serialize_with = "ser_mime")]
    pub format: Sniffed,
    /// Stored size, before orientation is applied.
    pub width: u32,
    pub height: u32,
}

fn ser_mime<S: serde::Serializer>(format: &Sniffed, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(format.mime())
}

/// What processing found and did.
#[derive(Debug, Clone, Serialize)]
pub struct PhotoInfo {
    /// Displayed size, after orientation.
    pub width: u32,
    pub height: u32,
    /// The EXIF orientation (1-8) that was applied to the pixels.
    pub orientation: u8,
    pub has_alpha: bool,
    /// Average colour as `#rrggbb`, shown while the picture loads.
    pub dominant_color: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhotoOutputs {
    pub info: PhotoInfo,
    pub renditions: Vec<Rendition>,
}

/// Reads only the header of a photo and checks format and size limits.
pub fn probe_photo(data: &[u8], limits: &Limits) -> Result<PhotoHeader, MediaError> {
    if data.is_empty() {
        return Err(MediaError::permanent("empty_file", "the file is empty"));
    }
    let format = sniff(data);
    let image_format = match format {
        Sniffed::Jpeg => ImageFormat::Jpeg,
        Sniffed::Png => ImageFormat::Png,
        Sniffed::Gif => ImageFormat::Gif,
        Sniffed::WebP => ImageFormat::WebP,
        _ => {
            return Err(MediaError::permanent(
                "unsupported_format",
                "this file is not a photo we can read; send a JPEG, PNG, WebP or GIF picture",
            ))
        }
    };
    // PNG and GIF state their size at a fixed place: check it before any decoder reads
    // further chunks, so a bomb is refused from its first few dozen bytes.
    if let Some((width, height)) = declared_size(format, data) {
        check_size(width, height, limits)?;
    }
    let mut reader = ImageReader::with_format(Cursor::new(data), image_format);
    reader.limits(decoder_limits(limits));
    let (width, height) = reader.into_dimensions().map_err(map_image_error)?;
    check_size(width, height, limits)?;
    Ok(PhotoHeader { format, width, height })
}

fn declared_size(format: Sniffed, data: &[u8]) -> Option<(u32, u32)> {
    match format {
        Sniffed::Png if data.get(12..16) == Some(b"IHDR") => {
            let w = u32::from_be_bytes(data.get(16..20)?.try_into().ok()?);
            let h = u32::from_be_bytes(data.get(20..24)?.try_into().ok()?);
            Some((w, h))
        }
        Sniffed::Gif => {
            let w = u16::from_le_bytes(data.get(6..8)?.try_into().ok()?);
            let h = u16::from_le_bytes(data.get(8..10)?.try_into().ok()?);
            Some((w.into(), h.into()))
        }
        _ => None,
    }
}

fn check_size(width: u32, height: u32, limits: &Limits) -> Result<(), MediaError> {
    if width == 0 || height == 0 {
        return Err(MediaError::permanent("corrupt_file", "the photo says it has no pixels"));
    }
    let pixels = u64::from(width) * u64::from(height);
    if width > limits.max_image_side || height > limits.max_image_side || pixels > limits.max_image_pixels {
        return Err(MediaError::permanent(
            "image_too_large",
            format!(
                "the photo is {width}x{height} pixels; the largest accepted is {} megapixels and {} pixels on a side",
                limits.max_image_pixels / 1_000_000,
                limits.max_image_side
            ),
        ));
    }
    Ok(())
}

fn decoder_limits(limits: &Limits) -> image::Limits {
    let mut l = image::Limits::default();
    l.max_image_width = Some(limits.max_image_side);
    l.max_image_height = Some(limits.max_image_side);
    l.max_alloc = Some(limits.max_image_alloc_bytes);
    l
}

fn map_image_error(err: ImageError) -> MediaError {
    match err {
        ImageError::Limits(_) => MediaError::permanent(
            "image_too_large",
            "the photo is too large to process; send a smaller picture",
        ),
        ImageError::Unsupported(_) => MediaError::permanent(
            "unsupported_format",
            "this kind of picture is not supported; send a JPEG, PNG, WebP or GIF picture",
        ),
        ImageError::IoError(e) if e.kind() != std::io::ErrorKind::UnexpectedEof => MediaError::io(e),
        _ => MediaError::permanent(
            "corrupt_file",
            "the photo file is damaged or incomplete; try sending it again from the original",
        ),
    }
}

/// A JPEG cut short (an interrupted upload, a half-copied file) decodes without error into
/// a partly grey picture, so the end-of-image marker is required after the scan data.
fn jpeg_is_complete(data: &[u8]) -> bool {
    let Some(scan_start) = data.windows(2).position(|w| w == [0xFF, 0xDA]) else {
        return false;
    };
    data[scan_start..].windows(2).any(|w| w == [0xFF, 0xD9])
}

/// Decodes a photo once and writes `w{width}.webp` derivatives and `fallback.jpg` into `out_dir`.
pub fn process_photo(data: &[u8], out_dir: &Path, limits: &Limits) -> Result<PhotoOutputs, MediaError> {
    let header = probe_photo(data, limits)?;
    if header.format == Sniffed::Jpeg && !jpeg_is_complete(data) {
        return Err(MediaError::permanent(
            "corrupt_file",
            "the photo file is incomplete (it was cut short); try sending it again from the original",
        ));
    }
    let mut reader = ImageReader::new(Cursor::new(data))
        .with_guessed_format()
        .map_err(MediaError::io)?;
    reader.limits(decoder_limits(limits));
    let mut decoder = reader.into_decoder().map_err(map_image_error)?;
    // Broken EXIF must not sink an otherwise good photo: it is shown as stored.
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(map_image_error)?;
    img.apply_orientation(orientation);

    let has_alpha = img.color().has_alpha();
    let (width, height) = (img.width(), img.height());
    let mut renditions = Vec::new();

    // Each size is scaled from the next larger one: far cheaper than from the original,
    // and indistinguishable at these ratios.
    let mut targets: Vec<u32> = WEBP_WIDTHS.iter().copied().filter(|&w| w < width).collect();
    if width <= *WEBP_WIDTHS.last().unwrap() {
        targets.push(width);
    }
    targets.sort_unstable_by(|a, b| b.cmp(a));
    let mut source = img;
    let mut fallback: Option<DynamicImage> = None;
    let fallback_width = FALLBACK_WIDTH.min(width);
    for target in targets {
        let scaled = scale_to_width(&source, target);
        renditions.push(write_webp(&scaled, out_dir, &format!("w{target}.webp"))?);
        if fallback.is_none() && target <= fallback_width {
            fallback = Some(if target == fallback_width { scaled.clone() } else { scale_to_width(&source, fallback_width) });
        }
        source = scaled;
    }
    let fallback = fallback.unwrap_or_else(|| scale_to_width(&source, fallback_width));
    renditions.push(write_jpeg(&fallback, out_dir, "fallback.jpg")?);
    let dominant_color = average_colour(&source);
    renditions.sort_by_key(|r| (r.mime, r.width));

    Ok(PhotoOutputs {
        info: PhotoInfo { width, height, orientation: exif_value(orientation), has_alpha, dominant_color },
        renditions,
    })
}

fn scale_to_width(img: &DynamicImage, width: u32) -> DynamicImage {
    if img.width() == width {
        return img.clone();
    }
    let height = ((u64::from(img.height()) * u64::from(width) + u64::from(img.width()) / 2)
        / u64::from(img.width()))
    .max(1) as u32;
    img.resize_exact(width, height, image::imageops::FilterType::CatmullRom)
}

fn write_webp(img: &DynamicImage, out_dir: &Path, name: &str) -> Result<Rendition, MediaError> {
    let (w, h) = (img.width(), img.height());
    let encoded = if img.color().has_alpha() {
        let rgba = img.to_rgba8();
        webp::Encoder::from_rgba(rgba.as_raw(), w, h).encode(WEBP_QUALITY).to_vec()
    } else {
        let rgb = img.to_rgb8();
        webp::Encoder::from_rgb(rgb.as_raw(), w, h).encode(WEBP_QUALITY).to_vec()
    };
    let path = out_dir.join(name);
    std::fs::write(&path, encoded).map_err(MediaError::io)?;
    Ok(Rendition { name: name.to_owned(), path, mime: "image/webp", width: w, height: h, duration_s: None })
}

/// Writes a baseline JPEG; transparency is flattened on white, as a page background would show it.
pub fn write_jpeg(img: &DynamicImage, out_dir: &Path, name: &str) -> Result<Rendition, MediaError> {
    let rgb = if img.color().has_alpha() {
        let rgba = img.to_rgba8();
        let mut rgb = image::RgbImage::new(rgba.width(), rgba.height());
        for (dst, src) in rgb.pixels_mut().zip(rgba.pixels()) {
            let a = u16::from(src[3]);
            for c in 0..3 {
                dst[c] = ((u16::from(src[c]) * a + 255 * (255 - a) + 127) / 255) as u8;
            }
        }
        rgb
    } else {
        img.to_rgb8()
    };
    let path = out_dir.join(name);
    let file = std::fs::File::create(&path).map_err(MediaError::io)?;
    let mut out = std::io::BufWriter::new(file);
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .encode_image(&rgb)
        .map_err(|e| MediaError::transient("encode_failed", format!("could not encode JPEG: {e}")))?;
    std::io::Write::flush(&mut out).map_err(MediaError::io)?;
    Ok(Rendition {
        name: name.to_owned(),
        path,
        mime: "image/jpeg",
        width: rgb.width(),
        height: rgb.height(),
        duration_s: None,
    })
}

fn average_colour(img: &DynamicImage) -> String {
    let small = img.thumbnail(16, 16).to_rgb8();
    let n = u64::from(small.width() * small.height()).max(1);
    let mut sum = [0u64; 3];
    for p in small.pixels() {
        for c in 0..3 {
            sum[c] += u64::from(p[c]);
        }
    }
    format!("#{:02x}{:02x}{:02x}", sum[0] / n, sum[1] / n, sum[2] / n)
}

fn exif_value(o: image::metadata::Orientation) -> u8 {
    use image::metadata::Orientation::*;
    match o {
        NoTransforms => 1,
        FlipHorizontal => 2,
        Rotate180 => 3,
        FlipVertical => 4,
        Rotate90FlipH => 5,
        Rotate90 => 6,
        Rotate270FlipH => 7,
        Rotate270 => 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_declaring(width: u32, height: u32) -> Vec<u8> {
        // A valid signature and IHDR chunk, no pixel data: a "pixel bomb" header.
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
        let mut chunk = b"IHDR".to_vec();
        chunk.extend_from_slice(&ihdr);
        let crc = crc32(&chunk);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&chunk);
        png.extend_from_slice(&crc.to_be_bytes());
        png
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    #[test]
    fn pixel_bomb_header_is_refused_before_decoding() {
        let err = probe_photo(&png_declaring(100_000, 100_000), &Limits::default()).unwrap_err();
        assert_eq!(err.code, "image_too_large");
        // 8000x8000 is within the side limit but above 40 MP.
        let err = probe_photo(&png_declaring(8000, 8000), &Limits::default()).unwrap_err();
        assert_eq!(err.code, "image_too_large");
    }

    #[test]
    fn empty_and_svg_are_refused() {
        assert_eq!(probe_photo(b"", &Limits::default()).unwrap_err().code, "empty_file");
        let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>";
        assert_eq!(probe_photo(svg, &Limits::default()).unwrap_err().code, "unsupported_format");
    }

    #[test]
    fn derivatives_are_never_upscaled_and_keep_aspect() {
        let dir = tempfile::tempdir().unwrap();
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(1000, 500, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        }));
        let mut png = Vec::new();
        img.write_to(&mut Cursor::new(&mut png), ImageFormat::Png).unwrap();
        let out = process_photo(&png, dir.path(), &Limits::default()).unwrap();
        let widths: Vec<_> = out.renditions.iter().map(|r| (r.mime, r.width, r.height)).collect();
        assert_eq!(
            widths,
            vec![("image/jpeg", 1000, 500), ("image/webp", 320, 160), ("image/webp", 640, 320), ("image/webp", 1000, 500)]
        );
        for r in &out.renditions {
            let decoded = image::open(&r.path).unwrap();
            assert_eq!((decoded.width(), decoded.height()), (r.width, r.height));
        }
    }

    #[test]
    fn truncated_jpeg_is_refused_not_grey() {
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(64, 64, |x, _| image::Rgb([x as u8 * 4, 10, 10])));
        let mut jpeg = Vec::new();
        img.write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg).unwrap();
        jpeg.truncate(jpeg.len() * 2 / 3);
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(process_photo(&jpeg, dir.path(), &Limits::default()).unwrap_err().code, "corrupt_file");
    }
}
