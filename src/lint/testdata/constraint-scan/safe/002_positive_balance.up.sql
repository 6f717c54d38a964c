SET LOCAL lock_timeout = '2s';
ALTER TABLE accounts
  ADD CONSTRAINT positive_balance CHECK (balance >= 0) NOT VALID;
