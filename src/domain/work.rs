use super::DomainError;

/// The five kinds of creative work a citizen can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Poem,
    Story,
    Photo,
    Film,
    /// Sound without a picture: spoken poetry, a soundscape, an interview, a voice memo.
    Audio,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Poem, Kind::Story, Kind::Photo, Kind::Film, Kind::Audio];

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s.trim() {
            "poem" => Ok(Self::Poem),
            "story" => Ok(Self::Story),
            "photo" => Ok(Self::Photo),
            "film" => Ok(Self::Film),
            "audio" => Ok(Self::Audio),
            other => Err(DomainError::new("invalid_kind").arg("value", other.chars().take(40).collect::<String>())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Poem => "poem",
            Self::Story => "story",
            Self::Photo => "photo",
            Self::Film => "film",
            Self::Audio => "audio",
        }
    }

    /// The file types a work of this kind may be sent as, as browsers name them (the server
    /// decides by content; this list is what the submit page tells and checks beforehand).
    /// Empty for texts, which are typed.
    pub fn file_types(self) -> &'static [&'static str] {
        match self {
            Self::Poem | Self::Story => &[],
            Self::Photo => &["image/jpeg", "image/png", "image/webp", "image/gif", "image/heic", "image/heif", "image/tiff", "image/bmp"],
            Self::Film => &["video/mp4", "video/quicktime", "video/3gpp", "video/webm", "video/x-matroska", "video/x-msvideo", "video/ogg"],
            // Phones name voice memos in many ways; video containers carry sound-only files too.
            Self::Audio => &[
                "audio/mpeg", "audio/mp4", "audio/x-m4a", "audio/aac", "audio/wav", "audio/x-wav", "audio/wave", "audio/flac",
                "audio/x-flac", "audio/ogg", "audio/opus", "audio/webm", "audio/amr", "audio/3gpp", "video/3gpp", "video/mp4",
                "video/webm", "video/x-matroska", "audio/x-matroska",
            ],
        }
    }

    /// The file name endings of those types, for the page to name them in words.
    pub fn file_extensions(self) -> &'static [&'static str] {
        match self {
            Self::Poem | Self::Story => &[],
            Self::Photo => &["jpg", "jpeg", "png", "webp", "gif", "heic", "heif", "tif", "tiff", "bmp"],
            Self::Film => &["mp4", "m4v", "mov", "3gp", "webm", "mkv", "avi", "ogv"],
            Self::Audio => &["mp3", "m4a", "aac", "wav", "flac", "ogg", "oga", "opus", "weba", "webm", "amr", "3gp", "3ga", "mp4", "mkv", "mka"],
        }
    }

    /// The catalogue key of the kind's name.
    pub fn key(self) -> &'static str {
        match self {
            Self::Poem => "kind-poem",
            Self::Story => "kind-story",
            Self::Photo => "kind-photo",
            Self::Film => "kind-film",
            Self::Audio => "kind-audio",
        }
    }

    /// Films and sounds play in time: they take captions and a transcript.
    pub fn is_timed(self) -> bool {
        matches!(self, Self::Film | Self::Audio)
    }

    /// Poems and stories are text, typed or uploaded as a .txt/.md file.
    pub fn is_text(self) -> bool {
        matches!(self, Self::Poem | Self::Story)
    }
}

/// Where a work is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Processing,
    PendingReview,
    /// A curator asked the author to change something; the author edits and resubmits.
    ChangesRequested,
    Published,
    Rejected,
    Failed,
    /// The author deleted their account: nothing of the work is shown to anyone.
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 7] =
        [Self::Processing, Self::PendingReview, Self::ChangesRequested, Self::Published, Self::Rejected, Self::Failed, Self::Withdrawn];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "processing" => Some(Self::Processing),
            "pending_review" => Some(Self::PendingReview),
            "changes_requested" => Some(Self::ChangesRequested),
            "published" => Some(Self::Published),
            "rejected" => Some(Self::Rejected),
            "failed" => Some(Self::Failed),
            "withdrawn" => Some(Self::Withdrawn),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Processing => "processing",
            Self::PendingReview => "pending_review",
            Self::ChangesRequested => "changes_requested",
            Self::Published => "published",
            Self::Rejected => "rejected",
            Self::Failed => "failed",
            Self::Withdrawn => "withdrawn",
        }
    }
}

/// The licences a citizen can choose for a work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Licence {
    CcBy4,
    CcBySa4,
    Cc0,
    AllRightsReserved,
}

impl Licence {
    pub const ALL: [Licence; 4] = [Licence::CcBy4, Licence::CcBySa4, Licence::Cc0, Licence::AllRightsReserved];

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s.trim() {
            "cc-by-4.0" => Ok(Self::CcBy4),
            "cc-by-sa-4.0" => Ok(Self::CcBySa4),
            "cc0-1.0" => Ok(Self::Cc0),
            "all-rights-reserved" => Ok(Self::AllRightsReserved),
            _ => Err(DomainError::new("invalid_licence")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CcBy4 => "cc-by-4.0",
            Self::CcBySa4 => "cc-by-sa-4.0",
            Self::Cc0 => "cc0-1.0",
            Self::AllRightsReserved => "all-rights-reserved",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::CcBy4 => "CC BY 4.0",
            Self::CcBySa4 => "CC BY-SA 4.0",
            Self::Cc0 => "CC0 1.0",
            Self::AllRightsReserved => "©",
        }
    }

    pub fn url(self) -> Option<&'static str> {
        match self {
            Self::CcBy4 => Some("https://creativecommons.org/licenses/by/4.0/"),
            Self::CcBySa4 => Some("https://creativecommons.org/licenses/by-sa/4.0/"),
            Self::Cc0 => Some("https://creativecommons.org/publicdomain/zero/1.0/"),
            Self::AllRightsReserved => None,
        }
    }
}
