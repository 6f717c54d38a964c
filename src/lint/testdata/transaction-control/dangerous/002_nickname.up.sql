-- tide:no-transaction
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;
COMMIT;
CREATE INDEX CONCURRENTLY users_nickname ON users (nickname);
