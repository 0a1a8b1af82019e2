-- Library desks (issue 12): named places where operators (library staff, volunteers,
-- digital animators) send works on behalf of people who may have no account, and the
-- claim codes those people take home.
create table desk (
    id text primary key,
    slug text not null,
    name text not null,
    created_at bigint not null,
    constraint desk_slug_key unique (slug)
);

alter table app_user drop constraint app_user_role_check;
alter table app_user add constraint app_user_role_check check (role in ('citizen', 'curator', 'admin', 'operator'));
-- An operator's desk.
alter table app_user add column desk_id text references desk (id);

-- A work sent at a desk: the operator who helped is its author until the person claims it
-- (author_id = helper_id), and stays its helper after.
alter table work add column desk_id text references desk (id);
alter table work add column helper_id text references app_user (id);
-- How the person wants to be credited, shown as the work's author.
alter table work add column credited_name text;
-- The person's email address or phone number, if they gave one.
alter table work add column contact text;
create index work_helper_idx on work (helper_id, created_at);

-- The code on a desk receipt: follows the work's status until it is claimed.
create table claim (
    code text primary key,
    work_id text not null references work (id) on delete cascade,
    created_at bigint not null,
    claimed_at bigint,
    claimed_by text references app_user (id),
    constraint claim_work_key unique (work_id)
);
