CREATE TABLE products (
  id bigserial PRIMARY KEY,
  title text NOT NULL
);
