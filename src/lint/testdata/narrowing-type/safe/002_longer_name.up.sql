SET LOCAL lock_timeout = '2s';
ALTER TABLE users ALTER COLUMN name TYPE varchar(200);
