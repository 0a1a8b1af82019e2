//! The rules of curation as plain functions: which decision applies to which status, where
//! a work goes after it, which marks a work can carry, and who sees what of a work.

use super::{Kind, Role, Status};

/// A curator's decision on a work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
    RequestChanges,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Self::Approve, Self::Reject, Self::RequestChanges];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::RequestChanges => "request_changes",
        }
    }

    /// The statuses this decision applies to. Approving and asking for changes answer a work
    /// waiting for review; a rejection can also take back a published work or one waiting
    /// for its author's changes.
    pub fn applies_to(self) -> &'static [Status] {
        match self {
            Self::Approve | Self::RequestChanges => &[Status::PendingReview],
            Self::Reject => &[Status::PendingReview, Status::Published, Status::ChangesRequested],
        }
    }

    /// The status a work has after this decision.
    pub fn status(self) -> Status {
        match self {
            Self::Approve => Status::Published,
            Self::Reject => Status::Rejected,
            Self::RequestChanges => Status::ChangesRequested,
        }
    }

    /// The name of the decision in a work's history and the audit log.
    pub fn event(self) -> &'static str {
        match self {
            Self::Approve => "approved",
            Self::Reject => "rejected",
            Self::RequestChanges => "changes_requested",
        }
    }

    /// Only an approval may go without a reason: the author reads why otherwise.
    pub fn needs_reason(self) -> bool {
        self != Self::Approve
    }
}

/// A curator's mark on a work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// On the call's shortlist: the curators' working list, not a promise to the author.
    Shortlisted,
    /// Shown first on the call's page.
    Featured,
}

impl Flag {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "shortlisted" => Some(Self::Shortlisted),
            "featured" => Some(Self::Featured),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Shortlisted => "shortlisted",
            Self::Featured => "featured",
        }
    }

    /// The statuses a work may have to get this mark. Featuring shows a work to the public,
    /// so only a published one; shortlisting is for works under review or published.
    pub fn allowed_for(self) -> &'static [Status] {
        match self {
            Self::Featured => &[Status::Published],
            Self::Shortlisted => &[Status::PendingReview, Status::ChangesRequested, Status::Published],
        }
    }

    /// The event in a work's history when the mark is set (`on`) or taken away.
    pub fn event(self, on: bool) -> &'static str {
        match (self, on) {
            (Self::Shortlisted, true) => "shortlisted",
            (Self::Shortlisted, false) => "unshortlisted",
            (Self::Featured, true) => "featured",
            (Self::Featured, false) => "unfeatured",
        }
    }
}

/// An author may send a new version only when the curators asked for changes.
pub fn may_resubmit(status: Status) -> bool {
    status == Status::ChangesRequested
}

/// The author of a published film or sound may send new captions or a new transcript (a
/// curator reviews them; the published version stays public meanwhile). Before publication
/// such changes are a resubmission, and only when the curators ask for changes.
pub fn may_update_access(kind: Kind, status: Status) -> bool {
    kind.is_timed() && status == Status::Published
}

/// The city replies in public, so only to a published work.
pub fn may_reply(status: Status) -> bool {
    status == Status::Published
}

/// Someone signed in, as the visibility rules see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader<'a> {
    pub id: &'a str,
    pub role: Role,
}

/// Who reads a work's history: its author, or the curators. The shortlist is the curators'
/// working list, so its marks are left out of what the author reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Author,
    Curator,
}

impl Audience {
    pub fn sees_shortlist(self) -> bool {
        self == Self::Curator
    }
}

/// Published works are public; everything else only to its author and to curators. A
/// withdrawn work (its author took it back or deleted the account) is seen by no one.
pub fn may_see(status: Status, author_id: &str, reader: Option<Reader>) -> bool {
    match status {
        Status::Withdrawn => false,
        Status::Published => true,
        _ => reader.is_some_and(|r| r.id == author_id || r.role.can_curate()),
    }
}

/// Whose history of a work `reader` may read: curators see every work's, authors their
/// own; nobody a withdrawn work's.
pub fn history_audience(status: Status, author_id: &str, reader: Option<Reader>) -> Option<Audience> {
    let reader = reader?;
    if status == Status::Withdrawn {
        return None;
    }
    if reader.role.can_curate() {
        Some(Audience::Curator)
    } else if reader.id == author_id {
        Some(Audience::Author)
    } else {
        None
    }
}

/// Whether `reader` sees a work's privacy receipt (what identifying data its file carried):
/// its author and curators, never the public, since the receipt repeats what was removed.
pub fn sees_privacy(author_id: &str, reader: Option<Reader>) -> bool {
    reader.is_some_and(|r| r.id == author_id || r.role.can_curate())
}

/// Whether `reader` sees a work's shortlist mark.
pub fn sees_shortlist(reader: Option<Reader>) -> bool {
    reader.is_some_and(|r| r.role.can_curate())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Status; 7] = Status::ALL;

    #[test]
    fn decisions_apply_to_waiting_works_and_rejection_also_takes_back() {
        for status in ALL {
            assert_eq!(Decision::Approve.applies_to().contains(&status), status == Status::PendingReview);
            assert_eq!(Decision::RequestChanges.applies_to().contains(&status), status == Status::PendingReview);
            let rejectable = matches!(status, Status::PendingReview | Status::Published | Status::ChangesRequested);
            assert_eq!(Decision::Reject.applies_to().contains(&status), rejectable, "{status:?}");
        }
        assert_eq!(Decision::Approve.status(), Status::Published);
        assert_eq!(Decision::RequestChanges.status(), Status::ChangesRequested);
        assert!(!Decision::Approve.needs_reason());
        assert!(Decision::Reject.needs_reason() && Decision::RequestChanges.needs_reason());
        assert_eq!(Decision::parse("request_changes"), Some(Decision::RequestChanges));
        assert_eq!(Decision::parse("publish"), None);
    }

    #[test]
    fn only_published_works_are_featured_and_shortlists_take_reviewable_ones() {
        assert_eq!(Flag::Featured.allowed_for(), &[Status::Published]);
        assert!(Flag::Shortlisted.allowed_for().contains(&Status::ChangesRequested));
        assert!(!Flag::Shortlisted.allowed_for().contains(&Status::Rejected));
        assert_eq!(Flag::Shortlisted.event(false), "unshortlisted");
        assert_eq!(Flag::parse("hidden"), None);
    }

    #[test]
    fn who_sees_a_work() {
        let author = Reader { id: "a", role: Role::Citizen };
        let stranger = Reader { id: "s", role: Role::Citizen };
        let curator = Reader { id: "c", role: Role::Curator };
        assert!(may_see(Status::Published, "a", None));
        assert!(!may_see(Status::PendingReview, "a", None));
        assert!(!may_see(Status::PendingReview, "a", Some(stranger)));
        assert!(may_see(Status::Rejected, "a", Some(author)));
        assert!(may_see(Status::Failed, "a", Some(curator)));
        for reader in [None, Some(author), Some(curator)] {
            assert!(!may_see(Status::Withdrawn, "a", reader));
        }
    }

    #[test]
    fn the_shortlist_is_for_curators_only() {
        let author = Reader { id: "a", role: Role::Citizen };
        let admin = Reader { id: "x", role: Role::Admin };
        assert_eq!(history_audience(Status::Published, "a", Some(author)), Some(Audience::Author));
        assert_eq!(history_audience(Status::Published, "a", Some(admin)), Some(Audience::Curator));
        assert_eq!(history_audience(Status::Published, "b", Some(author)), None);
        assert_eq!(history_audience(Status::Published, "a", None), None);
        assert_eq!(history_audience(Status::Withdrawn, "a", Some(admin)), None);
        assert!(!Audience::Author.sees_shortlist() && Audience::Curator.sees_shortlist());
        assert!(!sees_shortlist(Some(author)) && sees_shortlist(Some(admin)) && !sees_shortlist(None));
        assert!(sees_privacy("a", Some(author)) && sees_privacy("b", Some(admin)));
        assert!(!sees_privacy("b", Some(author)) && !sees_privacy("a", None));
    }

    #[test]
    fn resubmission_and_replies() {
        for status in ALL {
            assert_eq!(may_resubmit(status), status == Status::ChangesRequested);
            assert_eq!(may_reply(status), status == Status::Published);
            for kind in [Kind::Poem, Kind::Story, Kind::Photo, Kind::Film, Kind::Audio] {
                let timed = matches!(kind, Kind::Film | Kind::Audio);
                assert_eq!(may_update_access(kind, status), timed && status == Status::Published, "{kind:?} {status:?}");
            }
        }
    }
}
