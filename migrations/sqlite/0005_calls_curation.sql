-- Calls and curation: the whole call lifecycle, per-call rules, review history,
-- shortlists, editable reason templates.
--
-- New states for calls ('results', 'archived') and works ('changes_requested') need new
-- CHECK constraints, which SQLite cannot alter: `civic_call`, `work` and every table that
-- points at `work` are rebuilt (create-copy-drop-rename, as in 0002). The migration runs in
-- one transaction with foreign keys on: the new children point at `work_new`, `work_new`
-- points at `civic_call_new`, the old tables are dropped children first, and each rename
-- rewrites the references to the renamed table.

create table civic_call_new (
    id text primary key,
    slug text not null,
    title text not null,
    description text not null,
    question text not null,
    kinds text not null,
    opens_at integer not null,
    closes_at integer not null,
    state text not null,
    created_by text references app_user (id),
    created_at integer not null,
    updated_at integer not null,
    max_works_per_person integer,
    licences text not null default 'cc-by-4.0,cc-by-sa-4.0,cc0-1.0,all-rights-reserved',
    alt_text_required integer not null default 1,
    results_text text not null default '',
    cover_key text,
    cover_width integer,
    cover_height integer,
    cover_alt text not null default '',
    constraint civic_call_slug_key unique (slug),
    constraint civic_call_state_check check (state in ('draft', 'open', 'closed', 'results', 'archived'))
);
insert into civic_call_new (id, slug, title, description, question, kinds, opens_at, closes_at, state, created_by,
                            created_at, updated_at, max_works_per_person)
select id, slug, title, description, question, kinds, opens_at, closes_at, state, created_by,
       created_at, updated_at, max_works_per_person
from civic_call;

create table work_new (
    id text primary key,
    call_id text not null references civic_call_new (id),
    author_id text not null references app_user (id),
    kind text not null,
    title text not null,
    description text not null,
    alt_text text not null,
    licence text not null,
    status text not null,
    failure_code text,
    failure_message text,
    review_reason text,
    body_text text,
    body_html text,
    original_key text,
    original_name text,
    original_mime text,
    original_size integer,
    width integer,
    height integer,
    duration_ms integer,
    dominant_color text,
    published_at integer,
    created_at integer not null,
    updated_at integer not null,
    revision integer not null default 1,
    shortlisted_at integer,
    featured_at integer,
    constraint work_kind_check check (kind in ('poem', 'story', 'photo', 'film')),
    constraint work_status_check check (status in ('processing', 'pending_review', 'changes_requested', 'published',
                                                   'rejected', 'failed', 'withdrawn'))
);
insert into work_new (id, call_id, author_id, kind, title, description, alt_text, licence, status,
                      failure_code, failure_message, review_reason, body_text, body_html, original_key,
                      original_name, original_mime, original_size, width, height, duration_ms,
                      dominant_color, published_at, created_at, updated_at)
select id, call_id, author_id, kind, title, description, alt_text, licence, status,
       failure_code, failure_message, review_reason, body_text, body_html, original_key,
       original_name, original_mime, original_size, width, height, duration_ms,
       dominant_color, published_at, created_at, updated_at
from work;

create table rendition_new (
    work_id text not null references work_new (id) on delete cascade,
    name text not null,
    mime text not null,
    width integer not null,
    height integer not null,
    duration_ms integer,
    size_bytes integer not null,
    sha256 text not null,
    storage_key text not null,
    created_at integer not null,
    primary key (work_id, name)
);
insert into rendition_new select work_id, name, mime, width, height, duration_ms, size_bytes, sha256, storage_key, created_at
from rendition;

create table work_reply_new (
    work_id text primary key references work_new (id) on delete cascade,
    author_id text not null references app_user (id),
    body text not null,
    created_at integer not null,
    updated_at integer not null
);
insert into work_reply_new select work_id, author_id, body, created_at, updated_at from work_reply;

create table appreciation_new (
    work_id text not null references work_new (id) on delete cascade,
    user_id text not null references app_user (id),
    created_at integer not null,
    primary key (work_id, user_id)
);
insert into appreciation_new select work_id, user_id, created_at from appreciation;

create table work_report_new (
    id integer primary key autoincrement,
    work_id text not null references work_new (id) on delete cascade,
    user_id text not null references app_user (id),
    reason text not null,
    created_at integer not null,
    resolved_at integer,
    constraint work_report_once unique (work_id, user_id)
);
insert into work_report_new select id, work_id, user_id, reason, created_at, resolved_at from work_report;

drop table rendition;
drop table work_reply;
drop table appreciation;
drop table work_report;
drop table work;
drop table civic_call;
alter table civic_call_new rename to civic_call;
alter table work_new rename to work;
alter table rendition_new rename to rendition;
alter table work_reply_new rename to work_reply;
alter table appreciation_new rename to appreciation;
alter table work_report_new rename to work_report;
create index work_call_status_idx on work (call_id, status, published_at);
create index work_author_idx on work (author_id, created_at);
create index work_status_published_idx on work (status, published_at);
create index work_report_open_idx on work_report (work_id, resolved_at);

-- what happened to a work, in order: the author's "my works" and the review page show it
create table work_event (
    id integer primary key autoincrement,
    work_id text not null references work (id) on delete cascade,
    actor_id text references app_user (id),
    action text not null,
    reason text not null default '',
    created_at integer not null
);
create index work_event_work_idx on work_event (work_id, id);

-- earlier versions of a work, kept when the author resubmits after a request for changes
create table work_revision (
    work_id text not null references work (id) on delete cascade,
    revision integer not null,
    title text not null,
    description text not null,
    alt_text text not null,
    body_text text,
    original_name text,
    review_reason text,
    created_at integer not null,
    primary key (work_id, revision)
);

-- the reasons curators pick from when they reject or ask for changes; editable
create table reason_template (
    id text primary key,
    label text not null,
    body text not null,
    created_at integer not null,
    updated_at integer not null
);

insert into reason_template (id, label, body, created_at, updated_at) values
    ('off-topic', 'Fuori tema', 'L''opera non risponde alla domanda di questa chiamata.', 0, 0),
    ('alt-text', 'Manca la descrizione', 'Aggiungi una frase che descriva la foto (testo alternativo), così anche chi non vede può apprezzarla.', 0, 0),
    ('faces', 'Volti riconoscibili', 'Nella foto ci sono persone riconoscibili: servono il loro consenso, oppure una versione in cui non si riconoscono.', 0, 0),
    ('quality', 'Qualità insufficiente', 'Il file è troppo sfocato o troppo scuro per essere pubblicato: prova a inviarne una versione migliore.', 0, 0),
    ('rules', 'Contenuto non ammesso', 'L''opera contiene contenuti offensivi o che violano il regolamento della piazza.', 0, 0);
