BEGIN;
drop table orders;
COMMIT;
