//! What a published work's page tells the sites it is shared on: a description, Open Graph
//! and Twitter card tags with absolute addresses, and share links that are plain links
//! (no third-party script, no request to anyone until the person follows one). Only for
//! published works, and only where the site knows its own address (`PIAZZA_PUBLIC_URL`, or
//! a local Host): an address guessed from a forged Host must never end up in a card.

use crate::http::views::WorkView;

/// The card of a shared page.
pub struct Share {
    pub title: String,
    /// At most 200 characters, on one line.
    pub description: String,
    pub url: String,
    /// The work's picture or the film's poster, absolute, with its size.
    pub image: Option<(String, i64, i64)>,
    /// Where the page may be shared: (the site's name, the link).
    pub links: Vec<(&'static str, String)>,
}

impl Share {
    /// The card of a published work, given the site's link base (scheme and host).
    /// `email`: what the mail link is called in the reader's language.
    pub fn of_work(work: &WorkView, base: &str, email: &'static str) -> Option<Self> {
        if work.status != "published" {
            return None;
        }
        let url = format!("{base}/works/{}", work.id);
        let source = [work.description.as_str(), work.excerpt.as_str(), work.alt_text.as_str(), work.transcript.as_deref().unwrap_or("")]
            .into_iter()
            .find(|t| !t.trim().is_empty())
            .unwrap_or("");
        let description = one_line(source, 200);
        let image = work
            .renditions
            .iter()
            .filter(|r| matches!(r.mime.as_str(), "image/jpeg" | "image/webp") && r.width > 0)
            // Sites read JPEG best; the largest that is not huge.
            .max_by_key(|r| (r.mime == "image/jpeg", r.width.min(1280)))
            .map(|r| (format!("{base}{}", r.url), r.width, r.height));
        let text = format!("{} — {}", work.title, work.author);
        let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let links = vec![
            ("WhatsApp", format!("https://wa.me/?text={}", enc(&format!("{text} {url}")))),
            ("Telegram", format!("https://t.me/share/url?url={}&text={}", enc(&url), enc(&text))),
            ("Facebook", format!("https://www.facebook.com/sharer/sharer.php?u={}", enc(&url))),
            ("X", format!("https://x.com/intent/post?url={}&text={}", enc(&url), enc(&text))),
            (email, format!("mailto:?subject={}&body={}", enc(&text).replace('+', "%20"), enc(&url))),
        ];
        Some(Self { title: work.title.clone(), description, url, image, links })
    }
}

/// Text on one line, cut at a word under `max` characters with an ellipsis.
fn one_line(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max - 1).collect();
    // Whole when the next character starts a new word; else back to the last space.
    let whole = flat.chars().nth(max - 1) == Some(' ');
    let at = if whole { cut.len() } else { cut.rfind(' ').unwrap_or(cut.len()) };
    format!("{}…", cut[..at].trim_end())
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn descriptions_are_one_line_cut_at_a_word() {
        assert_eq!(one_line("Il fiume\nconosce  i nomi", 200), "Il fiume conosce i nomi");
        assert_eq!(one_line("uno due tre quattro", 12), "uno due tre…");
    }
}
