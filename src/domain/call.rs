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
    /// How many works one person may send (None: no limit).
    pub max_works_per_person: Option<i64>,
}

impl Call {
    /// Open for submissions: opened by curators and inside its dates.
    pub fn is_open(&self, now_ms: i64) -> bool {
        self.state == CallState::Open && self.opens_at <= now_ms && now_ms < self.closes_at
    }

    /// Checks a person's count of works in this call against the per-person limit.
    pub fn check_limit(&self, already_sent: i64) -> Result<(), DomainError> {
        match self.max_works_per_person {
            Some(max) if already_sent >= max => Err(DomainError::new(
                "call_limit_reached",
                format!("you have already sent {already_sent} works to \"{}\": each person may send at most {max}", self.title),
            )),
            _ => Ok(()),
        }
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
    pub max_works_per_person: Option<i64>,
    /// `Draft` keeps the call invisible to the public until a curator opens it.
    pub state: CallState,
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
            max_works_per_person: None,
            state: CallState::Open,
        })
    }

    /// Sets the per-person limit (at least 1).
    pub fn with_limit(mut self, limit: Option<i64>) -> Result<Self, DomainError> {
        if limit.is_some_and(|l| l < 1) {
            return Err(DomainError::new("invalid_limit", "the limit of works per person must be at least 1"));
        }
        self.max_works_per_person = limit;
        Ok(self)
    }
}
