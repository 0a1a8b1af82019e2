//! The values a refusal's message names (a title, a limit, a day), kept apart from the
//! words: the message catalogue (`crate::i18n`) writes them in the reader's language.

/// A value a message takes: text, or a number (which also picks the plural form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Str(String),
    Num(i64),
    /// A day, given as Unix milliseconds (UTC), written as each language writes dates.
    Day(i64),
    /// Catalogue keys, shown in the reader's language as a comma-separated list.
    Keys(Vec<&'static str>),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Str(s.to_owned())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Str(s)
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Str(s.clone())
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Self {
                Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
        impl From<&$t> for Arg {
            fn from(n: &$t) -> Self {
                Arg::from(*n)
            }
        }
    )*};
}
number_args!(i32, i64, u32, u64, usize);
