alter table accounts add column plan text not null default 'free';
