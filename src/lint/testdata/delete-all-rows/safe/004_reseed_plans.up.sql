DELETE FROM plans;
INSERT INTO plans VALUES ('free', 1), ('team', 20), ('enterprise', 100);
