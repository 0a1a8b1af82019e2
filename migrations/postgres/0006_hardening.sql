-- Hardening: one-time sign-in links (the way in for an owner whose account is locked by
-- someone guessing its password). `sign_in_throttle.failures` now counts attempts reserved
-- before the password is checked.

alter table account_token drop constraint account_token_purpose_check;
alter table account_token add constraint account_token_purpose_check
    check (purpose in ('verify_email', 'reset_password', 'sign_in'));
