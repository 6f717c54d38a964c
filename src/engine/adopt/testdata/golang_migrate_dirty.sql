-- `migrate up` stopped inside 000003: golang-migrate replaces its row, marked dirty.
TRUNCATE schema_migrations;
INSERT INTO schema_migrations (version, dirty) VALUES (3, true);
