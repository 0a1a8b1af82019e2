use super::{Description, DomainError, Kind, Slug, Title};

/// Whether curators have opened a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    Draft,
    Open,
    Closed,
}

impl CallState {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(Self::Draft),
            "open" => Some(Self::Open),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
}

/// A themed call as stored.
#[derive(Debug, Clone)]
pub struct Call {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub question: String,
    pub kinds: Vec<Kind>,
    pub opens_at: i64,
    pub closes_at: i64,
    pub state: CallState,
}

impl Call {
    /// Open for submissions: opened by curators and inside its dates.
    pub fn is_open(&self, now_ms: i64) -> bool {
        self.state == CallState::Open && self.opens_at <= now_ms && now_ms < self.closes_at
    }

    /// Checks that a work of `kind` may be sent to this call now.
    pub fn check_submission(&self, kind: Kind, now_ms: i64) -> Result<(), DomainError> {
        if self.state != CallState::Open || now_ms >= self.closes_at {
            return Err(DomainError::new("call_closed", format!("the call \"{}\" is closed and no longer accepts works", self.title)));
        }
        if now_ms < self.opens_at {
            return Err(DomainError::new("call_not_open_yet", format!("the call \"{}\" is not open yet", self.title)));
        }
        if !self.kinds.contains(&kind) {
            let accepted: Vec<&str> = self.kinds.iter().map(|k| k.as_str()).collect();
            return Err(DomainError::new(
                "kind_not_accepted",
                format!("this call does not accept a {}; it accepts: {}", kind.as_str(), accepted.join(", ")),
            ));
        }
        Ok(())
    }

    pub fn kinds_csv(kinds: &[Kind]) -> String {
        kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(",")
    }

    pub fn parse_kinds_csv(s: &str) -> Vec<Kind> {
        s.split(',').filter_map(|k| Kind::parse(k).ok()).collect()
    }
}

/// A call as a curator asks to create it, validated.
#[derive(Debug, Clone)]
pub struct NewCall {
    pub slug: Slug,
    pub title: Title,
    pub description: Description,
    pub question: Description,
    pub kinds: Vec<Kind>,
    pub opens_at: i64,
    pub closes_at: i64,
}

impl NewCall {
    pub fn parse(
        slug: &str,
        title: &str,
        description: &str,
        question: &str,
        kinds: &[String],
        opens_at: i64,
        closes_at: i64,
    ) -> Result<Self, DomainError> {
        let mut parsed = Vec::new();
        for k in kinds {
            let kind = Kind::parse(k)?;
            if !parsed.contains(&kind) {
                parsed.push(kind);
            }
        }
        if parsed.is_empty() {
            return Err(DomainError::new("invalid_kinds", "a call must accept at least one kind of work"));
        }
        if closes_at <= opens_at {
            return Err(DomainError::new("invalid_dates", "the call must close after it opens"));
        }
        let question = Description::parse(question)?;
        if question.clone().into_inner().is_empty() {
            return Err(DomainError::new("invalid_question", "the question the call asks is missing"));
        }
        Ok(Self {
            slug: Slug::parse(slug)?,
            title: Title::parse(title)?,
            description: Description::parse(description)?,
            question,
            kinds: parsed,
            opens_at,
            closes_at,
        })
    }
}
