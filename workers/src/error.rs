use std::fmt;

/// Whether retrying could help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureClass {
    /// The file itself is unacceptable: retrying gives the same answer.
    Permanent,
    /// Something around the file failed (disk, memory, a timeout under load).
    Transient,
}

/// A refusal or failure with a stable snake_case code and a sentence a citizen can act on.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MediaError {
    pub class: FailureClass,
    pub code: &'static str,
    pub message: String,
}

impl MediaError {
    pub fn permanent(code: &'static str, message: impl Into<String>) -> Self {
        Self { class: FailureClass::Permanent, code, message: message.into() }
    }

    pub fn transient(code: &'static str, message: impl Into<String>) -> Self {
        Self { class: FailureClass::Transient, code, message: message.into() }
    }

    /// An I/O failure on our side (disk full, missing temp dir): never the citizen's fault.
    pub fn io(err: std::io::Error) -> Self {
        Self::transient("io_error", format!("could not read or write a working file: {err}"))
    }

    pub fn is_permanent(&self) -> bool {
        self.class == FailureClass::Permanent
    }
}

impl fmt::Display for MediaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for MediaError {}
