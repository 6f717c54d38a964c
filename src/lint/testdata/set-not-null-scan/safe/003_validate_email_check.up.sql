SET LOCAL lock_timeout = '2s';
ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
