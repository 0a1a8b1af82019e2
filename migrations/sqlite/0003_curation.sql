-- what curators and admins did, and why: shown to admins (transparency)
create table audit_event (
    id integer primary key autoincrement,
    actor_id text references app_user (id),
    action text not null,
    subject text not null,
    reason text not null default '',
    created_at integer not null
);
create index audit_event_created_idx on audit_event (created_at);

-- the city's public answer to a work ("la risposta del Comune")
create table work_reply (
    work_id text primary key references work (id) on delete cascade,
    author_id text not null references app_user (id),
    body text not null,
    created_at integer not null,
    updated_at integer not null
);

-- how many works one person may send to a call (null: no limit)
alter table civic_call add column max_works_per_person integer;
