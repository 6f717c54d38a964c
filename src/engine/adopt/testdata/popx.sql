-- Ory popx: a legacy 14-digit row (from pop, before popx's longer versions) and newer rows.
CREATE TABLE schema_migration (version VARCHAR (48) NOT NULL, version_self INT NOT NULL DEFAULT 0);
CREATE UNIQUE INDEX schema_migration_version_idx ON schema_migration (version);
CREATE INDEX schema_migration_version_self_idx ON schema_migration (version_self);
INSERT INTO schema_migration (version) VALUES ('20191100000001'), ('20191100000002000000');
