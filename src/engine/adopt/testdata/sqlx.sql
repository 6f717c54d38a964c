-- sqlx (PostgreSQL): two applied migrations, checksums SHA-384 of the up files adopt_test.ts writes.
CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    success BOOLEAN NOT NULL,
    checksum BYTEA NOT NULL,
    execution_time BIGINT NOT NULL
);
INSERT INTO _sqlx_migrations VALUES
  (20240110090000, 'create users', '2024-01-10 09:00:00', true,
   sha384(convert_to(E'create table users (id bigint primary key);\n', 'UTF8')), 2345678),
  (20240111143000, 'add email', '2024-01-11 14:30:00', true,
   sha384(convert_to(E'create table emails (id bigint primary key);\n', 'UTF8')), 912345);
