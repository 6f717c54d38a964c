SET LOCAL lock_timeout = '2s';
-- tide:allow drop-column the app stopped using it in release 12
ALTER TABLE users DROP COLUMN email;
