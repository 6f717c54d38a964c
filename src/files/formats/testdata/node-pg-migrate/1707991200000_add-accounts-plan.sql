-- Up Migration
alter table accounts add column plan text not null default 'free';

-- Down Migration
alter table accounts drop column plan;
