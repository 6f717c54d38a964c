-- Revert shop:accounts from pg

BEGIN;

drop table accounts;

COMMIT;
