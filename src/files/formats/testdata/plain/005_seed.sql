insert into accounts (email) values ('ops@example.com');
