-- migrate:up
create table tags (item_id integer references items (id), tag text not null);

-- migrate:down
drop table tags;
