-- +goose NO TRANSACTION
-- +goose Up
create unique index concurrently accounts_email_idx on accounts (lower(email));

-- +goose Down
drop index concurrently accounts_email_idx;
