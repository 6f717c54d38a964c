-- migrate:up transaction:false
create unique index concurrently accounts_email_idx on accounts (lower(email));

-- migrate:down transaction:false
drop index concurrently accounts_email_idx;
