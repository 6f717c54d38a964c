CREATE TYPE ticket_status AS ENUM ('open', 'closed');
CREATE TABLE tickets (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  status ticket_status NOT NULL
);
