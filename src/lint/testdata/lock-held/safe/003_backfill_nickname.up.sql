-- tide:no-transaction
DO $$
BEGIN
  LOOP
    UPDATE users SET nickname = name
    WHERE id IN (SELECT id FROM users WHERE nickname IS NULL LIMIT 5000);
    EXIT WHEN NOT FOUND;
    COMMIT;
  END LOOP;
END
$$;
