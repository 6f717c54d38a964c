CREATE TABLE legacy_sessions (token text PRIMARY KEY, data jsonb);
