SET LOCAL lock_timeout = '2s';
ALTER TABLE accounts VALIDATE CONSTRAINT positive_balance;
