use super::{Description, DomainError, Kind, Licence, Slug, Title};
use super::Arg;

/// Where a call is in its life, as curators set it. Inside `Open`, the dates decide whether
/// works are accepted now (see [`Call::phase`]): the call opens and closes by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    /// Being prepared: invisible to the public.
    Draft,
    /// Published; accepts works between its opening and closing dates.
    Open,
    /// Closed early or after its dates; curators are choosing.
    Closed,
    /// The results text is public, with the works chosen.
    Results,
    /// Kept for the record: reachable by its address, no longer on the home page.
    Archived,
}

impl CallState {
    pub const ALL: [CallState; 5] = [Self::Draft, Self::Open, Self::Closed, Self::Results, Self::Archived];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::Closed => "closed",
            Self::Results => "results",
            Self::Archived => "archived",
        }
    }

    /// The moves a curator may make from this state. Each step can be undone by one step
    /// back (a call opened by mistake returns to draft; results published too early are
    /// taken back), but results are never published for a call still taking works.
    pub fn next_states(self) -> &'static [CallState] {
        match self {
            Self::Draft => &[Self::Open],
            Self::Open => &[Self::Closed, Self::Draft],
            Self::Closed => &[Self::Results, Self::Open],
            Self::Results => &[Self::Archived, Self::Closed],
            Self::Archived => &[Self::Results],
        }
    }

    pub fn check_move(self, to: CallState) -> Result<(), DomainError> {
        if self == to || self.next_states().contains(&to) {
            return Ok(());
        }
        let allowed: Vec<&str> = self.next_states().iter().map(|s| s.as_str()).collect();
        Err(DomainError::new("invalid_transition").arg("from", self.as_str()).arg("allowed", allowed.join(", ")))
    }
}

/// The call's cover picture, stored as one WebP.
#[derive(Debug, Clone)]
pub struct Cover {
    pub key: String,
    pub width: i64,
    pub height: i64,
    pub alt: String,
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
    pub licences: Vec<Licence>,
    /// Photos sent to this call must describe themselves for blind visitors.
    pub alt_text_required: bool,
    /// Films sent to this call must come with captions, for deaf visitors.
    pub captions_required: bool,
    /// Sound works sent to this call must come with a transcript.
    pub transcript_required: bool,
    /// What the city says when it publishes the results.
    pub results_text: String,
    pub cover: Option<Cover>,
}

impl Call {
    /// Open for submissions: opened by curators and inside its dates.
    pub fn is_open(&self, now_ms: i64) -> bool {
        self.phase(now_ms) == "open"
    }

    /// What the public sees: draft, upcoming, open, closed, results or archived.
    pub fn phase(&self, now_ms: i64) -> &'static str {
        match self.state {
            CallState::Open if now_ms < self.opens_at => "upcoming",
            CallState::Open if now_ms >= self.closes_at => "closed",
            other => other.as_str(),
        }
    }

    /// The results text, once the results are published (empty before).
    pub fn public_results_text(&self) -> &str {
        if matches!(self.state, CallState::Results | CallState::Archived) {
            &self.results_text
        } else {
            ""
        }
    }

    /// Checks a person's count of works in this call against the per-person limit.
    pub fn check_limit(&self, already_sent: i64) -> Result<(), DomainError> {
        match self.max_works_per_person {
            Some(max) if already_sent >= max => {
                Err(DomainError::new("call_limit_reached").arg("sent", already_sent).arg("max", max).arg("title", &self.title))
            }
            _ => Ok(()),
        }
    }

    /// Checks that a work of `kind` may be sent to this call now.
    pub fn check_submission(&self, kind: Kind, now_ms: i64) -> Result<(), DomainError> {
        match self.phase(now_ms) {
            "open" => {}
            "upcoming" => {
                return Err(DomainError::new("call_not_open_yet").arg("title", &self.title).arg("date", Arg::Day(self.opens_at)))
            }
            _ => {
                let closed = self.closes_at.min(now_ms);
                return Err(DomainError::new("call_closed").arg("title", &self.title).arg("date", Arg::Day(closed)))
            }
        }
        if !self.kinds.contains(&kind) {
            let accepted: Vec<&str> = self.kinds.iter().map(|k| k.as_str()).collect();
            return Err(DomainError::new("kind_not_accepted")
                .arg("kind", kind.as_str())
                .arg("kind_name", Arg::Keys(vec![kind.key()]))
                .arg("accepted", accepted.join(", "))
                .arg("accepted_names", Arg::Keys(self.kinds.iter().map(|k| k.key()).collect())));
        }
        Ok(())
    }

    /// Checks that the chosen licence is one this call offers.
    pub fn check_licence(&self, licence: Licence) -> Result<(), DomainError> {
        if self.licences.contains(&licence) {
            return Ok(());
        }
        let offered: Vec<&str> = self.licences.iter().map(|l| l.as_str()).collect();
        let labels: Vec<&str> = self.licences.iter().map(|l| l.label()).collect();
        Err(DomainError::new("licence_not_offered")
            .arg("licence", licence.as_str())
            .arg("licence_label", licence.label())
            .arg("offered", offered.join(", "))
            .arg("offered_labels", labels.join(", ")))
    }

    /// The editable fields as they are now, to prefill a form or merge a partial edit.
    pub fn fields(&self) -> RawCallFields {
        RawCallFields {
            title: self.title.clone(),
            description: self.description.clone(),
            question: self.question.clone(),
            kinds: self.kinds.iter().map(|k| k.as_str().to_owned()).collect(),
            opens_at: self.opens_at,
            closes_at: self.closes_at,
            max_works_per_person: self.max_works_per_person,
            licences: self.licences.iter().map(|l| l.as_str().to_owned()).collect(),
            alt_text_required: self.alt_text_required,
            captions_required: self.captions_required,
            transcript_required: self.transcript_required,
            results_text: self.results_text.clone(),
        }
    }

    pub fn kinds_csv(kinds: &[Kind]) -> String {
        kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(",")
    }

    pub fn parse_kinds_csv(s: &str) -> Vec<Kind> {
        s.split(',').filter_map(|k| Kind::parse(k).ok()).collect()
    }

    pub fn licences_csv(licences: &[Licence]) -> String {
        licences.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(",")
    }

    pub fn parse_licences_csv(s: &str) -> Vec<Licence> {
        s.split(',').filter_map(|l| Licence::parse(l).ok()).collect()
    }
}

/// A call's editable fields as a curator typed them; [`CallFields::parse`] checks them.
#[derive(Debug, Clone, Default)]
pub struct RawCallFields {
    pub title: String,
    pub description: String,
    pub question: String,
    pub kinds: Vec<String>,
    pub opens_at: i64,
    pub closes_at: i64,
    pub max_works_per_person: Option<i64>,
    /// Empty: every licence is offered.
    pub licences: Vec<String>,
    pub alt_text_required: bool,
    pub captions_required: bool,
    pub transcript_required: bool,
    pub results_text: String,
}

/// A call's editable fields, validated.
#[derive(Debug, Clone)]
pub struct CallFields {
    pub title: Title,
    pub description: Description,
    pub question: Description,
    pub kinds: Vec<Kind>,
    pub opens_at: i64,
    pub closes_at: i64,
    pub max_works_per_person: Option<i64>,
    pub licences: Vec<Licence>,
    pub alt_text_required: bool,
    pub captions_required: bool,
    pub transcript_required: bool,
    pub results_text: Description,
}

impl CallFields {
    pub fn parse(raw: &RawCallFields) -> Result<Self, DomainError> {
        let mut kinds = Vec::new();
        for k in &raw.kinds {
            let kind = Kind::parse(k)?;
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        if kinds.is_empty() {
            return Err(DomainError::new("invalid_kinds"));
        }
        let mut licences = Vec::new();
        for l in &raw.licences {
            let licence = Licence::parse(l)?;
            if !licences.contains(&licence) {
                licences.push(licence);
            }
        }
        if licences.is_empty() {
            licences = Licence::ALL.to_vec();
        }
        if raw.closes_at <= raw.opens_at {
            return Err(DomainError::new("invalid_dates"));
        }
        if raw.max_works_per_person.is_some_and(|l| l < 1) {
            return Err(DomainError::new("invalid_limit"));
        }
        let question = Description::parse(&raw.question)?;
        if question.clone().into_inner().is_empty() {
            return Err(DomainError::new("invalid_question"));
        }
        Ok(Self {
            title: Title::parse(&raw.title)?,
            description: Description::parse(&raw.description)?,
            question,
            kinds,
            opens_at: raw.opens_at,
            closes_at: raw.closes_at,
            max_works_per_person: raw.max_works_per_person,
            licences,
            alt_text_required: raw.alt_text_required,
            captions_required: raw.captions_required,
            transcript_required: raw.transcript_required,
            results_text: Description::parse(&raw.results_text)?,
        })
    }
}

/// A call as a curator asks to create it, validated.
#[derive(Debug, Clone)]
pub struct NewCall {
    pub slug: Slug,
    pub fields: CallFields,
    /// `Draft` keeps the call invisible to the public until a curator opens it.
    pub state: CallState,
}

impl NewCall {
    pub fn parse(slug: &str, raw: &RawCallFields, state: CallState) -> Result<Self, DomainError> {
        if matches!(state, CallState::Results | CallState::Archived) {
            return Err(DomainError::new("invalid_state").arg("problem", "new"));
        }
        Ok(Self { slug: Slug::parse(slug)?, fields: CallFields::parse(raw)?, state })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawCallFields {
        RawCallFields {
            title: "Il fiume".into(),
            question: "Che cosa ti dice il fiume?".into(),
            kinds: vec!["poem".into()],
            opens_at: 1_000,
            closes_at: 2_000,
            alt_text_required: true,
            ..RawCallFields::default()
        }
    }

    /// An open call for poems, from 1,000 ms to 2,000 ms after the epoch.
    fn the_call_on_the_river() -> Call {
        let fields = CallFields::parse(&raw()).unwrap();
        Call {
            id: "c".into(),
            slug: "fiume".into(),
            title: "Il fiume".into(),
            description: String::new(),
            question: "?".into(),
            kinds: fields.kinds,
            opens_at: 1_000,
            closes_at: 2_000,
            state: CallState::Open,
            max_works_per_person: None,
            licences: fields.licences,
            alt_text_required: true,
            captions_required: false,
            transcript_required: false,
            results_text: String::new(),
            cover: None,
        }
    }

    #[test]
    fn the_call_opens_and_closes_by_its_dates() {
        let call = the_call_on_the_river();
        assert_eq!(call.phase(999), "upcoming");
        assert_eq!(call.check_submission(Kind::Poem, 999).unwrap_err().code, "call_not_open_yet");
        assert!(call.check_submission(Kind::Poem, 1_000).is_ok());
        assert_eq!(call.check_submission(Kind::Photo, 1_000).unwrap_err().code, "kind_not_accepted");
        assert_eq!(call.phase(2_000), "closed");
        assert_eq!(call.check_submission(Kind::Poem, 2_000).unwrap_err().code, "call_closed");
        assert_eq!(call.licences.len(), 4, "no licence chosen offers them all");
    }

    #[test]
    fn refusals_carry_the_instant_of_the_date_they_name() {
        let call = the_call_on_the_river();
        let early = call.check_submission(Kind::Poem, call.opens_at - 60_000).unwrap_err();
        assert!(matches!(early.args.iter().find(|(n, _)| *n == "date"), Some((_, Arg::Day(ms))) if *ms == call.opens_at), "{early:?}");
        let late = call.check_submission(Kind::Poem, call.closes_at + 3_600_000).unwrap_err();
        assert!(matches!(late.args.iter().find(|(n, _)| *n == "date"), Some((_, Arg::Day(ms))) if *ms == call.closes_at), "{late:?}");
    }

    #[test]
    fn moves_follow_the_lifecycle() {
        assert!(CallState::Draft.check_move(CallState::Open).is_ok());
        assert_eq!(CallState::Open.check_move(CallState::Results).unwrap_err().code, "invalid_transition");
        assert!(CallState::Closed.check_move(CallState::Results).is_ok());
        assert!(CallState::Results.check_move(CallState::Archived).is_ok());
        assert!(CallState::Draft.check_move(CallState::Archived).is_err());
    }

    #[test]
    fn bad_fields_say_what_is_wrong() {
        let mut r = raw();
        r.licences = vec!["gpl".into()];
        assert_eq!(CallFields::parse(&r).unwrap_err().code, "invalid_licence");
        let mut r = raw();
        r.max_works_per_person = Some(0);
        assert_eq!(CallFields::parse(&r).unwrap_err().code, "invalid_limit");
        let mut r = raw();
        r.closes_at = r.opens_at;
        assert_eq!(CallFields::parse(&r).unwrap_err().code, "invalid_dates");
    }
}
