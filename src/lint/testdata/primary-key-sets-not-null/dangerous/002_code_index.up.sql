-- tide:no-transaction
CREATE UNIQUE INDEX CONCURRENTLY country_codes_pkey ON country_codes (code);
