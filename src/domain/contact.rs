//! How a person who sent a work at a desk can be reached, if they want to be: an email
//! address (status mails go there too) or a phone number (for the desk to call), kept in one
//! canonical form so the per-person limit recognises the same person twice.

use super::DomainError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    /// Lower-cased.
    Email(String),
    /// Digits, with a leading `+` when one was typed.
    Phone(String),
}

impl Contact {
    /// Nothing typed is no contact; anything else must be an address or a number.
    pub fn parse(input: &str) -> Result<Option<Self>, DomainError> {
        let s = input.trim();
        if s.is_empty() {
            return Ok(None);
        }
        if s.contains('@') {
            let (local, domain) = s.rsplit_once('@').unwrap_or_default();
            let ok = s.len() <= 254
                && !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"'))
                && !local.contains('@');
            return if ok { Ok(Some(Self::Email(s.to_lowercase()))) } else { Err(DomainError::new("contact_invalid")) };
        }
        let plus = s.starts_with('+');
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        let only_separators = s.chars().enumerate().all(|(i, c)| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '/' | '(' | ')') || (i == 0 && c == '+'));
        if !only_separators || !(6..=15).contains(&digits.len()) {
            return Err(DomainError::new("contact_invalid"));
        }
        Ok(Some(Self::Phone(if plus { format!("+{digits}") } else { digits })))
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Email(s) | Self::Phone(s) => s,
        }
    }

    /// The address status mails also go to.
    pub fn email(&self) -> Option<&str> {
        match self {
            Self::Email(s) => Some(s),
            Self::Phone(_) => None,
        }
    }

    /// A stored contact, read back.
    pub fn stored(s: &str) -> Self {
        if s.contains('@') { Self::Email(s.to_owned()) } else { Self::Phone(s.to_owned()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_numbers_in_their_canonical_forms() {
        assert_eq!(Contact::parse("").unwrap(), None);
        assert_eq!(Contact::parse(" Maria.Rossi@Example.org ").unwrap(), Some(Contact::Email("maria.rossi@example.org".into())));
        assert_eq!(Contact::parse("+39 0744 123-456").unwrap(), Some(Contact::Phone("+390744123456".into())));
        assert_eq!(Contact::parse("(0744) 12.34.56").unwrap(), Some(Contact::Phone("0744123456".into())));
        for bad in ["maria@", "@example.org", "maria@example", "a b@example.org", "12345", "0744 12 34 56 78 90 12 34", "chiamami", "+39+0744"] {
            assert_eq!(Contact::parse(bad).unwrap_err().code, "contact_invalid", "{bad}");
        }
    }
}
