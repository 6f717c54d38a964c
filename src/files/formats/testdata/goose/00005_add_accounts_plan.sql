-- +goose Up
-- +goose ENVSUB ON
alter table accounts add column plan text not null default '${DEFAULT_PLAN:-free}';
-- +goose ENVSUB OFF

-- +goose Down
alter table accounts drop column plan;
