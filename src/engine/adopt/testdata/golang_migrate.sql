-- golang-migrate (database/postgres) at version 2: the table as `migrate` creates it, holding
-- the one row it keeps.
CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null);
INSERT INTO schema_migrations (version, dirty) VALUES (2, false);
