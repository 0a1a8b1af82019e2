//! The search index: a tantivy projection of the published works, rebuilt from the
//! database at will. Each process owns its own index directory and is its only writer; it
//! applies the database's change sequence in order and stores the last applied sequence in
//! the index's own commit, so a crash can never leave the two out of step.
//!
//! Besides the words, each work's kind, call, licence and publication year are fast fields
//! (`collector`), so one query gives the facet counts, and a work's card (title, author,
//! call, thumbnail, date) is stored, so a search answers without the database.

mod collector;
mod kept;

use crate::db::works::{RenditionRow, Work};
use crate::db::{changes, works, Db, DbResult};
use crate::domain::{Kind, Licence, Status};
use collector::{Codes, FacetedTop, CALL, CALL_TITLE, KIND, LICENCE, PUBLISHED, TIEBREAK, YEAR};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use tantivy::query::{AllQuery, Query, QueryParser};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, Value, FAST, STORED, STRING,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

const ANALYZER: &str = "it_folded";
/// Bumped when the schema or analyzer changes: an index of another version is rebuilt.
const SCHEMA_VERSION: &str = "4";
/// Changes read and applied in one commit.
const BATCH: i64 = 500;
/// Works read from the database at a time by a rebuild.
const REBUILD_PAGE: i64 = 1000;
/// The writer's memory: a rebuild of 100,000 works flushes a handful of segments.
const WRITER_HEAP_BYTES: usize = 64_000_000;
/// The doc store's block (tantivy's default is 16 KiB), and how many decompressed blocks
/// each segment keeps: 4 MiB a segment.
const DOCSTORE_BLOCK_BYTES: usize = 4096;
const DOCSTORE_CACHED_BLOCKS: usize = 1024;

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    kind: Field,
    kind_code: Field,
    call: Field,
    licence_code: Field,
    year: Field,
    title: Field,
    body: Field,
    description: Field,
    author: Field,
    call_title: Field,
    published_at: Field,
    tiebreak: Field,
    thumb_name: Field,
    thumb_sha256: Field,
    thumb_width: Field,
    thumb_height: Field,
}

/// What to look for: words (empty: every published work) and filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filters {
    pub kind: Option<Kind>,
    /// A call's slug.
    pub call: Option<String>,
    pub licence: Option<Licence>,
    /// The year of publication, in Italian time.
    pub year: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sort {
    Relevance,
    Newest,
}

/// One search: the words, the filters, the order and the window of results.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Request {
    pub text: String,
    pub filters: Filters,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
}

/// A work as a result lists it: a light card, not the whole work.
#[derive(Debug, Clone)]
pub struct Card {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub author: String,
    pub call_slug: String,
    pub call_title: String,
    /// The matching passage, HTML-escaped, with `<mark>` around the words found; empty
    /// when browsing or when only the title or author matched.
    pub snippet_html: String,
    pub thumb: Option<Thumb>,
    pub published_at: i64,
}

/// The smallest picture of a work (a photo's smallest WebP, a film's poster, a sound's
/// waveform): the rendition's name and content hash, and its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumb {
    pub name: String,
    pub sha256: String,
    pub width: i64,
    pub height: i64,
}

/// How many matching works have each value, honouring every active filter but the
/// facet's own. Values no matching work has are left out.
#[derive(Debug, Clone, Default)]
pub struct Facets {
    /// In the domain's order of kinds.
    pub kind: Vec<(Kind, u64)>,
    /// Most works first, then by title.
    pub call: Vec<CallCount>,
    /// In the domain's order of licences.
    pub licence: Vec<(Licence, u64)>,
    /// Newest year first.
    pub year: Vec<(i32, u64)>,
}

#[derive(Debug, Clone)]
pub struct CallCount {
    pub slug: String,
    pub title: String,
    pub count: u64,
}

/// What a search found: how many works match, the facets, and the cards of the window.
#[derive(Debug, Clone)]
pub struct Found {
    pub total: u64,
    pub facets: Facets,
    pub cards: Vec<Card>,
}

/// A work to index with its thumbnail.
#[derive(Debug, Clone)]
pub struct Indexed {
    pub work: Work,
    pub thumb: Option<Thumb>,
}

/// Changes read from the database, to apply in one commit.
#[derive(Debug)]
pub struct Batch {
    /// The sequence the index reflects once the batch is applied.
    pub last_seq: i64,
    /// Every work the changes name: dropped from the index first.
    pub ids: Vec<String>,
    /// Those of them published now, indexed again.
    pub published: Vec<Indexed>,
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    applied_seq: AtomicI64,
    /// Held by whoever is bringing the index up to date, so changes are applied once and
    /// in order, whether by the background indexer or by a search that found it behind.
    catching_up: tokio::sync::Mutex<()>,
    /// Answers given at the applied sequence, to give again.
    kept: kept::Kept,
    dir: PathBuf,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(ANALYZER).set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let stored_text = text.clone().set_stored();
    let code = NumericOptions::default().set_fast();
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED),
        kind: builder.add_text_field("kind", STRING | STORED),
        kind_code: builder.add_u64_field(KIND, code.clone()),
        call: builder.add_text_field(CALL, STRING | FAST | STORED),
        licence_code: builder.add_u64_field(LICENCE, code.clone()),
        year: builder.add_u64_field(YEAR, code),
        title: builder.add_text_field("title", stored_text.clone()),
        body: builder.add_text_field("body", stored_text.clone()),
        description: builder.add_text_field("description", stored_text.clone()),
        author: builder.add_text_field("author", stored_text.clone()),
        // Searched by its words; its whole text is a fast field too, the call facet's label.
        call_title: builder.add_text_field(CALL_TITLE, stored_text.set_fast(None)),
        published_at: builder.add_i64_field(PUBLISHED, FAST | STORED),
        tiebreak: builder.add_u64_field(TIEBREAK, FAST),
        thumb_name: builder.add_text_field("thumb_name", STORED),
        thumb_sha256: builder.add_text_field("thumb_sha256", STORED),
        thumb_width: builder.add_i64_field("thumb_width", STORED),
        thumb_height: builder.add_i64_field("thumb_height", STORED),
    };
    (builder.build(), fields)
}

/// Italian text as people type it into a search box: lowercase, accents folded so that
/// `citta` finds `città`, and Italian stemming so that `fiume` finds `fiumi`.
fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::Italian))
        .build()
}

fn position<T: PartialEq>(all: &[T], value: &T) -> u64 {
    all.iter().position(|v| v == value).map_or(u64::MAX, |i| i as u64)
}

/// The picture a card shows: the smallest image the engine made, WebP before others of
/// the same work (a film has its poster as JPEG and WebP).
pub fn thumb_of<'a>(work_id: &str, renditions: &'a [RenditionRow]) -> Option<&'a RenditionRow> {
    renditions
        .iter()
        .filter(|r| r.work_id == work_id && r.mime.starts_with("image/"))
        .min_by_key(|r| (r.mime != "image/webp", r.width, r.name.clone()))
}

/// Works with their thumbnails, from one query for the renditions of all of them.
async fn with_thumbs(db: &Db, works: Vec<Work>) -> DbResult<Vec<Indexed>> {
    let ids: Vec<&str> = works.iter().map(|w| w.id.as_str()).collect();
    let renditions = works::renditions_of(db, &ids).await?;
    Ok(works
        .into_iter()
        .map(|work| {
            let thumb = thumb_of(&work.id, &renditions)
                .map(|r| Thumb { name: r.name.clone(), sha256: r.sha256.clone(), width: r.width, height: r.height });
            Indexed { work, thumb }
        })
        .collect())
}

/// The changes after `seq` (at most one batch) with the works they name as they are now,
/// or None when there are none.
pub async fn read_changes(db: &Db, seq: i64) -> DbResult<Option<Batch>> {
    let changes = changes::since(db, seq, BATCH).await?;
    let Some(&(last_seq, _)) = changes.last() else { return Ok(None) };
    let mut ids: Vec<String> = changes.into_iter().map(|(_, id)| id).collect();
    ids.sort_unstable();
    ids.dedup();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let published = works::find_many(db, &refs).await?.into_iter().filter(|w| w.status == Status::Published).collect();
    Ok(Some(Batch { last_seq, ids, published: with_thumbs(db, published).await? }))
}

impl SearchIndex {
    /// Opens the index in `dir`, or creates it empty (it then catches up from sequence 0).
    /// An unreadable index, or one of another schema version, is discarded and rebuilt.
    /// Up to `kept_bytes` of answers are kept to give again (0: none).
    pub fn open(dir: &Path, kept_bytes: usize) -> anyhow::Result<Self> {
        match Self::try_open(dir, kept_bytes) {
            Ok(index) => Ok(index),
            Err(e) => {
                tracing::warn!(error = %e, dir = %dir.display(), "search index unreadable, rebuilding it");
                std::fs::remove_dir_all(dir).ok();
                Self::try_open(dir, kept_bytes)
            }
        }
    }

    fn try_open(dir: &Path, kept_bytes: usize) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let version_file = dir.join("piazza-schema-version");
        let existing = std::fs::read_to_string(&version_file).ok();
        if existing.as_deref().is_some_and(|v| v.trim() != SCHEMA_VERSION) {
            anyhow::bail!("index has schema version {existing:?}, expected {SCHEMA_VERSION}");
        }
        let (schema, fields) = schema();
        let directory = tantivy::directory::MmapDirectory::open(dir)?;
        // Small doc-store blocks: a page of results reads 20 documents spread over the
        // whole index, and each read decompresses the block that holds it.
        let settings = tantivy::IndexSettings { docstore_blocksize: DOCSTORE_BLOCK_BYTES, ..Default::default() };
        let index = Index::builder().schema(schema).settings(settings).open_or_create(directory)?;
        index.tokenizers().register(ANALYZER, analyzer());
        std::fs::write(&version_file, SCHEMA_VERSION)?;
        let applied = index.load_metas()?.payload.and_then(|p| p.parse::<i64>().ok()).unwrap_or(0);
        let writer = index.writer_with_num_threads(1, WRITER_HEAP_BYTES)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).doc_store_cache_num_blocks(DOCSTORE_CACHED_BLOCKS).try_into()?;
        Ok(Self {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            applied_seq: AtomicI64::new(applied),
            catching_up: tokio::sync::Mutex::new(()),
            kept: kept::Kept::new(kept_bytes),
            dir: dir.to_owned(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The last change sequence this index reflects.
    pub fn applied_seq(&self) -> i64 {
        self.applied_seq.load(Ordering::SeqCst)
    }

    /// Waits for the right to apply changes (see `catching_up`).
    pub async fn lock_catch_up(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.catching_up.lock().await
    }

    /// Applies a batch read by [`read_changes`] in one commit. Blocking (tantivy commits
    /// fsync): call it from the request pool or a blocking thread, holding
    /// [`Self::lock_catch_up`]. A batch the index already reflects is skipped.
    pub fn apply(&self, batch: Batch) -> anyhow::Result<()> {
        if batch.last_seq <= self.applied_seq() {
            return Ok(());
        }
        let writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        for id in &batch.ids {
            writer.delete_term(Term::from_field_text(self.fields.id, id));
        }
        for indexed in &batch.published {
            writer.add_document(self.document(indexed))?;
        }
        self.commit(writer, batch.last_seq)
    }

    /// Commits with `seq` as the payload, then lets searches see it: the reader is reloaded
    /// before the sequence is published, so a search that finds the index up to date with
    /// the database also finds its documents.
    fn commit(&self, mut writer: std::sync::MutexGuard<'_, IndexWriter>, seq: i64) -> anyhow::Result<()> {
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&seq.to_string());
        commit.commit()?;
        drop(writer);
        self.reader.reload()?;
        self.applied_seq.store(seq, Ordering::SeqCst);
        Ok(())
    }

    /// Drops every document and indexes the published works afresh from the database,
    /// reading pages of works while the previous page is indexed, in one commit. If the
    /// reading fails part way, nothing is committed and the index stays as it was.
    pub async fn rebuild(self: &Arc<Self>, db: &Db) -> anyhow::Result<usize> {
        // Changes after this point are applied by catch-up; applying one twice is harmless.
        let seq = changes::latest(db).await?;
        // Some(page) to index, then None once every page was sent.
        let (pages, mut received) = tokio::sync::mpsc::channel::<Option<Vec<Indexed>>>(2);
        let index = self.clone();
        let writing = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
            let mut writer = index.writer.lock().unwrap_or_else(|p| p.into_inner());
            writer.delete_all_documents()?;
            let mut count = 0;
            loop {
                match received.blocking_recv() {
                    Some(Some(page)) => {
                        for indexed in &page {
                            writer.add_document(index.document(indexed))?;
                        }
                        count += page.len();
                    }
                    Some(None) => break,
                    None => {
                        writer.rollback()?;
                        anyhow::bail!("the rebuild stopped before every work was read");
                    }
                }
            }
            index.commit(writer, seq)?;
            Ok(count)
        });
        let read = async {
            let mut after = String::new();
            loop {
                let page = works::published_after(db, &after, REBUILD_PAGE).await?;
                let Some(last) = page.last() else { return anyhow::Ok(true) };
                after = last.id.clone();
                if pages.send(Some(with_thumbs(db, page).await?)).await.is_err() {
                    return Ok(false); // the writer failed: its error is the one to report
                }
            }
        };
        let read = read.await;
        if matches!(read, Ok(true)) {
            pages.send(None).await.ok();
        }
        drop(pages);
        let written = writing.await?;
        read?;
        written
    }

    fn document(&self, indexed: &Indexed) -> TantivyDocument {
        let f = self.fields;
        let work = &indexed.work;
        let published_at = work.published_at.unwrap_or(0);
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, &work.id);
        doc.add_text(f.kind, work.kind.as_str());
        doc.add_u64(f.kind_code, position(&Kind::ALL, &work.kind));
        doc.add_text(f.call, &work.call_slug);
        doc.add_u64(f.licence_code, position(&Licence::ALL, &work.licence));
        doc.add_u64(f.year, crate::local_time::year(published_at).map_or(0, |y| y as u64));
        doc.add_text(f.title, &work.title);
        // What a film or a sound says is findable too: its transcript and its captions'
        // words (without timings).
        let spoken = work
            .captions_vtt
            .as_deref()
            .and_then(|vtt| crate::domain::Captions::parse(vtt.as_bytes(), None).ok())
            .map(|c| c.plain_text());
        let body = [work.body_text.as_deref(), work.transcript.as_deref(), spoken.as_deref()].into_iter().flatten().collect::<Vec<_>>().join("\n");
        doc.add_text(f.body, &body);
        doc.add_text(f.description, format!("{}\n{}", work.description, work.alt_text));
        doc.add_text(f.author, &work.author_name);
        doc.add_text(f.call_title, &work.call_title);
        doc.add_i64(f.published_at, published_at);
        doc.add_u64(f.tiebreak, u64::from_str_radix(&work.id[..16.min(work.id.len())], 16).unwrap_or(0));
        if let Some(thumb) = &indexed.thumb {
            doc.add_text(f.thumb_name, &thumb.name);
            doc.add_text(f.thumb_sha256, &thumb.sha256);
            doc.add_i64(f.thumb_width, thumb.width);
            doc.add_i64(f.thumb_height, thumb.height);
        }
        doc
    }

    /// Searches the published works: the facets of every match and the cards of the
    /// requested window, as the index stands now (at least at [`Self::applied_seq`]).
    /// Query syntax errors are forgiven: people type words. An answer given at the same
    /// sequence before is given again (see `kept`); else it is run, which is CPU work:
    /// call this from the request pool.
    pub fn search(&self, request: &Request) -> anyhow::Result<Arc<Found>> {
        // Read before the searcher: the reader is reloaded before the sequence moves on
        // (see `commit`), so the answer reflects at least this sequence.
        let seq = self.applied_seq();
        if let Some(found) = self.kept.get(seq, request) {
            return Ok(found);
        }
        let found = Arc::new(self.run(request)?);
        self.kept.insert(seq, request.clone(), found.clone());
        Ok(found)
    }

    /// The answer kept for `request` at the applied sequence, if any: a lookup, cheap
    /// enough for the async runtime, so a kept answer never waits for the request pool.
    pub fn kept_answer(&self, request: &Request) -> Option<Arc<Found>> {
        self.kept.get(self.applied_seq(), request)
    }

    fn run(&self, request: &Request) -> anyhow::Result<Found> {
        let f = self.fields;
        let searcher = self.reader.searcher();
        let text = request.text.trim();
        let words: Option<Box<dyn Query>> = (!text.is_empty()).then(|| {
            let mut parser = QueryParser::for_index(&self.index, vec![f.title, f.body, f.description, f.author, f.call_title]);
            parser.set_field_boost(f.title, 3.0);
            parser.set_field_boost(f.author, 2.0);
            parser.set_conjunction_by_default();
            parser.parse_query_lenient(text).0
        });
        let filters = &request.filters;
        let collector = FacetedTop {
            codes: Codes {
                kind: filters.kind.map(|k| position(&Kind::ALL, &k)),
                call: filters.call.clone(),
                licence: filters.licence.map(|l| position(&Licence::ALL, &l)),
                year: filters.year.map(|y| u64::try_from(y).unwrap_or(u64::MAX)),
            },
            want: request.offset + request.limit,
            scored: words.is_some() && request.sort == Sort::Relevance,
        };
        let gathered = match &words {
            Some(query) => searcher.search(query.as_ref(), &collector)?,
            None => searcher.search(&AllQuery, &collector)?,
        };
        let snippets = match &words {
            Some(query) => Some((
                SnippetGenerator::create(&searcher, query.as_ref(), f.body)?,
                SnippetGenerator::create(&searcher, query.as_ref(), f.description)?,
            )),
            None => None,
        };
        let mut cards = Vec::with_capacity(request.limit);
        for (_key, address) in gathered.top.iter().skip(request.offset) {
            let doc: TantivyDocument = searcher.doc(*address)?;
            let snippet_html = match &snippets {
                Some((body, description)) => {
                    let mut snippet = body.snippet_from_doc(&doc);
                    if snippet.is_empty() {
                        snippet = description.snippet_from_doc(&doc);
                    }
                    snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
                    snippet.to_html()
                }
                None => String::new(),
            };
            if let Some(card) = self.card(&doc, snippet_html) {
                cards.push(card);
            }
        }
        Ok(Found { total: gathered.total, facets: facets(gathered), cards })
    }

    fn card(&self, doc: &TantivyDocument, snippet_html: String) -> Option<Card> {
        let f = self.fields;
        let text = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        let number = |field: Field| doc.get_first(field).and_then(|v| v.as_i64());
        let thumb_name = text(f.thumb_name);
        let thumb = (!thumb_name.is_empty()).then(|| Thumb {
            name: thumb_name,
            sha256: text(f.thumb_sha256),
            width: number(f.thumb_width).unwrap_or(0),
            height: number(f.thumb_height).unwrap_or(0),
        });
        Some(Card {
            id: doc.get_first(f.id)?.as_str()?.to_owned(),
            kind: Kind::parse(&text(f.kind)).ok()?,
            title: text(f.title),
            author: text(f.author),
            call_slug: text(f.call),
            call_title: text(f.call_title),
            snippet_html,
            thumb,
            published_at: number(f.published_at).unwrap_or(0),
        })
    }
}

/// The counts as the domain names them, in a stable order.
fn facets(gathered: collector::Gathered) -> Facets {
    let count = |map: &std::collections::HashMap<u64, u64>, i: usize| map.get(&(i as u64)).copied().unwrap_or(0);
    let mut call: Vec<CallCount> = gathered.call.into_iter().map(|(slug, (title, count))| CallCount { slug, title, count }).collect();
    call.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.title.cmp(&b.title)).then_with(|| a.slug.cmp(&b.slug)));
    let mut year: Vec<(i32, u64)> = gathered.year.into_iter().filter_map(|(y, n)| Some((i32::try_from(y).ok()?, n))).collect();
    year.sort_by_key(|(y, _)| std::cmp::Reverse(*y));
    Facets {
        kind: Kind::ALL.iter().enumerate().map(|(i, k)| (*k, count(&gathered.kind, i))).filter(|(_, n)| *n > 0).collect(),
        licence: Licence::ALL.iter().enumerate().map(|(i, l)| (*l, count(&gathered.licence, i))).filter(|(_, n)| *n > 0).collect(),
        call,
        year,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        let mut analyzer = analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = tantivy::tokenizer::TokenStream::next(&mut stream) {
            out.push(t.text.clone());
        }
        out
    }

    #[test]
    fn accents_fold_and_plurals_stem() {
        assert_eq!(tokens("città"), tokens("citta"));
        assert_eq!(tokens("fiume"), tokens("fiumi"));
        assert_eq!(tokens("Perché"), tokens("perche"));
    }
}
