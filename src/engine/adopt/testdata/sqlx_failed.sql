-- `sqlx migrate run` failed in a no-transaction migration: its row says success = false.
INSERT INTO _sqlx_migrations VALUES
  (20240112081500, 'create posts', '2024-01-12 08:15:00', false,
   sha384(convert_to('create table posts (id bigint primary key);', 'UTF8')), -1);
