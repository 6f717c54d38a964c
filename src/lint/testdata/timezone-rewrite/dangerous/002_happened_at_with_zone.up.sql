SET LOCAL lock_timeout = '2s';
ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz;
