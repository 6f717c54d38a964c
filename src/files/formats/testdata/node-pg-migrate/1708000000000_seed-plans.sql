insert into accounts (email, plan) values ('ops@example.com', 'staff');
