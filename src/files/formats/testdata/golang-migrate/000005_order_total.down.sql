drop function order_total(bigint);
