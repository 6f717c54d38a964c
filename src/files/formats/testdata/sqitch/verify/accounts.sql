BEGIN;
select id, email from accounts where false;
ROLLBACK;
