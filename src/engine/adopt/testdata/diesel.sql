-- Diesel: its setup migration and one more, versions the digits of their folder names.
CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (
       version VARCHAR(50) PRIMARY KEY NOT NULL,
       run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO __diesel_schema_migrations (version, run_on) VALUES
  ('00000000000000', '2024-01-10 09:00:00'),
  ('20240110090000', '2024-01-10 09:00:01');
