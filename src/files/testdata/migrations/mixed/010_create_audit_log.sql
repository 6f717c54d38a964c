-- migrate:up
-- Version 010 sorts after 002: versions compare as numbers.
create table {{tables.audit_log}} (
  id bigint generated always as identity primary key,
  account_id bigint not null references {{ tables.accounts }} (id) on delete cascade,
  action text not null check (action <> ''),
  at timestamptz not null default now()
);

create function {{schema}}.log_account_change() returns trigger
language plpgsql as $body$
begin
  insert into {{tables.audit_log}} (account_id, action) values (new.id, tg_op);
  return new;
end;
$body$;

create trigger accounts_audit after insert or update on {{tables.accounts}}
  for each row execute function {{schema}}.log_account_change();

-- migrate:down
drop trigger accounts_audit on {{tables.accounts}};
drop function {{schema}}.log_account_change();
drop table {{tables.audit_log}};
