SET LOCAL lock_timeout = '2s';
SET LOCAL TimeZone = 'UTC';
ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz;
