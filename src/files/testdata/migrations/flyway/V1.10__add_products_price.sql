-- 1.10 comes after 1.9 and 1.1.
ALTER TABLE products ADD COLUMN price_cents integer NOT NULL DEFAULT 0 CHECK (price_cents >= 0);
