use std::fmt;

/// Whose fault a failure is, and so whether retrying could help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureClass {
    /// The file itself is unacceptable: retrying gives the same answer.
    Permanent,
    /// Something around the file failed (disk, memory, a timeout under load).
    Transient,
    /// Our own processing failed on a file that was read (a filter graph we built, an
    /// encoder we opened): not the citizen's fault, and retrying at once gives the same
    /// answer, so the work waits for a curator's retry after the fault is fixed.
    Internal,
}

/// The code of every [`FailureClass::Internal`] failure.
pub const PROCESSING_ERROR: &str = "processing_error";

/// A refusal or failure with a stable snake_case code and a sentence a citizen can act on.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MediaError {
    pub class: FailureClass,
    pub code: &'static str,
    /// What the citizen reads: never technical, never blaming the file for our faults.
    pub message: String,
    /// The technical account for the operator's log (which filter or encoder failed and
    /// how); never shown to the citizen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl MediaError {
    pub fn permanent(code: &'static str, message: impl Into<String>) -> Self {
        Self { class: FailureClass::Permanent, code, message: message.into(), detail: None }
    }

    pub fn transient(code: &'static str, message: impl Into<String>) -> Self {
        Self { class: FailureClass::Transient, code, message: message.into(), detail: None }
    }

    /// A fault on our side while processing a readable file; `detail` is for the log.
    pub fn internal(detail: impl Into<String>) -> Self {
        Self {
            class: FailureClass::Internal,
            code: PROCESSING_ERROR,
            message: "something went wrong on our side while processing this file; the curators can try again".into(),
            detail: Some(detail.into()),
        }
    }

    /// An I/O failure on our side (disk full, missing temp dir): never the citizen's fault.
    pub fn io(err: std::io::Error) -> Self {
        Self::transient("io_error", format!("could not read or write a working file: {err}"))
    }

    pub fn is_permanent(&self) -> bool {
        self.class == FailureClass::Permanent
    }

    pub fn is_internal(&self) -> bool {
        self.class == FailureClass::Internal
    }
}

/// For logs: the code, the message and, when there is one, the technical detail.
impl fmt::Display for MediaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(detail) = &self.detail {
            write!(f, " ({detail})")?;
        }
        Ok(())
    }
}

impl std::error::Error for MediaError {}
