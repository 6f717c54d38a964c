CREATE TABLE accounts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner text NOT NULL,
  balance numeric(12, 2) NOT NULL DEFAULT 0
);
