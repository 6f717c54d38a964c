-- Diesel's setup: a helper for updated_at columns.
create or replace function diesel_set_updated_at() returns trigger as $$
begin
  if (new is distinct from old and new.updated_at is not distinct from old.updated_at) then
    new.updated_at := current_timestamp;
  end if;
  return new;
end;
$$ language plpgsql;
