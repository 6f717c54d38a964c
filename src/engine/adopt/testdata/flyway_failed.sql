-- `flyway migrate` failed in V4, which runs outside a transaction (executeInTransaction=false).
INSERT INTO "flyway_schema_history" VALUES
  (6, '4', 'index orders', 'SQL', 'V4__index_orders.sql', 402715, 'app', '2024-01-14 09:00:00', 3, false);
