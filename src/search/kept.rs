//! Answers kept in memory: a search asked again while the index reflects the same change
//! sequence is answered from here instead of being run again. What an answer holds is a
//! function of the request and the index's documents alone, and those change only when a
//! batch of changes is applied; so an answer kept at sequence `s` is right for as long as
//! the index stays at `s`, and the whole store is dropped the moment it moves on. People
//! ask the same few things (a call's name, "fiume", the first page of browsing), and a
//! search whose answer is kept costs a lookup instead of a pass over every match.
//!
//! Bounded in bytes (an estimate of what the answers hold), oldest answer out first, so a
//! flood of distinct queries only churns it.

use super::{Found, Request};
use crate::bounded::Bounded;
use std::sync::{Arc, Mutex};

/// What a kept answer costs besides its text: the map's entry, the card structs.
const OVERHEAD_BYTES: usize = 512;

pub(super) struct Kept {
    max_bytes: usize,
    inner: Mutex<Inner>,
}

struct Inner {
    /// The index sequence every kept answer reflects.
    seq: i64,
    answers: Bounded<Request, Arc<Found>>,
}

impl Inner {
    /// Whether the kept answers are those of index sequence `seq`: when the index has moved
    /// on past theirs they are forgotten and it is; a caller that read an older sequence
    /// (just before a commit) neither uses nor disturbs them.
    fn at(&mut self, seq: i64) -> bool {
        if seq > self.seq {
            self.seq = seq;
            self.answers.clear();
        }
        seq == self.seq
    }
}

/// Roughly how much memory an answer holds.
fn size_of(request: &Request, found: &Found) -> usize {
    let cards: usize = found
        .cards
        .iter()
        .map(|c| {
            c.id.len() + c.title.len() + c.author.len() + c.call_slug.len() + c.call_title.len() + c.snippet_html.len()
                + c.thumb.as_ref().map_or(0, |t| t.name.len() + t.sha256.len())
                + 128
        })
        .sum();
    let calls: usize = found.facets.call.iter().map(|c| c.slug.len() + c.title.len() + 32).sum();
    OVERHEAD_BYTES + request.text.len() * 2 + cards + calls + 16 * (found.facets.kind.len() + found.facets.licence.len() + found.facets.year.len())
}

impl Kept {
    /// A store of at most `max_bytes` (0: keep nothing).
    pub fn new(max_bytes: usize) -> Self {
        Self { max_bytes, inner: Mutex::new(Inner { seq: 0, answers: Bounded::new(max_bytes) }) }
    }

    /// The answer kept for `request` at index sequence `seq`.
    pub fn get(&self, seq: i64, request: &Request) -> Option<Arc<Found>> {
        if self.max_bytes == 0 {
            return None;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if !inner.at(seq) {
            return None;
        }
        inner.answers.get(request).cloned()
    }

    /// Keeps `found`, the answer to `request` from a searcher that reflects at least `seq`
    /// (a newer one is as right: nothing it lacks is visible).
    pub fn insert(&self, seq: i64, request: Request, found: Arc<Found>) {
        let size = size_of(&request, &found);
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.at(seq) {
            inner.answers.insert(request, found, size);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Facets, Filters, Sort};
    use super::*;

    fn request(text: &str) -> Request {
        Request { text: text.into(), filters: Filters::default(), sort: Sort::Relevance, offset: 0, limit: 20 }
    }

    fn found(total: u64) -> Arc<Found> {
        Arc::new(Found { total, facets: Facets::default(), cards: Vec::new() })
    }

    #[test]
    fn an_answer_is_kept_only_while_the_index_stays_where_it_was() {
        let store = Kept::new(1 << 20);
        store.insert(7, request("fiume"), found(3));
        assert_eq!(store.get(7, &request("fiume")).map(|f| f.total), Some(3));
        assert!(store.get(7, &request("ponte")).is_none());
        assert!(store.get(8, &request("fiume")).is_none(), "the index moved on: every answer is gone");
        assert!(store.get(7, &request("fiume")).is_none(), "an older sequence finds nothing");
        store.insert(8, request("ponte"), found(1));
        store.insert(7, request("fiume"), found(3));
        assert!(store.get(8, &request("ponte")).is_some(), "an answer made before the move does not wipe newer ones");
        assert!(store.get(8, &request("fiume")).is_none());
        assert!(store.get(7, &request("ponte")).is_none(), "nor does a search that read the older sequence");
        assert!(store.get(8, &request("ponte")).is_some());
    }

    #[test]
    fn the_store_keeps_within_its_bytes_oldest_out_first() {
        let one = size_of(&request("a"), &found(0));
        let store = Kept::new(one * 2 + 1);
        for word in ["a", "b", "c"] {
            store.insert(1, request(word), found(0));
        }
        assert!(store.get(1, &request("a")).is_none(), "the oldest went");
        assert!(store.get(1, &request("b")).is_some() && store.get(1, &request("c")).is_some());
        assert!(Kept::new(0).get(1, &request("b")).is_none());
    }
}
