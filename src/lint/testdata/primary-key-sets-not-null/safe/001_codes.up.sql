CREATE TABLE country_codes (code text NOT NULL, name text NOT NULL);
