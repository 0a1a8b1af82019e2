//! Media made at test time: photos with EXIF written byte by byte, films from FFmpeg's
//! test sources, and hostile files.

use image::{DynamicImage, ImageFormat, RgbImage};
use std::io::Cursor;
use std::path::Path;
use std::process::Command;

/// A 200x100 JPEG, left half red and right half blue, whose EXIF says "rotate 90° clockwise
/// to display" (orientation 6) and carries a GPS position. Displayed upright it is 100x200
/// with red on top.
pub fn jpeg_rotated_with_gps() -> Vec<u8> {
    let img = RgbImage::from_fn(200, 100, |x, _| if x < 100 { image::Rgb([220, 20, 20]) } else { image::Rgb([20, 20, 220]) });
    let mut jpeg = Vec::new();
    DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg).unwrap();
    insert_exif(&jpeg, &exif_orientation_and_gps(6))
}

/// A plain JPEG of the given size with a gradient.
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    let mut jpeg = Vec::new();
    DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg).unwrap();
    jpeg
}

/// Splices an APP1 segment right after the JPEG's start-of-image marker.
fn insert_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A big-endian TIFF structure: IFD0 with Orientation and a GPS IFD pointer; the GPS IFD
/// with a latitude of 42°33'N (Terni).
fn exif_orientation_and_gps(orientation: u16) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(b"MM\0\x2A");
    t.extend_from_slice(&8u32.to_be_bytes());
    // IFD0 at 8: 2 entries.
    t.extend_from_slice(&2u16.to_be_bytes());
    entry(&mut t, 0x0112, 3, 1, &orientation.to_be_bytes());
    let gps_ifd = 8 + 2 + 2 * 12 + 4;
    entry(&mut t, 0x8825, 4, 1, &(gps_ifd as u32).to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    // GPS IFD: latitude ref and latitude (three rationals stored after the IFD).
    assert_eq!(t.len(), gps_ifd);
    t.extend_from_slice(&2u16.to_be_bytes());
    entry(&mut t, 0x0001, 2, 2, b"N\0");
    let rationals = gps_ifd + 2 + 2 * 12 + 4;
    entry(&mut t, 0x0002, 5, 3, &(rationals as u32).to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    for (num, den) in [(42u32, 1u32), (33, 1), (0, 1)] {
        t.extend_from_slice(&num.to_be_bytes());
        t.extend_from_slice(&den.to_be_bytes());
    }
    t
}

fn entry(t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: &[u8]) {
    t.extend_from_slice(&tag.to_be_bytes());
    t.extend_from_slice(&kind.to_be_bytes());
    t.extend_from_slice(&count.to_be_bytes());
    let mut field = [0u8; 4];
    field[..value.len()].copy_from_slice(value);
    t.extend_from_slice(&field);
}

/// A 300x200 JPEG as a phone camera writes it: EXIF naming the camera (Canon EOS 80D), its
/// serial number, the photographer, when it was taken and where (42.5636 N, 12.6427 E,
/// Terni), as the privacy receipt must report them.
pub fn jpeg_with_camera_and_gps() -> Vec<u8> {
    insert_exif(&jpeg(300, 200), &tiff(&[
        vec![
            (0x010F, Tag::Ascii("Canon")),
            (0x0110, Tag::Ascii("Canon EOS 80D")),
            (0x0112, Tag::Short(1)),
            (0x013B, Tag::Ascii("Maria Rossi")),
            (0x8769, Tag::Ifd(1)),
            (0x8825, Tag::Ifd(2)),
        ],
        vec![(0x9003, Tag::Ascii("2024:05:17 18:03:11")), (0xA431, Tag::Ascii("SN-0123456789"))],
        vec![
            (0x0001, Tag::Ascii("N")),
            (0x0002, Tag::Rationals(vec![(42, 1), (33, 1), (4896, 100)])),
            (0x0003, Tag::Ascii("E")),
            (0x0004, Tag::Rationals(vec![(12, 1), (38, 1), (3372, 100)])),
        ],
    ]))
}

/// A value in a TIFF directory.
enum Tag {
    Ascii(&'static str),
    Short(u16),
    Rationals(Vec<(u32, u32)>),
    /// A pointer to the directory at this index of the list given to [`tiff`].
    Ifd(usize),
}

/// A big-endian TIFF structure of the given directories (the first is IFD0), each followed
/// by the values too long to sit in its entries.
fn tiff(ifds: &[Vec<(u16, Tag)>]) -> Vec<u8> {
    let value_bytes = |tag: &Tag| -> Vec<u8> {
        match tag {
            Tag::Ascii(text) => [text.as_bytes(), &b"\0"[..]].concat(),
            Tag::Short(v) => v.to_be_bytes().to_vec(),
            Tag::Rationals(parts) => parts.iter().flat_map(|(n, d)| [n.to_be_bytes(), d.to_be_bytes()].concat()).collect(),
            Tag::Ifd(_) => vec![0; 4],
        }
    };
    let padded = |n: usize| n + (n & 1);
    let extra = |ifd: &Vec<(u16, Tag)>| ifd.iter().map(|(_, t)| value_bytes(t).len()).filter(|&n| n > 4).map(padded).sum::<usize>();
    let mut starts = Vec::new();
    let mut at = 8;
    for ifd in ifds {
        starts.push(at);
        at += 2 + ifd.len() * 12 + 4 + extra(ifd);
    }
    let mut t = b"MM\0\x2A".to_vec();
    t.extend_from_slice(&8u32.to_be_bytes());
    for (i, ifd) in ifds.iter().enumerate() {
        assert_eq!(t.len(), starts[i]);
        t.extend_from_slice(&(ifd.len() as u16).to_be_bytes());
        let mut data_at = starts[i] + 2 + ifd.len() * 12 + 4;
        let mut data = Vec::new();
        for (code, tag) in ifd {
            let bytes = value_bytes(tag);
            let (kind, count) = match tag {
                Tag::Ascii(_) => (2u16, bytes.len() as u32),
                Tag::Short(_) => (3, 1),
                Tag::Rationals(parts) => (5, parts.len() as u32),
                Tag::Ifd(_) => (4, 1),
            };
            t.extend_from_slice(&code.to_be_bytes());
            t.extend_from_slice(&kind.to_be_bytes());
            t.extend_from_slice(&count.to_be_bytes());
            match tag {
                Tag::Ifd(target) => t.extend_from_slice(&(starts[*target] as u32).to_be_bytes()),
                _ if bytes.len() <= 4 => {
                    let mut field = [0u8; 4];
                    field[..bytes.len()].copy_from_slice(&bytes);
                    t.extend_from_slice(&field);
                }
                _ => {
                    t.extend_from_slice(&(data_at as u32).to_be_bytes());
                    data_at += padded(bytes.len());
                    data.extend_from_slice(&bytes);
                    if bytes.len() & 1 == 1 {
                        data.push(0);
                    }
                }
            }
        }
        t.extend_from_slice(&0u32.to_be_bytes());
        t.extend_from_slice(&data);
    }
    t
}

/// True if the bytes carry EXIF with GPS fields (JPEG APP1 or a WebP EXIF chunk).
pub fn has_gps(bytes: &[u8]) -> bool {
    let exif = if bytes.starts_with(b"RIFF") {
        webp_chunk(bytes, b"EXIF").map(|c| c.to_vec())
    } else {
        exif::Reader::new().read_from_container(&mut Cursor::new(bytes)).ok().map(|e| e.buf().to_vec())
    };
    match exif {
        Some(raw) => exif::Reader::new()
            .read_raw(raw.strip_prefix(b"Exif\0\0").map(<[u8]>::to_vec).unwrap_or(raw))
            .map(|e| e.fields().any(|f| f.ifd_num == exif::In::PRIMARY && f.tag.context() == exif::Context::Gps))
            .unwrap_or(true),
        None => false,
    }
}

/// True if the file carries any EXIF or XMP metadata at all.
pub fn has_metadata(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"RIFF") {
        return webp_chunk(bytes, b"EXIF").is_some() || webp_chunk(bytes, b"XMP ").is_some();
    }
    exif::Reader::new().read_from_container(&mut Cursor::new(bytes)).is_ok()
        || bytes.windows(28).any(|w| w == b"http://ns.adobe.com/xap/1.0/")
}

fn webp_chunk<'a>(bytes: &'a [u8], fourcc: &[u8; 4]) -> Option<&'a [u8]> {
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let len = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
        let body = bytes.get(at + 8..at + 8 + len)?;
        if id == fourcc {
            return Some(body);
        }
        at += 8 + len + (len & 1);
    }
    None
}

/// A 2-second 640x360 H.264/AAC film with a QuickTime location tag, made by FFmpeg.
pub fn film_with_location(dir: &Path) -> Vec<u8> {
    let out = dir.join("film.mp4");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"])
        .args(["-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"])
        .args(["-metadata", "location=+42.5636+012.6427/", "-movflags", "use_metadata_tags"])
        .arg(&out)
        .status()
        .expect("ffmpeg is installed (scripts/setup-system installs it)");
    assert!(status.success());
    std::fs::read(out).unwrap()
}

/// A 2-second 320x240 H.264/AAC MP4 whose container names a place (42.5636 N, 12.6427 E), an
/// artist and the phone (QuickTime's `make`/`model` keys), as a phone's film does.
pub fn film_with_location_and_names(dir: &Path) -> Vec<u8> {
    let out = dir.join("phone.mp4");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"])
        .args(["-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"])
        .args(["-metadata", "location=+42.5636+012.6427/", "-metadata", "artist=Maria Rossi"])
        .args(["-metadata", "com.apple.quicktime.make=Apple", "-metadata", "com.apple.quicktime.model=iPhone 12"])
        .args(["-movflags", "use_metadata_tags"])
        .arg(&out)
        .status()
        .expect("ffmpeg is installed (scripts/setup-system installs it)");
    assert!(status.success());
    std::fs::read(out).unwrap()
}

/// `ffprobe`'s view of a file, as JSON.
pub fn ffprobe(bytes: &[u8]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("probe");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_streams", "-show_format", "-of", "json"])
        .arg(&path)
        .output()
        .expect("ffprobe is installed");
    assert!(out.status.success(), "ffprobe failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A PNG header declaring `width` x `height`, followed by a tiny IDAT: a pixel bomb.
pub fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc_input = kind.to_vec();
        crc_input.extend_from_slice(data);
        out.extend_from_slice(&crc_input);
        out.extend_from_slice(&crc32fast::hash(&crc_input).to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &[0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
    chunk(&mut png, b"IEND", &[]);
    png
}

