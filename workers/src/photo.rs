//! Photos: the header is checked against the limits before a pixel is decoded, EXIF
//! orientation is applied, colours are converted to sRGB through any embedded ICC
//! profile, and every derivative is re-encoded from bare pixels, so no EXIF, XMP, IPTC,
//! GPS or ICC data can reach a public file.
//!
//! Outputs are untagged sRGB: browsers treat untagged images as sRGB, so converting the
//! pixels and writing no profile shows the same colours as the original and leaves
//! nothing in the file that could identify the camera or the editing software.
//!
//! Accepted inputs: JPEG (baseline, progressive, greyscale, CMYK), PNG (any depth,
//! palette, APNG's default image), WebP (lossy, lossless, first frame of an animation),
//! GIF (first frame only), TIFF, BMP and HEIC/HEIF/AVIF (through libheif).

use crate::headers::{declared_size, gif_first_frame_extent, jpeg_header};
use crate::sniff::{sniff, Sniffed};
use crate::privacy::{self, HeifMetadata, Receipt};
use crate::{colour, exif, heif, placeholder, Limits, MediaError, Rendition};
use fast_image_resize as fr;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader};
use serde::Serialize;
use std::io::Cursor;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Widths of the WebP derivatives; a photo is never upscaled.
pub const WEBP_WIDTHS: [u32; 4] = [320, 640, 1280, 2048];
/// Width of the JPEG fallback for browsers without WebP.
pub const FALLBACK_WIDTH: u32 = 1280;
/// The placeholder is computed from a thumbnail fitting in this square (ThumbHash's limit).
const PLACEHOLDER_SIDE: u32 = 100;
const WEBP_QUALITY: f32 = 80.0;
const JPEG_QUALITY: u8 = 82;
/// Most threads one photo's encoders use; the service runs several photos at once.
const MAX_ENCODE_THREADS: usize = 2;

/// What the header says, before decoding.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PhotoHeader {
    #[serde(serialize_with = "ser_mime")]
    pub format: Sniffed,
    /// Stored size, before EXIF orientation is applied (HEIF: as displayed).
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
    /// Whether some pixel is not fully opaque.
    pub has_alpha: bool,
    /// Average colour as `#rrggbb` (over white), shown while the picture loads.
    pub dominant_color: String,
    /// A ThumbHash of the picture in standard base64 (about 30 characters): a blurred
    /// preview with the right aspect ratio, decoded by the page while the picture loads.
    pub placeholder: String,
    /// Whether the pixels were converted to sRGB through an embedded ICC profile.
    pub colour_converted: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhotoOutputs {
    pub info: PhotoInfo,
    pub renditions: Vec<Rendition>,
    /// What identifying metadata the original carried, and that no derivative has any.
    pub privacy: Receipt,
}

/// Interleaved 8-bit pixels: RGB (3 channels) or RGBA (4).
struct Bitmap {
    width: u32,
    height: u32,
    channels: usize,
    data: Vec<u8>,
}

impl Bitmap {
    fn pixel_type(&self) -> fr::PixelType {
        if self.channels == 4 {
            fr::PixelType::U8x4
        } else {
            fr::PixelType::U8x3
        }
    }
}

const UNSUPPORTED: &str =
    "this file is not a photo we can read; send a JPEG, PNG, WebP, GIF, TIFF, BMP or HEIC picture";

fn incomplete_header() -> MediaError {
    MediaError::permanent(
        "corrupt_file",
        "the photo's header is damaged or incomplete; try sending it again from the original",
    )
}

/// Reads only the header of a photo and checks format and size limits. Nothing is
/// decoded: every format's size is read by hand from where its header states it.
pub fn probe_photo(data: &[u8], limits: &Limits) -> Result<PhotoHeader, MediaError> {
    if data.is_empty() {
        return Err(MediaError::permanent("empty_file", "the file is empty"));
    }
    let format = sniff(data);
    if !format.is_photo() {
        return Err(MediaError::permanent("unsupported_format", UNSUPPORTED));
    }
    let (width, height) = match format {
        Sniffed::Heif => heif::size(data)?,
        _ => declared_size(format, data).ok_or_else(incomplete_header)?,
    };
    check_size(width, height, limits)?;
    if format == Sniffed::Gif {
        if let Some((reach_w, reach_h)) = gif_first_frame_extent(data) {
            check_size(reach_w.max(width), reach_h.max(height), limits)?;
        }
    }
    Ok(PhotoHeader { format, width, height })
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

fn corrupt() -> MediaError {
    MediaError::permanent(
        "corrupt_file",
        "the photo file is damaged or incomplete; try sending it again from the original",
    )
}

fn map_image_error(err: ImageError) -> MediaError {
    match err {
        ImageError::Limits(_) => MediaError::permanent(
            "image_too_large",
            "the photo is too large to process; send a smaller picture",
        ),
        ImageError::Unsupported(_) => MediaError::permanent(
            "unsupported_format",
            "this kind of picture is not supported; send a JPEG, PNG or WebP picture",
        ),
        ImageError::IoError(e) if e.kind() != std::io::ErrorKind::UnexpectedEof => MediaError::io(e),
        _ => corrupt(),
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

/// Pixels as stored, the orientation to apply and the ICC profile they are described by.
struct Decoded {
    bitmap: Bitmap,
    orientation: u8,
    icc: Option<Vec<u8>>,
}

fn decode(header: &PhotoHeader, data: &[u8], limits: &Limits) -> Result<Decoded, MediaError> {
    let decoded = match header.format {
        Sniffed::Jpeg => decode_jpeg(data, limits)?,
        Sniffed::Heif => {
            let (width, height, channels, pixels, icc) = heif::decode(data)?;
            // libheif has applied the container's rotation: check what came out.
            check_size(width, height, limits)?;
            Decoded { bitmap: Bitmap { width, height, channels, data: pixels }, orientation: 1, icc }
        }
        format => decode_with_image(format, data, limits)?,
    };
    let b = &decoded.bitmap;
    let consistent = b.data.len() as u64 == u64::from(b.width) * u64::from(b.height) * b.channels as u64
        && (header.format == Sniffed::Heif || (b.width, b.height) == (header.width, header.height));
    if !consistent {
        return Err(corrupt());
    }
    Ok(decoded)
}

fn decode_jpeg(data: &[u8], limits: &Limits) -> Result<Decoded, MediaError> {
    use zune_jpeg::zune_core::{bytestream::ZCursor, colorspace::ColorSpace, options::DecoderOptions};
    if !jpeg_is_complete(data) {
        return Err(MediaError::permanent(
            "corrupt_file",
            "the photo file is incomplete (it was cut short); try sending it again from the original",
        ));
    }
    let header = jpeg_header(data).ok_or_else(incomplete_header)?;
    // Orientation comes from our own bounded EXIF reader; broken EXIF means "as stored".
    let orientation = header.exif.as_deref().and_then(exif::orientation).unwrap_or(1);
    // Four components are CMYK unless Adobe's marker says YCCK, which the decoder turns
    // into RGB itself; CMYK is kept as decoded so a CMYK profile can be applied.
    let cmyk = header.components == 4 && header.adobe_transform != Some(2);
    let options = DecoderOptions::default()
        .set_max_width(limits.max_image_side as usize)
        .set_max_height(limits.max_image_side as usize)
        .jpeg_set_out_colorspace(if cmyk { ColorSpace::CMYK } else { ColorSpace::RGB });
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(data), options);
    let pixels = decoder.decode().map_err(|e| {
        tracing::debug!("jpeg: {e:?}");
        corrupt()
    })?;
    let (width, height) = (header.width, header.height);
    let (pixels, icc) = if cmyk {
        if pixels.len() != width as usize * height as usize * 4 {
            return Err(corrupt());
        }
        // The CMYK profile is consumed here; what comes out is sRGB.
        (colour::cmyk_to_srgb(&pixels, header.icc.as_deref()), None)
    } else {
        (pixels, header.icc)
    };
    Ok(Decoded { bitmap: Bitmap { width, height, channels: 3, data: pixels }, orientation, icc })
}

fn decode_with_image(format: Sniffed, data: &[u8], limits: &Limits) -> Result<Decoded, MediaError> {
    let image_format = match format {
        Sniffed::Png => ImageFormat::Png,
        Sniffed::Gif => ImageFormat::Gif,
        Sniffed::WebP => ImageFormat::WebP,
        Sniffed::Tiff => ImageFormat::Tiff,
        Sniffed::Bmp => ImageFormat::Bmp,
        _ => return Err(MediaError::permanent("unsupported_format", UNSUPPORTED)),
    };
    let mut reader = ImageReader::with_format(Cursor::new(data), image_format);
    reader.limits(decoder_limits(limits));
    let mut decoder = reader.into_decoder().map_err(map_image_error)?;
    let (width, height) = decoder.dimensions();
    check_size(width, height, limits)?;
    // Metadata that cannot be read is ignored: it must not sink an otherwise good photo.
    let icc = decoder.icc_profile().ok().flatten();
    let orientation = match format {
        Sniffed::Tiff => exif::orientation(data),
        _ => decoder.exif_metadata().ok().flatten().as_deref().and_then(exif::orientation_from_exif),
    }
    .unwrap_or(1);
    // `from_decoder` reads one image: the first frame of a GIF or animated WebP, the
    // default image of an APNG, the first page of a TIFF.
    let img = DynamicImage::from_decoder(decoder).map_err(map_image_error)?;
    let (width, height) = (img.width(), img.height());
    let bitmap = if img.color().has_alpha() {
        Bitmap { width, height, channels: 4, data: img.into_rgba8().into_raw() }
    } else {
        Bitmap { width, height, channels: 3, data: img.into_rgb8().into_raw() }
    };
    Ok(Decoded { bitmap, orientation, icc })
}

/// Drops an alpha channel in which every pixel is opaque, in place.
fn drop_opaque_alpha(b: &mut Bitmap) {
    if b.channels != 4 || b.data.chunks_exact(4).any(|p| p[3] != 255) {
        return;
    }
    let n = b.data.len() / 4;
    for i in 0..n {
        let (src, dst) = (i * 4, i * 3);
        b.data.copy_within(src..src + 3, dst);
    }
    b.data.truncate(n * 3);
    b.data.shrink_to_fit();
    b.channels = 3;
}

/// Applies an EXIF orientation (1-8), returning the pixels as they are meant to be seen.
fn orient(b: Bitmap, orientation: u8) -> Bitmap {
    if !(2..=8).contains(&orientation) {
        return b;
    }
    let (w, h, c) = (b.width as usize, b.height as usize, b.channels);
    let (ow, oh) = if orientation >= 5 { (h, w) } else { (w, h) };
    let mut out = vec![0u8; b.data.len()];
    for (y, row) in out.chunks_exact_mut(ow * c).enumerate() {
        for (x, px) in row.chunks_exact_mut(c).enumerate() {
            let (sx, sy) = match orientation {
                2 => (w - 1 - x, y),
                3 => (w - 1 - x, h - 1 - y),
                4 => (x, h - 1 - y),
                5 => (y, x),
                6 => (y, h - 1 - x),
                7 => (w - 1 - y, h - 1 - x),
                _ => (w - 1 - y, x),
            };
            let at = (sy * w + sx) * c;
            px.copy_from_slice(&b.data[at..at + c]);
        }
    }
    Bitmap { width: ow as u32, height: oh as u32, channels: c, data: out }
}

/// Height at `width` keeping the displayed picture's aspect ratio (computed from the
/// full size, so chained resizes do not accumulate rounding).
fn scaled_height(full_width: u32, full_height: u32, width: u32) -> u32 {
    ((u64::from(full_height) * u64::from(width) + u64::from(full_width) / 2) / u64::from(full_width)).max(1) as u32
}

/// Lanczos3 (as libvips and sharp use), SIMD; transparency is resized premultiplied.
fn resize(resizer: &mut fr::Resizer, src: &Bitmap, width: u32, height: u32) -> Bitmap {
    let pt = src.pixel_type();
    let view = fr::images::ImageRef::new(src.width, src.height, &src.data, pt).expect("buffer matches size");
    let mut dst = fr::images::Image::new(width, height, pt);
    resizer.resize(&view, &mut dst, &fr::ResizeOptions::new()).expect("same pixel type and valid sizes");
    Bitmap { width, height, channels: src.channels, data: dst.into_vec() }
}

/// Decodes a photo once and writes `w{width}.webp` derivatives and `fallback.jpg` into `out_dir`.
pub fn process_photo(data: &[u8], out_dir: &Path, limits: &Limits) -> Result<PhotoOutputs, MediaError> {
    let header = probe_photo(data, limits)?;
    let Decoded { mut bitmap, orientation, icc } = decode(&header, data, limits)?;
    let heif_metadata = if header.format == Sniffed::Heif { heif::metadata(data) } else { HeifMetadata::default() };
    let found = privacy::in_photo(data, header.format, orientation, &heif_metadata);
    let colour_converted = match &icc {
        Some(icc) => colour::rgb_to_srgb(&mut bitmap.data, bitmap.width as usize, bitmap.channels, icc),
        None => false,
    };
    drop_opaque_alpha(&mut bitmap);
    let source = orient(bitmap, orientation);
    let has_alpha = source.channels == 4;
    let (width, height) = (source.width, source.height);

    // Each size is scaled from the next larger one: far cheaper than from the original,
    // and indistinguishable at these ratios.
    let mut targets: Vec<u32> = WEBP_WIDTHS.iter().copied().filter(|&w| w < width).collect();
    if width <= *WEBP_WIDTHS.last().unwrap() {
        targets.push(width);
    }
    targets.sort_unstable_by(|a, b| b.cmp(a));
    let fallback_width = FALLBACK_WIDTH.min(width);

    let mut resizer = fr::Resizer::new();
    let mut levels: Vec<Bitmap> = Vec::with_capacity(targets.len());
    let mut source = Some(source);
    for &target in &targets {
        // Targets are distinct and decreasing: only the first can equal the source width.
        let level = match (levels.last(), source.take()) {
            (_, Some(full)) if full.width == target => full,
            (_, Some(full)) => resize(&mut resizer, &full, target, scaled_height(width, height, target)),
            (Some(prev), None) => resize(&mut resizer, prev, target, scaled_height(width, height, target)),
            (None, None) => unreachable!("the source is taken once"),
        };
        levels.push(level);
    }

    // The placeholder comes from the smallest derivative.
    let smallest = levels.last().expect("at least one size");
    let scale = f64::from(PLACEHOLDER_SIDE) / f64::from(smallest.width.max(smallest.height));
    let (tw, th) = if scale < 1.0 {
        (((f64::from(smallest.width) * scale).round() as u32).max(1), ((f64::from(smallest.height) * scale).round() as u32).max(1))
    } else {
        (smallest.width, smallest.height)
    };
    let thumb = if (tw, th) == (smallest.width, smallest.height) {
        Bitmap { data: smallest.data.clone(), ..*smallest }
    } else {
        resize(&mut resizer, smallest, tw, th)
    };
    let thumb_rgba: Vec<u8> = if thumb.channels == 4 {
        thumb.data
    } else {
        thumb.data.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect()
    };
    let placeholder = placeholder::thumbhash_base64(tw as usize, th as usize, &thumb_rgba);
    let dominant_color = placeholder::average_colour(&thumb_rgba);

    // Encode in parallel, largest first. Every job writes a whole file; none carries
    // metadata, since the encoders are given nothing but pixels.
    let fallback_level = targets.iter().position(|&t| t == fallback_width).expect("fallback size is a target");
    let mut jobs: Vec<(usize, bool)> = (0..levels.len()).map(|i| (i, false)).collect();
    jobs.push((fallback_level, true));
    jobs.sort_by_key(|&(i, _)| std::cmp::Reverse(u64::from(levels[i].width) * u64::from(levels[i].height)));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Result<Rendition, MediaError>>> = Mutex::new(Vec::new());
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(&(level, jpeg)) = jobs.get(i) else { break };
        let b = &levels[level];
        let result = if jpeg {
            write_jpeg(b, out_dir, "fallback.jpg")
        } else {
            write_webp(b, out_dir, &format!("w{}.webp", b.width))
        };
        results.lock().unwrap_or_else(|e| e.into_inner()).push(result);
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(MAX_ENCODE_THREADS).min(jobs.len());
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(work);
        }
        work();
    });
    let mut renditions = results.into_inner().unwrap_or_else(|e| e.into_inner()).into_iter().collect::<Result<Vec<_>, _>>()?;
    renditions.sort_by_key(|r| (r.mime, r.width));
    let public_files_clean = files_are_clean(&renditions)?;

    Ok(PhotoOutputs {
        info: PhotoInfo { width, height, orientation, has_alpha, dominant_color, placeholder, colour_converted },
        renditions,
        privacy: Receipt { found, public_files_clean },
    })
}

/// Reads back every picture written and checks it carries no metadata: checked, not
/// assumed, so an encoder that starts writing some is caught before anything is public.
pub(crate) fn files_are_clean(renditions: &[Rendition]) -> Result<bool, MediaError> {
    for r in renditions {
        if !privacy::photo_file_is_clean(&std::fs::read(&r.path).map_err(MediaError::io)?) {
            tracing::error!(file = %r.name, "a derivative carries metadata");
            return Ok(false);
        }
    }
    Ok(true)
}

fn write_webp(b: &Bitmap, out_dir: &Path, name: &str) -> Result<Rendition, MediaError> {
    let encoder = if b.channels == 4 {
        webp::Encoder::from_rgba(&b.data, b.width, b.height)
    } else {
        webp::Encoder::from_rgb(&b.data, b.width, b.height)
    };
    let encoded = encoder.encode(WEBP_QUALITY);
    let path = out_dir.join(name);
    std::fs::write(&path, &*encoded).map_err(MediaError::io)?;
    Ok(Rendition { name: name.to_owned(), path, mime: "image/webp", width: b.width, height: b.height, duration_s: None })
}

/// Writes a baseline JPEG; transparency is flattened on white, as a page background would show it.
fn write_jpeg(b: &Bitmap, out_dir: &Path, name: &str) -> Result<Rendition, MediaError> {
    let flattened;
    let rgb: &[u8] = if b.channels == 4 {
        flattened = b
            .data
            .chunks_exact(4)
            .flat_map(|p| {
                let a = u16::from(p[3]);
                let over_white = |c: u8| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
                [over_white(p[0]), over_white(p[1]), over_white(p[2])]
            })
            .collect::<Vec<u8>>();
        &flattened
    } else {
        &b.data
    };
    let path = out_dir.join(name);
    let file = std::fs::File::create(&path).map_err(MediaError::io)?;
    let mut out = std::io::BufWriter::new(file);
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .encode(rgb, b.width, b.height, image::ExtendedColorType::Rgb8)
        .map_err(|e| MediaError::transient("encode_failed", format!("could not encode JPEG: {e}")))?;
    std::io::Write::flush(&mut out).map_err(MediaError::io)?;
    Ok(Rendition { name: name.to_owned(), path, mime: "image/jpeg", width: b.width, height: b.height, duration_s: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bitmap(w: u32, h: u32) -> Bitmap {
        // Each pixel's value encodes its position: (x, y, 0).
        let data = (0..h).flat_map(|y| (0..w).flat_map(move |x| [x as u8, y as u8, 0])).collect();
        Bitmap { width: w, height: h, channels: 3, data }
    }

    fn at(b: &Bitmap, x: u32, y: u32) -> (u8, u8) {
        let i = ((y * b.width + x) * 3) as usize;
        (b.data[i], b.data[i + 1])
    }

    #[test]
    fn each_orientation_puts_the_stored_top_left_pixel_where_exif_says() {
        // Where stored (0,0) lands once displayed, for a 3x2 stored image.
        let expected = [(1, (0, 0)), (2, (2, 0)), (3, (2, 1)), (4, (0, 1)), (5, (0, 0)), (6, (1, 0)), (7, (1, 2)), (8, (0, 2))];
        for (o, (x, y)) in expected {
            let out = orient(bitmap(3, 2), o);
            let dims = if o >= 5 { (2, 3) } else { (3, 2) };
            assert_eq!((out.width, out.height), dims, "orientation {o}");
            assert_eq!(at(&out, x, y), (0, 0), "orientation {o}");
        }
    }

    #[test]
    fn opaque_alpha_is_dropped_and_real_alpha_kept() {
        let mut b = Bitmap { width: 2, height: 1, channels: 4, data: vec![1, 2, 3, 255, 4, 5, 6, 255] };
        drop_opaque_alpha(&mut b);
        assert_eq!((b.channels, b.data), (3, vec![1, 2, 3, 4, 5, 6]));
        let mut b = Bitmap { width: 1, height: 1, channels: 4, data: vec![1, 2, 3, 254] };
        drop_opaque_alpha(&mut b);
        assert_eq!(b.channels, 4);
    }
}
