//! One pass over the works that match the words: the facet counts, each honouring every
//! active filter but its own, and the best `want` works that pass every filter.
//!
//! A work that fails no filter counts in every facet and is a result; a work that fails
//! exactly one filter counts only in that filter's facet (whose counts ignore their own
//! filter, so a person can switch kind while a call filter is on); a work that fails two
//! counts nowhere. So one query answers what would otherwise take one per facet.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{ColumnValues, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// Column names, shared with the schema.
pub(super) const KIND: &str = "kind_code";
pub(super) const LICENCE: &str = "licence_code";
pub(super) const YEAR: &str = "year";
pub(super) const CALL: &str = "call";
pub(super) const CALL_TITLE: &str = "call_title";
pub(super) const PUBLISHED: &str = "published_at";
pub(super) const TIEBREAK: &str = "tiebreak";

/// A value no document has: a filter on it fails every document.
const NONE: u64 = u64::MAX;
/// More than the kinds and licences there are: their counts are arrays, not maps.
const CODES: usize = 8;

const F_KIND: u8 = 1;
const F_CALL: u8 = 2;
const F_LICENCE: u8 = 4;
const F_YEAR: u8 = 8;

/// The filters as the index stores them: a kind and a licence by their position in the
/// domain's lists, the call by its slug, the year as a number.
#[derive(Debug, Clone, Default)]
pub(super) struct Codes {
    pub kind: Option<u64>,
    pub call: Option<String>,
    pub licence: Option<u64>,
    pub year: Option<u64>,
}

/// How results are ordered; higher is better. Ties in rounded score go to the newest
/// publication, then to a fixed per-work key, never to the document's address, so every
/// node ranks alike whatever its segment layout (and pages never repeat or skip a work).
pub(super) type Key = (i64, i64, u64);

pub(super) struct FacetedTop {
    pub codes: Codes,
    /// Offset plus page size: how many of the best works to keep.
    pub want: usize,
    /// Rank by relevance (false: newest first, no scoring at all).
    pub scored: bool,
}

/// What one search gathered.
#[derive(Debug, Default)]
pub(super) struct Gathered {
    pub total: u64,
    pub kind: HashMap<u64, u64>,
    pub licence: HashMap<u64, u64>,
    pub year: HashMap<u64, u64>,
    /// By slug: the call's title and the count.
    pub call: HashMap<String, (String, u64)>,
    /// The best works, best first.
    pub top: Vec<(Key, DocAddress)>,
}

impl Collector for FacetedTop {
    type Fruit = Gathered;
    type Child = SegmentFacetedTop;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentFacetedTop> {
        let fast = reader.fast_fields();
        let u64_column = |name: &str| -> tantivy::Result<Arc<dyn ColumnValues<u64>>> { Ok(fast.u64(name)?.first_or_default_col(NONE)) };
        // Years are counted in an array from the segment's first year (at most 9,999 wide).
        let years = fast.u64(YEAR)?;
        let (first_year, last_year) = (years.min_value(), years.max_value().max(years.min_value()));
        let missing = |name: &str| tantivy::TantivyError::SchemaError(format!("no fast field {name}"));
        let calls = fast.str(CALL)?.ok_or_else(|| missing(CALL))?;
        let call_titles = fast.str(CALL_TITLE)?.ok_or_else(|| missing(CALL_TITLE))?;
        let call_filter = match &self.codes.call {
            None => None,
            Some(slug) => Some(calls.dictionary().term_ord(slug)?.unwrap_or(NONE)),
        };
        let terms = calls.num_terms();
        Ok(SegmentFacetedTop {
            segment,
            kind: u64_column(KIND)?,
            licence: u64_column(LICENCE)?,
            year: u64_column(YEAR)?,
            call: calls.ords().clone().first_or_default_col(NONE),
            published: fast.i64(PUBLISHED)?.first_or_default_col(0),
            tiebreak: u64_column(TIEBREAK)?,
            codes: self.codes.clone(),
            call_filter,
            want: self.want,
            counts: Counts {
                total: 0,
                kind: [0; CODES],
                licence: [0; CODES],
                first_year,
                year: vec![0; (last_year - first_year + 1).min(10_000) as usize],
                call: vec![0; terms],
                call_doc: vec![0; terms],
            },
            heap: BinaryHeap::with_capacity(self.want.min(1024) + 1),
            calls,
            call_titles,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scored
    }

    fn merge_fruits(&self, fruits: Vec<Gathered>) -> tantivy::Result<Gathered> {
        let mut all = Gathered::default();
        for fruit in fruits {
            all.total += fruit.total;
            for (map, add) in [(&mut all.kind, fruit.kind), (&mut all.licence, fruit.licence), (&mut all.year, fruit.year)] {
                for (value, n) in add {
                    *map.entry(value).or_default() += n;
                }
            }
            for (slug, (title, n)) in fruit.call {
                all.call.entry(slug).or_insert_with(|| (title, 0)).1 += n;
            }
            all.top.extend(fruit.top);
        }
        all.top.sort_unstable_by_key(|(key, _)| Reverse(*key));
        all.top.truncate(self.want);
        Ok(all)
    }
}

struct Counts {
    total: u64,
    kind: [u64; CODES],
    licence: [u64; CODES],
    first_year: u64,
    /// By year less `first_year`.
    year: Vec<u64>,
    /// By the call's ordinal in this segment's dictionary.
    call: Vec<u64>,
    /// A document of each call, to read its title from.
    call_doc: Vec<DocId>,
}

pub(super) struct SegmentFacetedTop {
    segment: SegmentOrdinal,
    kind: Arc<dyn ColumnValues<u64>>,
    licence: Arc<dyn ColumnValues<u64>>,
    year: Arc<dyn ColumnValues<u64>>,
    call: Arc<dyn ColumnValues<u64>>,
    published: Arc<dyn ColumnValues<i64>>,
    tiebreak: Arc<dyn ColumnValues<u64>>,
    codes: Codes,
    /// The filtered call's ordinal in this segment ([`NONE`] when no work here has it).
    call_filter: Option<u64>,
    want: usize,
    counts: Counts,
    heap: BinaryHeap<Reverse<(Key, DocId)>>,
    calls: StrColumn,
    call_titles: StrColumn,
}

/// Adds one at `at`, if the array reaches it (a value no document has, such as [`NONE`], does not).
fn count(counts: &mut [u64], at: u64) {
    if let Some(n) = usize::try_from(at).ok().and_then(|i| counts.get_mut(i)) {
        *n += 1;
    }
}

/// The non-zero counts of an array, by value.
fn nonzero(counts: &[u64], first: u64) -> HashMap<u64, u64> {
    counts.iter().enumerate().filter(|(_, n)| **n > 0).map(|(i, n)| (first + i as u64, *n)).collect()
}

impl SegmentFacetedTop {
    fn count_call(&mut self, call: u64, doc: DocId) {
        if let Some(n) = self.counts.call.get_mut(call as usize) {
            if *n == 0 {
                self.counts.call_doc[call as usize] = doc;
            }
            *n += 1;
        }
    }
}

impl SegmentCollector for SegmentFacetedTop {
    type Fruit = Gathered;

    fn collect(&mut self, doc: DocId, score: Score) {
        let kind = self.kind.get_val(doc);
        let licence = self.licence.get_val(doc);
        let year = self.year.get_val(doc);
        let call = self.call.get_val(doc);
        let mut failed = 0u8;
        if self.codes.kind.is_some_and(|k| k != kind) {
            failed |= F_KIND;
        }
        if self.call_filter.is_some_and(|c| c != call) {
            failed |= F_CALL;
        }
        if self.codes.licence.is_some_and(|l| l != licence) {
            failed |= F_LICENCE;
        }
        if self.codes.year.is_some_and(|y| y != year) {
            failed |= F_YEAR;
        }
        // A facet counts the works that fail no filter but (perhaps) its own.
        if failed & !F_KIND == 0 {
            count(&mut self.counts.kind, kind);
        }
        if failed & !F_LICENCE == 0 {
            count(&mut self.counts.licence, licence);
        }
        if failed & !F_YEAR == 0 {
            count(&mut self.counts.year, year.wrapping_sub(self.counts.first_year));
        }
        if failed & !F_CALL == 0 {
            self.count_call(call, doc);
        }
        if failed != 0 {
            return;
        }
        self.counts.total += 1;
        let key = ((score * 1000.0).round() as i64, self.published.get_val(doc), self.tiebreak.get_val(doc));
        if self.heap.len() < self.want {
            self.heap.push(Reverse((key, doc)));
        } else if self.heap.peek().is_some_and(|Reverse((worst, _))| key > *worst) {
            self.heap.pop();
            self.heap.push(Reverse((key, doc)));
        }
    }

    fn harvest(self) -> Gathered {
        let mut call = HashMap::new();
        let mut slug = String::new();
        let mut title = String::new();
        for (ord, &n) in self.counts.call.iter().enumerate() {
            if n == 0 {
                continue;
            }
            slug.clear();
            title.clear();
            let title_ord = self.call_titles.ords().first(self.counts.call_doc[ord]).unwrap_or(NONE);
            if self.calls.ord_to_str(ord as u64, &mut slug).unwrap_or(false) {
                self.call_titles.ord_to_str(title_ord, &mut title).ok();
                call.insert(slug.clone(), (title.clone(), n));
            }
        }
        let segment = self.segment;
        Gathered {
            total: self.counts.total,
            kind: nonzero(&self.counts.kind, 0),
            licence: nonzero(&self.counts.licence, 0),
            year: nonzero(&self.counts.year, self.counts.first_year),
            call,
            top: self.heap.into_iter().map(|Reverse((key, doc))| (key, DocAddress::new(segment, doc))).collect(),
        }
    }
}
