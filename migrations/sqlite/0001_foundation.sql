-- people who sign in: citizens, curators, admins
create table app_user (
    id text primary key,
    email text not null,
    name text not null,
    role text not null,
    password_hash text not null,
    created_at integer not null,
    updated_at integer not null,
    constraint app_user_email_key unique (email),
    constraint app_user_role_check check (role in ('citizen', 'curator', 'admin'))
);

-- browser sessions; only a hash of the cookie value is stored
create table session (
    token_hash text primary key,
    user_id text not null references app_user (id) on delete cascade,
    created_at integer not null,
    expires_at integer not null
);
create index session_user_idx on session (user_id);

-- bearer tokens for the API; only a hash is stored
create table api_token (
    token_hash text primary key,
    user_id text not null references app_user (id) on delete cascade,
    created_at integer not null
);

-- a themed call opened by the municipality
create table civic_call (
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
    constraint civic_call_slug_key unique (slug),
    constraint civic_call_state_check check (state in ('draft', 'open', 'closed'))
);

-- a citizen's answer to a call
create table work (
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
    constraint work_status_check check (status in ('processing', 'pending_review', 'published', 'rejected', 'failed'))
);
create index work_call_status_idx on work (call_id, status, published_at);
create index work_author_idx on work (author_id, created_at);
create index work_status_published_idx on work (status, published_at);

-- a derived file of a work, stored under a deterministic key
create table rendition (
    work_id text not null references work (id) on delete cascade,
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

-- durable background work, claimed with a lease
create table job (
    id integer primary key autoincrement,
    task text not null,
    work_id text not null,
    state text not null,
    attempts integer not null default 0,
    max_attempts integer not null,
    run_after integer not null,
    lease_token text,
    lease_expires_at integer,
    progress integer not null default 0,
    last_error text,
    created_at integer not null,
    updated_at integer not null,
    constraint job_state_check check (state in ('queued', 'running', 'done', 'failed'))
);
create index job_claim_idx on job (state, run_after);
create unique index job_live_key on job (work_id, task) where state in ('queued', 'running');

-- every change to what the public may see; search indexes tail it by seq
create table change_log (
    seq integer primary key autoincrement,
    work_id text not null,
    created_at integer not null
);
