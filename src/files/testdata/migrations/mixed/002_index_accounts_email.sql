-- dbmate style: both directions in one file. CREATE INDEX CONCURRENTLY refuses to run inside a
-- transaction block, so this migration runs statement by statement.

-- migrate:up transaction:false
create unique index concurrently accounts_email_idx on accounts (lower(email));
create index concurrently accounts_created_at_idx on accounts (created_at);

-- migrate:down transaction:false
drop index concurrently accounts_created_at_idx;
drop index concurrently accounts_email_idx;
