//! The privacy receipt in plain words, for the work's page and "my works": one sentence per
//! item the original carried, saying what it revealed and that it is gone.

use crate::http::views::WorkView;
use crate::i18n::{text_with, Lang};
use crate::domain::Arg;

/// What a receipt says, as the author and curators read it.
pub struct PrivacyText {
    pub lines: Vec<String>,
    /// Every public file was read back and found clean.
    pub clean: bool,
}

impl PrivacyText {
    pub fn of(work: &WorkView, lang: Lang) -> Option<Self> {
        let receipt = work.privacy.as_ref()?;
        let kind = || Arg::Str(work.kind.to_owned());
        let lines = if receipt.found.is_empty() {
            vec![text_with(lang, "receipt-none", &[("kind", kind())])]
        } else {
            receipt
                .found
                .iter()
                .map(|f| {
                    let key = match (f.what, f.detail.is_empty()) {
                        ("gps", false) => "receipt-found-gps",
                        ("gps", true) => "receipt-found-gps-unread",
                        ("location", false) => "receipt-found-location",
                        ("location", true) => "receipt-found-location-unread",
                        ("camera", _) => "receipt-found-camera",
                        ("serial", _) => "receipt-found-serial",
                        ("date_taken", _) => "receipt-found-date-taken",
                        ("author", _) => "receipt-found-author",
                        ("software", _) => "receipt-found-software",
                        ("upright", _) => "receipt-found-upright",
                        _ => "receipt-found-other",
                    };
                    let detail = if matches!(f.what, "gps" | "location") { coordinates(&f.detail, lang) } else { f.detail.clone() };
                    let args = [("kind", kind()), ("detail", Arg::Str(detail))];
                    text_with(lang, key, &args)
                })
                .collect()
        };
        Some(Self { lines, clean: receipt.public_files_clean })
    }
}

/// "42.56 N, 12.64 E" as the language writes decimals: Italian "42,56 N, 12,64 E" (the
/// letters keep the two numbers apart).
fn coordinates(detail: &str, lang: Lang) -> String {
    match lang {
        Lang::It => detail.replace('.', ","),
        Lang::En => detail.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_coordinates_use_a_decimal_comma() {
        assert_eq!(coordinates("42.56 N, 12.64 E", Lang::It), "42,56 N, 12,64 E");
        assert_eq!(coordinates("42.56 N, 12.64 E", Lang::En), "42.56 N, 12.64 E");
    }
}
