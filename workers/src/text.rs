//! Poems and stories. Text is checked as UTF-8 and rendered to HTML in which nothing the
//! author typed can become markup: every character is escaped, and layout (line breaks,
//! stanzas, indentation) is kept by `white-space: pre-wrap` in the stylesheet.

use crate::MediaError;

/// Checks and normalises an uploaded or typed text: valid UTF-8, no byte-order mark,
/// `\n` line endings, no control characters other than tab and newline.
pub fn normalise(bytes: &[u8], max_chars: usize) -> Result<String, MediaError> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        MediaError::permanent(
            "text_not_utf8",
            "the text file is not plain UTF-8 text; save it as UTF-8 (.txt or .md) and try again",
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    if text.chars().any(|c| c != '\n' && is_unwanted_char(c)) {
        return Err(MediaError::permanent(
            "text_not_plain",
            "the text contains invisible control characters; it does not look like plain text",
        ));
    }
    let trimmed = text.trim_end();
    if trimmed.trim().is_empty() {
        return Err(MediaError::permanent("text_empty", "the text is empty"));
    }
    if trimmed.chars().count() > max_chars {
        return Err(MediaError::permanent(
            "text_too_long",
            format!("the text is longer than {max_chars} characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Characters a person never means to type and that break formats downstream: control
/// characters other than tab (XML 1.0 forbids most C0 controls, so one would make a feed
/// invalid) and Unicode noncharacters (U+FDD0–U+FDEF and every U+xxFFFE/U+xxFFFF), which
/// XML forbids too. Newline is the caller's choice: titles refuse it, texts keep it.
pub fn is_unwanted_char(c: char) -> bool {
    let cp = c as u32;
    (c.is_control() && c != '\t') || (0xFDD0..=0xFDEF).contains(&cp) || (cp & 0xFFFE) == 0xFFFE
}

/// Drops what XML 1.0 cannot carry (controls other than tab, LF and CR, U+FFFE, U+FFFF),
/// for writers of XML whose text came from earlier, laxer times.
pub fn xml_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |c: char| matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF);
    if text.chars().all(allowed) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.chars().filter(|&c| allowed(c)).collect())
    }
}

/// Renders normalised text as inert HTML: one `<p>` per stanza (blank-line separated),
/// with the exact line breaks, extra blank lines and indentation of the original.
pub fn render_html(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 64);
    let mut rest = text;
    let mut leading_newlines = 0usize;
    loop {
        // A stanza ends at the first blank line; further blank lines belong to the next
        // stanza's top margin and are kept as newlines so the layout stays exact.
        let (stanza, after) = match rest.find("\n\n") {
            Some(i) => (&rest[..i], &rest[i + 2..]),
            None => (rest, ""),
        };
        html.push_str("<p>");
        for _ in 0..leading_newlines {
            html.push('\n');
        }
        escape_into(stanza, &mut html);
        html.push_str("</p>\n");
        if after.is_empty() {
            break;
        }
        leading_newlines = after.len() - after.trim_start_matches('\n').len();
        rest = &after[leading_newlines..];
    }
    html
}

/// Escapes the five characters that are special in HTML text and attributes.
pub fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_safe_drops_only_what_xml_forbids() {
        assert_eq!(xml_safe("ok è\t\n"), "ok è\t\n");
        assert_eq!(xml_safe("a\u{FFFF}b\u{FFFE}c\u{0}d\u{1f}e"), "abcde");
    }

    #[test]
    fn stanzas_and_line_breaks_are_kept_exactly() {
        let poem = "Il fiume\n  scorre lento\n\ne la città\n\n\ndorme";
        assert_eq!(
            render_html(poem),
            "<p>Il fiume\n  scorre lento</p>\n<p>e la città</p>\n<p>\ndorme</p>\n"
        );
    }

    #[test]
    fn markup_is_escaped() {
        let html = render_html("<script>alert('x')</script> & <b>");
        assert!(!html.contains("<script"));
        assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;"));
    }

    #[test]
    fn normalise_refuses_binary_and_empty_and_strips_bom() {
        assert_eq!(normalise(b"\xef\xbb\xbfciao\r\nmondo\n\n", 100).unwrap(), "ciao\nmondo");
        assert_eq!(normalise(b"\xff\xfe", 100).unwrap_err().code, "text_not_utf8");
        assert_eq!(normalise(b"a\0b", 100).unwrap_err().code, "text_not_plain");
        assert_eq!(normalise("a\u{FFFF}b".as_bytes(), 100).unwrap_err().code, "text_not_plain");
        assert_eq!(normalise("a\u{FDD0}b".as_bytes(), 100).unwrap_err().code, "text_not_plain");
        assert_eq!(normalise("a\u{10FFFE}b".as_bytes(), 100).unwrap_err().code, "text_not_plain");
        assert_eq!(normalise("a\u{1b}b".as_bytes(), 100).unwrap_err().code, "text_not_plain");
        assert_eq!(normalise("tab\there\u{FFFD}".as_bytes(), 100).unwrap(), "tab\there\u{FFFD}");
        assert_eq!(normalise(b" \n\n", 100).unwrap_err().code, "text_empty");
        assert_eq!(normalise("è".repeat(11).as_bytes(), 10).unwrap_err().code, "text_too_long");
    }
}
