UPDATE users SET name = 'Ada Lovelace' WHERE email = 'ada@example.com';
