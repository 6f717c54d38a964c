drop index concurrently accounts_email_idx;
