-- Flyway writes version 1.1 as V1_1.
ALTER TABLE products ADD COLUMN sku text UNIQUE;
