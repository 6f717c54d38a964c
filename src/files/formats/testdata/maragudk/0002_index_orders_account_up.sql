-- "_up.sql": the tool's pattern ([\w-]+).up.sql takes any character before "up".
create index orders_account_id_idx on orders (account_id);
