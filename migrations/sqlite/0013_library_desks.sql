-- Library desks (issue 12): named places where operators (library staff, volunteers,
-- digital animators) send works on behalf of people who may have no account, and the
-- claim codes those people take home.
--
-- The `operator` role needs app_user's check constraint widened, which SQLite can only do
-- by rebuilding the table. SQLite migrations run with foreign keys off (`Db::migrate`), so
-- dropping the old table cascades to nothing; every table that references app_user refers
-- to it by name and finds the new one.

create table desk (
    id text primary key,
    slug text not null,
    name text not null,
    created_at integer not null,
    constraint desk_slug_key unique (slug)
);

create table app_user_new (
    id text primary key,
    email text not null,
    name text not null,
    role text not null,
    password_hash text not null,
    created_at integer not null,
    updated_at integer not null,
    email_verified_at integer,
    deleted_at integer,
    -- An operator's desk.
    desk_id text references desk (id),
    constraint app_user_email_key unique (email),
    constraint app_user_role_check check (role in ('citizen', 'curator', 'admin', 'operator'))
);
insert into app_user_new (id, email, name, role, password_hash, created_at, updated_at, email_verified_at, deleted_at)
    select id, email, name, role, password_hash, created_at, updated_at, email_verified_at, deleted_at from app_user;
drop table app_user;
alter table app_user_new rename to app_user;

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
    created_at integer not null,
    claimed_at integer,
    claimed_by text references app_user (id),
    constraint claim_work_key unique (work_id)
);

