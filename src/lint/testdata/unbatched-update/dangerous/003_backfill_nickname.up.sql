UPDATE users SET nickname = name WHERE nickname IS NULL;
