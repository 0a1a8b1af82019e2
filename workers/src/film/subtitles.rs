//! A film's or recording's own text subtitle track (SubRip, WebVTT, 3GPP timed text,
//! ASS/SSA in an MKV or MP4), decoded by libavcodec and written out as SubRip, so it can
//! be offered as the work's captions and go through the same checks as an uploaded file.

use std::fmt::Write as _;
use std::path::Path;

use ffmpeg::codec;
use ffmpeg::codec::subtitle::Rect;
use ffmpeg::media;
use ffmpeg::Rational;
use ffmpeg_next as ffmpeg;

use super::decode::{read_packet, Read};
use super::errors::corrupt;
use super::ffi;
use super::guard::{deadline_from, open_guarded};
use super::time::rescale;
use crate::{Limits, MediaError};

/// The text codecs taken; bitmap subtitles (DVD, PGS) have no text to offer.
const TEXT_CODECS: [codec::Id; 5] = [codec::Id::SUBRIP, codec::Id::SRT, codec::Id::WEBVTT, codec::Id::MOV_TEXT, codec::Id::ASS];

/// Beyond these the track is not offered (an uploaded captions file has tighter limits
/// anyway): they only bound what a hostile file makes us hold.
const MAX_CUES: usize = 50_000;
const MAX_BYTES: usize = 4 * 1024 * 1024;

/// The first text subtitle track of an MKV or MP4 as SubRip text, with the language the
/// container names (None for none or `und`); None when there is no such track, it has
/// no cue with text, or it passes the bounds above.
pub fn text_subtitles(input: &Path, limits: &Limits) -> Result<Option<(String, Option<String>)>, MediaError> {
    super::init();
    let mut src = open_guarded(input, deadline_from(limits))?;
    let track = src.input().streams().find(|s| {
        s.parameters().medium() == media::Type::Subtitle
            && (TEXT_CODECS.contains(&s.parameters().id()) || s.parameters().id() == codec::Id::SSA)
    });
    let Some(stream) = track else { return Ok(None) };
    let index = stream.index();
    let tb = stream.time_base();
    // The renditions start at the presentation's start (`probe::Plan::origin_us`), so the
    // cues are moved onto that timeline too: a cue stated at 0.523 s in a file whose first
    // sample is at 0.023 s is shown 0.5 s into the web film.
    let origin_ms = super::ffi::start_time(src.input()).map_or(0, |us| us / 1000);
    if tb.numerator() <= 0 || tb.denominator() <= 0 {
        return Err(corrupt());
    }
    let lang = stream
        .metadata()
        .get("language")
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.eq_ignore_ascii_case("und"))
        .map(str::to_string);
    let mut ctx = codec::Context::from_parameters(stream.parameters()).map_err(|_| corrupt())?;
    ffi::limit_decoder(&mut ctx, tb, 0);
    let mut decoder = ctx.decoder().subtitle().map_err(|_| corrupt())?;
    ffi::discard_streams_except(src.input_mut(), &[index]);

    let ms = Rational::new(1, 1000);
    let mut cues: Vec<(i64, i64, String)> = Vec::new();
    let mut bytes = 0usize;
    loop {
        let packet = match read_packet(&mut src)? {
            Read::Packet(p) if p.stream() == index => p,
            Read::Packet(_) => continue,
            Read::End => break,
        };
        let Some(pts) = packet.pts().or(packet.dts()) else { continue };
        let mut sub = codec::subtitle::Subtitle::new();
        // A packet the decoder cannot read is skipped, like players do.
        if !decoder.decode(&packet, &mut sub).unwrap_or(false) {
            continue;
        }
        let text: Vec<String> = sub
            .rects()
            .filter_map(|rect| match rect {
                Rect::Text(t) => Some(plain(t.get())),
                Rect::Ass(a) => Some(plain(dialogue_text(a.get()))),
                _ => None,
            })
            .filter(|t| !t.is_empty())
            .collect();
        if text.is_empty() {
            continue;
        }
        let at = rescale(pts, tb, ms) - origin_ms;
        let start = at + i64::from(sub.start());
        let end = if packet.duration() > 0 { at + rescale(packet.duration(), tb, ms) } else { at + i64::from(sub.end()) };
        let text = text.join("\n");
        bytes += text.len() + 40;
        cues.push((start.max(0), end.max(start.max(0)), text));
        if cues.len() > MAX_CUES || bytes > MAX_BYTES {
            return Ok(None);
        }
    }
    src.check_deadline()?;
    if cues.is_empty() {
        return Ok(None);
    }
    cues.sort_by_key(|c| c.0);
    let mut srt = String::with_capacity(bytes);
    for (n, (start, end, text)) in cues.iter().enumerate() {
        let _ = write!(srt, "{}\n{} --> {}\n{}\n\n", n + 1, srt_time(*start), srt_time(*end), text);
    }
    Ok(Some((srt, lang)))
}

/// The text of a decoded ASS event: libavcodec gives `ReadOrder,Layer,Style,Name,
/// MarginL,MarginR,MarginV,Effect,Text`, and the text may itself hold commas.
fn dialogue_text(event: &str) -> &str {
    event.splitn(9, ',').nth(8).unwrap_or(event)
}

/// ASS text without its override blocks (`{\i1}`...), with its line breaks as lines and
/// its hard spaces as spaces; blank lines dropped (a blank line would end a SubRip cue).
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0u32;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    let out = out.replace("\\N", "\n").replace("\\n", "\n").replace("\\h", " ").replace('\r', "");
    out.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

fn srt_time(ms: i64) -> String {
    let ms = ms.max(0);
    format!("{:02}:{:02}:{:02},{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ass_events_become_plain_lines() {
        assert_eq!(plain(dialogue_text("0,0,Default,,0,0,0,,{\\i1}Ciao,{\\i0} mondo\\Nseconda riga")), "Ciao, mondo\nseconda riga");
        assert_eq!(plain("a\\hb\\n\\n c "), "a b\nc");
        assert_eq!(srt_time(3_723_004), "01:02:03,004");
    }
}
