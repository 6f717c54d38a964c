SET LOCAL lock_timeout = '2s';
ALTER TABLE prices ALTER COLUMN price TYPE bigint;
