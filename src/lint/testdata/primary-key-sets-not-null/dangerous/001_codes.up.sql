CREATE TABLE country_codes (code text, name text NOT NULL);
