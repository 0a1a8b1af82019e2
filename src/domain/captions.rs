//! Captions a citizen attaches to a film or a sound work, read from an SRT or WebVTT file and
//! kept as plain cue text, to be served as canonical WebVTT.
//!
//! What is read:
//! - Encoding: a byte order mark decides (UTF-8, UTF-16 LE, UTF-16 BE); without one, text that
//!   is valid UTF-8 is UTF-8; otherwise `chardetng` guesses, told the captions' language (see
//!   `CaptionLang::detector_hint`: a file of few accented letters is ambiguous, and Italian
//!   «guillemets» alone read as Central European without it). A guess among the single-byte
//!   encodings of European scripts ([`LEGACY_ENCODINGS`]) is used, and Windows-1252 (the
//!   superset of Latin-1 that Western editors save) where the guess leaves a byte undefined;
//!   any other guess (CJK, Arabic, Hebrew, Thai, Vietnamese) is refused with a request for
//!   UTF-8 rather than shown as garbled letters. Bytes that break the encoding a BOM
//!   announced, or a NUL (a binary file, or UTF-16 without a BOM), make the file unreadable.
//! - Lines end with LF, CRLF or a lone CR. A line of only spaces counts as blank.
//! - WebVTT: the first line is `WEBVTT`, alone or followed by a space or tab and a title; the
//!   header lines under it are skipped. `NOTE`, `STYLE` and `REGION` blocks are skipped.
//! - SRT has no formal specification; accepted are blocks of an optional index line (any one
//!   line before the timing, so WebVTT cue identifiers too), the timing line, and text lines,
//!   separated by one or more blank lines. A missing blank line before the next cue is tolerated
//!   in SRT when the next index is followed by its timing.
//! - In both, any line containing `-->` is a timing line: `start --> end`, spaces around the
//!   arrow optional, anything after the end (WebVTT cue settings, SRT `X1:` coordinates)
//!   dropped. A time is `[H]H:MM:SS,mmm` or `[H]H:MM:SS.mmm` (either in either format, as
//!   files are often saved with the other's), hours optional (`MM:SS.mmm`),
//!   minutes and seconds two digits below 60, exactly three digits of milliseconds, at most
//!   two digits of hours: no media on Piazza lasts 100 hours, and a longer time is a typo.
//! - A block without a timing line is refused rather than skipped (as the WebVTT parsing rules
//!   would): it almost always is a cue whose arrow was mistyped, and losing it silently would
//!   leave a gap in the captions the author never sees.
//!
//! What is checked, in the order of the file so that a refusal names the first problem and
//! its line (1-based, in the file as sent): each cue ends after it starts; no cue starts
//! before the one above it (cues may overlap: two people can speak at once); each ends by
//! the media's end, give or take [`END_TOLERANCE_MS`]; and the limits [`MAX_CAPTIONS_BYTES`],
//! [`MAX_CUES`] and [`MAX_CUE_CHARS`], kept while reading, in one pass over the text.
//!
//! What is kept of a cue's text is what a browser shows, as plain text: tags (`<b>`, `<i>`,
//! `<c.class>`, `<v Speaker>`, `<font color=…>`, timestamps `<00:00:01.000>`) and SRT's
//! ASS-style `{\an8}` overrides are removed; the name in a voice tag is dropped too, because
//! browsers do not show it (an author who wants the speaker seen writes it in the text, as SRT
//! authors do). A `<` that opens no tag (`5 < 6`) is text. Only then are the references
//! `&amp; &lt; &gt; &nbsp; &lrm; &rlm; &quot; &apos;` and numeric ones decoded, so that an
//! escaped `&lt;b&gt;` stays visible text; others (`&copy;`) stay as written. Control
//! characters (tab becomes a space), bidirectional embeddings, overrides and isolates (which
//! can reorder what is read), zero-width spaces, word joiners and noncharacters are removed;
//! the marks LRM and RLM stay, as right-to-left captions need them, and so do the joiners
//! ZWJ and ZWNJ that emoji and some scripts are written with. Each line is trimmed, lines
//! left empty (or holding only marks) go, and a cue left with no text is dropped.
//!
//! The output ([`Captions::to_webvtt`]) is WebVTT with `HH:MM:SS.mmm` times and escaped text,
//! and reads back to the same captions.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{DecoderResult, Encoding};

use super::DomainError;

/// The largest caption file taken, as sent: a feature film's captions are about 100 KB in
/// UTF-8, so this leaves room for UTF-16 and long works while bounding what is decoded.
pub const MAX_CAPTIONS_BYTES: usize = 2 * 1024 * 1024;

/// The most cues a file may have: a three-hour film has about 2,500.
pub const MAX_CUES: usize = 10_000;

/// The longest text of one cue, in characters after markup is removed: a caption is read in
/// a few seconds, and two lines of 42 characters is the usual measure.
pub const MAX_CUE_CHARS: usize = 1_000;

/// How far past the media's end a cue may end: tools round durations, and a container's
/// duration can differ from its streams' by a frame or two.
pub const END_TOLERANCE_MS: u64 = 500;

/// The legacy encodings a guess of `chardetng` may name for the file to be read: the
/// single-byte encodings of European scripts (Western, Central European, Cyrillic, Greek,
/// Turkish, Baltic), in which every byte is one character, so a wrong guess among them at
/// worst swaps some accented letters, never timings or line ends.
pub const LEGACY_ENCODINGS: [&Encoding; 13] = [
    encoding_rs::WINDOWS_1252,
    encoding_rs::WINDOWS_1250,
    encoding_rs::ISO_8859_2,
    encoding_rs::WINDOWS_1251,
    encoding_rs::ISO_8859_5,
    encoding_rs::KOI8_U,
    encoding_rs::IBM866,
    encoding_rs::WINDOWS_1253,
    encoding_rs::ISO_8859_7,
    encoding_rs::WINDOWS_1254,
    encoding_rs::WINDOWS_1257,
    encoding_rs::ISO_8859_4,
    encoding_rs::ISO_8859_13,
];

/// The most characters of the author's text quoted back in a refusal.
const QUOTE_CHARS: usize = 80;

/// Validated captions: at least one cue, in order of start, each ending after it starts and
/// with non-empty plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captions {
    cues: Vec<Cue>,
}

/// One caption: shown from `start_ms` to `end_ms`, its plain text with `\n` between lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: String,
}

impl Captions {
    /// Reads an SRT or WebVTT file in Italian, the default language: see [`Captions::parse_in`].
    pub fn parse(bytes: &[u8], media_duration_ms: Option<u64>) -> Result<Self, DomainError> {
        Self::parse_in(bytes, media_duration_ms, &CaptionLang::default())
    }

    /// Reads an SRT or WebVTT file written in `lang` (see the module's description of what
    /// is accepted; the language helps to tell a legacy encoding) and checks it against the
    /// media it captions: every cue must end by `media_duration_ms` (plus
    /// [`END_TOLERANCE_MS`]) when the duration is known.
    pub fn parse_in(bytes: &[u8], media_duration_ms: Option<u64>, lang: &CaptionLang) -> Result<Self, DomainError> {
        if bytes.len() > MAX_CAPTIONS_BYTES {
            return Err(too_large("file", MAX_CAPTIONS_BYTES / (1024 * 1024), None));
        }
        let text = decode(bytes, lang)?;
        let cues = read_cues(&text, media_duration_ms)?;
        if cues.is_empty() {
            return Err(DomainError::new("captions_empty"));
        }
        Ok(Self { cues })
    }

    pub fn cues(&self) -> &[Cue] {
        &self.cues
    }

    /// The captions as WebVTT that carries nothing but timings and text: no identifiers,
    /// settings, styles or regions, and text in which `&`, `<` and `>` are escaped, so no
    /// line can hold a tag or an arrow and the file is inert wherever it is shown.
    pub fn to_webvtt(&self) -> String {
        let mut out = String::from("WEBVTT\n");
        for cue in &self.cues {
            out.push('\n');
            out.push_str(&timestamp(cue.start_ms));
            out.push_str(" --> ");
            out.push_str(&timestamp(cue.end_ms));
            out.push('\n');
            for c in cue.text.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    c => out.push(c),
                }
            }
            out.push('\n');
        }
        out
    }

    /// Every cue's text, one cue after another on its own lines, without timings: what
    /// search indexes.
    pub fn plain_text(&self) -> String {
        self.cues.iter().map(|cue| cue.text.as_str()).collect::<Vec<_>>().join("\n")
    }
}

/// The language the captions are in, as the `srclang` of a `<track>`: a BCP 47 primary
/// language subtag (ISO 639: two or three letters), lowercased. A region or script after it
/// (`en-GB`, `pt_BR`, `zh-Hant`) is dropped, as captions are labelled by language only. Blank
/// input is the default, Italian.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CaptionLang(String);

impl CaptionLang {
    pub const DEFAULT: &'static str = "it";

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Ok(Self::default());
        }
        let mut subtags = trimmed.split(['-', '_']);
        let primary = subtags.next().unwrap_or_default();
        let is_subtag = |sub: &str, len: std::ops::RangeInclusive<usize>, letters_only: bool| {
            len.contains(&sub.len()) && sub.bytes().all(|b| if letters_only { b.is_ascii_alphabetic() } else { b.is_ascii_alphanumeric() })
        };
        let is_tag = is_subtag(primary, 2..=3, true) && subtags.all(|sub| is_subtag(sub, 1..=8, false));
        if !is_tag {
            return Err(DomainError::new("captions_invalid_lang").arg("lang", quote(trimmed, 20)));
        }
        Ok(Self(primary.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The language a film's container names for its subtitle track: Matroska and MP4 use
    /// ISO 639-2 codes (`ita`, `eng`, both bibliographic `fre` and terminological `fra`),
    /// where the piazza speaks BCP 47, whose primary subtag is the two-letter code when
    /// there is one. None for a tag that is no language.
    pub fn from_container(tag: &str) -> Option<Self> {
        let tag = tag.trim().to_ascii_lowercase();
        let two = match tag.as_str() {
            "ita" => "it",
            "eng" => "en",
            "fra" | "fre" => "fr",
            "deu" | "ger" => "de",
            "spa" => "es",
            "por" => "pt",
            "ron" | "rum" => "ro",
            "sqi" | "alb" => "sq",
            "ara" => "ar",
            "ukr" => "uk",
            "rus" => "ru",
            "pol" => "pl",
            "zho" | "chi" => "zh",
            "und" | "mul" | "zxx" | "mis" | "" => return None,
            other => other,
        };
        Self::parse(two).ok()
    }

    /// What `chardetng` is told of where the file comes from: the top-level domain of a
    /// country where the language is written, for the languages whose legacy encodings are
    /// not Western; for all others `it`, the piazza's own, which favours Windows-1252.
    fn detector_hint(&self) -> &'static [u8] {
        match self.0.as_str() {
            "pl" => b"pl",
            "cs" => b"cz",
            "sk" => b"sk",
            "hu" => b"hu",
            "ro" => b"ro",
            "hr" => b"hr",
            "sl" => b"si",
            "bs" => b"ba",
            "sr" => b"rs",
            "ru" => b"ru",
            "uk" => b"ua",
            "be" => b"by",
            "bg" => b"bg",
            "mk" => b"mk",
            "el" => b"gr",
            "tr" => b"tr",
            "lt" => b"lt",
            "lv" => b"lv",
            _ => b"it",
        }
    }
}

impl Default for CaptionLang {
    fn default() -> Self {
        Self(Self::DEFAULT.to_owned())
    }
}

/// `captions_too_large`: the `problem` (file, cues, cue-text), the limit it broke, and the
/// line of the cue that broke it.
fn too_large(problem: &str, max: usize, line: Option<usize>) -> DomainError {
    let error = DomainError::new("captions_too_large").arg("problem", problem).arg("max", max);
    match line {
        Some(line) => error.arg("line", line),
        None => error,
    }
}

/// `captions_unreadable`: the `problem` (encoding: bytes that break the announced encoding;
/// binary: a NUL, so not text) and the line where it is.
fn unreadable(problem: &str, line: usize) -> DomainError {
    DomainError::new("captions_unreadable").arg("problem", problem).arg("line", line)
}

/// `captions_invalid_timing`: the `problem` (missing: no timing where one must be; format:
/// the times cannot be read; backwards: the cue does not end after it starts), the line and
/// its text.
fn invalid_timing(line: &Line<'_>, problem: &str) -> DomainError {
    DomainError::new("captions_invalid_timing")
        .arg("problem", problem)
        .arg("line", line.number)
        .arg("timing", quote(line.text, QUOTE_CHARS))
}

/// The text of the file: BOM, else UTF-8, else the detector's guess (see the module's doc).
fn decode(bytes: &[u8], lang: &CaptionLang) -> Result<String, DomainError> {
    let text = match Encoding::for_bom(bytes) {
        Some((encoding, bom_len)) => decode_strictly(encoding, &bytes[bom_len..]).map_err(|line| unreadable("encoding", line))?,
        None => match std::str::from_utf8(bytes) {
            Ok(text) => text.to_owned(),
            Err(_) => {
                if let Some(nul) = bytes.iter().position(|&b| b == 0) {
                    return Err(unreadable("binary", line_at_byte(bytes, nul)));
                }
                let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
                detector.feed(bytes, true);
                let guess = detector.guess(Some(lang.detector_hint()), Utf8Detection::Deny);
                if !LEGACY_ENCODINGS.contains(&guess) {
                    // Where the text stops being ASCII, the one part every guess agrees on.
                    let ascii = bytes.iter().position(|b| !b.is_ascii()).unwrap_or(bytes.len());
                    return Err(unreadable("encoding", line_at_byte(bytes, ascii)));
                }
                // A guess can be wrong where a BOM is not: bytes the guessed encoding leaves
                // undefined send the file to Windows-1252, which defines all 256.
                decode_strictly(guess, bytes)
                    .or_else(|_| decode_strictly(encoding_rs::WINDOWS_1252, bytes))
                    .map_err(|line| unreadable("encoding", line))?
            }
        },
    };
    // A NUL is never in a caption: the file is binary, or UTF-16 without its BOM.
    match text.find('\0') {
        Some(at) => Err(unreadable("binary", line_count(&text[..at]))),
        None => Ok(text),
    }
}

/// The bytes in `encoding`, or the line of the first sequence that is not.
fn decode_strictly(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, usize> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    // Three bytes of UTF-8 per input byte is the worst case of every encoding here, and
    // cannot overflow for a file under MAX_CAPTIONS_BYTES.
    let capacity = decoder.max_utf8_buffer_length_without_replacement(bytes.len()).unwrap_or(bytes.len() * 3);
    let mut text = String::with_capacity(capacity);
    let (result, _read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    match result {
        DecoderResult::InputEmpty => Ok(text),
        // `text` holds what came before the bad bytes, so its lines say where they are.
        DecoderResult::Malformed(..) | DecoderResult::OutputFull => Err(line_count(&text)),
    }
}

/// The 1-based number of the line holding the byte at `at`, in bytes of an encoding that
/// writes line ends as ASCII does (all but UTF-16).
fn line_at_byte(bytes: &[u8], at: usize) -> usize {
    let before = &bytes[..at];
    let ends = before.iter().enumerate().filter(|&(i, &b)| b == b'\n' || (b == b'\r' && before.get(i + 1) != Some(&b'\n')));
    1 + ends.count()
}

/// The 1-based number of the line that `before` ends in.
fn line_count(before: &str) -> usize {
    Lines::new(before).count()
}

/// A line of the file and its 1-based number.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    number: usize,
    text: &'a str,
}

impl Line<'_> {
    fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    fn is_timing(&self) -> bool {
        self.text.contains("-->")
    }

    /// A WebVTT block that holds no cue: a comment, a style sheet or a region definition.
    fn starts_skipped_block(&self) -> bool {
        ["NOTE", "STYLE", "REGION"].iter().any(|word| {
            self.text.strip_prefix(word).is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
        })
    }
}

/// The lines of a text, split at LF, CRLF or a lone CR (all three end a line in WebVTT),
/// found as they are read: a file of nothing but line ends is no longer a list of them.
/// Cloning is cheap, which is how the reader looks ahead.
#[derive(Debug, Clone)]
struct Lines<'a> {
    rest: Option<&'a str>,
    number: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Self { rest: Some(text), number: 0 }
    }

    fn peek(&self) -> Option<Line<'a>> {
        self.clone().next()
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        let rest = self.rest?;
        self.number += 1;
        let line = match rest.find(['\r', '\n']) {
            Some(at) => {
                let ending = if rest[at..].starts_with("\r\n") { 2 } else { 1 };
                self.rest = Some(&rest[at + ending..]);
                &rest[..at]
            }
            None => {
                self.rest = None;
                rest
            }
        };
        Some(Line { number: self.number, text: line })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Srt,
    WebVtt,
}

/// The cues of the file, checked in the order they come, so a refusal names the first
/// problem a reader would meet.
fn read_cues(text: &str, media_duration_ms: Option<u64>) -> Result<Vec<Cue>, DomainError> {
    let mut lines = Lines::new(text);
    let is_header = |line: &Line<'_>| {
        line.text.strip_prefix("WEBVTT").is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    };
    let format = if lines.peek().is_some_and(|line| is_header(&line)) { Format::WebVtt } else { Format::Srt };
    if format == Format::WebVtt {
        // The header's metadata lines (`Kind:`, `Language:`) run to the first blank line; a
        // cue written straight under them, against the rules, is still read.
        lines.next();
        while lines.peek().is_some_and(|line| !line.is_blank() && !line.is_timing()) {
            lines.next();
        }
    }
    let mut cues = Vec::new();
    let mut timed = 0usize;
    let mut previous: Option<(u64, usize)> = None;
    loop {
        while lines.peek().is_some_and(|line| line.is_blank()) {
            lines.next();
        }
        let Some(first) = lines.next() else { break };
        if format == Format::WebVtt && first.starts_skipped_block() {
            while lines.peek().is_some_and(|line| !line.is_blank()) {
                lines.next();
            }
            continue;
        }
        // The timing is the block's first line, or its second after an index or identifier.
        let timing = if first.is_timing() {
            first
        } else {
            match lines.next() {
                Some(next) if next.is_timing() => next,
                Some(next) if !next.is_blank() => return Err(invalid_timing(&next, "missing")),
                _ => return Err(invalid_timing(&first, "missing")),
            }
        };
        timed += 1;
        if timed > MAX_CUES {
            return Err(too_large("cues", MAX_CUES, Some(timing.number)));
        }
        let (start_ms, end_ms) = parse_timing(&timing)?;
        if let Some((previous_start, previous_line)) = previous {
            if start_ms < previous_start {
                return Err(DomainError::new("captions_out_of_order")
                    .arg("line", timing.number)
                    .arg("timing", quote(timing.text, QUOTE_CHARS))
                    .arg("previous", previous_line));
            }
        }
        previous = Some((start_ms, timing.number));
        if let Some(duration_ms) = media_duration_ms {
            if end_ms > duration_ms.saturating_add(END_TOLERANCE_MS) {
                return Err(DomainError::new("captions_past_end")
                    .arg("line", timing.number)
                    .arg("timing", quote(timing.text, QUOTE_CHARS))
                    .arg("duration", clock(duration_ms)));
            }
        }
        // The text runs to a blank line or the next cue's timing (or, in SRT, its index).
        let mut text = String::new();
        let mut chars = 0;
        while let Some(line) = lines.peek() {
            if line.is_blank() || line.is_timing() || (format == Format::Srt && is_srt_index_before_timing(&lines)) {
                break;
            }
            lines.next();
            let plain = plain_line(line.text);
            if plain.is_empty() {
                continue;
            }
            chars += plain.chars().count() + usize::from(!text.is_empty());
            if chars > MAX_CUE_CHARS {
                return Err(too_large("cue-text", MAX_CUE_CHARS, Some(timing.number)));
            }
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&plain);
        }
        if !text.is_empty() {
            cues.push(Cue { start_ms, end_ms, text });
        }
    }
    Ok(cues)
}

/// Whether the next line is an SRT index written straight under the previous cue's text,
/// its blank line forgotten: digits, with a timing after them.
fn is_srt_index_before_timing(lines: &Lines<'_>) -> bool {
    let mut ahead = lines.clone();
    let is_index = ahead.next().is_some_and(|line| {
        let text = line.text.trim();
        !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
    });
    is_index && ahead.next().is_some_and(|line| line.is_timing())
}

fn parse_timing(line: &Line<'_>) -> Result<(u64, u64), DomainError> {
    let (start, rest) = line.text.split_once("-->").unwrap_or((line.text, ""));
    let end = rest.split_whitespace().next().unwrap_or_default();
    let (Some(start_ms), Some(end_ms)) = (parse_time(start.trim()), parse_time(end)) else {
        return Err(invalid_timing(line, "format"));
    };
    if end_ms <= start_ms {
        return Err(invalid_timing(line, "backwards"));
    }
    Ok((start_ms, end_ms))
}

/// `[H]H:MM:SS.mmm`, `MM:SS.mmm`, with `,` or `.` before the milliseconds.
fn parse_time(text: &str) -> Option<u64> {
    let (clock, millis) = text.rsplit_once([',', '.'])?;
    let number = |digits: &str, min_len: usize, max_len: usize| -> Option<u64> {
        let ok = (min_len..=max_len).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| digits.parse().ok()).flatten()
    };
    let millis = number(millis, 3, 3)?;
    let parts: Vec<&str> = clock.split(':').collect();
    let (hours, minutes, seconds) = match parts.as_slice() {
        [h, m, s] => (number(h, 1, 2)?, number(m, 2, 2)?, number(s, 2, 2)?),
        [m, s] => (0, number(m, 2, 2)?, number(s, 2, 2)?),
        _ => return None,
    };
    if minutes > 59 || seconds > 59 {
        return None;
    }
    Some(((hours * 60 + minutes) * 60 + seconds) * 1000 + millis)
}

/// `HH:MM:SS.mmm`, as WebVTT writes a time (hours are below 100, see `parse_time`).
fn timestamp(ms: u64) -> String {
    let (hours, minutes, seconds, millis) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    format!("{hours:02}:{minutes:02}:{seconds:02}.{millis:03}")
}

/// A duration as a person reads it on a player: `2:05`, `1:02:05`.
fn clock(ms: u64) -> String {
    let total = ms / 1000;
    let (hours, minutes, seconds) = (total / 3600, total / 60 % 60, total % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

/// The author's text as a refusal quotes it: trimmed, without control characters, and cut
/// to `max` characters.
fn quote(text: &str, max: usize) -> String {
    let clean: String = text.trim().chars().filter(|c| !c.is_control()).collect();
    if clean.chars().count() > max {
        clean.chars().take(max - 1).chain(['…']).collect()
    } else {
        clean
    }
}

/// A line of a cue as plain text (see the module's doc): empty if nothing visible is left.
fn plain_line(line: &str) -> String {
    let decoded = decode_entities(&strip_markup(line));
    let cleaned: String = decoded
        .chars()
        .filter_map(|c| match c {
            '\t' | '\u{2028}' | '\u{2029}' => Some(' '),
            c => (!is_invisible(c)).then_some(c),
        })
        .collect();
    let trimmed = cleaned.trim();
    // Marks alone show nothing; beside text they order it, so they are not trimmed.
    if trimmed.chars().all(|c| c.is_whitespace() || matches!(c, '\u{200E}' | '\u{200F}')) {
        String::new()
    } else {
        trimmed.to_owned()
    }
}

/// Removes `<…>` tags and `{\…}` overrides within the line. A `<` that does not open a tag
/// (`5 < 6`, `<3`) is text: a tag starts with a letter, `/` or a digit (a timestamp) and
/// closes on the same line.
fn strip_markup(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    // Once a closing `>` or `}` is not found, none is further on: remembering it keeps a
    // line of a million `<a` from being searched a million times.
    let (mut may_close_tag, mut may_close_override) = (true, true);
    while let Some(at) = rest.find(['<', '{']) {
        out.push_str(&rest[..at]);
        let from = &rest[at..];
        let next = from[1..].chars().next();
        let (opens, close, may_close) = if from.starts_with('<') {
            (next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '/'), '>', &mut may_close_tag)
        } else {
            (next == Some('\\'), '}', &mut may_close_override)
        };
        let end = if opens && *may_close { from.find(close) } else { None };
        if opens && end.is_none() {
            *may_close = false;
        }
        match end {
            Some(end) => rest = &from[end + 1..],
            None => {
                out.push_str(&from[..1]);
                rest = &from[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes the character references captions use; an unknown one stays as it was written.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let from = &rest[at..];
        // The longest reference decoded here, `&#x10FFFF;`, has ten characters.
        let reference = from[1..].char_indices().take(9).find(|&(_, c)| c == ';').map(|(end, _)| &from[1..1 + end]);
        match reference.and_then(entity) {
            Some(c) => {
                out.push(c);
                rest = &from[reference.map_or(0, str::len) + 2..];
            }
            None => {
                out.push('&');
                rest = &from[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "nbsp" => Some('\u{A0}'),
        "lrm" => Some('\u{200E}'),
        "rlm" => Some('\u{200F}'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => u32::from_str_radix(hex, 16).ok()?,
                None if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => number.parse().ok()?,
                _ => return None,
            };
            char::from_u32(code)
        }
    }
}

/// Characters that show nothing and can hide or reorder what is read: controls (newlines
/// are never inside a line here), noncharacters, bidirectional embeddings, overrides and
/// isolates, zero-width spaces and word joiners, and a stray BOM.
fn is_invisible(c: char) -> bool {
    piazza_workers::text::is_unwanted_char(c)
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Arg;

    /// The same three captions as every test file below writes them, in canonical WebVTT.
    const EXPECTED: &str = "WEBVTT

00:00:01.000 --> 00:00:04.000
Perché l’acqua è così “fredda”?

00:00:04.500 --> 00:00:07.250
Sarà l’inverno… – disse.
Poi tacque.

00:01:02.003 --> 00:01:05.000
Città à la carte &amp; caffè
";

    const SRT: &str = "1
00:00:01,000 --> 00:00:04,000
Perché l’acqua è così “fredda”?

2
00:00:04,500 --> 00:00:07,250
<i>Sarà</i> l’inverno… – disse.
Poi tacque.

3
00:01:02,003 --> 00:01:05,000
{\\an8}Città à la carte & caffè
";

    const VTT: &str = "WEBVTT - Il lago
Kind: captions
Language: it

NOTE scritto a mano,
su due righe

STYLE
::cue { color: yellow }

primo
00:01.000 --> 00:04.000 align:start position:10%
Perché l’acqua è così “fredda”?

00:00:04.500 --> 00:00:07.250
<v Anna><i>Sarà</i> l’inverno… – disse.</v>
Poi tacque.

3
01:02.003 --> 01:05.000 line:0
<c.yellow>Città</c> à la carte &amp; caffè
";

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut bytes = if big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for unit in text.encode_utf16() {
            bytes.extend(if big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() });
        }
        bytes
    }

    fn windows_1252(text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
        assert!(!unmappable, "{text:?} has characters Windows-1252 lacks");
        bytes.into_owned()
    }

    fn webvtt(input: &str) -> String {
        match Captions::parse(input.as_bytes(), None) {
            Ok(captions) => captions.to_webvtt(),
            Err(error) => panic!("{input:?} refused: {error}"),
        }
    }

    fn refusal(input: &[u8], media_duration_ms: Option<u64>) -> DomainError {
        match Captions::parse(input, media_duration_ms) {
            Ok(captions) => panic!("{:?} accepted: {:?}", String::from_utf8_lossy(input), captions.cues()),
            Err(error) => error,
        }
    }

    fn timing_error(problem: &str, line: usize, timing: &str) -> DomainError {
        DomainError::new("captions_invalid_timing").arg("problem", problem).arg("line", line).arg("timing", timing)
    }

    /// One cue at one second holding `text`, as SRT.
    fn srt_cue(text: &str) -> String {
        format!("1\n00:00:01,000 --> 00:00:02,000\n{text}\n")
    }

    /// The text of the only cue `srt_cue(text)` leaves.
    fn cue_text(text: &str) -> String {
        let captions = Captions::parse(srt_cue(text).as_bytes(), None).unwrap_or_else(|e| panic!("{text:?} refused: {e}"));
        assert_eq!(captions.cues().len(), 1);
        captions.cues()[0].text.clone()
    }

    #[test]
    fn the_same_captions_in_every_encoding_and_format_give_identical_webvtt() {
        let cp1252 = windows_1252(SRT);
        // The curly apostrophe is 0x92 in Windows-1252 and a control character in Latin-1:
        // the file must be read as the former, and must not pass as UTF-8.
        assert!(cp1252.contains(&0x92) && cp1252.contains(&0xE8) && std::str::from_utf8(&cp1252).is_err());
        let inputs: [(&str, Vec<u8>); 9] = [
            ("SRT in UTF-8", SRT.as_bytes().to_vec()),
            ("SRT in UTF-8 with a BOM", [b"\xEF\xBB\xBF".as_slice(), SRT.as_bytes()].concat()),
            ("SRT in UTF-16 LE with a BOM", utf16(SRT, false)),
            ("SRT in UTF-16 BE with a BOM", utf16(SRT, true)),
            ("SRT in Windows-1252", cp1252),
            ("SRT with CRLF", SRT.replace('\n', "\r\n").into_bytes()),
            ("SRT with CRLF in UTF-16 LE", utf16(&SRT.replace('\n', "\r\n"), false)),
            ("WebVTT in UTF-8", VTT.as_bytes().to_vec()),
            ("WebVTT in Windows-1252 with CR line ends", windows_1252(&VTT.replace('\n', "\r"))),
        ];
        for (name, bytes) in inputs {
            let captions = Captions::parse(&bytes, Some(65_000)).unwrap_or_else(|e| panic!("{name}: refused: {e}"));
            assert_eq!(captions.to_webvtt(), EXPECTED, "{name}");
        }
    }

    #[test]
    fn captions_keep_their_timings_and_text() {
        let captions = Captions::parse(SRT.as_bytes(), None).unwrap();
        let cue = &captions.cues()[1];
        assert_eq!((cue.start_ms, cue.end_ms, cue.text.as_str()), (4_500, 7_250, "Sarà l’inverno… – disse.\nPoi tacque."));
        assert_eq!(
            captions.plain_text(),
            "Perché l’acqua è così “fredda”?\nSarà l’inverno… – disse.\nPoi tacque.\nCittà à la carte & caffè"
        );
    }

    #[test]
    fn legacy_encodings_are_told_with_the_help_of_the_captions_language() {
        let latin1 = b"1\n00:00:01,000 --> 00:00:02,000\nPerch\xE9 \xE8 gi\xE0 cos\xEC, Nin\xF2?\n";
        assert_eq!(Captions::parse(latin1, None).unwrap().cues()[0].text, "Perché è già così, Ninò?");
        let cases = [
            ("it", "«Andiamo» disse.", encoding_rs::WINDOWS_1252),
            ("en", "It’s “fine”… isn’t it?", encoding_rs::WINDOWS_1252),
            ("de", "Über die Straße", encoding_rs::WINDOWS_1252),
            ("pl", "Zażółć gęślą jaźń.", encoding_rs::WINDOWS_1250),
            ("ro", "Bună ziua, ce faci? Mulţumesc, bine.", encoding_rs::WINDOWS_1250),
            ("cs", "Dobrý den, jak se máte? Děkuji, dobře.", encoding_rs::WINDOWS_1250),
            ("ru", "Съешь же ещё этих мягких французских булок.", encoding_rs::WINDOWS_1251),
            ("it", "Съешь же ещё этих мягких французских булок.", encoding_rs::WINDOWS_1251),
            ("el", "Καλημέρα, τι κάνεις;", encoding_rs::WINDOWS_1253),
            ("tr", "Günaydın, nasılsın? Teşekkürler.", encoding_rs::WINDOWS_1254),
        ];
        for (lang, text, encoding) in cases {
            let bytes = encoding.encode(&srt_cue(text)).0.into_owned();
            assert!(std::str::from_utf8(&bytes).is_err(), "{text}");
            let captions = Captions::parse_in(&bytes, None, &CaptionLang::parse(lang).unwrap());
            assert_eq!(captions.map(|c| c.cues()[0].text.clone()), Ok(text.to_owned()), "{lang} in {}", encoding.name());
        }
        // Without the hint, the guillemets of Italian read as Central European letters.
        let guillemets = encoding_rs::WINDOWS_1252.encode(&srt_cue("«No» disse")).0.into_owned();
        let polish = CaptionLang::parse("pl").unwrap();
        assert_eq!(Captions::parse_in(&guillemets, None, &polish).unwrap().cues()[0].text, "ŤNoť disse");
        assert_eq!(Captions::parse(&guillemets, None).unwrap().cues()[0].text, "«No» disse");
    }

    #[test]
    fn legacy_encodings_of_other_scripts_are_refused_asking_for_utf8() {
        let chinese = "1\r\n00:00:01,000 --> 00:00:02,000\r\nHello\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\n你好，世界。我们今天在这里见面。\r\n";
        let gbk = encoding_rs::GBK.encode(chinese).0.into_owned();
        assert_eq!(refusal(&gbk, None), DomainError::new("captions_unreadable").arg("problem", "encoding").arg("line", 7));
    }

    #[test]
    fn a_timing_that_cannot_be_read_is_refused_with_its_line() {
        let input = "1\n00:00:01,000 --> 00:00:02,000\nUno\n\n2\n00:00:03,000 --> 00:00:0x,000\nDue\n";
        assert_eq!(
            refusal(input.as_bytes(), None),
            timing_error("format", 6, "00:00:03,000 --> 00:00:0x,000")
        );
        let bad_timings = [
            "00:00:03,00 --> 00:00:04,000",
            "00:00:03 --> 00:00:04,000",
            "00:60:03,000 --> 00:61:04,000",
            "00:00:60,000 --> 00:01:04,000",
            "0:3,000 --> 0:4,000",
            "00:00:03,000 -->",
            "--> 00:00:04,000",
            "100:00:00,000 --> 100:00:01,000",
            "00:00:03,000 --> 00:00:04,0000",
            "00:00:03,000 --> 00:00:04;000",
            "-00:00:03,000 --> 00:00:04,000",
        ];
        for bad in bad_timings {
            let error = refusal(srt_cue("x").replace("00:00:01,000 --> 00:00:02,000", bad).as_bytes(), None);
            assert_eq!(error, timing_error("format", 2, bad), "{bad}");
        }
    }

    #[test]
    fn a_cue_that_ends_before_it_starts_is_refused_with_its_line() {
        let input = "WEBVTT\n\n00:01.000 --> 00:02.000\nUno\n\n00:03.000 --> 00:02.500\nDue\n";
        assert_eq!(
            refusal(input.as_bytes(), None),
            timing_error("backwards", 6, "00:03.000 --> 00:02.500")
        );
        let zero_length = srt_cue("x").replace("00:00:02,000", "00:00:01,000");
        assert_eq!(
            refusal(zero_length.as_bytes(), None),
            timing_error("backwards", 2, "00:00:01,000 --> 00:00:01,000")
        );
    }

    #[test]
    fn a_block_without_a_timing_is_refused_at_the_line_the_timing_belongs_on() {
        let mistyped_arrow = "1\n00:00:01,000 --> 00:00:02,000\nUno\n\n2\n00:00:03,000 -> 00:00:04,000\nDue\n";
        assert_eq!(
            refusal(mistyped_arrow.as_bytes(), None),
            timing_error("missing", 6, "00:00:03,000 -> 00:00:04,000")
        );
        let stray_line = "1\n00:00:01,000 --> 00:00:02,000\nUno\n\nciao\n";
        assert_eq!(
            refusal(stray_line.as_bytes(), None),
            timing_error("missing", 5, "ciao")
        );
        assert_eq!(refusal(b"just some text", None), timing_error("missing", 1, "just some text"));
    }

    #[test]
    fn cues_out_of_order_are_refused_naming_both_lines() {
        let input = "1\n00:00:05,000 --> 00:00:06,000\nUno\n\n\
                     2\n00:00:07,000 --> 00:00:08,000\nDue\n\n\
                     3\n00:00:06,500 --> 00:00:09,000\nTre\n";
        assert_eq!(
            refusal(input.as_bytes(), None),
            DomainError::new("captions_out_of_order").arg("line", 10).arg("timing", "00:00:06,500 --> 00:00:09,000").arg("previous", 6)
        );
        // Overlapping cues and cues starting together are in order: two people can speak at once.
        let overlapping = "00:00:01,000 --> 00:00:05,000\nUno\n\n\
                           00:00:01,000 --> 00:00:02,000\nDue\n\n\
                           00:00:03,000 --> 00:00:04,000\nTre\n";
        assert_eq!(Captions::parse(overlapping.as_bytes(), None).unwrap().cues().len(), 3);
    }

    #[test]
    fn cues_past_the_end_of_the_media_are_refused_beyond_the_tolerance() {
        let ending_at = |end: &str| format!("1\n00:00:01,000 --> 00:00:02,000\nUno\n\n2\n00:02:00,000 --> {end}\nDue\n");
        assert!(Captions::parse(ending_at("00:02:05,500").as_bytes(), Some(125_000)).is_ok(), "within the half second of tolerance");
        assert!(Captions::parse(ending_at("99:00:00,000").as_bytes(), None).is_ok(), "no duration known, nothing to check");
        assert_eq!(
            refusal(ending_at("00:02:05,501").as_bytes(), Some(125_000)),
            DomainError::new("captions_past_end").arg("line", 6).arg("timing", "00:02:00,000 --> 00:02:05,501").arg("duration", "2:05")
        );
        assert_eq!(refusal(ending_at("01:02:05,501").as_bytes(), Some(3_725_000)).args[2].1, Arg::from("1:02:05"));
    }

    #[test]
    fn files_without_captions_are_refused_as_empty() {
        let empty = DomainError::new("captions_empty");
        let no_text = srt_cue("<i></i> {\\an8} &lrm;\u{200B}");
        for input in ["", "\n\n  \n", "WEBVTT\n", "WEBVTT\n\nNOTE nothing yet\n", "1\n00:00:01,000 --> 00:00:02,000\n\n", &no_text] {
            assert_eq!(refusal(input.as_bytes(), None), empty, "{input:?}");
        }
        // A cue left without text is dropped, the others stay.
        let one_empty = "00:00:01,000 --> 00:00:02,000\n<b> </b>\n\n00:00:03,000 --> 00:00:04,000\nDue\n";
        assert_eq!(webvtt(one_empty), "WEBVTT\n\n00:00:03.000 --> 00:00:04.000\nDue\n");
    }

    #[test]
    fn bytes_that_are_not_text_are_refused_with_their_line() {
        let bad_utf8 = [b"\xEF\xBB\xBF1\n00:00:01,000 --> 00:00:02,000\nCaff".as_slice(), b"\xE8\n"].concat();
        assert_eq!(refusal(&bad_utf8, None), DomainError::new("captions_unreadable").arg("problem", "encoding").arg("line", 3));
        let mut lone_surrogate = utf16("1\n00:00:01,000 --> 00:00:02,000\n\nx", false);
        lone_surrogate.extend([0x00, 0xD8, b'y', 0x00]);
        assert_eq!(refusal(&lone_surrogate, None), DomainError::new("captions_unreadable").arg("problem", "encoding").arg("line", 4));
        // UTF-16 without its BOM is ASCII with a NUL after each letter.
        let no_bom: Vec<u8> = utf16(SRT, false).split_off(2);
        assert_eq!(refusal(&no_bom, None), DomainError::new("captions_unreadable").arg("problem", "binary").arg("line", 1));
        let binary = [b"1\r\n00:00:01,000 --> 00:00:02,000\r\nUno\r\n\x00\x01\x02\xFF".as_slice()].concat();
        assert_eq!(refusal(&binary, None), DomainError::new("captions_unreadable").arg("problem", "binary").arg("line", 4));
    }

    #[test]
    fn the_limits_hold_against_a_hostile_file() {
        let huge = vec![b'a'; MAX_CAPTIONS_BYTES + 1];
        assert_eq!(refusal(&huge, None), DomainError::new("captions_too_large").arg("problem", "file").arg("max", 2));
        let many = |count: usize| {
            let cue = |n: u64| format!("{}\n{} --> {}\nx\n\n", n + 1, timestamp(n * 100), timestamp(n * 100 + 50));
            (0..count as u64).map(cue).collect::<String>()
        };
        assert_eq!(Captions::parse(many(MAX_CUES).as_bytes(), None).unwrap().cues().len(), MAX_CUES);
        let error = refusal(many(MAX_CUES + 1).as_bytes(), None);
        assert_eq!(error, DomainError::new("captions_too_large").arg("problem", "cues").arg("max", MAX_CUES).arg("line", MAX_CUES * 4 + 2));
        let long = "é".repeat(MAX_CUE_CHARS);
        assert_eq!(cue_text(&format!("<b>{long}</b>")), long, "markup does not count");
        let error = refusal(srt_cue(&format!("{long}\nx")).as_bytes(), None);
        assert_eq!(error, DomainError::new("captions_too_large").arg("problem", "cue-text").arg("max", MAX_CUE_CHARS).arg("line", 2));
    }

    #[test]
    fn files_of_the_largest_size_built_to_be_slow_are_read_in_one_pass() {
        let fill = |unit: &str| unit.repeat((MAX_CAPTIONS_BYTES - 100) / unit.len());
        let too_long = DomainError::new("captions_too_large").arg("problem", "cue-text").arg("max", MAX_CUE_CHARS).arg("line", 2);
        for unit in ["<a", "{\\a", "&#x1", "&", "-->"] {
            let line = fill(unit);
            let error = refusal(srt_cue(&line).as_bytes(), None);
            // A line of arrows is a timing line, the second of the cue.
            let expected = if unit == "-->" { timing_error("format", 3, "") } else { too_long.clone() };
            assert_eq!((error.code, &error.args[..2]), (expected.code, &expected.args[..2]), "{unit}");
        }
        for unit in ["\n", "\r", " \r\n"] {
            assert_eq!(refusal(fill(unit).as_bytes(), None), DomainError::new("captions_empty"), "{unit:?}");
        }
    }

    #[test]
    fn markup_is_removed_and_the_text_kept() {
        assert_eq!(cue_text("<b>Forte</b> e <i>piano</i>, <u>sotto</u>"), "Forte e piano, sotto");
        assert_eq!(cue_text("<c.yellow.bg_blue>Giallo</c> <lang en>yes</lang>"), "Giallo yes");
        assert_eq!(cue_text("<v.loud Anna Rossi>Vieni!</v>"), "Vieni!", "the voice's name is not shown, as in a browser");
        assert_eq!(cue_text("<font color=\"#ff0000\">Rosso</font>"), "Rosso");
        assert_eq!(cue_text("{\\an8}{\\i1}In alto{\\i0}"), "In alto");
        assert_eq!(cue_text("Una <00:00:01.500>parola <00:00:01.800>alla volta"), "Una parola alla volta");
        assert_eq!(cue_text("<ruby>漢<rt>kan</rt></ruby>"), "漢kan");
        assert_eq!(cue_text("  <i>  rientro  </i>  \n\tdue\tparole "), "rientro\ndue parole");
        assert_eq!(cue_text("{non un tag} e {\\ aperto"), "{non un tag} e {\\ aperto");
    }

    #[test]
    fn text_is_inert_in_the_webvtt() {
        let escaped = "WEBVTT\n\n00:01.000 --> 00:02.000\n--&gt; 00:05.000 &lt;script&gt;alert(1)&lt;/script&gt;\n";
        let captions = Captions::parse(escaped.as_bytes(), None).unwrap();
        assert_eq!(captions.cues()[0].text, "--> 00:05.000 <script>alert(1)</script>");
        assert_eq!(
            captions.to_webvtt(),
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n--&gt; 00:05.000 &lt;script&gt;alert(1)&lt;/script&gt;\n"
        );
        assert_eq!(cue_text("<script>alert(1)</script>"), "alert(1)", "a tag in the source is markup, and goes");
        assert_eq!(
            webvtt(&srt_cue("5 < 6 & 7 > 3, I <3 you")),
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n5 &lt; 6 &amp; 7 &gt; 3, I &lt;3 you\n"
        );
    }

    #[test]
    fn entities_are_decoded_and_unknown_ones_kept_as_written() {
        assert_eq!(cue_text("Tom &amp; Jerry &lt;3 &gt;"), "Tom & Jerry <3 >");
        assert_eq!(cue_text("cento&nbsp;euro"), "cento\u{A0}euro");
        assert_eq!(cue_text("&lrm;a&rlm;"), "\u{200E}a\u{200F}");
        assert_eq!(cue_text("&quot;l&apos;altro&#39; &#x2019;&#X201C;&#8221;"), "\"l'altro' ’“”");
        let unknown = "&copy; &amp &#xD800; &#; &#x; &#1114112; &averyverylongname;";
        assert_eq!(cue_text(unknown), unknown);
        assert_eq!(cue_text("&amp;lt;"), "&lt;", "decoded once");
        assert_eq!(cue_text("&lt;b&gt;grassetto&lt;/b&gt;"), "<b>grassetto</b>", "an escaped tag is text");
        assert_eq!(webvtt(&srt_cue("&copy;")), "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n&amp;copy;\n");
    }

    #[test]
    fn invisible_characters_are_removed() {
        assert_eq!(cue_text("a\u{7}b\u{1B}c\u{7F}d\u{85}e"), "abcde");
        assert_eq!(cue_text("\u{202E}evil\u{202C} \u{2067}iso\u{2069}"), "evil iso");
        assert_eq!(cue_text("zero\u{200B}width\u{2060}join\u{FEFF}ed \u{FDD0}\u{FFFE}"), "zerowidthjoined");
        assert_eq!(cue_text("&#7;&#x202E;x"), "x", "also when written as references");
        assert_eq!(cue_text("una\u{2028}riga"), "una riga");
        let joined = "famiglia 👨\u{200D}👩\u{200D}👧, می\u{200C}خواهم";
        assert_eq!(cue_text(joined), joined, "joiners shape scripts and emoji");
    }

    #[test]
    fn times_have_optional_hours_of_one_or_two_digits() {
        let cue = |timing: &str| webvtt(&format!("{timing}\nx\n"));
        assert_eq!(cue("0:00:01,000 --> 0:00:02,500"), "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nx\n");
        assert_eq!(cue("59:58.000 --> 59:59.999"), "WEBVTT\n\n00:59:58.000 --> 00:59:59.999\nx\n");
        assert_eq!(cue("98:00:00.000 --> 99:59:59.999"), "WEBVTT\n\n98:00:00.000 --> 99:59:59.999\nx\n");
        assert_eq!(cue("00:00:01.000-->00:00:02.000 X1:100 X2:200"), "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nx\n");
        assert_eq!(cue("  00:00:01,000\t-->\t00:00:02.000  "), "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nx\n");
    }

    #[test]
    fn loose_srt_is_read() {
        let loose = "\n\n00:00:01,000 --> 00:00:02,000\nsenza indice\n\n\n\n   \n\
                     7\n00:00:03,000 --> 00:00:04,000\nspazi tra i blocchi\n\
                     42\n00:00:05,000 --> 00:00:06,000\nriga vuota dimenticata\n\n\
                     00:00:07,000 --> 00:00:08,000\n10\nun numero nel testo";
        assert_eq!(
            webvtt(loose),
            "WEBVTT

00:00:01.000 --> 00:00:02.000
senza indice

00:00:03.000 --> 00:00:04.000
spazi tra i blocchi

00:00:05.000 --> 00:00:06.000
riga vuota dimenticata

00:00:07.000 --> 00:00:08.000
10
un numero nel testo
"
        );
    }

    #[test]
    fn webvtt_structure_is_read_and_dropped() {
        let input = "WEBVTT\r\n00:00:00.500 --> 00:00:01.000\r\nsotto l'intestazione\r\n\r\n\
                     REGION\r\nid:fred width:40%\r\n\r\n\
                     NOTE\r\n00:00:09.000 --> 00:00:10.000 in a note\r\n\r\n\
                     NOTES are not notes\r\n00:00:02.000 --> 00:00:03.000 region:fred\r\nidentificatore\r\n";
        assert_eq!(
            webvtt(input),
            "WEBVTT\n\n00:00:00.500 --> 00:00:01.000\nsotto l'intestazione\n\n00:00:02.000 --> 00:00:03.000\nidentificatore\n"
        );
        let not_a_header = "WEBVTTX\n\n00:01.000 --> 00:02.000\nx\n";
        assert_eq!(
            refusal(not_a_header.as_bytes(), None),
            timing_error("missing", 1, "WEBVTTX"),
            "read as SRT, whose first block is no cue"
        );
    }

    #[test]
    fn the_webvtt_written_reads_back_the_same() {
        let tricky = srt_cue("&lt;i&gt; --&gt; &amp;amp; cento&nbsp;euro &rlm;\n<i>seconda</i> riga");
        let first = Captions::parse(tricky.as_bytes(), None).unwrap();
        let again = Captions::parse(first.to_webvtt().as_bytes(), None).unwrap();
        assert_eq!(again, first);
        assert_eq!(again.to_webvtt(), first.to_webvtt());
        assert_eq!(Captions::parse(EXPECTED.as_bytes(), None).unwrap().to_webvtt(), EXPECTED);
    }

    #[test]
    fn container_languages_become_the_two_letter_subtags() {
        assert_eq!(CaptionLang::from_container("ita").unwrap().as_str(), "it");
        assert_eq!(CaptionLang::from_container("FRE").unwrap().as_str(), "fr");
        assert_eq!(CaptionLang::from_container("fra").unwrap().as_str(), "fr");
        assert_eq!(CaptionLang::from_container("fur").unwrap().as_str(), "fur");
        assert!(CaptionLang::from_container("und").is_none() && CaptionLang::from_container("x!").is_none());
    }

    #[test]
    fn caption_languages_are_primary_language_subtags() {
        let lang = |input: &str| CaptionLang::parse(input).map(|l| l.as_str().to_owned());
        assert_eq!(lang(""), Ok("it".to_owned()), "blank is the default");
        assert_eq!(lang("  "), Ok("it".to_owned()));
        assert_eq!(CaptionLang::default().as_str(), "it");
        assert_eq!(lang("EN"), Ok("en".to_owned()));
        assert_eq!(lang(" de "), Ok("de".to_owned()));
        assert_eq!(lang("fur"), Ok("fur".to_owned()), "Friulian has only a three-letter code");
        assert_eq!(lang("en-GB"), Ok("en".to_owned()));
        assert_eq!(lang("pt_BR"), Ok("pt".to_owned()));
        assert_eq!(lang("zh-Hant-TW"), Ok("zh".to_owned()));
        for bad in ["e", "english", "e1", "it-", "en--GB", "it-IT-toolongsubtag", "ìt", "it;", "1"] {
            assert_eq!(lang(bad), Err(DomainError::new("captions_invalid_lang").arg("lang", bad)), "{bad}");
        }
        assert_eq!(lang("x".repeat(50).as_str()).unwrap_err().args[0].1, Arg::from(format!("{}…", "x".repeat(19))));
    }
}
