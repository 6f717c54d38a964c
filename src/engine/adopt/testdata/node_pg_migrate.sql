-- node-pg-migrate: names are the file names without their extension.
CREATE TABLE pgmigrations (id SERIAL PRIMARY KEY, name varchar(255) NOT NULL, run_on timestamp NOT NULL);
INSERT INTO pgmigrations (name, run_on) VALUES
  ('1704877200000_create-users', '2024-01-10 09:00:00'),
  ('1704963600000_add-email', '2024-01-11 09:00:00');
