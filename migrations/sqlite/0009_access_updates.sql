-- New captions or a new transcript for a published work, sent by its author and waiting
-- for a curator while the published version stays as it is. One per work: a newer one
-- replaces the one waiting. Removed with the work.
create table access_update (
    work_id text primary key references work (id) on delete cascade,
    -- Fresh for every update sent: a curator's decision applies to the one they read.
    id text not null,
    -- The transcript as proposed; null keeps the current one.
    transcript text,
    -- New captions as checked WebVTT and their language; null keeps the current ones.
    captions_vtt text,
    captions_lang text,
    created_at integer not null
);

-- An earlier version keeps the captions it had.
alter table work_revision add column captions_vtt text;
alter table work_revision add column captions_lang text;
