-- A second project deployed into the same registry.
INSERT INTO sqitch.projects VALUES ('queue', NULL, '2024-02-01 10:00:00', 'Ada', 'ada@example.com');
INSERT INTO sqitch.changes VALUES
  ('0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b', NULL, 'jobs', 'queue', '', '2024-02-01 10:00:00',
   'Ada', 'ada@example.com', '2024-02-01 09:00:00', 'Ada', 'ada@example.com');
