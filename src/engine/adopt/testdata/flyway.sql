-- Flyway (PostgreSQL): a database baselined at 1, then migrated; V3 was undone (Teams).
-- Checksums are Flyway's CRC-32 of the files adopt_test.ts writes.
CREATE TABLE "flyway_schema_history" (
    "installed_rank" INT NOT NULL,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
);
ALTER TABLE "flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON "flyway_schema_history" ("success");
INSERT INTO "flyway_schema_history" VALUES
  (1, '1', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', NULL, 'app', '2024-01-10 09:00:00', 0, true),
  (2, '1.1', 'add users email', 'SQL', 'V1_1__add_users_email.sql', -1929901731, 'app', '2024-01-11 14:30:00', 14, true),
  (3, '2', 'create orders', 'SQL', 'V2__create_orders.sql', 2061956506, 'app', '2024-01-12 08:15:00', 21, true),
  (4, '3', 'seed products', 'SQL', 'V3__seed_products.sql', -1227792727, 'app', '2024-01-13 10:00:00', 8, true),
  (5, '3', 'seed products', 'UNDO_SQL', 'U3__seed_products.sql', 1706937697, 'app', '2024-01-13 10:05:00', 5, true);
