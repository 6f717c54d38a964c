BEGIN;
drop function order_total(bigint);
COMMIT;
