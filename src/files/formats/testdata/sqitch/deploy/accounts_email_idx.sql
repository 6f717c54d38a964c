-- Deploy shop:accounts_email_idx to pg
-- No BEGIN: CONCURRENTLY runs outside a transaction.
create unique index concurrently accounts_email_idx on accounts (lower(email));
