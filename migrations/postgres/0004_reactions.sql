-- a signed-in person appreciates a published work, once
create table appreciation (
    work_id text not null references work (id) on delete cascade,
    user_id text not null references app_user (id),
    created_at bigint not null,
    primary key (work_id, user_id)
);

-- a signed-in person reports a work to the curators, once per work, with a reason
create table work_report (
    id bigserial primary key,
    work_id text not null references work (id) on delete cascade,
    user_id text not null references app_user (id),
    reason text not null,
    created_at bigint not null,
    resolved_at bigint,
    constraint work_report_once unique (work_id, user_id)
);
create index work_report_open_idx on work_report (work_id, resolved_at);
