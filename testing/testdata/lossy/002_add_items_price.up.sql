alter table items add column price_cents integer;
create index items_name_idx on items (name);
