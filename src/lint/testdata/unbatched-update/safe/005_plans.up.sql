CREATE TABLE plans (name text PRIMARY KEY, label text);
INSERT INTO plans (name) VALUES ('free'), ('team'), ('enterprise');
