//! The privacy receipt: what identifying metadata an original carried, and proof, by
//! reading every public file back, that none of it reached them.
//!
//! The derivatives are made from bare pixels and freshly muxed streams, so nothing is
//! copied from an original by design; the read-back is there so that a future encoder,
//! muxer or library upgrade that starts writing metadata is caught before a file is
//! published, instead of being assumed away. What is found is reported as facts a person
//! can recognise (the position, the camera, the names), never as raw tags; words are
//! the application's, so `detail` holds only values taken from the file.
//!
//! Everything here reads hostile bytes: the walkers are bounded by the data they are
//! given, never follow offsets backwards, and every text taken from a file is cut short
//! and cleaned of control and invisible characters before it is reported.

use crate::sniff::Sniffed;
use serde::{Deserialize, Serialize};

/// What kind of identifying data an original carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum What {
    /// A GPS position in a photo's EXIF: `detail` is "42.56 N, 12.64 E" (rounded to about 1 km).
    Gps,
    /// A film's QuickTime or Android `location`, with the same `detail`.
    Location,
    /// The camera or phone: make and model.
    Camera,
    /// A camera's or lens's serial number.
    Serial,
    /// When it was taken: "2024-05-17 18:03:11", as the device wrote it (its local time).
    DateTaken,
    /// Names: artist, author, copyright.
    Author,
    /// The software that wrote or edited it.
    Software,
    /// The photo or film was stored turned or mirrored and was turned upright; `detail`
    /// is the EXIF orientation (2-8) or the film's clockwise rotation in degrees.
    Upright,
    /// Other embedded data (XMP, IPTC, text chunks, comments, titles): `detail` names it.
    Other,
}

impl What {
    pub const ALL: [What; 9] = [
        What::Gps,
        What::Location,
        What::Camera,
        What::Serial,
        What::DateTaken,
        What::Author,
        What::Software,
        What::Upright,
        What::Other,
    ];

    /// The name the receipt's JSON uses.
    pub fn as_str(self) -> &'static str {
        match self {
            What::Gps => "gps",
            What::Location => "location",
            What::Camera => "camera",
            What::Serial => "serial",
            What::DateTaken => "date_taken",
            What::Author => "author",
            What::Software => "software",
            What::Upright => "upright",
            What::Other => "other",
        }
    }
}

/// One item of identifying data found in an original.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Found {
    pub what: What,
    pub detail: String,
}

impl Found {
    fn new(what: What, detail: impl Into<String>) -> Self {
        Found { what, detail: detail.into() }
    }
}

/// What a file carried, and whether its public files were read back and found clean.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub found: Vec<Found>,
    pub public_files_clean: bool,
}

/// Longest text taken from a file into a receipt, in characters.
const MAX_DETAIL_CHARS: usize = 80;

/// A value from a file, fit to be shown to a person: control, format and invisible
/// characters removed, whitespace collapsed, cut to [`MAX_DETAIL_CHARS`].
fn clean_text(raw: &str) -> String {
    let mut out = String::new();
    let mut count = 0;
    for word in raw.split(|c: char| c.is_whitespace() || c.is_control()) {
        let word: String = word.chars().filter(|&c| !is_invisible(c)).collect();
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
            count += 1;
        }
        for c in word.chars() {
            if count == MAX_DETAIL_CHARS {
                out.push('…');
                return out;
            }
            out.push(c);
            count += 1;
        }
    }
    out
}

/// Zero-width, bidirectional-control and other format characters that would let a tag
/// hide or reorder what a person reads.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{E0000}'..='\u{E0FFF}')
}

fn text_of(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    clean_text(&String::from_utf8_lossy(&bytes[..end]))
}

/// A position rounded to two decimals (about a kilometre), as "42.56 N, 12.64 E".
pub fn position(latitude: f64, longitude: Option<f64>) -> String {
    let lat = format!("{:.2} {}", latitude.abs(), if latitude < 0.0 { 'S' } else { 'N' });
    match longitude {
        Some(lon) => format!("{lat}, {:.2} {}", lon.abs(), if lon < 0.0 { 'W' } else { 'E' }),
        None => lat,
    }
}

/// Adds `found` unless an item of the same kind and detail is already there.
fn push_unique(list: &mut Vec<Found>, found: Found) {
    if !list.contains(&found) {
        list.push(found);
    }
}

// ---------------------------------------------------------------------------------------
// Photos: where each format keeps its metadata.

/// Metadata blocks of a photo file, as found where its format keeps them.
#[derive(Default)]
struct Blocks<'a> {
    /// A TIFF structure (EXIF without the `Exif\0\0` prefix).
    exif: Option<&'a [u8]>,
    /// Names of other metadata present: "XMP", "IPTC", "comment", "text".
    other: Vec<&'static str>,
}

impl<'a> Blocks<'a> {
    fn note(&mut self, name: &'static str) {
        if !self.other.contains(&name) {
            self.other.push(name);
        }
    }
}

/// A JPEG's segments before the image data: (marker, payload). Stops at the first scan,
/// at a marker that is not one, or where a length runs past the end.
fn jpeg_segments(data: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    let mut at = if data.starts_with(&[0xFF, 0xD8]) { 2 } else { data.len() };
    std::iter::from_fn(move || {
        while data.get(at) == Some(&0xFF) && data.get(at + 1) == Some(&0xFF) {
            at += 1; // fill bytes
        }
        let marker = *data.get(at + 1).filter(|_| data.get(at) == Some(&0xFF))?;
        if marker == 0xDA || marker == 0xD9 {
            return None;
        }
        let len = usize::from(u16::from_be_bytes([*data.get(at + 2)?, *data.get(at + 3)?]));
        let payload = data.get(at + 4..(at + 2).checked_add(len)?).filter(|_| len >= 2)?;
        at += 2 + len;
        Some((marker, payload))
    })
}

const XMP_NAMESPACE: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXTENSION: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";

fn jpeg_blocks(data: &[u8]) -> Blocks<'_> {
    let mut blocks = Blocks::default();
    for (marker, payload) in jpeg_segments(data) {
        match marker {
            0xE1 if payload.starts_with(b"Exif\0\0") => {
                blocks.exif.get_or_insert(&payload[6..]);
            }
            0xE1 if payload.starts_with(XMP_NAMESPACE) || payload.starts_with(XMP_EXTENSION) => blocks.note("XMP"),
            0xED => blocks.note("IPTC"),
            0xFE => blocks.note("comment"),
            _ => {}
        }
    }
    blocks
}

/// A PNG's chunks: (type, data). Bounded by the data; the CRC is not checked.
fn png_chunks(data: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut at = if data.starts_with(b"\x89PNG\r\n\x1a\n") { 8 } else { data.len() };
    std::iter::from_fn(move || {
        let len = u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?) as usize;
        let kind = data.get(at + 4..at + 8)?;
        let body = data.get(at + 8..(at + 8).checked_add(len)?)?;
        at = at + 12 + len;
        Some((kind, body))
    })
}

fn png_blocks(data: &[u8]) -> Blocks<'_> {
    let mut blocks = Blocks::default();
    for (kind, body) in png_chunks(data) {
        match kind {
            b"eXIf" => {
                blocks.exif.get_or_insert(body.strip_prefix(b"Exif\0\0").unwrap_or(body));
            }
            b"iTXt" if body.starts_with(b"XML:com.adobe.xmp\0") => blocks.note("XMP"),
            b"tEXt" | b"zTXt" | b"iTXt" => blocks.note("text"),
            b"IEND" => break,
            _ => {}
        }
    }
    blocks
}

/// A RIFF (WebP) file's chunks: (fourcc, data).
fn riff_chunks(data: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut at = if data.len() >= 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" { 12 } else { data.len() };
    std::iter::from_fn(move || {
        let id = data.get(at..at + 4)?;
        let len = u32::from_le_bytes(data.get(at + 4..at + 8)?.try_into().ok()?) as usize;
        let body = data.get(at + 8..(at + 8).checked_add(len)?)?;
        at = at + 8 + len + (len & 1);
        Some((id, body))
    })
}

fn webp_blocks(data: &[u8]) -> Blocks<'_> {
    let mut blocks = Blocks::default();
    for (id, body) in riff_chunks(data) {
        match id {
            b"EXIF" => {
                blocks.exif.get_or_insert(body.strip_prefix(b"Exif\0\0").unwrap_or(body));
            }
            b"XMP " => blocks.note("XMP"),
            _ => {}
        }
    }
    blocks
}

/// What identifying metadata a photo carries. `orientation` is the EXIF orientation that
/// was applied to its pixels (1 when it was stored upright). `heif_exif` is the EXIF of a
/// HEIC's primary image (libheif reads the container), without its offset prefix.
pub(crate) fn in_photo(data: &[u8], format: Sniffed, orientation: u8, heif: &HeifMetadata) -> Vec<Found> {
    let blocks = match format {
        Sniffed::Jpeg => jpeg_blocks(data),
        Sniffed::Png => png_blocks(data),
        Sniffed::WebP => webp_blocks(data),
        // A TIFF is its own EXIF structure.
        Sniffed::Tiff => Blocks { exif: Some(data), other: Vec::new() },
        Sniffed::Heif => {
            let mut blocks = Blocks { exif: heif.exif.as_deref(), other: Vec::new() };
            if heif.xmp {
                blocks.note("XMP");
            }
            blocks
        }
        _ => Blocks::default(),
    };
    let mut found = blocks.exif.map(in_exif).unwrap_or_default();
    if (2..=8).contains(&orientation) {
        found.push(Found::new(What::Upright, orientation.to_string()));
    }
    for name in blocks.other {
        push_unique(&mut found, Found::new(What::Other, name));
    }
    found
}

/// What libheif found beside a HEIC's primary image.
#[derive(Default)]
pub(crate) struct HeifMetadata {
    pub exif: Option<Vec<u8>>,
    pub xmp: bool,
}

/// Most bytes of a TIFF structure read for metadata: EXIF blocks are at most 64 KiB in
/// JPEG; a TIFF photo's directories sit near its start or are skipped.
const MAX_EXIF_BYTES: usize = 4 << 20;

fn in_exif(tiff: &[u8]) -> Vec<Found> {
    use kamadak_exif::{In, Tag, Value};
    let mut found = Vec::new();
    let Ok(parsed) = kamadak_exif::Reader::new().read_raw(tiff[..tiff.len().min(MAX_EXIF_BYTES)].to_vec()) else {
        // Unreadable EXIF is still EXIF: say that something was there.
        if !tiff.is_empty() {
            found.push(Found::new(What::Other, "EXIF"));
        }
        return found;
    };
    let ascii = |tag: Tag| -> Option<String> {
        let field = parsed.get_field(tag, In::PRIMARY)?;
        match &field.value {
            Value::Ascii(parts) => Some(parts.iter().map(|p| text_of(p)).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")),
            Value::Undefined(bytes, _) => Some(text_of(bytes)),
            _ => None,
        }
        .filter(|s| !s.is_empty())
    };
    let degrees = |tag: Tag| -> Option<f64> {
        match &parsed.get_field(tag, In::PRIMARY)?.value {
            Value::Rational(parts) if !parts.is_empty() => {
                let part = |i: usize| parts.get(i).filter(|r| r.denom != 0).map_or(0.0, |r| f64::from(r.num) / f64::from(r.denom));
                let value = part(0) + part(1) / 60.0 + part(2) / 3600.0;
                (value.is_finite() && value <= 180.0).then_some(value)
            }
            _ => None,
        }
    };
    let signed = |value: Option<f64>, reference: Tag, negative: &str| {
        value.map(|v| if ascii(reference).is_some_and(|r| r.eq_ignore_ascii_case(negative)) { -v } else { v })
    };

    let latitude = signed(degrees(Tag::GPSLatitude), Tag::GPSLatitudeRef, "S").filter(|v| v.abs() <= 90.0);
    let longitude = signed(degrees(Tag::GPSLongitude), Tag::GPSLongitudeRef, "W");
    match latitude {
        Some(lat) => found.push(Found::new(What::Gps, position(lat, longitude))),
        None if parsed.fields().any(|f| f.tag.context() == kamadak_exif::Context::Gps) => found.push(Found::new(What::Gps, "")),
        None => {}
    }
    if let Some(camera) = camera(ascii(Tag::Make), ascii(Tag::Model)) {
        found.push(Found::new(What::Camera, clean_text(&camera)));
    }
    // DNG's CameraSerialNumber lives in the first directory; EXIF 2.3's in the EXIF one.
    for tag in [Tag::BodySerialNumber, Tag(kamadak_exif::Context::Tiff, 0xC62F), Tag::LensSerialNumber] {
        if let Some(serial) = ascii(tag) {
            push_unique(&mut found, Found::new(What::Serial, serial));
        }
    }
    if let Some(date) = ascii(Tag::DateTimeOriginal).or_else(|| ascii(Tag::DateTimeDigitized)).or_else(|| ascii(Tag::DateTime)) {
        found.push(Found::new(What::DateTaken, exif_date(&date)));
    }
    let names: Vec<String> = [Tag::Artist, Tag::Copyright].into_iter().filter_map(ascii).collect();
    if !names.is_empty() {
        found.push(Found::new(What::Author, clean_text(&names.join("; "))));
    }
    if let Some(software) = ascii(Tag::Software) {
        found.push(Found::new(What::Software, software));
    }
    found
}

/// The camera as a person names it: "Canon EOS 80D" from make "Canon" and model "Canon
/// EOS 80D" (many models repeat the make), "Apple iPhone 12" from "Apple" and "iPhone 12".
fn camera(make: Option<String>, model: Option<String>) -> Option<String> {
    match (make, model) {
        (Some(make), Some(model)) if model.to_lowercase().starts_with(&make.to_lowercase()) => Some(model),
        (Some(make), Some(model)) => Some(format!("{make} {model}")),
        (make, model) => make.or(model),
    }
}

/// EXIF writes "2024:05:17 18:03:11"; people read "2024-05-17 18:03:11".
fn exif_date(raw: &str) -> String {
    let b = raw.as_bytes();
    if b.len() >= 10 && b[4] == b':' && b[7] == b':' {
        format!("{}-{}-{}", &raw[..4], &raw[5..7], &raw[8..])
    } else {
        raw.to_owned()
    }
}

/// Whether a public photo file (a JPEG or WebP this engine wrote) carries no metadata at
/// all: a JPEG has no application segment but JFIF's and no comment; a WebP has only
/// picture, alpha and feature chunks, with no ICC, EXIF or XMP flag set.
pub fn photo_file_is_clean(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let mut segments = jpeg_segments(bytes).peekable();
        // A file whose segments end before its scan is not one we can vouch for.
        let clean = segments.all(|(marker, payload)| match marker {
            0xE0 => payload.starts_with(b"JFIF\0"),
            0xE1..=0xEF | 0xFE => false,
            _ => true,
        });
        clean && jpeg_reaches_scan(bytes)
    } else if bytes.starts_with(b"RIFF") {
        let mut seen = false;
        for (id, body) in riff_chunks(bytes) {
            seen = true;
            match id {
                b"VP8 " | b"VP8L" | b"ALPH" => {}
                // ICC (0x20), EXIF (0x08) and XMP (0x04) flags.
                b"VP8X" if body.first().is_some_and(|flags| flags & 0x2C == 0) => {}
                _ => return false,
            }
        }
        seen
    } else {
        false
    }
}

/// Whether a JPEG's segments lead to a start-of-scan (none was cut or malformed).
fn jpeg_reaches_scan(bytes: &[u8]) -> bool {
    let mut at = 2;
    for (_, payload) in jpeg_segments(bytes) {
        at = payload.as_ptr() as usize - bytes.as_ptr() as usize + payload.len();
    }
    while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
        at += 1;
    }
    bytes.get(at..at + 2) == Some(&[0xFF, 0xDA])
}

// ---------------------------------------------------------------------------------------
// Films: container and stream tags, as FFmpeg's demuxers expose them.

/// What identifying tags a film's container and streams carry, as (key, value) pairs
/// with lower-case keys. `rotation` is the clockwise rotation that was applied.
pub(crate) fn in_film_tags(container: &[(String, String)], streams: &[(String, String)], rotation: i32) -> Vec<Found> {
    let mut found = Vec::new();
    let get = |keys: &[&str], from: &[(String, String)]| -> Option<String> {
        keys.iter().find_map(|k| from.iter().find(|(key, v)| key == k && !clean_text(v).is_empty()).map(|(_, v)| clean_text(v)))
    };
    let both: Vec<(String, String)> = container.iter().chain(streams).cloned().collect();

    let location_keys = ["com.apple.quicktime.location.iso6709", "location", "location-eng", "com.android.location"];
    if let Some(raw) = get(&location_keys, &both) {
        found.push(Found::new(What::Location, iso6709(&raw).unwrap_or_default()));
    }
    let make = get(&["com.apple.quicktime.make", "make", "com.android.manufacturer"], &both);
    let model = get(&["com.apple.quicktime.model", "model", "com.android.model"], &both);
    if let Some(camera) = camera(make, model) {
        found.push(Found::new(What::Camera, clean_text(&camera)));
    }
    for (key, value) in &both {
        if key.contains("serial") && !clean_text(value).is_empty() {
            push_unique(&mut found, Found::new(What::Serial, clean_text(value)));
        }
    }
    if let Some(date) = get(&["com.apple.quicktime.creationdate", "creation_time", "date"], &both) {
        found.push(Found::new(What::DateTaken, film_date(&date)));
    }
    let names: Vec<String> = ["artist", "author", "com.apple.quicktime.author", "com.apple.quicktime.artist", "copyright", "composer", "album_artist"]
        .iter()
        .filter_map(|k| get(&[k], &both))
        .fold(Vec::new(), |mut names, n| {
            if !names.contains(&n) {
                names.push(n);
            }
            names
        });
    if !names.is_empty() {
        found.push(Found::new(What::Author, clean_text(&names.join("; "))));
    }
    // The container's writer; a stream's `encoder` names a codec, not a person's tool.
    if let Some(software) = get(&["com.apple.quicktime.software", "software", "encoder", "com.android.version"], container) {
        found.push(Found::new(What::Software, software));
    }
    if rotation != 0 {
        found.push(Found::new(What::Upright, rotation.to_string()));
    }
    for key in ["title", "comment", "description", "keywords", "synopsis", "com.apple.quicktime.description"] {
        if get(&[key], &both).is_some() {
            push_unique(&mut found, Found::new(What::Other, key.trim_start_matches("com.apple.quicktime.")));
        }
    }
    found
}

/// "+42.5636+012.6427+100.000/" (ISO 6709, as QuickTime and Android write it) as a
/// rounded position.
fn iso6709(raw: &str) -> Option<String> {
    let s = raw.trim().trim_end_matches('/');
    let mut numbers = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c == '+' || c == '-' {
            if let Some(from) = start {
                numbers.push(&s[from..i]);
            }
            start = Some(i);
        } else if !(c.is_ascii_digit() || c == '.') {
            return None;
        }
    }
    numbers.push(&s[start?..]);
    let lat: f64 = numbers.first()?.parse().ok()?;
    let lon: f64 = numbers.get(1)?.parse().ok()?;
    (lat.abs() <= 90.0 && lon.abs() <= 180.0).then(|| position(lat, Some(lon)))
}

/// "2024-05-17T18:03:11.000000Z" as "2024-05-17 18:03:11".
fn film_date(raw: &str) -> String {
    let trimmed = raw.split('.').next().unwrap_or(raw).trim_end_matches('Z');
    clean_text(&trimmed.replacen('T', " ", 1))
}

/// Tags a public film or sound file this engine wrote may carry: the MP4/WebM muxer's own
/// structure and FFmpeg's name. Anything else means something reached a public file.
pub(crate) fn tags_are_clean(container: &[(String, String)], streams: &[(String, String)]) -> bool {
    let own = |(key, value): &(String, String)| match key.as_str() {
        "major_brand" | "minor_version" | "compatible_brands" | "handler_name" | "vendor_id" | "language" | "duration" => true,
        "encoder" => value.starts_with("Lav"),
        _ => false,
    };
    container.iter().all(own) && streams.iter().all(own)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_serialised_ones() {
        for what in What::ALL {
            assert_eq!(serde_json::to_value(what).unwrap(), what.as_str());
        }
    }

    #[test]
    fn positions_are_rounded_to_about_a_kilometre() {
        assert_eq!(position(42.5636, Some(12.6427)), "42.56 N, 12.64 E");
        assert_eq!(position(-33.8688, Some(-151.2093)), "33.87 S, 151.21 W");
        assert_eq!(position(42.55, None), "42.55 N");
        assert_eq!(iso6709("+42.5636+012.6427+100.000/").as_deref(), Some("42.56 N, 12.64 E"));
        assert_eq!(iso6709("-33.8688-151.2093/").as_deref(), Some("33.87 S, 151.21 W"));
        assert_eq!(iso6709("somewhere"), None);
        assert_eq!(iso6709("+99.0+10.0/"), None);
    }

    #[test]
    fn text_from_a_file_is_cleaned_and_cut() {
        assert_eq!(clean_text("  Canon\u{200B}  EOS\u{202E}\n80D\0 "), "Canon EOS 80D");
        let long = "a".repeat(500);
        assert_eq!(clean_text(&long).chars().count(), MAX_DETAIL_CHARS + 1);
        assert_eq!(text_of(b"Nikon\0\0garbage"), "Nikon");
    }

    #[test]
    fn film_tags_name_position_camera_date_and_people() {
        let tags = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        let container = tags(&[
            ("com.apple.quicktime.location.iso6709", "+42.5636+012.6427+100.000/"),
            ("com.apple.quicktime.make", "Apple"),
            ("com.apple.quicktime.model", "iPhone 12"),
            ("com.apple.quicktime.creationdate", "2024-05-17T18:03:11+0200"),
            ("com.apple.quicktime.software", "17.4"),
            ("artist", "Maria Rossi"),
            ("major_brand", "qt  "),
        ]);
        let streams = tags(&[("creation_time", "2024-05-17T16:03:11.000000Z"), ("handler_name", "Core Media Video")]);
        let found = in_film_tags(&container, &streams, 90);
        let whats: Vec<What> = found.iter().map(|f| f.what).collect();
        assert_eq!(whats, [What::Location, What::Camera, What::DateTaken, What::Author, What::Software, What::Upright]);
        assert_eq!(found[0].detail, "42.56 N, 12.64 E");
        assert_eq!(found[1].detail, "Apple iPhone 12");
        assert_eq!(found[2].detail, "2024-05-17 18:03:11+0200");
        assert!(in_film_tags(&tags(&[("major_brand", "isom")]), &[], 0).is_empty());
    }

    #[test]
    fn only_the_muxers_own_tags_count_as_clean() {
        let tags = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        let own = tags(&[("major_brand", "isom"), ("encoder", "Lavf59.27.100")]);
        let stream = tags(&[("handler_name", "VideoHandler"), ("vendor_id", "[0][0][0][0]"), ("language", "und")]);
        assert!(tags_are_clean(&own, &stream));
        assert!(!tags_are_clean(&tags(&[("location", "+42.5+12.6/")]), &stream));
        assert!(!tags_are_clean(&tags(&[("encoder", "iPhone")]), &[]));
        assert!(!tags_are_clean(&own, &tags(&[("creation_time", "2024-05-17T16:03:11Z")])));
    }

    #[test]
    fn walkers_stop_at_hostile_lengths_without_panicking() {
        assert_eq!(jpeg_segments(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 1, 2]).count(), 0);
        assert_eq!(jpeg_segments(&[0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01]).count(), 0);
        assert_eq!(png_chunks(b"\x89PNG\r\n\x1a\n\xff\xff\xff\xffIHDR").count(), 0);
        let mut riff = b"RIFF\0\0\0\0WEBPEXIF".to_vec();
        riff.extend_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(riff_chunks(&riff).count(), 0);
        assert!(!photo_file_is_clean(b""));
        assert!(!photo_file_is_clean(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00]));
        assert!(in_exif(b"II*\0\xff\xff\xff\xff").iter().all(|f| f.what == What::Other));
    }

    #[test]
    fn a_jpeg_with_exif_or_a_comment_is_not_clean_and_one_without_is() {
        let plain = plain_jpeg();
        assert!(photo_file_is_clean(&plain));
        let mut with_comment = plain[..2].to_vec();
        with_comment.extend_from_slice(&[0xFF, 0xFE, 0x00, 0x05, b'h', b'i', b'!']);
        with_comment.extend_from_slice(&plain[2..]);
        assert!(!photo_file_is_clean(&with_comment));
    }

    #[test]
    fn a_webp_with_an_exif_chunk_is_not_clean() {
        let img = image::RgbImage::from_pixel(4, 4, image::Rgb([10, 20, 30]));
        let encoded = webp::Encoder::from_rgb(img.as_raw(), 4, 4).encode(80.0).to_vec();
        assert!(photo_file_is_clean(&encoded));
        let mut tagged = encoded.clone();
        tagged.extend_from_slice(b"EXIF\x04\0\0\0II*\0");
        let size = (tagged.len() - 8) as u32;
        tagged[4..8].copy_from_slice(&size.to_le_bytes());
        assert!(!photo_file_is_clean(&tagged));
    }

    fn plain_jpeg() -> Vec<u8> {
        let img = image::RgbImage::from_pixel(8, 8, image::Rgb([200, 100, 50]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
            .encode(img.as_raw(), 8, 8, image::ExtendedColorType::Rgb8)
            .unwrap();
        out
    }
}
