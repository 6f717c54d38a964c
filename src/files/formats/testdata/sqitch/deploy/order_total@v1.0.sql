BEGIN;

create function order_total(account bigint) returns integer
language sql stable as $$ select coalesce(sum(total_cents), 0)::integer from orders where account_id = account $$;

COMMIT;
