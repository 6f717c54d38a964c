-- A timestamp version, written by `tide new` in a later year. No down file: this cannot be
-- rolled back.
alter table accounts add column plan text not null default 'free';
