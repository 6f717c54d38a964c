CREATE TABLE ticket_statuses (name text PRIMARY KEY);
INSERT INTO ticket_statuses VALUES ('open'), ('closed');
CREATE TABLE tickets (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  status text NOT NULL REFERENCES ticket_statuses (name)
);
