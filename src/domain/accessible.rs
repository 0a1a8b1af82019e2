//! What a work lacks to reach everyone, beyond what its call required: the curator queue
//! marks it, so curators can ask the author for it before publishing.

use super::Kind;

/// An alt text shorter than this says too little to stand in for a photo ("foto", "il
/// mare"): a sentence of a few words is about thirty characters.
pub const SHORT_ALT_TEXT_CHARS: usize = 15;

/// What is missing, as codes whose words are the catalogue's `gap-<code>`: `no-alt-text`,
/// `short-alt-text`, `no-captions`, `no-transcript`.
pub fn accessibility_gaps(kind: Kind, alt_text: &str, has_captions: bool, has_transcript: bool) -> Vec<&'static str> {
    let mut gaps = Vec::new();
    match kind {
        Kind::Photo => {
            let chars = alt_text.trim().chars().count();
            if chars == 0 {
                gaps.push("no-alt-text");
            } else if chars < SHORT_ALT_TEXT_CHARS {
                gaps.push("short-alt-text");
            }
        }
        // Captions carry a film's words for people who cannot hear; a transcript alone does
        // not follow the picture.
        Kind::Film if !has_captions => gaps.push("no-captions"),
        // A sound's words, for people who cannot hear it: a transcript, or its captions.
        Kind::Audio if !has_transcript && !has_captions => gaps.push("no-transcript"),
        Kind::Film | Kind::Audio | Kind::Poem | Kind::Story => {}
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_need_a_description_that_says_something() {
        assert_eq!(accessibility_gaps(Kind::Photo, "  ", false, false), ["no-alt-text"]);
        assert_eq!(accessibility_gaps(Kind::Photo, "il mare", false, false), ["short-alt-text"]);
        assert!(accessibility_gaps(Kind::Photo, "Il mare d'inverno visto dal molo", false, false).is_empty());
    }

    #[test]
    fn films_need_captions_and_texts_need_nothing() {
        assert_eq!(accessibility_gaps(Kind::Film, "", false, true), ["no-captions"]);
        assert!(accessibility_gaps(Kind::Film, "", true, false).is_empty());
        assert!(accessibility_gaps(Kind::Poem, "", false, false).is_empty());
    }

    #[test]
    fn sounds_need_their_words_written() {
        assert_eq!(accessibility_gaps(Kind::Audio, "", false, false), ["no-transcript"]);
        assert!(accessibility_gaps(Kind::Audio, "", false, true).is_empty());
        assert!(accessibility_gaps(Kind::Audio, "", true, false).is_empty());
    }
}
