//! The search index: a tantivy projection of the published works, rebuilt from the
//! database at will. Each process owns its own index directory and is its only writer; it
//! applies the database's change sequence in order and stores the last applied sequence in
//! the index's own commit, so a crash can never leave the two out of step.

use crate::db::{changes, works, Db};
use crate::domain::{Kind, Status};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, STORED, STRING,
};
use tantivy::tokenizer::{AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

const ANALYZER: &str = "it_folded";
/// Bumped when the schema or analyzer changes: an index of another version is rebuilt.
const SCHEMA_VERSION: &str = "2";

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    kind: Field,
    call: Field,
    title: Field,
    body: Field,
    description: Field,
    author: Field,
    call_title: Field,
    published_at: Field,
    tiebreak: Field,
}

/// A hit: the work's id and a highlighted excerpt (already HTML-escaped).
#[derive(Debug, Clone)]
pub struct Hit {
    pub work_id: String,
    pub snippet_html: String,
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    applied_seq: AtomicI64,
    dir: PathBuf,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED),
        kind: builder.add_text_field("kind", STRING),
        call: builder.add_text_field("call", STRING),
        title: builder.add_text_field("title", text.clone()),
        body: builder.add_text_field("body", text.clone()),
        description: builder.add_text_field("description", text.clone()),
        author: builder.add_text_field("author", text.clone()),
        call_title: builder.add_text_field("call_title", text),
        published_at: builder.add_i64_field("published_at", FAST),
        tiebreak: builder.add_u64_field("tiebreak", FAST),
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

impl SearchIndex {
    /// Opens the index in `dir`, or creates it empty (it then catches up from sequence 0).
    /// An unreadable index, or one of another schema version, is discarded and rebuilt.
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        match Self::try_open(dir) {
            Ok(index) => Ok(index),
            Err(e) => {
                tracing::warn!(error = %e, dir = %dir.display(), "search index unreadable, rebuilding it");
                std::fs::remove_dir_all(dir).ok();
                Self::try_open(dir)
            }
        }
    }

    fn try_open(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let version_file = dir.join("piazza-schema-version");
        let existing = std::fs::read_to_string(&version_file).ok();
        if existing.as_deref().is_some_and(|v| v.trim() != SCHEMA_VERSION) {
            anyhow::bail!("index has schema version {existing:?}, expected {SCHEMA_VERSION}");
        }
        let (schema, fields) = schema();
        let directory = tantivy::directory::MmapDirectory::open(dir)?;
        let index = Index::open_or_create(directory, schema)?;
        index.tokenizers().register(ANALYZER, analyzer());
        std::fs::write(&version_file, SCHEMA_VERSION)?;
        let applied = index
            .load_metas()?
            .payload
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(0);
        let writer = index.writer_with_num_threads(1, 20_000_000)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(Self { index, reader, writer: Mutex::new(writer), fields, applied_seq: AtomicI64::new(applied), dir: dir.to_owned() })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The last change sequence this index reflects.
    pub fn applied_seq(&self) -> i64 {
        self.applied_seq.load(Ordering::SeqCst)
    }

    /// Applies every change after the last applied one. Returns how many were applied.
    /// Blocking (tantivy commits fsync): call it from a blocking context.
    pub fn catch_up(&self, rt: &tokio::runtime::Handle, db: &Db) -> anyhow::Result<usize> {
        let mut applied = 0;
        loop {
            let from = self.applied_seq();
            let batch = rt.block_on(changes::since(db, from, 500))?;
            let Some(&(last_seq, _)) = batch.last() else { return Ok(applied) };
            let mut ids: Vec<&str> = batch.iter().map(|(_, id)| id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            let published = rt.block_on(works::find_many(db, &ids))?;
            let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
            for id in ids {
                writer.delete_term(Term::from_field_text(self.fields.id, id));
            }
            for work in published.iter().filter(|w| w.status == Status::Published) {
                writer.add_document(self.document(work))?;
            }
            let mut commit = writer.prepare_commit()?;
            commit.set_payload(&last_seq.to_string());
            commit.commit()?;
            drop(writer);
            self.reader.reload()?;
            self.applied_seq.store(last_seq, Ordering::SeqCst);
            applied += batch.len();
        }
    }

    /// Drops every document and indexes the published works afresh from the database.
    pub fn rebuild(&self, rt: &tokio::runtime::Handle, db: &Db) -> anyhow::Result<usize> {
        // Changes after this point are applied by catch_up; applying one twice is harmless.
        let seq = rt.block_on(changes::latest(db))?;
        let ids = rt.block_on(works::published_ids(db))?;
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        writer.delete_all_documents()?;
        let mut count = 0;
        for chunk in ids.chunks(500) {
            let chunk: Vec<&str> = chunk.iter().map(String::as_str).collect();
            for work in rt.block_on(works::find_many(db, &chunk))?.iter().filter(|w| w.status == Status::Published) {
                writer.add_document(self.document(work))?;
                count += 1;
            }
        }
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&seq.to_string());
        commit.commit()?;
        drop(writer);
        self.reader.reload()?;
        self.applied_seq.store(seq, Ordering::SeqCst);
        Ok(count)
    }

    fn document(&self, work: &works::Work) -> TantivyDocument {
        let f = self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, &work.id);
        doc.add_text(f.kind, work.kind.as_str());
        doc.add_text(f.call, &work.call_slug);
        doc.add_text(f.title, &work.title);
        // What a film or a sound says is findable too: its transcript and its captions'
        // words (without timings).
        let spoken = work.captions_vtt.as_deref().and_then(|vtt| crate::domain::Captions::parse(vtt.as_bytes(), None).ok()).map(|c| c.plain_text());
        let body = [work.body_text.as_deref(), work.transcript.as_deref(), spoken.as_deref()].into_iter().flatten().collect::<Vec<_>>().join("\n");
        doc.add_text(f.body, &body);
        doc.add_text(f.description, format!("{}\n{}", work.description, work.alt_text));
        doc.add_text(f.author, &work.author_name);
        doc.add_text(f.call_title, &work.call_title);
        doc.add_i64(f.published_at, work.published_at.unwrap_or(0));
        doc.add_u64(f.tiebreak, u64::from_str_radix(&work.id[..16.min(work.id.len())], 16).unwrap_or(0));
        doc
    }

    /// Searches published works. Query syntax errors are forgiven: people type words.
    pub fn search(&self, text: &str, kind: Option<Kind>, call: Option<&str>, limit: usize) -> anyhow::Result<Vec<Hit>> {
        let f = self.fields;
        let searcher = self.reader.searcher();
        let mut parser = QueryParser::for_index(&self.index, vec![f.title, f.body, f.description, f.author, f.call_title]);
        parser.set_field_boost(f.title, 3.0);
        parser.set_field_boost(f.author, 2.0);
        parser.set_conjunction_by_default();
        let (text_query, _errors) = parser.parse_query_lenient(text);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.box_clone())];
        if let Some(kind) = kind {
            let term = Term::from_field_text(f.kind, kind.as_str());
            clauses.push((Occur::Must, Box::new(TermQuery::new(term, IndexRecordOption::Basic))));
        }
        if let Some(call) = call {
            let term = Term::from_field_text(f.call, call);
            clauses.push((Occur::Must, Box::new(TermQuery::new(term, IndexRecordOption::Basic))));
        }
        let query = BooleanQuery::new(clauses);
        // Every node must rank alike, whatever its segment layout: scores are rounded (tiny
        // differences in corpus statistics do not reorder results) and ties go to the newest
        // publication, then to a fixed per-work key, never to the document's address.
        let collector = TopDocs::with_limit(limit).tweak_score(move |segment: &tantivy::SegmentReader| {
            let published = segment.fast_fields().i64("published_at").ok();
            let tiebreak = segment.fast_fields().u64("tiebreak").ok();
            move |doc: tantivy::DocId, score: tantivy::Score| {
                (
                    (score * 1000.0).round() as i64,
                    published.as_ref().and_then(|c| c.first(doc)).unwrap_or(0),
                    tiebreak.as_ref().and_then(|c| c.first(doc)).unwrap_or(0),
                )
            }
        });
        let top = searcher.search(&query, &collector)?;
        let body_snippets = tantivy::snippet::SnippetGenerator::create(&searcher, &*text_query, f.body)?;
        let description_snippets = tantivy::snippet::SnippetGenerator::create(&searcher, &*text_query, f.description)?;
        let mut hits = Vec::with_capacity(top.len());
        for (_score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let Some(work_id) = doc.get_first(f.id).and_then(|v| v.as_str()).map(str::to_owned) else { continue };
            let mut snippet = body_snippets.snippet_from_doc(&doc);
            if snippet.is_empty() {
                snippet = description_snippets.snippet_from_doc(&doc);
            }
            snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
            hits.push(Hit { work_id, snippet_html: snippet.to_html() });
        }
        Ok(hits)
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
