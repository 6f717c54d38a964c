-- Prisma: the first migration applied; the second failed, was resolved as rolled back, and was
-- then applied; the third is pending. Checksums: SHA-256 of the files adopt_test.ts writes.
CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);
INSERT INTO _prisma_migrations VALUES
  ('9b2f3c1e-6c4a-4a51-9d0e-2f1a7b8c9d01', 'aa76ff90435ce799b755046554b3bd03d6ccc618dfac6c24c129e8ce83c63ead',
   '2024-01-10 09:00:01', '20240110090000_init', NULL, NULL, '2024-01-10 09:00:00', 1),
  ('1c7e9a40-2b3d-4e5f-8a6b-7c8d9e0f1a22', 'a4cde01b9fac781c3670b2d4bde1b0378fc7d564e8403e3a2826a4956f4f9a14',
   NULL, '20240111143000_add_posts',
   E'Database error code: 42P07\n\nDatabase error:\nERROR: relation "posts" already exists',
   '2024-01-11 14:40:00', '2024-01-11 14:30:00', 0),
  ('5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e33', 'a4cde01b9fac781c3670b2d4bde1b0378fc7d564e8403e3a2826a4956f4f9a14',
   '2024-01-11 15:00:01', '20240111143000_add_posts', NULL, NULL, '2024-01-11 15:00:00', 1);
