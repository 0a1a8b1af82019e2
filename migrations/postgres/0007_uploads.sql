-- Resumable uploads (tus 1.0). One row per upload a signed-in person started: what it is
-- for (call, kind, declared name and type), how much of it the store holds, and who may
-- write to it now. The state lives here, not on a web node, so the next chunk may reach
-- any node. An upload that is turned into a work is deleted in the work's transaction.
create table upload (
    id text primary key,
    owner_id text not null references app_user (id) on delete cascade,
    -- The work this upload will become: its id is chosen now, so the bytes go straight to
    -- the work's final key.
    work_id text not null unique,
    object_key text not null,
    call_id text not null references civic_call (id) on delete cascade,
    kind text not null,
    file_name text not null,
    file_type text not null,
    length bigint not null,
    received bigint not null default 0,
    -- The store's own handle (an S3 multipart upload id; empty on the filesystem).
    store_ref text not null default '',
    -- Bytes after the last full part, kept as a temporary object until a part is full.
    tail_key text,
    tail_len bigint not null default 0,
    -- Who is writing now (a PATCH on some node) and until when, renewed while it writes.
    lock_token text,
    locked_until bigint,
    created_at bigint not null,
    updated_at bigint not null,
    expires_at bigint not null,
    -- Set once every byte is stored and the object assembled under `object_key`.
    completed_at bigint
);
create index upload_owner_idx on upload (owner_id);
create index upload_expires_idx on upload (expires_at);

-- The parts of an S3 multipart upload that are stored, in order of `number`.
create table upload_part (
    upload_id text not null references upload (id) on delete cascade,
    number bigint not null,
    etag text not null,
    size bigint not null,
    primary key (upload_id, number)
);
