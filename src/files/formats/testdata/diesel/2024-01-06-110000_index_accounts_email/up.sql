create unique index concurrently accounts_email_idx on accounts (lower(email));
