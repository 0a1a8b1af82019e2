-- Calls and curation: the whole call lifecycle, per-call rules, review history,
-- shortlists, editable reason templates.

alter table civic_call drop constraint civic_call_state_check;
alter table civic_call add constraint civic_call_state_check
    check (state in ('draft', 'open', 'closed', 'results', 'archived'));
alter table civic_call add column licences text not null default 'cc-by-4.0,cc-by-sa-4.0,cc0-1.0,all-rights-reserved';
alter table civic_call add column alt_text_required bigint not null default 1;
alter table civic_call add column results_text text not null default '';
alter table civic_call add column cover_key text;
alter table civic_call add column cover_width bigint;
alter table civic_call add column cover_height bigint;
alter table civic_call add column cover_alt text not null default '';

alter table work drop constraint work_status_check;
alter table work add constraint work_status_check
    check (status in ('processing', 'pending_review', 'changes_requested', 'published', 'rejected', 'failed', 'withdrawn'));
alter table work add column revision bigint not null default 1;
alter table work add column shortlisted_at bigint;
alter table work add column featured_at bigint;

-- what happened to a work, in order: the author's "my works" and the review page show it
create table work_event (
    id bigserial primary key,
    work_id text not null references work (id) on delete cascade,
    actor_id text references app_user (id),
    action text not null,
    reason text not null default '',
    created_at bigint not null
);
create index work_event_work_idx on work_event (work_id, id);

-- earlier versions of a work, kept when the author resubmits after a request for changes
create table work_revision (
    work_id text not null references work (id) on delete cascade,
    revision bigint not null,
    title text not null,
    description text not null,
    alt_text text not null,
    body_text text,
    original_name text,
    review_reason text,
    created_at bigint not null,
    primary key (work_id, revision)
);

-- the reasons curators pick from when they reject or ask for changes; editable
create table reason_template (
    id text primary key,
    label text not null,
    body text not null,
    created_at bigint not null,
    updated_at bigint not null
);

insert into reason_template (id, label, body, created_at, updated_at) values
    ('off-topic', 'Fuori tema', 'L''opera non risponde alla domanda di questa chiamata.', 0, 0),
    ('alt-text', 'Manca la descrizione', 'Aggiungi una frase che descriva la foto (testo alternativo), così anche chi non vede può apprezzarla.', 0, 0),
    ('faces', 'Volti riconoscibili', 'Nella foto ci sono persone riconoscibili: servono il loro consenso, oppure una versione in cui non si riconoscono.', 0, 0),
    ('quality', 'Qualità insufficiente', 'Il file è troppo sfocato o troppo scuro per essere pubblicato: prova a inviarne una versione migliore.', 0, 0),
    ('rules', 'Contenuto non ammesso', 'L''opera contiene contenuti offensivi o che violano il regolamento della piazza.', 0, 0);
