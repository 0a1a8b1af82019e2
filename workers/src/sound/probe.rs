//! What a sound file's headers say: its audio tracks and the one kept, its length, the
//! identifying tags it carries and whether it has cover art or a picture.

use ffmpeg::codec;
use ffmpeg::format::stream::Disposition;
use ffmpeg::media;
use ffmpeg_next as ffmpeg;

use super::{errors, FoundTag, SoundInfo};
use crate::film::ffi;
use crate::film::guard::Guarded;
use crate::{Limits, MediaError};

/// Longest tag value kept in [`FoundTag::detail`], in characters.
const TAG_DETAIL_CHARS: usize = 200;

pub(super) struct SoundPlan {
    pub info: SoundInfo,
    /// The stream index of the kept track.
    pub index: usize,
    /// 1 (mono kept mono) or 2 (stereo, and anything wider downmixed to it).
    pub out_channels: u32,
    /// Start of the presentation, in AV_TIME_BASE units.
    pub origin_us: i64,
}

/// What the streams are: (audio stream indexes, a picture that is not cover art, cover art).
pub(super) fn streams(src: &Guarded) -> (Vec<usize>, bool, bool) {
    let mut audio = Vec::new();
    let (mut picture, mut cover) = (false, false);
    for stream in src.input().streams() {
        match stream.parameters().medium() {
            media::Type::Audio => audio.push(stream.index()),
            media::Type::Video if stream.disposition().contains(Disposition::ATTACHED_PIC) => cover = true,
            media::Type::Video => picture = true,
            _ => {}
        }
    }
    (audio, picture, cover)
}

pub(super) fn plan(src: &Guarded, limits: &Limits) -> Result<SoundPlan, MediaError> {
    let input = src.input();
    let (audio, picture, cover_art) = streams(src);
    if picture {
        return Err(errors::has_picture());
    }
    if audio.is_empty() {
        return Err(errors::no_audio());
    }
    // The kept track: the first marked default, else the first, among those this FFmpeg
    // can decode (as players choose).
    let readable: Vec<(u32, usize)> = audio
        .iter()
        .enumerate()
        .filter(|(_, &index)| {
            let params = input.stream(index).expect("index from streams()").parameters();
            let (rate, channels) = ffi::audio_parameters(&params);
            rate > 0 && channels > 0 && codec::decoder::find(params.id()).is_some()
        })
        .map(|(n, &index)| (n as u32, index))
        .collect();
    let default = readable
        .iter()
        .find(|(_, index)| input.stream(*index).expect("index").disposition().contains(Disposition::DEFAULT));
    let Some(&(chosen_track, index)) = default.or(readable.first()) else {
        return Err(errors::unsupported());
    };
    let stream = input.stream(index).expect("index from streams()");
    let params = stream.parameters();
    let (rate, channels) = ffi::audio_parameters(&params);

    let duration_s = crate::film::time::duration_s(input, &stream);
    if duration_s > limits.max_duration_s {
        return Err(errors::too_long(limits));
    }

    let mut tags = Vec::new();
    for (key, value) in input.metadata().iter().chain(stream.metadata().iter()) {
        let Some(what) = tag_kind(key) else { continue };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let detail = if what == "other" { format!("{key}: {value}") } else { value.to_string() };
        let detail: String = detail.chars().take(TAG_DETAIL_CHARS).collect();
        if !tags.iter().any(|t: &FoundTag| t.what == what && t.detail == detail) {
            tags.push(FoundTag { what, detail });
        }
    }

    let info = SoundInfo {
        duration_s,
        channels: channels.max(0) as u32,
        sample_rate: rate.max(0) as u32,
        codec: params.id().name().to_string(),
        tracks: audio.len() as u32,
        chosen_track,
        tags,
        cover_art,
    };
    Ok(SoundPlan {
        out_channels: if info.channels == 1 { 1 } else { 2 },
        info,
        index,
        origin_us: ffi::start_time(input).unwrap_or(0),
    })
}

/// What a metadata key says about the recording, or None for a container's technical
/// bookkeeping (brands, handler names, statistics) that identifies nobody.
fn tag_kind(key: &str) -> Option<&'static str> {
    let key = key.to_ascii_lowercase();
    let technical = ["major_brand", "minor_version", "compatible_brands", "handler_name", "vendor_id", "language", "duration"];
    if technical.contains(&key.as_str())
        || key.starts_with("_statistics")
        || ["bps", "number_of_frames", "number_of_bytes"].iter().any(|k| key.starts_with(k))
    {
        return None;
    }
    Some(match key.as_str() {
        "title" | "tit2" => "title",
        "artist" | "album_artist" | "composer" | "performer" | "author" | "lyricist" | "conductor" => "artist",
        "album" => "album",
        "date" | "year" | "creation_time" | "tdrc" | "tdat" | "originaldate" => "date",
        "comment" | "description" | "synopsis" | "lyrics" => "comment",
        "encoder" | "encoded_by" | "encoding_tool" | "tsse" => "encoder",
        "location" | "location-eng" | "com.apple.quicktime.location.iso6709" => "location",
        "copyright" | "tcop" => "copyright",
        _ => "other",
    })
}

#[cfg(test)]
mod tests {
    use super::tag_kind;

    #[test]
    fn tags_are_named_by_what_they_say_and_bookkeeping_is_left_out() {
        assert_eq!(tag_kind("TITLE"), Some("title"));
        assert_eq!(tag_kind("album_artist"), Some("artist"));
        assert_eq!(tag_kind("creation_time"), Some("date"));
        assert_eq!(tag_kind("com.apple.quicktime.location.ISO6709"), Some("location"));
        assert_eq!(tag_kind("track"), Some("other"));
        assert_eq!(tag_kind("major_brand"), None);
        assert_eq!(tag_kind("DURATION"), None);
        assert_eq!(tag_kind("_STATISTICS_TAGS"), None);
    }
}
