-- Sound and captions: a fifth kind of work (`audio`), a transcript and captions on a work,
-- and calls that require them. SQLite cannot change a CHECK constraint in place, and the
-- migration runs inside a transaction (so foreign keys cannot be switched off): the work
-- table and every table that refers to it are rebuilt, children dropped before `work` so
-- that dropping it cascades nothing, then renamed back (renaming rewrites the references).

alter table civic_call add column captions_required integer not null default 0;
alter table civic_call add column transcript_required integer not null default 0;

create table work_new (
    id text primary key,
    call_id text not null references civic_call (id),
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
    -- What is said in a sound work (or a film), as its author wrote it; line breaks kept.
    transcript text,
    -- The captions as checked WebVTT, and their language (a primary subtag).
    captions_vtt text,
    captions_lang text,
    constraint work_kind_check check (kind in ('poem', 'story', 'photo', 'film', 'audio')),
    constraint work_status_check check (status in ('processing', 'pending_review', 'changes_requested', 'published',
                                                   'rejected', 'failed', 'withdrawn'))
);
insert into work_new (id, call_id, author_id, kind, title, description, alt_text, licence, status, failure_code,
                      failure_message, review_reason, body_text, body_html, original_key, original_name, original_mime,
                      original_size, width, height, duration_ms, dominant_color, published_at, created_at, updated_at,
                      revision, shortlisted_at, featured_at)
select id, call_id, author_id, kind, title, description, alt_text, licence, status, failure_code,
       failure_message, review_reason, body_text, body_html, original_key, original_name, original_mime,
       original_size, width, height, duration_ms, dominant_color, published_at, created_at, updated_at,
       revision, shortlisted_at, featured_at
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

create table work_event_new (
    id integer primary key autoincrement,
    work_id text not null references work_new (id) on delete cascade,
    actor_id text references app_user (id),
    action text not null,
    reason text not null default '',
    created_at integer not null
);
insert into work_event_new select id, work_id, actor_id, action, reason, created_at from work_event;

create table work_revision_new (
    work_id text not null references work_new (id) on delete cascade,
    revision integer not null,
    title text not null,
    description text not null,
    alt_text text not null,
    body_text text,
    original_name text,
    review_reason text,
    created_at integer not null,
    transcript text,
    primary key (work_id, revision)
);
insert into work_revision_new (work_id, revision, title, description, alt_text, body_text, original_name, review_reason, created_at)
select work_id, revision, title, description, alt_text, body_text, original_name, review_reason, created_at from work_revision;

drop table rendition;
drop table work_reply;
drop table appreciation;
drop table work_report;
drop table work_event;
drop table work_revision;
drop table work;
alter table work_new rename to work;
alter table rendition_new rename to rendition;
alter table work_reply_new rename to work_reply;
alter table appreciation_new rename to appreciation;
alter table work_report_new rename to work_report;
alter table work_event_new rename to work_event;
alter table work_revision_new rename to work_revision;
create index work_call_status_idx on work (call_id, status, published_at);
create index work_author_idx on work (author_id, created_at);
create index work_status_published_idx on work (status, published_at);
create index work_report_open_idx on work_report (work_id, resolved_at);
create index work_event_work_idx on work_event (work_id, id);
