CREATE TABLE plans (name text PRIMARY KEY, seats int NOT NULL);
INSERT INTO plans VALUES ('free', 1), ('team', 10);
