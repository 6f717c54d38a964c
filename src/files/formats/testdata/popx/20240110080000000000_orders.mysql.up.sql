create table orders (id int auto_increment primary key) engine=innodb;
