-- tide:no-transaction
CREATE INDEX CONCURRENTLY users_nickname ON users (nickname);
