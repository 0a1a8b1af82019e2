//! `piazza demo`: loads `media-samples/` as a demo call with published works, through the
//! same submission path and jobs as real uploads, so a newcomer's first page is alive.
//! Running it twice changes nothing.

use crate::db::{now_ms, works};
use crate::domain::{CallState, Kind, RawCallFields, Role, Status};
use crate::service::curation::{self, DecisionInput};
use crate::service::submissions::{self, SpooledFile, SubmissionInput};
use crate::service::{calls, operator, works as work_ops, Actor};
use crate::state::AppState;
use anyhow::Context;
use serde::Deserialize;
use std::path::Path;

/// The password of every demo account: printed, and meant only for a local demo.
pub const DEMO_PASSWORD: &str = "piazza-demo";

#[derive(Deserialize)]
struct DemoFile {
    call: DemoCall,
    people: Vec<DemoPerson>,
    works: Vec<DemoWork>,
}

#[derive(Deserialize)]
struct DemoCall {
    slug: String,
    title: String,
    description: String,
    question: String,
    kinds: Vec<String>,
    days_open: i64,
    #[serde(default)]
    cover: Option<DemoCover>,
}

#[derive(Deserialize)]
struct DemoCover {
    file: String,
    alt: String,
}

#[derive(Deserialize)]
struct DemoPerson {
    email: String,
    name: String,
    role: String,
}

#[derive(Deserialize)]
struct DemoWork {
    author: String,
    kind: String,
    title: String,
    licence: String,
    file: String,
    #[serde(default)]
    alt_text: String,
    #[serde(default)]
    description: String,
    /// A sound's transcript, a text file beside the samples.
    #[serde(default)]
    transcript_file: Option<String>,
    /// Shown in the call's "featured" section.
    #[serde(default)]
    featured: bool,
    /// The city's public reply under the work.
    #[serde(default)]
    reply: Option<String>,
}

pub async fn load(state: &AppState, samples: &Path) -> anyhow::Result<()> {
    let manifest = samples.join("demo.json");
    let demo: DemoFile = serde_json::from_str(
        &std::fs::read_to_string(&manifest).with_context(|| format!("reading {}", manifest.display()))?,
    )?;

    let mut people = std::collections::HashMap::new();
    for person in &demo.people {
        let user = match operator::find(state, &person.email).await? {
            Some(user) => user,
            None => {
                let role = Role::parse(&person.role).context("demo role")?;
                operator::add_person(state, &person.email, &person.name, role, DEMO_PASSWORD).await?
            }
        };
        people.insert(person.email.clone(), user);
    }

    // The demo's curator runs the call, decides, features and replies, as one would in the pages.
    let curator = people.values().find(|u| u.role.can_curate()).context("the demo needs a curator")?.clone();
    let as_curator = Actor::person(&curator);
    let call = match calls::public(state, &demo.call.slug).await {
        Ok(call) => call,
        Err(crate::service::ServiceError::NotFound) => {
            let opens = now_ms() - 86_400_000;
            let raw = RawCallFields {
                title: demo.call.title.clone(),
                description: demo.call.description.clone(),
                question: demo.call.question.clone(),
                kinds: demo.call.kinds.clone(),
                opens_at: opens,
                closes_at: opens + demo.call.days_open * 86_400_000,
                alt_text_required: true,
                ..RawCallFields::default()
            };
            calls::create(state, as_curator, &demo.call.slug, &raw, CallState::Open).await.map_err(|e| anyhow::anyhow!("demo call refused: {e}"))?
        }
        Err(e) => return Err(anyhow::anyhow!("reading the demo call: {e}")),
    };

    let mut created = Vec::new();
    for work in &demo.works {
        let author = people.get(&work.author).context("demo work by an unknown person")?;
        if works::find_by_author_and_title(&state.db, &author.id, &call.id, &work.title).await?.is_some() {
            continue;
        }
        // A demo loaded before the call took this kind keeps its call as it was.
        if Kind::parse(&work.kind).is_ok_and(|kind| !call.kinds.contains(&kind)) {
            tracing::info!(title = %work.title, kind = %work.kind, "the demo call does not take this kind; skipped");
            continue;
        }
        let transcript = match &work.transcript_file {
            Some(name) => std::fs::read_to_string(samples.join(name)).with_context(|| format!("reading {name}"))?,
            None => String::new(),
        };
        let source = samples.join(&work.file);
        let file = spool_copy(state, &source).with_context(|| format!("reading {}", source.display()))?;
        let input = SubmissionInput {
            id: None,
            call: call.slug.clone(),
            kind: work.kind.clone(),
            title: work.title.clone(),
            licence: work.licence.clone(),
            description: work.description.clone(),
            alt_text: work.alt_text.clone(),
            text: None,
            file: Some(file),
            transcript,
            ..SubmissionInput::default()
        };
        let id = submissions::submit(state, Actor::person(author), input)
            .await
            .map_err(|e| anyhow::anyhow!("demo work {:?} refused: {e}", work.title))?;
        created.push((id, work));
    }

    let ran = crate::jobs::drain(state).await?;
    let mut published = 0;
    for (id, work) in &created {
        let found = work_ops::visible(state, as_curator, id).await.map(|d| d.work);
        match found {
            Ok(w) if w.status == Status::PendingReview => {
                let refused = |e: crate::service::ServiceError| anyhow::anyhow!("demo curation of {id} refused: {e}");
                let approve = DecisionInput { decision: "approve", reason: "", template_id: None };
                curation::decide(state, as_curator, id, approve, None).await.map_err(refused)?;
                if work.featured {
                    curation::set_flag(state, as_curator, id, "featured", true).await.map_err(refused)?;
                }
                if let Some(reply) = &work.reply {
                    work_ops::reply(state, as_curator, id, reply).await.map_err(refused)?;
                }
                published += 1;
            }
            Ok(w) => tracing::warn!(work.id = %id, status = w.status.as_str(), reason = ?w.failure_message, "demo work not published"),
            Err(crate::service::ServiceError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    if let (None, Some(cover)) = (&call.cover, &demo.call.cover) {
        let bytes = std::fs::read(samples.join(&cover.file)).with_context(|| format!("reading {}", cover.file))?;
        calls::set_cover(state, as_curator, &call, bytes, &cover.alt).await.map_err(|e| anyhow::anyhow!("demo cover refused: {e}"))?;
    }
    println!("demo: call /calls/{}, {} new works ({} jobs run, {} published)", call.slug, created.len(), ran, published);
    println!("demo accounts (password \"{DEMO_PASSWORD}\", for a local demo only):");
    for person in &demo.people {
        println!("  {} <{}> {}", person.name, person.email, person.role);
    }
    Ok(())
}

/// Copies a sample into a temp file, as an upload would arrive.
fn spool_copy(state: &AppState, source: &Path) -> anyhow::Result<SpooledFile> {
    let temp = tempfile::Builder::new().prefix("demo-").tempfile_in(state.config.tmp_dir())?;
    std::fs::copy(source, temp.path())?;
    let size = std::fs::metadata(temp.path())?.len();
    let mut head = Vec::with_capacity(piazza_workers::sniff::SNIFF_LEN);
    std::io::Read::read_to_end(&mut std::io::Read::take(std::fs::File::open(temp.path())?, piazza_workers::sniff::SNIFF_LEN as u64), &mut head)?;
    let name = source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(SpooledFile { path: temp.into_temp_path(), name, size, head, stored_key: None })
}
