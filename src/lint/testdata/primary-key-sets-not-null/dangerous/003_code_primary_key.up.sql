SET LOCAL lock_timeout = '2s';
ALTER TABLE country_codes
  ADD CONSTRAINT country_codes_pkey PRIMARY KEY USING INDEX country_codes_pkey;
