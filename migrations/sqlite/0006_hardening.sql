-- Hardening: one-time sign-in links (the way in for an owner whose account is locked by
-- someone guessing its password). SQLite cannot alter a CHECK constraint, so the small
-- `account_token` table is rebuilt (create-copy-drop-rename, as in 0002); nothing points at it.
-- `sign_in_throttle.failures` now counts attempts reserved before the password is checked.

create table account_token_new (
    token_hash text primary key,
    user_id text not null references app_user (id) on delete cascade,
    purpose text not null,
    created_at integer not null,
    expires_at integer not null,
    used_at integer,
    constraint account_token_purpose_check check (purpose in ('verify_email', 'reset_password', 'sign_in'))
);
insert into account_token_new select token_hash, user_id, purpose, created_at, expires_at, used_at from account_token;
drop table account_token;
alter table account_token_new rename to account_token;
create index account_token_user_idx on account_token (user_id, purpose);
