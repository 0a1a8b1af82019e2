-- Sound and captions: a fifth kind of work (`audio`), a transcript and captions on a work,
-- and calls that require them.

alter table civic_call add column captions_required bigint not null default 0;
alter table civic_call add column transcript_required bigint not null default 0;

alter table work drop constraint work_kind_check;
alter table work add constraint work_kind_check check (kind in ('poem', 'story', 'photo', 'film', 'audio'));
-- What is said in a sound work (or a film), as its author wrote it; line breaks kept.
alter table work add column transcript text;
-- The captions as checked WebVTT, and their language (a primary subtag).
alter table work add column captions_vtt text;
alter table work add column captions_lang text;
alter table work_revision add column transcript text;
