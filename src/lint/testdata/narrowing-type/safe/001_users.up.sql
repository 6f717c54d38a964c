CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text,
  name varchar(50) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
