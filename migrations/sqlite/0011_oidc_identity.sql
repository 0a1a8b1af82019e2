-- sign-in through the city's OpenID Connect provider (its SPID/CIE gateway or its Keycloak)

-- a person as the provider knows them: its issuer and their subject. Nothing else the
-- provider says is kept here (no ID token, no fiscal code).
create table oidc_identity (
    issuer text not null,
    subject text not null,
    user_id text not null references app_user (id) on delete cascade,
    created_at integer not null,
    constraint oidc_identity_pkey primary key (issuer, subject)
);
create index oidc_identity_user_idx on oidc_identity (user_id);

-- a sign-in sent to the provider and not back yet: used once (deleted at the callback),
-- good for 10 minutes. Keyed by a hash of `state`; `browser_hash` is the hash of the cookie
-- of the browser that started it, so a callback opened elsewhere signs nobody in.
create table oidc_login (
    state_hash text primary key,
    browser_hash text not null,
    nonce text not null,
    pkce_verifier text not null,
    created_at integer not null,
    expires_at integer not null
);
create index oidc_login_expires_idx on oidc_login (expires_at);

-- an identity waiting for the owner of the account with the same address to say, by the
-- link mailed to it, that it is theirs; only a hash of the link's token is stored, with the
-- hash of the cookie of the browser that signed in (the link works only there).
create table oidc_link (
    token_hash text primary key,
    user_id text not null references app_user (id) on delete cascade,
    issuer text not null,
    subject text not null,
    browser_hash text not null,
    created_at integer not null,
    expires_at integer not null
);
create index oidc_link_user_idx on oidc_link (user_id);
