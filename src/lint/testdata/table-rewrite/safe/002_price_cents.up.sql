SET LOCAL lock_timeout = '2s';
ALTER TABLE prices ADD COLUMN price_cents bigint;
