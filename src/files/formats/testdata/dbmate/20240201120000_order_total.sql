-- migrate:up
create function order_total(account bigint) returns bigint
language plpgsql stable as $$
begin
  return (select coalesce(sum(total_cents), 0) from orders where account_id = account);
end;
$$;

-- migrate:down
drop function order_total(bigint);
