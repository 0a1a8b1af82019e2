-- accounts: email verification, one-time links, sign-in throttling, account deletion

-- people created by an admin (`piazza user add`) or the demo before this migration are trusted
alter table app_user add column email_verified_at integer;
alter table app_user add column deleted_at integer;
update app_user set email_verified_at = created_at;

-- one-time links sent by mail (verify an address, reset a password); only a hash is stored
create table account_token (
    token_hash text primary key,
    user_id text not null references app_user (id) on delete cascade,
    purpose text not null,
    created_at integer not null,
    expires_at integer not null,
    used_at integer,
    constraint account_token_purpose_check check (purpose in ('verify_email', 'reset_password'))
);
create index account_token_user_idx on account_token (user_id, purpose);

-- failed sign-ins per account and per client address, in fixed windows, shared by every web node
create table sign_in_throttle (
    key text primary key,
    window_start integer not null,
    failures integer not null
);

-- A work can now be withdrawn (its author deleted the account). SQLite cannot alter a CHECK
-- constraint, so `work` is rebuilt (the documented create-copy-drop-rename procedure). The
-- migration runs inside one transaction with foreign keys on, so dropping the old `work`
-- would cascade into `rendition`: `rendition` is rebuilt first, pointing at `work_new`, and
-- the rename of `work_new` to `work` rewrites that reference.
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
    constraint work_kind_check check (kind in ('poem', 'story', 'photo', 'film')),
    constraint work_status_check check (status in ('processing', 'pending_review', 'published', 'rejected', 'failed', 'withdrawn'))
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
insert into rendition_new (work_id, name, mime, width, height, duration_ms, size_bytes, sha256, storage_key, created_at)
select work_id, name, mime, width, height, duration_ms, size_bytes, sha256, storage_key, created_at from rendition;

drop table rendition;
drop table work;
alter table work_new rename to work;
alter table rendition_new rename to rendition;
create index work_call_status_idx on work (call_id, status, published_at);
create index work_author_idx on work (author_id, created_at);
create index work_status_published_idx on work (status, published_at);
