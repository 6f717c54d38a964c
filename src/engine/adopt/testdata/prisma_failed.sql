-- `prisma migrate deploy` failed in the third migration: no finished_at, no rolled_back_at.
INSERT INTO _prisma_migrations VALUES
  ('7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c44', '11223344556677889900aabbccddeeff11223344556677889900aabbccddeeff',
   NULL, '20240112081500_add_index',
   E'Database error code: 42703\n\nDatabase error:\nERROR: column "titel" does not exist',
   NULL, '2024-01-12 08:15:00', 0);
