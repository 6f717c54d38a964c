-- One trigger function shared by every table with an updated_at column.
create function set_updated_at() returns trigger
language plpgsql
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

comment on function set_updated_at() is 'Stamps updated_at on every UPDATE.';

create trigger organizations_set_updated_at
  before update on organizations
  for each row execute function set_updated_at();
