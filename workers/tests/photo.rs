//! The photo engine end to end: every input is made at test time (by the `image` crate,
//! by hand, or by FFmpeg, ImageMagick and libheif's `heif-enc` for what `image` cannot
//! write), and outputs are judged by their decoded pixels and chunks, never their bytes.

use image::{DynamicImage, ImageEncoder, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use piazza_workers::photo::{probe_photo, process_photo, PhotoOutputs};
use piazza_workers::{Limits, MediaError};
use std::io::Cursor;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const RED: [u8; 3] = [220, 30, 30];
const GREEN: [u8; 3] = [30, 200, 40];
const BLUE: [u8; 3] = [30, 40, 210];
const WHITE: [u8; 3] = [250, 250, 250];

// ---------------------------------------------------------------------------------------
// Making inputs

fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

/// Four flat quadrants: red top-left, green top-right, blue bottom-left, white bottom-right.
fn quadrants(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        Rgb(match (x < w / 2, y < h / 2) {
            (true, true) => RED,
            (false, true) => GREEN,
            (true, false) => BLUE,
            (false, false) => WHITE,
        })
    })
}

fn flat(w: u32, h: u32, c: [u8; 3]) -> RgbImage {
    RgbImage::from_pixel(w, h, Rgb(c))
}

/// Runs a command-line tool that writes `out` in a temp dir and returns its bytes.
fn with_tool(program: &str, args: &[&str], inputs: &[(&str, &[u8])], out: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in inputs {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let status = Command::new(program)
        .args(args)
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("{program} is needed to make this test's input (scripts/setup-system installs it): {e}"));
    assert!(status.success(), "{program} {args:?} failed");
    std::fs::read(dir.path().join(out)).unwrap()
}

/// ImageMagick 6 from Debian (not any `convert` stand-in earlier on the PATH).
fn magick(args: &[&str], inputs: &[(&str, &[u8])], out: &str) -> Vec<u8> {
    let program = if Path::new("/usr/bin/convert-im6.q16").exists() { "/usr/bin/convert-im6.q16" } else { "convert" };
    with_tool(program, args, inputs, out)
}

fn ffmpeg(args: &[&str], inputs: &[(&str, &[u8])], out: &str) -> Vec<u8> {
    let mut all = vec!["-hide_banner", "-loglevel", "error", "-y"];
    all.extend_from_slice(args);
    with_tool("ffmpeg", &all, inputs, out)
}

/// Splices a marker segment right after a JPEG's start-of-image marker.
fn with_jpeg_segment(jpeg: &[u8], marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A big-endian TIFF structure whose IFD0 holds an orientation and a GPS pointer, then a
/// GPS directory with a latitude: what a phone writes.
fn exif_block(orientation: u16) -> Vec<u8> {
    let mut t = b"Exif\0\0MM\0\x2A\0\0\0\x08".to_vec();
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        t.extend_from_slice(&tag.to_be_bytes());
        t.extend_from_slice(&kind.to_be_bytes());
        t.extend_from_slice(&count.to_be_bytes());
        t.extend_from_slice(&value);
    };
    t.extend_from_slice(&2u16.to_be_bytes());
    let o = orientation.to_be_bytes();
    entry(&mut t, 0x0112, 3, 1, [o[0], o[1], 0, 0]);
    entry(&mut t, 0x8825, 4, 1, 38u32.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    t.extend_from_slice(&1u16.to_be_bytes());
    entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0");
    t.extend_from_slice(&0u32.to_be_bytes());
    t
}

fn jpeg_with_orientation(img: &RgbImage, orientation: u16) -> Vec<u8> {
    with_jpeg_segment(&encode(&DynamicImage::ImageRgb8(img.clone()), ImageFormat::Jpeg), 0xE1, &exif_block(orientation))
}


fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32fast::hash(&body).to_be_bytes());
}

/// A PNG stating a size in its IHDR, followed by a few hundred bytes of junk IDAT.
fn png_declaring(width: u32, height: u32, colour_type: u8) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, colour_type, 0, 0, 0]);
    png_chunk(&mut png, b"IHDR", &ihdr);
    png_chunk(&mut png, b"IDAT", &[0x78, 0x9C, 0xED, 0xC1, 0x01, 0x0D, 0x00, 0x00, 0x00, 0xC2, 0xA0].repeat(30));
    png_chunk(&mut png, b"IEND", &[]);
    png
}

fn display_p3() -> Vec<u8> {
    moxcms::ColorProfile::new_display_p3().encode().unwrap()
}

fn adobe_rgb() -> Vec<u8> {
    moxcms::ColorProfile::new_adobe_rgb().encode().unwrap()
}

// ---------------------------------------------------------------------------------------
// Judging outputs

fn process(data: &[u8]) -> (tempfile::TempDir, PhotoOutputs) {
    let dir = tempfile::tempdir().unwrap();
    let out = process_photo(data, dir.path(), &Limits::default()).unwrap_or_else(|e| panic!("refused: {e}"));
    (dir, out)
}

fn refusal(data: &[u8]) -> MediaError {
    let dir = tempfile::tempdir().unwrap();
    match process_photo(data, dir.path(), &Limits::default()) {
        Ok(_) => panic!("accepted a file that should be refused"),
        Err(e) => e,
    }
}

/// The largest WebP rendition, decoded.
fn largest_webp(out: &PhotoOutputs) -> RgbaImage {
    let r = out.renditions.iter().filter(|r| r.mime == "image/webp").max_by_key(|r| r.width).unwrap();
    image::open(&r.path).unwrap().to_rgba8()
}

fn fallback_jpeg(out: &PhotoOutputs) -> RgbaImage {
    let r = out.renditions.iter().find(|r| r.name == "fallback.jpg").unwrap();
    image::open(&r.path).unwrap().to_rgba8()
}

/// Colour at a fraction of the picture's width and height.
fn at(img: &RgbaImage, fx: f32, fy: f32) -> [u8; 4] {
    let x = ((img.width() as f32 * fx) as u32).min(img.width() - 1);
    let y = ((img.height() as f32 * fy) as u32).min(img.height() - 1);
    img.get_pixel(x, y).0
}

#[track_caller]
fn assert_colour(actual: [u8; 4], expected: [u8; 3], tolerance: u8) {
    let close = (0..3).all(|c| actual[c].abs_diff(expected[c]) <= tolerance);
    assert!(close, "colour {actual:?} is not within {tolerance} of {expected:?}");
}

/// Colours at the centres of the four quadrants: top-left, top-right, bottom-left, bottom-right.
#[track_caller]
fn assert_quadrants(img: &RgbaImage, expected: [[u8; 3]; 4], tolerance: u8) {
    let points = [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)];
    for ((fx, fy), colour) in points.into_iter().zip(expected) {
        assert_colour(at(img, fx, fy), colour, tolerance);
    }
}

fn webp_chunk_ids(bytes: &[u8]) -> Vec<String> {
    let mut ids = Vec::new();
    let mut pos = 12;
    while pos + 8 <= bytes.len() {
        ids.push(String::from_utf8_lossy(&bytes[pos..pos + 4]).into_owned());
        let len = u32::from_le_bytes(bytes[pos + 4..pos + 8].try_into().unwrap()) as usize;
        pos += 8 + len + (len & 1);
    }
    ids
}

fn jpeg_markers_before_scan(bytes: &[u8]) -> Vec<u8> {
    let mut markers = Vec::new();
    let mut pos = 2;
    while pos + 4 <= bytes.len() && bytes[pos] == 0xFF {
        let marker = bytes[pos + 1];
        markers.push(marker);
        if marker == 0xDA {
            break;
        }
        pos += 2 + u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]) as usize;
    }
    markers
}

fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = s.bytes().filter(|&c| c != b'=').map(value).collect();
    let mut out = Vec::new();
    for group in digits.chunks(4) {
        let n = group.iter().enumerate().fold(0u32, |n, (i, &d)| n | u32::from(d) << (18 - 6 * i));
        out.extend_from_slice(&n.to_be_bytes()[1..group.len()]);
    }
    out
}

// ---------------------------------------------------------------------------------------
// JPEG

#[test]
fn baseline_progressive_and_greyscale_jpegs_keep_their_colours() {
    let img = DynamicImage::ImageRgb8(quadrants(160, 120));
    let baseline = encode(&img, ImageFormat::Jpeg);
    let (_d, out) = process(&baseline);
    assert_quadrants(&largest_webp(&out), [RED, GREEN, BLUE, WHITE], 12);

    let png = encode(&img, ImageFormat::Png);
    let progressive = magick(&["in.png", "-interlace", "JPEG", "-quality", "92", "out.jpg"], &[("in.png", &png)], "out.jpg");
    assert!(jpeg_markers_before_scan(&progressive).contains(&0xC2), "input is not progressive");
    let (_d, out) = process(&progressive);
    assert_eq!((out.info.width, out.info.height), (160, 120));
    assert_quadrants(&largest_webp(&out), [RED, GREEN, BLUE, WHITE], 12);

    let grey = DynamicImage::ImageLuma8(image::GrayImage::from_fn(100, 80, |x, _| image::Luma([if x < 50 { 40 } else { 200 }])));
    let (_d, out) = process(&encode(&grey, ImageFormat::Jpeg));
    let webp = largest_webp(&out);
    assert_colour(at(&webp, 0.2, 0.5), [40, 40, 40], 6);
    assert_colour(at(&webp, 0.8, 0.5), [200, 200, 200], 6);
}

#[test]
fn every_exif_orientation_is_applied_to_pixels_and_size() {
    let [r, g, b, w] = [RED, GREEN, BLUE, WHITE];
    // Stored top-left red, top-right green, bottom-left blue, bottom-right white; here is
    // what each orientation must display (EXIF 2.32, tag 0x0112).
    let expected = [
        (1, [r, g, b, w]),
        (2, [g, r, w, b]), // mirrored left-right
        (3, [w, b, g, r]), // turned 180°
        (4, [b, w, r, g]), // mirrored top-bottom
        (5, [r, b, g, w]), // transposed
        (6, [b, r, w, g]), // turned 90° clockwise
        (7, [w, g, b, r]), // transversed
        (8, [g, w, r, b]), // turned 90° anticlockwise
    ];
    let stored = quadrants(120, 80);
    for (orientation, quads) in expected {
        let (_d, out) = process(&jpeg_with_orientation(&stored, orientation));
        assert_eq!(out.info.orientation, orientation as u8);
        let size = if orientation >= 5 { (80, 120) } else { (120, 80) };
        assert_eq!((out.info.width, out.info.height), size, "orientation {orientation}");
        let webp = largest_webp(&out);
        assert_eq!(webp.dimensions(), size, "orientation {orientation}");
        assert_quadrants(&webp, quads, 14);
    }
}

#[test]
fn broken_exif_does_not_fail_the_photo() {
    let img = encode(&DynamicImage::ImageRgb8(flat(64, 48, RED)), ImageFormat::Jpeg);
    let hostile: Vec<Vec<u8>> = vec![
        b"Exif\0\0".to_vec(),
        b"Exif\0\0II*\0\xff\xff\xff\xff".to_vec(),
        // 65535 entries claimed, a handful present.
        b"Exif\0\0MM\0*\0\0\0\x08\xff\xff\x01\x12\0\x03\0\0\0\x01".to_vec(),
        b"Exif\0\0garbage that is no TIFF header at all".to_vec(),
        exif_block(9),
        exif_block(6)[..20].to_vec(),
    ];
    for exif in hostile {
        let (_d, out) = process(&with_jpeg_segment(&img, 0xE1, &exif));
        assert_eq!(out.info.orientation, 1);
        assert_eq!((out.info.width, out.info.height), (64, 48));
    }
}

#[test]
fn exif_of_a_jpeg_declaring_too_many_pixels_is_never_reached() {
    // A frame header of 60000x60000 (3.6 gigapixels) behind a valid EXIF block: refused
    // from the header, before orientation or pixels are read.
    let mut jpeg = b"\xFF\xD8".to_vec();
    let exif = exif_block(6);
    jpeg.extend_from_slice(&[0xFF, 0xE1]);
    jpeg.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    jpeg.extend_from_slice(&exif);
    jpeg.extend_from_slice(b"\xFF\xC0\x00\x11\x08\xEA\x60\xEA\x60\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01");
    jpeg.extend_from_slice(b"\xFF\xDA\x00\x0C\x03\x01\x00\x02\x11\x03\x11\x00\x3F\x00");
    jpeg.extend_from_slice(&[0u8; 200]);
    jpeg.extend_from_slice(b"\xFF\xD9");
    let started = Instant::now();
    assert_eq!(probe_photo(&jpeg, &Limits::default()).unwrap_err().code, "image_too_large");
    assert_eq!(refusal(&jpeg).code, "image_too_large");
    assert!(started.elapsed() < Duration::from_millis(100));
}

#[test]
fn cmyk_jpeg_comes_out_with_the_right_colours() {
    let png = encode(&DynamicImage::ImageRgb8(quadrants(96, 64)), ImageFormat::Png);
    let cmyk = magick(&["in.png", "-colorspace", "CMYK", "-quality", "95", "out.jpg"], &[("in.png", &png)], "out.jpg");
    // Four components in the frame header: really CMYK.
    let sof = cmyk.windows(2).position(|w| w == [0xFF, 0xC0] || w == [0xFF, 0xC1]).unwrap();
    assert_eq!(cmyk[sof + 9], 4);
    let (_d, out) = process(&cmyk);
    assert_quadrants(&largest_webp(&out), [RED, GREEN, BLUE, WHITE], 16);
    assert_quadrants(&fallback_jpeg(&out), [RED, GREEN, BLUE, WHITE], 16);
}

// ---------------------------------------------------------------------------------------
// Colour profiles

/// In Display P3, (180, 60, 60) is a red that sRGB writes (196, 47, 54); in Adobe RGB,
/// (60, 160, 80) is a green that sRGB writes (0, 162, 73). Shown untouched they would be
/// visibly duller.
const P3_RED: [u8; 3] = [180, 60, 60];
const P3_RED_IN_SRGB: [u8; 3] = [196, 47, 54];
const ADOBE_GREEN: [u8; 3] = [60, 160, 80];
const ADOBE_GREEN_IN_SRGB: [u8; 3] = [0, 162, 73];

#[test]
fn display_p3_jpeg_looks_the_same_in_srgb() {
    let mut jpeg = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95);
    encoder.set_icc_profile(display_p3()).unwrap();
    encoder.write_image(flat(64, 64, P3_RED).as_raw(), 64, 64, image::ExtendedColorType::Rgb8).unwrap();
    let (_d, out) = process(&jpeg);
    assert!(out.info.colour_converted);
    assert_colour(at(&largest_webp(&out), 0.5, 0.5), P3_RED_IN_SRGB, 5);
    assert_colour(at(&fallback_jpeg(&out), 0.5, 0.5), P3_RED_IN_SRGB, 5);
}

#[test]
fn adobe_rgb_png_and_display_p3_webp_look_the_same_in_srgb() {
    let mut png = Vec::new();
    let mut encoder = image::codecs::png::PngEncoder::new(&mut png);
    encoder.set_icc_profile(adobe_rgb()).unwrap();
    encoder.write_image(flat(40, 30, ADOBE_GREEN).as_raw(), 40, 30, image::ExtendedColorType::Rgb8).unwrap();
    let (_d, out) = process(&png);
    assert!(out.info.colour_converted);
    assert_colour(at(&largest_webp(&out), 0.5, 0.5), ADOBE_GREEN_IN_SRGB, 5);

    let mut webp = Vec::new();
    let mut encoder = image::codecs::webp::WebPEncoder::new_lossless(&mut webp);
    encoder.set_icc_profile(display_p3()).unwrap();
    encoder.write_image(flat(40, 30, P3_RED).as_raw(), 40, 30, image::ExtendedColorType::Rgb8).unwrap();
    let (_d, out) = process(&webp);
    assert!(out.info.colour_converted);
    assert_colour(at(&largest_webp(&out), 0.5, 0.5), P3_RED_IN_SRGB, 5);
}

// ---------------------------------------------------------------------------------------
// PNG, WebP, GIF, TIFF, BMP, HEIC

#[test]
fn sixteen_bit_and_palette_pngs_are_read() {
    let deep = image::ImageBuffer::<Rgb<u16>, _>::from_fn(50, 40, |x, _| {
        if x < 25 { Rgb([0xDCDC, 0x1E1E, 0x1E1E]) } else { Rgb([0x1E1E, 0x2828, 0xD2D2]) }
    });
    let (_d, out) = process(&encode(&DynamicImage::ImageRgb16(deep), ImageFormat::Png));
    let webp = largest_webp(&out);
    assert_colour(at(&webp, 0.2, 0.5), RED, 8);
    assert_colour(at(&webp, 0.8, 0.5), BLUE, 8);

    // An 8-bit palette with a transparent entry (tRNS): left half red, right half clear.
    let rgba = RgbaImage::from_fn(64, 32, |x, _| if x < 32 { Rgba([220, 30, 30, 255]) } else { Rgba([0, 0, 0, 0]) });
    let palette = magick(&["in.png", "PNG8:out.png"], &[("in.png", &encode(&DynamicImage::ImageRgba8(rgba), ImageFormat::Png))], "out.png");
    assert_eq!(palette[25], 3, "input is not a palette PNG");
    let (_d, out) = process(&palette);
    assert!(out.info.has_alpha);
    let webp = largest_webp(&out);
    assert_colour(at(&webp, 0.2, 0.5), RED, 8);
    assert_eq!(at(&webp, 0.8, 0.5)[3], 0);
}

#[test]
fn transparency_is_kept_in_webp_and_flattened_on_white_in_jpeg() {
    let rgba = RgbaImage::from_fn(80, 40, |x, _| if x < 40 { Rgba([30, 40, 210, 255]) } else { Rgba([30, 40, 210, 0]) });
    let (_d, out) = process(&encode(&DynamicImage::ImageRgba8(rgba), ImageFormat::Png));
    assert!(out.info.has_alpha);
    let webp = largest_webp(&out);
    assert_eq!(at(&webp, 0.9, 0.5)[3], 0);
    assert_eq!(at(&webp, 0.1, 0.5)[3], 255);
    let jpeg = fallback_jpeg(&out);
    assert_colour(at(&jpeg, 0.9, 0.5), [255, 255, 255], 4);
    assert_colour(at(&jpeg, 0.1, 0.5), BLUE, 10);
    // An alpha channel with nothing transparent in it is not "transparency".
    let opaque = RgbaImage::from_pixel(20, 20, Rgba([1, 2, 3, 255]));
    let (_d, out) = process(&encode(&DynamicImage::ImageRgba8(opaque), ImageFormat::Png));
    assert!(!out.info.has_alpha);
}

fn red_then_blue_pngs() -> (Vec<u8>, Vec<u8>) {
    (
        encode(&DynamicImage::ImageRgb8(flat(64, 48, RED)), ImageFormat::Png),
        encode(&DynamicImage::ImageRgb8(flat(64, 48, BLUE)), ImageFormat::Png),
    )
}

#[test]
fn apng_and_animated_webp_give_their_first_frame() {
    let (red, blue) = red_then_blue_pngs();
    let frames: [(&str, &[u8]); 2] = [("a.png", &red), ("b.png", &blue)];
    let concat = ["-i", "a.png", "-i", "b.png", "-filter_complex", "[0][1]concat=n=2:v=1,settb=1/2,setpts=N"];
    let mut apng_args = concat.to_vec();
    apng_args.extend_from_slice(&["-f", "apng", "-plays", "0", "out.png"]);
    let apng = ffmpeg(&apng_args, &frames, "out.png");
    assert!(apng.windows(4).any(|w| w == b"acTL"), "input is not an APNG");
    let (_d, out) = process(&apng);
    assert_colour(at(&largest_webp(&out), 0.5, 0.5), RED, 8);

    let mut webp_args = concat.to_vec();
    webp_args.extend_from_slice(&["-c:v", "libwebp_anim", "-lossless", "1", "-loop", "0", "out.webp"]);
    let webp = ffmpeg(&webp_args, &frames, "out.webp");
    assert!(webp.windows(4).any(|w| w == b"ANMF"), "input is not an animated WebP");
    let (_d, out) = process(&webp);
    assert_colour(at(&largest_webp(&out), 0.5, 0.5), RED, 8);
}

fn animated_gif(frames: &[RgbImage]) -> Vec<u8> {
    let mut gif = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut gif);
        for f in frames {
            let frame = image::Frame::new(DynamicImage::ImageRgb8(f.clone()).to_rgba8());
            encoder.encode_frame(frame).unwrap();
        }
    }
    gif
}

#[test]
fn animated_gif_gives_its_first_frame_and_never_decodes_the_others() {
    let gif = animated_gif(&[flat(64, 48, RED), flat(64, 48, BLUE)]);
    let (_d, out) = process(&gif);
    assert_colour(at(&largest_webp(&out), 0.5, 0.5), RED, 8);

    // Everything after the first frame replaced by garbage: a decoder reading on would fail.
    let one = animated_gif(&[flat(64, 48, RED)]);
    let first_frame_end = one.len() - 1; // before the trailer
    let mut poisoned = gif[..first_frame_end].to_vec();
    poisoned.extend_from_slice(b"\x21\xF9\x04\x00\x00\x00\x00\x00\x2C\x00\x00\x00\x00\xFF\xFF\xFF\xFF\x00\x08\xFF\xFF\xFF");
    let (_d, out) = process(&poisoned);
    assert_colour(at(&largest_webp(&out), 0.5, 0.5), RED, 8);
}

#[test]
fn tiff_with_common_compressions_and_bmp_are_read() {
    let img = DynamicImage::ImageRgb8(quadrants(90, 60));
    let png = encode(&img, ImageFormat::Png);
    let mut inputs = vec![("tiff (image crate)", encode(&img, ImageFormat::Tiff)), ("bmp", encode(&img, ImageFormat::Bmp))];
    for compression in ["None", "LZW", "Zip", "RLE"] {
        let tiff = magick(&["in.png", "-compress", compression, "out.tif"], &[("in.png", &png)], "out.tif");
        inputs.push((compression, tiff));
    }
    let big_endian = magick(&["in.png", "-define", "tiff:endian=msb", "-compress", "LZW", "out.tif"], &[("in.png", &png)], "out.tif");
    assert_eq!(&big_endian[..2], b"MM");
    inputs.push(("big-endian LZW", big_endian));
    for (name, data) in inputs {
        let dir = tempfile::tempdir().unwrap();
        let out = process_photo(&data, dir.path(), &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((out.info.width, out.info.height), (90, 60), "{name}");
        assert_quadrants(&largest_webp(&out), [RED, GREEN, BLUE, WHITE], 12);
    }
}

#[test]
fn heic_photo_is_decoded_with_its_colours() {
    let png = encode(&DynamicImage::ImageRgb8(quadrants(128, 96)), ImageFormat::Png);
    let heic = with_tool("heif-enc", &["-q", "92", "in.png", "-o", "out.heic"], &[("in.png", &png)], "out.heic");
    assert!(piazza_workers::sniff::sniff(&heic).is_photo());
    let header = probe_photo(&heic, &Limits::default()).unwrap();
    assert_eq!((header.width, header.height), (128, 96));
    let (_d, out) = process(&heic);
    assert_eq!((out.info.width, out.info.height), (128, 96));
    assert_quadrants(&largest_webp(&out), [RED, GREEN, BLUE, WHITE], 16);
    // Cut short, it is refused rather than half shown.
    assert_eq!(refusal(&heic[..heic.len() / 2]).code, "corrupt_file");
}

// ---------------------------------------------------------------------------------------
// Safety

#[test]
fn png_declaring_100000_pixels_square_is_refused_before_decoding() {
    let bomb = png_declaring(100_000, 100_000, 0);
    assert!(bomb.len() < 500);
    let started = Instant::now();
    assert_eq!(probe_photo(&bomb, &Limits::default()).unwrap_err().code, "image_too_large");
    assert_eq!(refusal(&bomb).code, "image_too_large");
    assert!(started.elapsed() < Duration::from_millis(50), "took {:?}", started.elapsed());
}

#[test]
fn four_hundred_megapixel_headers_of_every_format_are_refused() {
    let limits = Limits::default();
    // 20000x20000 greyscale: 400 MP, 400 MB once decoded.
    let png = png_declaring(20_000, 20_000, 0);
    let mut gif = b"GIF89a".to_vec();
    gif.extend_from_slice(&20_000u16.to_le_bytes());
    gif.extend_from_slice(&20_000u16.to_le_bytes());
    gif.extend_from_slice(&[0x80, 0, 0, 0, 0, 0, 255, 255, 255]);
    gif.extend_from_slice(b"\x2C\0\0\0\0\x20\x4E\x20\x4E\0\x08\x02\x4C\x01\0\x3B");
    // Within the side limit, above the area limit: 11000x11000 = 121 MP.
    let png_area = png_declaring(11_000, 11_000, 0);
    let mut webp = b"RIFF\x20\0\0\0WEBPVP8X\x0a\0\0\0\x10\0\0\0".to_vec();
    webp.extend_from_slice(&[0x1F, 0x4E, 0x00, 0x1F, 0x4E, 0x00]); // 20000x20000
    let mut bmp = b"BM\0\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0".to_vec();
    bmp.extend_from_slice(&20_000i32.to_le_bytes());
    bmp.extend_from_slice(&(-20_000i32).to_le_bytes());
    bmp.extend_from_slice(&[1, 0, 8, 0]);
    bmp.extend_from_slice(&[0; 64]);
    let mut tiff = b"II*\0\x08\0\0\0\x02\0".to_vec();
    tiff.extend_from_slice(&[0x00, 0x01, 0x04, 0x00, 1, 0, 0, 0]);
    tiff.extend_from_slice(&20_000u32.to_le_bytes());
    tiff.extend_from_slice(&[0x01, 0x01, 0x04, 0x00, 1, 0, 0, 0]);
    tiff.extend_from_slice(&20_000u32.to_le_bytes());
    tiff.extend_from_slice(&[0; 4]);
    for (name, data) in [("png", png), ("gif", gif), ("png area", png_area), ("webp", webp), ("bmp", bmp), ("tiff", tiff)] {
        let started = Instant::now();
        assert_eq!(probe_photo(&data, &limits).unwrap_err().code, "image_too_large", "{name}");
        assert_eq!(refusal(&data).code, "image_too_large", "{name}");
        assert!(started.elapsed() < Duration::from_millis(50), "{name} took {:?}", started.elapsed());
    }
    // Smaller limits are honoured too.
    let small = Limits { max_image_pixels: 1000, ..Limits::default() };
    let ok = encode(&DynamicImage::ImageRgb8(flat(40, 30, RED)), ImageFormat::Jpeg);
    assert_eq!(probe_photo(&ok, &small).unwrap_err().code, "image_too_large");
}

#[test]
fn gif_frame_larger_than_its_screen_is_refused_before_decoding() {
    // A 10x10 logical screen whose first frame claims 10000x10000 (100 MP).
    let mut gif = b"GIF89a\x0a\0\x0a\0\x80\0\0\0\0\0\xff\xff\xff".to_vec();
    gif.extend_from_slice(b"\x21\xF9\x04\x00\x00\x00\x00\x00");
    gif.extend_from_slice(b"\x2C\0\0\0\0\x10\x27\x10\x27\0\x02\x02\x4C\x01\0\x3B");
    let started = Instant::now();
    assert_eq!(probe_photo(&gif, &Limits::default()).unwrap_err().code, "image_too_large");
    assert_eq!(refusal(&gif).code, "image_too_large");
    assert!(started.elapsed() < Duration::from_millis(50));
}

#[test]
fn truncated_files_are_refused_as_corrupt_not_padded() {
    let img = DynamicImage::ImageRgb8(RgbImage::from_fn(200, 150, |x, y| Rgb([(x * 7 % 256) as u8, (y * 5 % 256) as u8, ((x ^ y) % 256) as u8])));
    let lossy_webp = {
        let rgb = img.to_rgb8();
        webp::Encoder::from_rgb(rgb.as_raw(), 200, 150).encode(80.0).to_vec()
    };
    let inputs = [
        ("jpeg", encode(&img, ImageFormat::Jpeg)),
        ("png", encode(&img, ImageFormat::Png)),
        ("lossless webp", encode(&img, ImageFormat::WebP)),
        ("lossy webp", lossy_webp),
        ("gif", encode(&img, ImageFormat::Gif)),
        ("tiff", encode(&img, ImageFormat::Tiff)),
        ("bmp", encode(&img, ImageFormat::Bmp)),
    ];
    for (name, data) in inputs {
        process(&data);
        let cut = &data[..data.len() * 2 / 3];
        assert_eq!(refusal(cut).code, "corrupt_file", "{name}");
    }
}

#[test]
fn empty_and_unknown_files_are_refused() {
    assert_eq!(refusal(b"").code, "empty_file");
    assert_eq!(probe_photo(b"", &Limits::default()).unwrap_err().code, "empty_file");
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>";
    assert_eq!(refusal(svg).code, "unsupported_format");
    // A photo header cut before its size: the service reads the rest from the whole file.
    let jpeg = jpeg_with_orientation(&flat(64, 48, RED), 1);
    assert_eq!(probe_photo(&jpeg[..40], &Limits::default()).unwrap_err().code, "corrupt_file");
}

#[test]
fn no_metadata_reaches_any_output() {
    let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><dc:creator>Someone</dc:creator></x:xmpmeta>";
    let iptc = b"Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\x0a\x1c\x02\x50\0\x04Name";
    let mut icc_segment = b"ICC_PROFILE\0\x01\x01".to_vec();
    icc_segment.extend_from_slice(&display_p3());
    let mut jpeg = jpeg_with_orientation(&quadrants(2200, 60), 1);
    jpeg = with_jpeg_segment(&jpeg, 0xE1, xmp);
    jpeg = with_jpeg_segment(&jpeg, 0xED, iptc);
    jpeg = with_jpeg_segment(&jpeg, 0xE2, &icc_segment);
    let (_d, out) = process(&jpeg);
    assert_eq!(out.renditions.len(), 5);
    for r in &out.renditions {
        let bytes = std::fs::read(&r.path).unwrap();
        for needle in [&b"Exif"[..], b"xmpmeta", b"8BIM", b"ICC_PROFILE", b"Someone", b"ns.adobe.com"] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{} carries {:?}", r.name, String::from_utf8_lossy(needle));
        }
        if r.mime == "image/webp" {
            for id in webp_chunk_ids(&bytes) {
                assert!(["VP8 ", "VP8L", "VP8X", "ALPH"].contains(&id.as_str()), "{} has chunk {id}", r.name);
            }
        } else {
            for marker in jpeg_markers_before_scan(&bytes) {
                assert!(!(0xE1..=0xEF).contains(&marker), "{} has APP{} segment", r.name, marker - 0xE0);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Outputs

#[test]
fn widths_are_320_640_1280_2048_never_upscaled_plus_a_1280_jpeg() {
    let (_d, out) = process(&encode(&DynamicImage::ImageRgb8(quadrants(3000, 200)), ImageFormat::Jpeg));
    let sizes: Vec<_> = out.renditions.iter().map(|r| (r.name.as_str(), r.width, r.height)).collect();
    assert_eq!(
        sizes,
        [("fallback.jpg", 1280, 85), ("w320.webp", 320, 21), ("w640.webp", 640, 43), ("w1280.webp", 1280, 85), ("w2048.webp", 2048, 137)]
    );
    for r in &out.renditions {
        let decoded = image::open(&r.path).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (r.width, r.height), "{}", r.name);
        assert_quadrants(&decoded.to_rgba8(), [RED, GREEN, BLUE, WHITE], 20);
    }

    let (_d, out) = process(&encode(&DynamicImage::ImageRgb8(quadrants(1000, 500)), ImageFormat::Png));
    let sizes: Vec<_> = out.renditions.iter().map(|r| (r.name.as_str(), r.width, r.height)).collect();
    assert_eq!(sizes, [("fallback.jpg", 1000, 500), ("w320.webp", 320, 160), ("w640.webp", 640, 320), ("w1000.webp", 1000, 500)]);
}

#[test]
fn placeholder_and_dominant_colour_describe_the_picture() {
    let (_d, out) = process(&encode(&DynamicImage::ImageRgb8(flat(400, 200, BLUE)), ImageFormat::Jpeg));
    assert_eq!(out.info.dominant_color.len(), 7);
    let dominant: Vec<u8> = (0..3).map(|i| u8::from_str_radix(&out.info.dominant_color[1 + 2 * i..3 + 2 * i], 16).unwrap()).collect();
    assert_colour([dominant[0], dominant[1], dominant[2], 255], BLUE, 8);

    let hash = base64_decode(&out.info.placeholder);
    assert!((10..=30).contains(&hash.len()), "thumbhash of {} bytes", hash.len());
    let (r, g, b, a) = thumbhash::thumb_hash_to_average_rgba(&hash).unwrap();
    assert_colour([(r * 255.0) as u8, (g * 255.0) as u8, (b * 255.0) as u8, 255], BLUE, 16);
    assert!(a > 0.99);
    let ratio = thumbhash::thumb_hash_to_approximate_aspect_ratio(&hash).unwrap();
    assert!((ratio - 2.0).abs() < 0.3, "aspect ratio {ratio}");
}
