CREATE TABLE prices (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product text NOT NULL,
  price integer NOT NULL
);
