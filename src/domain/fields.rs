use super::DomainError;

/// Trims, makes line endings `\n` (browsers send a textarea's lines with CRLF), refuses
/// control, noncharacter and bidirectional-override characters, and bounds the length. A
/// refusal is `code` with `problem` (missing, too-long, invisible) and `max`.
fn clean(input: &str, code: &'static str, min: usize, max: usize) -> Result<String, DomainError> {
    let unified = input.replace("\r\n", "\n");
    let trimmed = unified.trim();
    let len = trimmed.chars().count();
    let refuse = |problem: &str| DomainError::new(code).arg("problem", problem).arg("max", max);
    if len < min {
        return Err(refuse("missing"));
    }
    if len > max {
        return Err(refuse("too-long"));
    }
    if trimmed.chars().any(|c| (c != '\n' && piazza_workers::text::is_unwanted_char(c)) || is_bidi_control(c)) {
        return Err(refuse("invisible"));
    }
    Ok(trimmed.to_owned())
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// The title of a work or a call: 1 to 200 characters on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let title = clean(input, "invalid_title", 1, 200)?;
        if title.contains('\n') {
            return Err(DomainError::new("invalid_title").arg("problem", "multiline").arg("max", 200));
        }
        Ok(Self(title))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// The name a person shows on their works: 1 to 80 characters on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let name = clean(input, "invalid_name", 1, 80)?;
        if name.contains(['\n', '\t']) {
            return Err(DomainError::new("invalid_name").arg("problem", "multiline").arg("max", 80));
        }
        Ok(Self(name))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A new password: at least 10 characters (a passphrase is welcome), at most 200.
pub fn check_new_password(password: &str) -> Result<(), DomainError> {
    let len = password.chars().count();
    if len < 10 {
        return Err(DomainError::new("password_too_short"));
    }
    if len > 200 {
        return Err(DomainError::new("password_too_long"));
    }
    Ok(())
}

/// A free description, up to 5000 characters, possibly empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description(String);

impl Description {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        Ok(Self(clean(input, "invalid_description", 0, 5000)?))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// What is said in a sound work or a film, as its author wrote it down: possibly empty, up
/// to 20,000 characters (a long interview), line breaks kept as in a poem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript(String);

impl Transcript {
    pub const MAX_CHARS: usize = 20_000;

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        Ok(Self(clean(input, "invalid_transcript", 0, Self::MAX_CHARS)?))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A short description of a photo for people who cannot see it: required for photos.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AltText(String);

impl AltText {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let text = clean(input, "alt_text_required", 0, 1000)?;
        if text.is_empty() {
            return Err(DomainError::new("alt_text_required").arg("problem", "missing").arg("max", 1000));
        }
        Ok(Self(text))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// The address of a call: lowercase letters, digits and dashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let s = input.trim();
        let ok = (2..=80).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if !ok {
            return Err(DomainError::new("invalid_slug"));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Keeps a file name only as display text: no directories, no control or bidi characters,
/// at most 120 characters. Storage keys never derive from it.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|&c| !c.is_control() && !piazza_workers::text::is_unwanted_char(c) && !is_bidi_control(c))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_and_invisible_characters() {
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("C:\\Users\\x\\foto.jpg"), "foto.jpg");
        assert_eq!(clean_file_name("gpj.\u{202E}exe.jpg"), "gpj.exe.jpg");
        assert_eq!(clean_file_name("\u{0}\n"), "file");
        assert_eq!(clean_file_name(&"a".repeat(500)).len(), 120);
    }

    #[test]
    fn titles_are_one_clean_line() {
        assert_eq!(Title::parse("  Il fiume  ").unwrap().into_inner(), "Il fiume");
        assert_eq!(Title::parse(" ").unwrap_err().code, "invalid_title");
        assert_eq!(Title::parse("a\nb").unwrap_err().code, "invalid_title");
        assert_eq!(Title::parse("x\u{202E}y").unwrap_err().code, "invalid_title");
        for hostile in ["a\u{FFFF}", "a\u{FFFE}", "\u{FDD0}a", "a\u{1}b", "a\u{7f}", "a\u{85}b", "a\u{10FFFF}"] {
            let e = Title::parse(hostile).unwrap_err();
            assert_eq!(e.code, "invalid_title", "{hostile:?}");
            assert!(e.args.contains(&("problem", "invisible".into())), "{e:?}");
        }
        assert_eq!(Description::parse("riga uno\r\nriga due").unwrap().into_inner(), "riga uno\nriga due");
    }

    #[test]
    fn slugs_are_url_safe() {
        assert!(Slug::parse("voci-del-fiume").is_ok());
        assert!(Slug::parse("Voci").is_err());
        assert!(Slug::parse("../x").is_err());
    }
}
