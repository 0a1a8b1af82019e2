-- accounts: email verification, one-time links, sign-in throttling, account deletion

-- people created by an admin (`piazza user add`) or the demo before this migration are trusted
alter table app_user add column email_verified_at bigint;
alter table app_user add column deleted_at bigint;
update app_user set email_verified_at = created_at;

-- one-time links sent by mail (verify an address, reset a password); only a hash is stored
create table account_token (
    token_hash text primary key,
    user_id text not null references app_user (id) on delete cascade,
    purpose text not null,
    created_at bigint not null,
    expires_at bigint not null,
    used_at bigint,
    constraint account_token_purpose_check check (purpose in ('verify_email', 'reset_password'))
);
create index account_token_user_idx on account_token (user_id, purpose);

-- failed sign-ins per account and per client address, in fixed windows, shared by every web node
create table sign_in_throttle (
    key text primary key,
    window_start bigint not null,
    failures bigint not null
);

-- a work can now be withdrawn (its author deleted the account)
alter table work drop constraint work_status_check;
alter table work add constraint work_status_check
    check (status in ('processing', 'pending_review', 'published', 'rejected', 'failed', 'withdrawn'));
